/** The OCSP client pieces of CAdES B-LT: request building, AIA / CRL DP URLs, the HTTP fetcher. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPem } from '../../../src/lib/pem.js';
import { ocspServiceOf } from '../../../src/node/ocsp_service.js';
import { parseCertificate } from '../../../src/x509/certificate_info.js';
import { certIdMatches, parseOcspRequest } from '../../../src/pki/ocsp.js';
import { buildOcspRequest, crlUrlOf, ocspUrlOf } from '../../../src/pki/ocsp_request.js';
import { checkOcspResponse, httpRevocationFetcher } from '../../../src/signature/revocation_fetcher.js';
import { rejectsCode, throwsCode } from '../../fixtures/assert.js';
import { missingTools, tempDir, tool } from '../../fixtures/cli.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

let f: SigningFixture;
let eidCa: Buffer;

before(async () => {
  f = await signingFixture();
  eidCa = f.chain[0]!;
});
after(() => f?.node.close());

describe('buildOcspRequest', () => {
  it('parseOcspRequest reads back a SHA-1 CertID for the signer, matching the issuer', () => {
    const { der, certId, nonce } = buildOcspRequest(f.certificate, eidCa);
    assert.equal(nonce, undefined);
    const info = parseOcspRequest(der);
    assert.equal(info.certIds.length, 1);
    const id = info.certIds[0]!;
    assert.equal(id.hashAlgorithm, 'sha1');
    assert.equal(id.serial, parseCertificate(f.certificate).serial);
    assert.deepEqual(id.raw, certId);
    const ca = parseCertificate(eidCa);
    assert.ok(certIdMatches(id, ca.subjectDer, ca.spki));
    assert.equal(info.nonce, undefined);
  });

  it('SHA-256 CertIDs and nonces (RFC 8954)', () => {
    const nonce = Buffer.alloc(16, 7);
    const { der } = buildOcspRequest(f.certificate, eidCa, { hash: 'sha256', nonce });
    const info = parseOcspRequest(der);
    assert.equal(info.certIds[0]!.hashAlgorithm, 'sha256');
    assert.deepEqual(info.nonce, Buffer.concat([Buffer.from([0x04, 16]), nonce]));
    assert.equal(buildOcspRequest(f.certificate, eidCa, { nonce: true }).nonce?.length, 32);
    throwsCode(() => buildOcspRequest(f.certificate, eidCa, { nonce: Buffer.alloc(33) }), 'INTERNAL');
  });

  it(
    'OpenSSL prints it, and writes the same bytes with -no_nonce',
    { skip: missingTools('openssl') },
    async () => {
      const tmp = tempDir('tb-ocsp-req-');
      try {
        const p = (n: string): string => join(tmp.path, n);
        writeFileSync(p('req.der'), buildOcspRequest(f.certificate, eidCa).der);
        writeFileSync(p('ca.pem'), toPem(eidCa, 'CERTIFICATE'));
        writeFileSync(p('cert.pem'), toPem(f.certificate, 'CERTIFICATE'));
        const text = await tool('openssl', ['ocsp', '-reqin', p('req.der'), '-req_text', '-noverify']);
        assert.match(text, /OCSP Request Data:/);
        assert.match(text, /Hash Algorithm: sha1/);
        assert.match(text, new RegExp(`Serial Number: ${parseCertificate(f.certificate).serial}`, 'i'));
        await tool('openssl', [
          'ocsp',
          '-issuer',
          p('ca.pem'),
          '-cert',
          p('cert.pem'),
          '-no_nonce',
          '-reqout',
          p('o.der'),
        ]);
        assert.deepEqual(readFileSync(p('req.der')), readFileSync(p('o.der')));
      } finally {
        tmp.remove();
      }
    },
  );

  it('ocspUrlOf and crlUrlOf read AIA id-ad-ocsp and the CRL distribution point', () => {
    assert.equal(ocspUrlOf(f.certificate), 'https://pki.test.example/ocsp');
    assert.equal(ocspUrlOf(eidCa), undefined, 'the eID CA names no OCSP responder');
    assert.equal(crlUrlOf(eidCa), 'https://pki.test.example/crl/root.crl');
    assert.equal(ocspUrlOf(f.node.root.certificate.der), undefined);
    throwsCode(() => ocspUrlOf(DOCUMENT), 'PKI_CERT_MALFORMED');
  });
});

describe('checkOcspResponse', () => {
  it('accepts the delegated responder answer, refuses it for another issuer and a wrong nonce', async () => {
    const at = f.node.clock();
    const req = buildOcspRequest(f.certificate, eidCa, { nonce: true });
    const der = (await ocspServiceOf(f.node).respond(req.der)).der;
    const { answer } = checkOcspResponse(der, {
      certificate: f.certificate,
      issuer: eidCa,
      at,
      nonce: req.nonce!,
    });
    assert.equal(answer.status.status, 'good');
    throwsCode(
      () =>
        checkOcspResponse(der, { certificate: f.certificate, issuer: eidCa, at, nonce: Buffer.alloc(32) }),
      'REV_OCSP_RESPONSE_INVALID',
      /nonce/,
    );
    throwsCode(
      () => checkOcspResponse(der, { certificate: f.certificate, issuer: f.node.root.certificate.der, at }),
      'REV_OCSP_RESPONSE_INVALID',
    );
  });
});

describe('httpRevocationFetcher', () => {
  let server: Server;
  let base: string;
  const seen: { method: string; type: string | undefined; body: Buffer }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, type: req.headers['content-type'], body: Buffer.concat(chunks) });
        if (req.url === '/ocsp') res.end(Buffer.from('answer'));
        else if (req.url === '/big') res.end(Buffer.alloc(2048));
        else if (req.url === '/chunked') res.write(Buffer.alloc(1000), () => res.end(Buffer.alloc(1000)));
        else if (req.url === '/slow') setTimeout(() => res.end('late'), 500);
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('POSTs application/ocsp-request; HTTP errors, size and time limits are REV_TRANSPORT_FAILED / INPUT_TOO_LARGE', async () => {
    const fetcher = httpRevocationFetcher({ maxBytes: 1024, timeoutMs: 200 });
    assert.deepEqual(await fetcher.ocsp(`${base}/ocsp`, Buffer.from('req')), Buffer.from('answer'));
    assert.deepEqual(seen[0], { method: 'POST', type: 'application/ocsp-request', body: Buffer.from('req') });
    await rejectsCode(() => fetcher.crl!(`${base}/missing.crl`), 'REV_TRANSPORT_FAILED', /HTTP 404/);
    await rejectsCode(() => fetcher.crl!(`${base}/big`), 'INPUT_TOO_LARGE');
    await rejectsCode(() => fetcher.crl!(`${base}/chunked`), 'INPUT_TOO_LARGE');
    await rejectsCode(() => fetcher.ocsp(`${base}/slow`, Buffer.from('x')), 'REV_TRANSPORT_FAILED');
  });
});
