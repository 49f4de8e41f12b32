/**
 * `POST /api/v1/validate` with the node's trust store: `node.json` `lotlUrl` and the pinned
 * `DIR/lotl-signer.pem`; the LOTL and the member TL served over loopback HTTP. The signer's CA
 * is found in the member's list, and the report names it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { toPem } from '../../../src/lib/pem.js';
import { buildApp } from '../../../src/server/app.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import { tempDir } from '../../fixtures/cli.js';
import { DOCUMENT, signingFixture } from '../../signature/fixtures.js';
import type { SigningFixture } from '../../signature/fixtures.js';
import { listSigner, signedList } from '../../trust/store/fixtures.js';

let f: SigningFixture;
let app: FastifyInstance;
let server: ReturnType<typeof createServer>;
const dir = tempDir('tb-trust-server-');
const served = new Map<string, Buffer>();

before(async () => {
  f = await signingFixture();
  await new Promise<void>((r) => {
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (body) res.writeHead(200).end(body);
      else res.writeHead(404).end();
    }).listen(0, '127.0.0.1', r);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlSigner = await listSigner('VN TL signer', 'citizen-b-auth');
  const lotlSigner = await listSigner('Hub LOTL signer', 'citizen-c-auth');
  const issued = new Date(f.clock().getTime() - 3600_000);
  const nextUpdate = new Date('2026-09-01T00:00:00Z');
  const services = [
    { name: 'eID CA', start: new Date('2026-01-01T00:00:00Z'), certificates: [f.node.eidCa.certificate.der] },
  ];
  served.set(
    '/tl.xml',
    await signedList(
      { territory: 'VN', sequence: 1, issued, nextUpdate, providers: [{ name: 'VN CA', services }] },
      tlSigner,
    ),
  );
  served.set(
    '/lotl.xml',
    await signedList(
      {
        territory: 'AS',
        lotl: true,
        sequence: 1,
        issued,
        nextUpdate,
        pointers: [{ location: `${base}/tl.xml`, certificates: [tlSigner.der], territory: 'VN' }],
      },
      lotlSigner,
    ),
  );
  writeFileSync(join(dir.path, 'lotl-signer.pem'), toPem(lotlSigner.der, 'CERTIFICATE'));
  (f.node as { dir: string }).dir = dir.path;
  f.node.config.lotlUrl = `${base}/lotl.xml`;
  app = await buildApp(f.node);
});

after(async () => {
  await app?.close();
  server.close();
  await f?.node.close();
  dir.remove();
});

describe('POST /api/v1/validate with the node trust store', () => {
  it('names the member, the service and the qualification', async () => {
    const cms = await signCades({
      content: DOCUMENT,
      detached: false,
      signer: f.signer,
      signerCertificate: f.certificate,
      chain: f.chain,
      signingTime: f.clock(),
      level: 'B-B',
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/validate',
      headers: { 'content-type': 'application/pkcs7-mime' },
      payload: cms,
    });
    assert.equal(res.statusCode, 200, res.body);
    const sig = res.json().signatures[0];
    assert.equal(sig.indication, 'TOTAL-PASSED', JSON.stringify(sig.checks));
    assert.deepEqual(
      [sig.trust.country, sig.trust.serviceName, sig.trust.qualification],
      ['VN', 'eID CA', 'AdES-QC'],
    );
  });
});
