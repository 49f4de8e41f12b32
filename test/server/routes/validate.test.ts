/**
 * `POST /api/v1/validate` in-process: raw and JSON bodies, the three report formats, the node's
 * own OCSP and CRLs answered in-process, and clean errors for bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import { DOCUMENT, signingFixture } from '../../signature/fixtures.js';
import type { SigningFixture } from '../../signature/fixtures.js';

let f: SigningFixture;
let app: FastifyInstance;
let attached: Buffer;
let detached: Buffer;

before(async () => {
  f = await signingFixture();
  app = await buildApp(f.node);
  const common = {
    content: DOCUMENT,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: f.node.clock(),
    level: 'B-T' as const,
    tsa: f.endpoint,
  };
  attached = await signCades({ ...common, detached: false });
  detached = await signCades({ ...common, detached: true });
});
after(async () => {
  await app?.close();
  await f?.node.close();
});

describe('POST /api/v1/validate', () => {
  it('a raw CMS body, no token needed: the JSON report says TOTAL-PASSED with revocation evidence', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/validate',
      headers: { 'content-type': 'application/pkcs7-mime' },
      payload: attached,
    });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json();
    assert.equal(report.signatures[0].indication, 'TOTAL-PASSED');
    assert.equal(report.signatures[0].chain[0].revocation.status, 'good');
    assert.equal(report.summary.passed, 1);
  });

  it('JSON with a detached signature and its content, and the ETSI XML report', async () => {
    const body = {
      document: detached.toString('base64'),
      detached: [{ name: 'mou.txt', content: DOCUMENT.toString('base64') }],
      reportFormat: 'etsi-xml',
    };
    const res = await app.inject({ method: 'POST', url: '/api/v1/validate', payload: body });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.headers['content-type'] as string, /application\/xml/);
    assert.match(res.body, /urn:etsi:019102:mainindication:total-passed/);
  });

  it('the HTML report, and a past validation time through ?at=', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/validate?reportFormat=html&at=2026-03-02T10:00:00Z',
      headers: { 'content-type': 'application/octet-stream' },
      payload: attached,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /TOTAL-PASSED/);
  });

  it('bad input gets a stable error code', async () => {
    const cases: [Record<string, string>, string | Buffer, number, string][] = [
      [
        { 'content-type': 'application/octet-stream' },
        Buffer.from('hello world'),
        415,
        'VALIDATION_FORMAT_UNKNOWN',
      ],
      [
        { 'content-type': 'application/octet-stream' },
        Buffer.from([0x30, 0x82, 0xff]),
        400,
        'PKI_CMS_MALFORMED',
      ],
      [{ 'content-type': 'application/json' }, '{"document": 5}', 400, 'INPUT_MALFORMED'],
      [{ 'content-type': 'application/json' }, '{"document": "AA==", "extra": 1}', 400, 'INPUT_MALFORMED'],
      [{ 'content-type': 'application/json' }, '{"document": ""}', 400, 'INPUT_MALFORMED'],
      [{ 'content-type': 'text/plain' }, 'x', 415, 'HTTP_UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [headers, payload, status, code] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/validate', headers, payload });
      assert.equal(res.statusCode, status, `${String(payload)}: ${res.body}`);
      assert.equal(res.json().error.code, code);
    }
  });
});
