/**
 * `POST /api/v1/validate` records the signer's certificate as seen when a CA of the node issued
 * it (for `log monitor`), one row per certificate with a count; a bad body records nothing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { readSeenCertificates } from '../../../src/ledger/seen_certificates.js';
import { buildApp } from '../../../src/server/app.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import { parseCertificate } from '../../../src/x509/certificate_info.js';
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

describe('POST /api/v1/validate records the signers of the node’s CAs', () => {
  it('the signer certificate is seen, once per validation; bad input is not', async () => {
    const validate = (payload: Buffer) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/validate',
        headers: { 'content-type': 'application/pkcs7-mime' },
        payload,
      });
    assert.equal((await validate(signed)).statusCode, 200);
    assert.equal((await validate(signed)).statusCode, 200);
    assert.equal((await validate(Buffer.from('not a signature'))).statusCode >= 400, true);
    const rows = await readSeenCertificates(f.node.store.db);
    assert.deepEqual(
      rows.map((r) => ({
        source: r.source,
        sha256: r.sha256,
        serial: r.serial,
        issuerCa: r.issuerCa,
        count: r.count,
      })),
      [
        {
          source: 'validate',
          sha256: createHash('sha256').update(f.certificate).digest('hex'),
          serial: parseCertificate(f.certificate).serial,
          issuerCa: 'eid-ca',
          count: 2,
        },
      ],
    );
  });
});
