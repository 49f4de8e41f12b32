import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bitString, integer, oid, seq, tlv } from '../../src/lib/der.js';
import { toPem } from '../../src/lib/pem.js';
import { OID } from '../../src/pki/algorithms.js';
import { encodeName } from '../../src/pki/certificate_builder.js';
import { createCsr, verifyCsr } from '../../src/pki/csr.js';
import { throwsCode } from '../fixtures/assert.js';
import { fixedKey, spkiOf } from '../fixtures/keys.js';
import { csrFor } from '../fixtures/node.js';
import { openssl } from '../fixtures/pki.js';

const KEY = fixedKey('citizen-a-auth');
const OTHER = fixedKey('citizen-a-sig');

/** A CSR built by hand: lets a test vary the version, the algorithm OID and the signing key. */
function handCsr(o: { version?: number; sigOid?: string; signWith?: KeyObject; cn?: string } = {}): Buffer {
  const info = seq(
    integer(o.version ?? 0),
    encodeName([{ type: OID.commonName, value: o.cn ?? 'hand made' }]),
    spkiOf(KEY),
    tlv(0xa0, Buffer.alloc(0)),
  );
  const sig = cryptoSign('sha256', info, { key: o.signWith ?? KEY, dsaEncoding: 'der' });
  return seq(info, seq(oid(o.sigOid ?? OID.ecdsaWithSHA256)), bitString(sig));
}

test('createCsr → verifyCsr round trip, DER and PEM (both labels)', async () => {
  const der = await csrFor(KEY);
  for (const input of [
    der,
    toPem(der, 'CERTIFICATE REQUEST'),
    Buffer.from(toPem(der, 'CERTIFICATE REQUEST')),
    toPem(der, 'NEW CERTIFICATE REQUEST'),
    `some leading text\n${toPem(der, 'CERTIFICATE REQUEST')}`,
  ]) {
    const proven = verifyCsr(input);
    assert.ok(proven.spki.equals(spkiOf(KEY)));
    assert.equal(proven.curve, 'P-256');
    assert.equal(proven.publicKey.asymmetricKeyType, 'ec');
  }
  assert.ok(handCsr().length > 0 && verifyCsr(handCsr()).spki.equals(spkiOf(KEY)));
});

/** A PEM CSR made by `openssl req -new` with `key`. */
function opensslCsr(key: KeyObject): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-csr-'));
  try {
    writeFileSync(join(dir, 'k.pem'), key.export({ type: 'pkcs8', format: 'pem' }));
    const r = openssl([
      'req',
      '-new',
      '-key',
      join(dir, 'k.pem'),
      '-subj',
      '/CN=openssl made',
      '-outform',
      'PEM',
    ]);
    assert.equal(r.status, 0, r.out);
    return r.out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('OpenSSL verifies our CSRs and we verify OpenSSL CSRs', async () => {
  const der = await csrFor(KEY);
  const r = openssl(['req', '-inform', 'DER', '-verify', '-noout'], der);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /verify OK/);
  assert.ok(verifyCsr(opensslCsr(OTHER)).spki.equals(spkiOf(OTHER)));
});

test('allowed curves: P-384 refused by default, accepted when allowed', async () => {
  const p384 = await csrFor(fixedKey('citizen-p384'));
  throwsCode(() => verifyCsr(p384), 'PKI_CSR_ALGORITHM_UNSUPPORTED', /P-384/);
  throwsCode(() => verifyCsr(p384, ['P-256']), 'PKI_CSR_ALGORITHM_UNSUPPORTED');
  assert.equal(verifyCsr(p384, ['P-256', 'P-384']).curve, 'P-384');
});

test('non-ECDSA requests → PKI_CSR_ALGORITHM_UNSUPPORTED', () => {
  for (const [type, opts] of [
    ['rsa', { modulusLength: 2048 }],
    ['ed25519', {}],
  ] as const) {
    const { privateKey } = generateKeyPairSync(type as 'rsa', opts as { modulusLength: number });
    throwsCode(() => verifyCsr(opensslCsr(privateKey)), 'PKI_CSR_ALGORITHM_UNSUPPORTED');
  }
  // ecdsa-with-SHA1 is not allowed either.
  throwsCode(() => verifyCsr(handCsr({ sigOid: '1.2.840.10045.4.1' })), 'PKI_CSR_ALGORITHM_UNSUPPORTED');
});

test('no proof of possession → PKI_CSR_SIGNATURE_INVALID', async () => {
  const der = await csrFor(KEY);
  const flipped = Buffer.from(der);
  flipped[flipped.length - 1]! ^= 0x01;
  throwsCode(() => verifyCsr(flipped), 'PKI_CSR_SIGNATURE_INVALID');
  throwsCode(() => verifyCsr(handCsr({ signWith: OTHER })), 'PKI_CSR_SIGNATURE_INVALID');
  // Signature declared SHA-384 but made with SHA-256.
  throwsCode(() => verifyCsr(handCsr({ sigOid: OID.ecdsaWithSHA384 })), 'PKI_CSR_SIGNATURE_INVALID');
});

test('malformed input → PKI_CSR_MALFORMED', async () => {
  const der = await csrFor(KEY);
  const cases: [Uint8Array | string, RegExp][] = [
    [Buffer.alloc(0), /malformed/],
    [Buffer.from('garbage that is not DER'), /malformed/],
    [Buffer.concat([der, Buffer.from([0])]), /single SEQUENCE/],
    [der.subarray(0, der.length - 5), /malformed/],
    [toPem(der, 'CERTIFICATE'), /no CERTIFICATE REQUEST block/],
    [handCsr({ version: 1 }), /version/],
    [seq(seq(), seq(oid(OID.ecdsaWithSHA256)), bitString(Buffer.from([1]))), /malformed/],
  ];
  for (const [input, message] of cases) throwsCode(() => verifyCsr(input), 'PKI_CSR_MALFORMED', message);
});

test('oversize: a CSR larger than 8 KiB is refused before parsing', async () => {
  const big = handCsr({ cn: 'x'.repeat(9000) });
  assert.ok(big.length > 8192);
  throwsCode(() => verifyCsr(big), 'PKI_CSR_MALFORMED', /larger than 8192/);
  throwsCode(() => verifyCsr(toPem(big, 'CERTIFICATE REQUEST')), 'PKI_CSR_MALFORMED', /larger than/);
  const justUnder = handCsr({ cn: 'x'.repeat(7000) });
  assert.ok(justUnder.length < 8192);
  assert.ok(verifyCsr(justUnder).spki.equals(spkiOf(KEY)));
});

test('createCsr passes the exact certificationRequestInfo to the signer', async () => {
  let seen: Buffer | undefined;
  const der = await createCsr([{ type: OID.commonName, value: 'cb' }], spkiOf(KEY), 'sha256', (d) => {
    seen = d;
    return cryptoSign('sha256', d, { key: KEY, dsaEncoding: 'der' });
  });
  assert.ok(seen && der.includes(seen), 'the signed bytes are embedded verbatim');
  assert.ok(verifyCsr(der));
});
