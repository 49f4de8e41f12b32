import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as DER from '../../src/lib/der.js';
import { PkiError } from '../../src/lib/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import type { HashAlgorithm, Signer } from '../../src/pki/key_store.js';
import {
  buildOcspErrorResponse,
  buildOcspResponse,
  certIdMatches,
  hexToSerialBytes,
  parseOcspRequest,
  serialToHex,
} from '../../src/pki/ocsp.js';
import type { OcspErrorStatus, OcspRequestInfo, OcspStatus } from '../../src/pki/ocsp.js';
import { parseOcspResponse } from '../../src/pki/ocsp_response_parser.js';

const OPENSSL = '/usr/bin/openssl';
const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_ocsp]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
[v3_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
`;

let dir = '';

/** Runs openssl in the test directory (a string is split on spaces); returns stdout + stderr and the status. */
function openssl(args: string | string[]): { out: string; status: number | null } {
  const argv = typeof args === 'string' ? args.split(' ') : args;
  const r = spawnSync(OPENSSL, argv, { cwd: dir, encoding: 'utf8' });
  return { out: `${r.stdout}${r.stderr}`, status: r.status };
}

function opensslOk(args: string | string[]): string {
  const r = openssl(args);
  assert.equal(r.status, 0, `openssl ${String(args)} failed:\n${r.out}`);
  return r.out;
}

function file(name: string): Buffer {
  return readFileSync(join(dir, name));
}

function pemToDer(name: string): Buffer {
  return Buffer.from(
    file(name)
      .toString('utf8')
      .replace(/-----[^-]+-----|\s/g, ''),
    'base64',
  );
}

function makeKey(name: string, curve: 'P-256' | 'P-384'): void {
  opensslOk(`genpkey -algorithm EC -pkeyopt ec_paramgen_curve:${curve} -out ${name}.key`);
}

function issue(name: string, cn: string, serial: string, extensions: string, curve: 'P-256' | 'P-384'): void {
  makeKey(name, curve);
  opensslOk(`req -new -key ${name}.key -subj /CN=${cn} -config ext.cnf -out ${name}.csr`);
  opensslOk(
    `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -set_serial ${serial} -days 30 -sha256 -extfile ext.cnf -extensions ${extensions} -out ${name}.pem`,
  );
}

function makeSigner(keyFile: string, hash: HashAlgorithm): Signer {
  const key = createPrivateKey(file(keyFile));
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return {
    keyId: keyFile,
    algorithm: hash === 'sha256' ? 'P-256' : 'P-384',
    hash,
    spki,
    sign: async (data) => sign(hash, data, { key, dsaEncoding: 'der' }),
  };
}

function subjectDer(certFile: string): Buffer {
  const cert = AsnConvert.parse(pemToDer(certFile), Certificate);
  return Buffer.from(AsnConvert.serialize(cert.tbsCertificate.subject));
}

function spkiDer(certFile: string): Buffer {
  const cert = AsnConvert.parse(pemToDer(certFile), Certificate);
  return Buffer.from(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo));
}

function assertPkiError(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (e: unknown) => e instanceof PkiError && e.code === code);
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random mutation of `input`: bit flips, byte changes, truncation, insertion, deletion or garbage. */
function mutate(input: Buffer, rnd: () => number): Buffer {
  const int = (n: number): number => Math.floor(rnd() * n);
  const out = Buffer.from(input);
  switch (int(6)) {
    case 0:
      for (let i = 0, n = 1 + int(3); i < n; i++) out[int(out.length)]! ^= 1 << int(8);
      return out;
    case 1:
      out[int(out.length)] = int(256);
      return out;
    case 2:
      return out.subarray(0, int(out.length));
    case 3: {
      const at = int(out.length + 1);
      const extra = Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256)));
      return Buffer.concat([out.subarray(0, at), extra, out.subarray(at)]);
    }
    case 4: {
      const at = int(out.length);
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + int(8))]);
    }
    default:
      return Buffer.from(Array.from({ length: int(200) }, () => int(256)));
  }
}

describe('OCSP encoding', () => {
  let request: Buffer;
  let info: OcspRequestInfo;
  let signer: Signer;
  let responderCert: Buffer;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tb-ocsp-'));
    writeFileSync(join(dir, 'ext.cnf'), CONFIG);
    makeKey('ca', 'P-256');
    opensslOk(
      `req -x509 -new -key ca.key -subj /CN=Trustbridge-Test-CA -days 30 -sha256 -config ext.cnf -extensions v3_ca -out ca.pem`,
    );
    issue('resp', 'Test-OCSP-Responder', '0x1001', 'v3_ocsp', 'P-256');
    issue('resp384', 'Test-OCSP-Responder-P-384', '0x1002', 'v3_ocsp', 'P-384');
    issue('leaf1', 'Leaf-One', '0xC0FFEE12', 'v3_leaf', 'P-256');
    issue('leaf2', 'Leaf-Two', '0x1234', 'v3_leaf', 'P-256');
    makeKey('other', 'P-256');
    opensslOk(`ocsp -issuer ca.pem -cert leaf1.pem -reqout req.der`);
    request = file('req.der');
    info = parseOcspRequest(request);
    signer = makeSigner('resp.key', 'sha256');
    responderCert = pemToDer('resp.pem');
  });

  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** Builds a one-answer response to req.der, writes it to `name` and returns it. */
  async function respond(name: string, status: OcspStatus, s: Signer = signer, cert = responderCert) {
    const now = new Date();
    const der = await buildOcspResponse({
      signer: s,
      responderCertificate: cert,
      producedAt: now,
      nonceExtension: info.nonceExtension,
      answers: [
        { certId: info.certIds[0]!, status, thisUpdate: now, nextUpdate: new Date(now.getTime() + 3600e3) },
      ],
    });
    writeFileSync(join(dir, name), der);
    return der;
  }

  /** openssl's view of a response, checked against req.der (signature, nonce) and against leaf1.pem. */
  function opensslView(name: string): { text: string; summary: string } {
    const text = opensslOk(`ocsp -respin ${name} -issuer ca.pem -CAfile ca.pem -reqin req.der -resp_text`);
    assert.match(text, /Response verify OK/);
    assert.doesNotMatch(text, /Nonce Verify error|WARNING/);
    const summary = opensslOk(`ocsp -respin ${name} -issuer ca.pem -CAfile ca.pem -cert leaf1.pem -no_nonce`);
    assert.match(summary, /Response verify OK/);
    return { text, summary };
  }

  it('parses an openssl request: serial, nonce, CertID hashes', () => {
    const text = opensslOk(`ocsp -reqin req.der -req_text`);
    assert.equal(info.certIds.length, 1);
    const id = info.certIds[0]!;
    assert.equal(id.serial, 'c0ffee12');
    assert.equal(id.hashAlgorithm, 'sha1');
    assert.ok(request.includes(id.raw));
    const nonceHex = /OCSP Nonce:\s*\n\s*([0-9A-F]+)/.exec(text)?.[1];
    assert.equal(info.nonce?.toString('hex').toUpperCase(), nonceHex);
    assert.ok(info.nonceExtension && request.includes(info.nonceExtension));
    assert.equal(certIdMatches(id, subjectDer('ca.pem'), spkiDer('ca.pem')), true);
    assert.equal(certIdMatches(id, subjectDer('ca.pem'), spkiDer('resp.pem')), false);
    assert.equal(certIdMatches(id, subjectDer('resp.pem'), spkiDer('ca.pem')), false);
  });

  it('parses SHA-256 CertIDs, several certificates and requests without nonce', () => {
    opensslOk(`ocsp -sha256 -issuer ca.pem -cert leaf1.pem -cert leaf2.pem -no_nonce -reqout req2.der`);
    const two = parseOcspRequest(file('req2.der'));
    assert.deepEqual(
      two.certIds.map((c) => [c.hashAlgorithm, c.serial]),
      [
        ['sha256', 'c0ffee12'],
        ['sha256', '1234'],
      ],
    );
    assert.equal(two.nonce, undefined);
    assert.equal(two.nonceExtension, undefined);
    assert.ok(two.certIds.every((c) => certIdMatches(c, subjectDer('ca.pem'), spkiDer('ca.pem'))));
  });

  it('builds a good response that openssl verifies, with the nonce echoed', async () => {
    const der = await respond('good.der', { status: 'good' });
    const { text, summary } = opensslView('good.der');
    assert.match(text, /Cert Status: good/);
    assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.match(summary, /leaf1\.pem: good/);
    const parsed = parseOcspResponse(der);
    assert.equal(parsed.status, 'successful');
    assert.deepEqual(parsed.nonce, info.nonce);
    assert.equal(parsed.answers.length, 1);
    assert.equal(parsed.answers[0]!.serial, 'c0ffee12');
    assert.deepEqual(parsed.answers[0]!.status, { status: 'good' });
    assert.deepEqual(parsed.answers[0]!.certId.raw, info.certIds[0]!.raw);
    assert.equal(parsed.answers[0]!.thisUpdate.getUTCMilliseconds(), 0);
    assert.ok(parsed.answers[0]!.nextUpdate);
    assert.deepEqual(parsed.certificates, [responderCert]);
    assert.equal(parsed.signatureAlgorithm, '1.2.840.10045.4.3.2');
    const publicKey = createPublicKey({ key: signer.spki, format: 'der', type: 'spki' });
    const key = { key: publicKey, dsaEncoding: 'der' as const };
    assert.equal(verify('sha256', parsed.tbsResponseData!, key, parsed.signature!), true);
  });

  it('openssl rejects a response whose nonce differs from the request', async () => {
    const other = Buffer.from(info.nonceExtension!);
    other[other.length - 1]! ^= 1;
    const now = new Date();
    const der = await buildOcspResponse({
      signer,
      responderCertificate: responderCert,
      producedAt: now,
      nonceExtension: other,
      answers: [{ certId: info.certIds[0]!, status: { status: 'good' }, thisUpdate: now }],
    });
    writeFileSync(join(dir, 'badnonce.der'), der);
    const r = openssl([
      'ocsp',
      '-respin',
      'badnonce.der',
      '-issuer',
      'ca.pem',
      '-CAfile',
      'ca.pem',
      '-reqin',
      'req.der',
    ]);
    assert.match(r.out, /Nonce Verify error/);
  });

  it('builds revoked responses with reason and time (keyCompromise, certificateHold)', async () => {
    const revokedAt = new Date('2024-05-06T07:08:09Z');
    for (const reason of ['keyCompromise', 'certificateHold'] as const) {
      const der = await respond(`revoked-${reason}.der`, { status: 'revoked', revokedAt, reason });
      const { text, summary } = opensslView(`revoked-${reason}.der`);
      assert.match(text, /Cert Status: revoked/);
      assert.match(text, /Revocation Time: May {1,2}6 07:08:09 2024 GMT/);
      assert.match(text, new RegExp(`Revocation Reason: ${reason}`));
      assert.match(summary, /leaf1\.pem: revoked/);
      assert.match(summary, new RegExp(`Reason: ${reason}`));
      assert.deepEqual(parseOcspResponse(der).answers[0]!.status, { status: 'revoked', revokedAt, reason });
    }
    const der = await respond('revoked-noreason.der', { status: 'revoked', revokedAt });
    assert.doesNotMatch(opensslView('revoked-noreason.der').text, /Revocation Reason/);
    assert.deepEqual(parseOcspResponse(der).answers[0]!.status, { status: 'revoked', revokedAt });
  });

  it('builds unknown responses', async () => {
    const der = await respond('unknown.der', { status: 'unknown' });
    const { text, summary } = opensslView('unknown.der');
    assert.match(text, /Cert Status: unknown/);
    assert.match(summary, /leaf1\.pem: unknown/);
    assert.deepEqual(parseOcspResponse(der).answers[0]!.status, { status: 'unknown' });
  });

  it('signs with ecdsa-with-SHA384 for a P-384 responder', async () => {
    await respond(
      'good384.der',
      { status: 'good' },
      makeSigner('resp384.key', 'sha384'),
      pemToDer('resp384.pem'),
    );
    assert.match(opensslView('good384.der').text, /Signature Algorithm: ecdsa-with-SHA384/);
  });

  it('refuses a responder certificate for another key', async () => {
    await assert.rejects(
      respond('x.der', { status: 'good' }, signer, pemToDer('ca.pem')),
      (e: unknown) => e instanceof PkiError && e.code === 'INTERNAL',
    );
  });

  it('builds error responses', () => {
    const der = buildOcspErrorResponse('malformedRequest');
    writeFileSync(join(dir, 'error.der'), der);
    assert.match(openssl(`ocsp -respin error.der -resp_text`).out, /Responder Error: malformedrequest \(1\)/);
    const all: OcspErrorStatus[] = [
      'malformedRequest',
      'internalError',
      'tryLater',
      'sigRequired',
      'unauthorized',
    ];
    for (const status of all) {
      assert.deepEqual(parseOcspResponse(buildOcspErrorResponse(status)), {
        status,
        answers: [],
        certificates: [],
      });
    }
  });

  it('rejects empty, oversized, trailing-byte and over-long requests', () => {
    const code = 'PKI_OCSP_REQUEST_MALFORMED';
    assertPkiError(() => parseOcspRequest(Buffer.from('300430023000', 'hex')), code);
    assertPkiError(() => parseOcspRequest(Buffer.concat([request, Buffer.from([0])])), code);
    assertPkiError(() => parseOcspRequest(Buffer.alloc(64 * 1024 + 1)), code);
    assertPkiError(() => parseOcspRequest(Buffer.alloc(0)), code);
    const serials = (n: number): string[] =>
      Array.from({ length: n }, (_, i) => ['-serial', `${i + 1}`]).flat();
    opensslOk(['ocsp', '-issuer', 'ca.pem', ...serials(16), '-reqout', 'req16.der']);
    opensslOk(['ocsp', '-issuer', 'ca.pem', ...serials(17), '-reqout', 'req17.der']);
    assert.equal(parseOcspRequest(file('req16.der')).certIds.length, 16);
    assertPkiError(() => parseOcspRequest(file('req17.der')), code);
  });

  it('rejects CertIDs with a negative serial or a hash of the wrong length', () => {
    const sha1 = DER.seq(DER.oid('1.3.14.3.2.26'), DER.nullValue());
    const sha256 = DER.seq(DER.oid('2.16.840.1.101.3.4.2.1'));
    const hash20 = DER.octets(Buffer.alloc(20, 1));
    const req = (certId: Buffer): Buffer => DER.seq(DER.seq(DER.seq(DER.seq(certId))));
    const serial = (bytes: number[]): Buffer => DER.tlv(0x02, Buffer.from(bytes));
    assert.equal(
      parseOcspRequest(req(DER.seq(sha1, hash20, hash20, serial([0x00, 0x85])))).certIds[0]!.serial,
      '85',
    );
    const code = 'PKI_OCSP_REQUEST_MALFORMED';
    assertPkiError(() => parseOcspRequest(req(DER.seq(sha1, hash20, hash20, serial([0x85])))), code);
    assertPkiError(() => parseOcspRequest(req(DER.seq(sha1, hash20, hash20, serial([0x00, 0x05])))), code);
    assertPkiError(() => parseOcspRequest(req(DER.seq(sha256, hash20, hash20, serial([0x05])))), code);
  });

  it('fuzzed requests are either parsed or PKI_OCSP_REQUEST_MALFORMED', () => {
    const rnd = prng(0x6f637370);
    let parsed = 0;
    let malformed = 0;
    for (let i = 0; i < 600; i++) {
      const input = mutate(request, rnd);
      try {
        const r = parseOcspRequest(input);
        assert.ok(r.certIds.length >= 1 && r.certIds.length <= 16);
        for (const id of r.certIds) assert.ok(input.includes(id.raw));
        parsed++;
      } catch (e) {
        if (!(e instanceof PkiError && e.code === 'PKI_OCSP_REQUEST_MALFORMED')) throw e;
        malformed++;
      }
    }
    assert.ok(parsed > 0 && malformed > 0, `parsed ${parsed}, malformed ${malformed}`);
  });

  it('fuzzed responses are either parsed or INPUT_MALFORMED', async () => {
    const good = await respond('fuzz.der', {
      status: 'revoked',
      revokedAt: new Date(),
      reason: 'superseded',
    });
    const rnd = prng(42);
    for (let i = 0; i < 300; i++) {
      try {
        parseOcspResponse(mutate(good, rnd));
      } catch (e) {
        if (!(e instanceof PkiError && e.code === 'INPUT_MALFORMED')) throw e;
      }
    }
  });

  it('converts serial numbers between INTEGER content octets and hex', () => {
    assert.equal(serialToHex(Uint8Array.of(0x00, 0xc0, 0xff, 0xee)), 'c0ffee');
    assert.equal(serialToHex(Uint8Array.of(0x12, 0x34).buffer), '1234');
    assert.equal(serialToHex(Uint8Array.of(0x00)), '00');
    assert.deepEqual(Buffer.from(hexToSerialBytes('C0FFEE')), Buffer.from('00c0ffee', 'hex'));
    assert.deepEqual(Buffer.from(hexToSerialBytes('00001234')), Buffer.from('1234', 'hex'));
    assert.deepEqual(Buffer.from(hexToSerialBytes('abc')), Buffer.from('0abc', 'hex'));
    assert.deepEqual(Buffer.from(hexToSerialBytes('0')), Buffer.from('00', 'hex'));
    for (const hex of ['01', '7f', '80', 'c0ffee12', 'ff'.repeat(20)]) {
      assert.equal(serialToHex(hexToSerialBytes(hex)), hex);
    }
    assertPkiError(() => hexToSerialBytes(''), 'INPUT_MALFORMED');
    assertPkiError(() => hexToSerialBytes('12g4'), 'INPUT_MALFORMED');
  });
});
