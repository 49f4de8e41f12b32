/**
 * The node's citizen page wired into the node's application: `GET /` is an HTML page (no longer
 * the JSON 404), its validate form runs the node's own validation of a signed CMS and answers
 * the HTML report, a form without its CSRF token is refused, and unknown paths still answer the
 * JSON 404.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.js';
import { CSRF_COOKIE } from '../../../src/portal/security.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import { DOCUMENT, signingFixture } from '../../signature/fixtures.js';
import type { SigningFixture } from '../../signature/fixtures.js';

let f: SigningFixture;
let app: FastifyInstance;
let signed: Buffer;

before(async () => {
  f = await signingFixture();
  app = await buildApp(f.node);
  signed = await signCades({
    content: DOCUMENT,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: f.node.clock(),
    level: 'B-B',
    detached: false,
  });
});
after(async () => {
  await app?.close();
  await f?.node.close();
});

function multipart(csrf: string | undefined, file: Buffer) {
  const b = 'tbnodepages';
  const head =
    (csrf === undefined ? '' : `--${b}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n`) +
    `--${b}\r\nContent-Disposition: form-data; name="document"; filename="mou.p7m"\r\nContent-Type: application/pkcs7-mime\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${b}--\r\n`)]),
    'content-type': `multipart/form-data; boundary=${b}`,
  };
}

describe('node citizen page', () => {
  it('GET / answers the HTML citizen page; an unknown path is still the JSON 404', async () => {
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.match(res.body, /<form method="post" action="\/validate\?lang=en"/);
    assert.match(res.headers['content-security-policy'] as string, /^default-src 'self'/);
    const missing = await app.inject({ url: '/no-such-page' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'HTTP_NOT_FOUND');
    const css = await app.inject({ url: '/portal.css' });
    assert.equal(css.statusCode, 200);
  });

  it('the form validates a signed CMS with the node and answers the HTML report', async () => {
    const page = await app.inject({ url: '/' });
    const token = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const body = multipart(token, signed);
    const res = await app.inject({
      method: 'POST',
      url: '/validate',
      payload: body.payload,
      headers: {
        'content-type': body['content-type'],
        cookie: `${CSRF_COOKIE}=${token}`,
        origin: f.node.config.baseUrl,
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /Signature validation report/);
    assert.match(res.body, /TOTAL-PASSED/);
    assert.match(res.body, /mou\.p7m/);
  });

  it('a form without its CSRF token is refused with 403 PORTAL_FORM_FORGED and is not validated', async () => {
    const body = multipart(undefined, signed);
    const res = await app.inject({
      method: 'POST',
      url: '/validate',
      payload: body.payload,
      headers: { 'content-type': body['content-type'] },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.headers['x-error-code'], 'PORTAL_FORM_FORGED');
    assert.match(res.body, /<code id="error-code">PORTAL_FORM_FORGED<\/code>/);
  });
});
