/**
 * Nonces the node refuses to echo (issue 13): an OCSP nonce outside RFC 8954's 1 to 32 octets
 * gets malformedRequest, a time-stamp request with an oversized or non-minimal nonce INTEGER a
 * rejection (badDataFormat); openssl reads both answers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import * as DER from '../../../src/lib/der.js';
import { NONCE_OID } from '../../../src/pki/ocsp.js';
import { ocspCertId } from '../../../src/pki/ocsp_request.js';
import { parseTimeStampResp } from '../../../src/timestamp/response.js';
import { buildApp } from '../../../src/server/app.js';
import { makeTestNode } from '../../fixtures/node.js';
import type { TestNode } from '../../fixtures/node.js';
import { rawRequest as tsaRequest } from '../../timestamp/fixtures.js';

let node: TestNode;
let app: FastifyInstance;
let dir: string;

/** An OCSP request for the eID CA's certificate (asked of the root) with `nonceValue` as extnValue. */
function ocspRequest(nonceValue: Buffer): Buffer {
  const certId = ocspCertId(node.eidCa.certificate.der, node.root.certificate.der);
  const ext = DER.explicit(2, DER.seq(DER.seq(DER.oid(NONCE_OID), DER.octets(nonceValue))));
  return DER.seq(DER.seq(DER.seq(DER.seq(certId)), ext));
}

async function post(url: string, type: string, body: Buffer): Promise<Buffer> {
  const res = await app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: body });
  assert.equal(res.statusCode, 200, res.body);
  return res.rawPayload;
}

/** openssl's output; it exits 1 on an OCSP error status, which is what some tests expect. */
function openssl(args: string[]): string {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `openssl ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

before(async () => {
  node = await makeTestNode();
  app = await buildApp(node);
  dir = mkdtempSync(join(tmpdir(), 'tb-nonce-'));
});
after(async () => {
  await app?.close();
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OCSP nonce length (RFC 8954 §2.1)', () => {
  it('a 30,000-octet nonce: malformedRequest, which openssl reads, and nothing echoed', async () => {
    const der = await post(
      '/ocsp',
      'application/ocsp-request',
      ocspRequest(DER.octets(Buffer.alloc(30_000, 9))),
    );
    assert.ok(der.length < 100, `a bare error status, not an echo (${der.length} bytes)`);
    writeFileSync(join(dir, 'big.ocsp'), der);
    assert.match(openssl(['ocsp', '-respin', 'big.ocsp', '-resp_text', '-noverify']), /malformedrequest/i);
  });

  it('33 octets, bare or in an OCTET STRING: malformedRequest; 32 octets: answered', async () => {
    for (const value of [DER.octets(Buffer.alloc(33, 1)), Buffer.alloc(33, 1)]) {
      const der = await post('/ocsp', 'application/ocsp-request', ocspRequest(value));
      writeFileSync(join(dir, 'r.ocsp'), der);
      assert.match(openssl(['ocsp', '-respin', 'r.ocsp', '-resp_text', '-noverify']), /malformedrequest/i);
    }
    const ok = await post('/ocsp', 'application/ocsp-request', ocspRequest(DER.octets(Buffer.alloc(32, 1))));
    writeFileSync(join(dir, 'ok.ocsp'), ok);
    assert.match(openssl(['ocsp', '-respin', 'ok.ocsp', '-resp_text', '-noverify']), /successful/i);
  });
});

describe('TSA nonce (RFC 3161 §2.4.1, X.690 §8.3.2)', () => {
  const cases: [string, Buffer][] = [
    ['non-minimal', Buffer.from([0x02, 0x03, 0x00, 0x00, 0x2a])],
    ['oversized (3,000 octets)', DER.integer(Buffer.concat([Buffer.from([0x01]), Buffer.alloc(2999, 0x55)]))],
  ];
  for (const [what, nonceDer] of cases) {
    it(`${what}: rejection with badDataFormat, which openssl reads`, async () => {
      const der = await post('/tsa', 'application/timestamp-query', tsaRequest({ nonceDer }));
      const resp = parseTimeStampResp(der);
      assert.equal(resp.statusName, 'rejection');
      assert.deepEqual(resp.failInfo, ['badDataFormat']);
      writeFileSync(join(dir, 'r.tsr'), der);
      assert.match(openssl(['ts', '-reply', '-in', 'r.tsr', '-text']), /Status: Rejected/);
    });
  }
});
