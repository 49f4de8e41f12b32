/**
 * PKCS#12 reader/writer: round trips, error codes on hostile input, and interoperability with
 * the OpenSSL 3 CLI in both directions. Keys are generated with node:crypto; certificates and
 * CSRs are made with `openssl` in a temporary directory removed by the `after` hook.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentInfo, id_data } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  PFX,
  PKCS12Attribute,
  SafeBag,
  SafeContents,
  id_pkcs8ShroudedKeyBag,
} from '@peculiar/asn1-pfx';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { IterationBudget, bmpPassword, pkcs12Kdf, pkcs12Mac } from '../../src/lib/pkcs12_kdf.js';
import type { Pkcs12Hash } from '../../src/lib/pkcs12_kdf.js';
import { decodePkcs12, encodePkcs12 } from '../../src/pki/pkcs12.js';
import type { Pkcs12Contents } from '../../src/pki/pkcs12.js';

const dir = mkdtempSync(join(tmpdir(), 'tb-pkcs12-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'pässwörd Ω 🔐';
const FAST = { iterations: 2048 };
const SHA384 = '2.16.840.1.101.3.4.2.2';

function openssl(args: string[]): Buffer {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Identity {
  pkcs8: Buffer;
  cert: Buffer;
  csr: Buffer;
  keyPem: string;
  certPem: string;
}

let serial = 1;
/** A P-256 key with a CSR, and a certificate signed by `ca` (self-signed when `ca` is absent). */
function identity(label: string, subject: string, ca?: Identity): Identity {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = join(dir, `${label}.key.pem`);
  const certPem = join(dir, `${label}.cert.pem`);
  writeFileSync(keyPem, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const csrPem = join(dir, `${label}.csr.pem`);
  openssl(['req', '-new', '-key', keyPem, '-subj', subject, '-out', csrPem]);
  const signer = ca ? ['-CA', ca.certPem, '-CAkey', ca.keyPem] : ['-key', keyPem];
  const x509Args = ['x509', '-req', '-in', csrPem, '-days', '30', '-set_serial', String(serial++)];
  openssl([...x509Args, ...signer, '-out', certPem]);
  return {
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }),
    cert: openssl(['x509', '-in', certPem, '-outform', 'DER']),
    csr: openssl(['req', '-in', csrPem, '-outform', 'DER']),
    keyPem,
    certPem,
  };
}

const ca = identity('ca', '/C=XX/O=Trustbridge Test/CN=Test Root CA');
const auth = identity('auth', '/C=XX/CN=Anna Example (Authentication)', ca);
const sign = identity('sign', '/C=XX/CN=Anna Example (Signature)', ca);

const wallet: Pkcs12Contents = {
  entries: [
    { name: 'authentication', privateKeyPkcs8: auth.pkcs8, certificate: auth.cert, csr: auth.csr },
    { name: 'signature', privateKeyPkcs8: sign.pkcs8, certificate: sign.cert },
  ],
  caCertificates: [ca.cert],
};

function writeTemp(name: string, data: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

/** Runs `fn` and returns the trustbridge error code it throws (fails on any other outcome). */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isTrustbridgeError(e), `expected a TrustbridgeError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('expected an error');
}

function assertCode(fn: () => unknown, code: ErrorCode, message?: string): void {
  assert.equal(codeOf(fn), code, message);
}

/** `der` either decodes to exactly `expected` or fails with one of `codes`. */
function assertReadsSameOrFails(der: Buffer, expected: Pkcs12Contents, codes: ErrorCode[], at: number) {
  let read: Pkcs12Contents;
  try {
    read = decodePkcs12(der, 'pw');
  } catch (e) {
    assert.ok(isTrustbridgeError(e) && codes.includes(e.code as ErrorCode), `byte ${at}: ${String(e)}`);
    return;
  }
  assert.deepEqual(read, expected, `byte ${at}: decoded to different content`);
}

function spki(pkcs8: Buffer): Buffer {
  return createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({
    type: 'spki',
    format: 'der',
  });
}

/** Replaces the authSafe of `pfxDer` and recomputes a valid MAC over it. */
function remac(pfxDer: Uint8Array, authSafe: Uint8Array, password: string, hash: Pkcs12Hash = 'sha256') {
  const pfx = AsnConvert.parse(pfxDer, PFX);
  pfx.authSafe = new ContentInfo({
    contentType: id_data,
    content: AsnConvert.serialize(new OctetString(authSafe)),
  });
  const salt = Buffer.from(pfx.macData.macSalt.buffer);
  pfx.macData.mac.digest = new OctetString(pkcs12Mac(hash, authSafe, password, salt, pfx.macData.iterations));
  if (hash === 'sha384') pfx.macData.mac.digestAlgorithm.algorithm = SHA384;
  return Buffer.from(AsnConvert.serialize(pfx));
}

function authSafeOf(pfxDer: Uint8Array): Buffer {
  const pfx = AsnConvert.parse(pfxDer, PFX);
  return Buffer.from(AsnConvert.parse(pfx.authSafe.content, OctetString).buffer);
}

test('PKCS#12 KDF: RFC 7292 B.2 known-answer vectors (SHA-1, OpenSSL/Bouncy Castle test data)', () => {
  const vectors: [string, string, number, number, string][] = [
    ['smeg', '0A58CF64530D823F', 1, 1, '8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3'],
    ['smeg', '0A58CF64530D823F', 2, 1, '79993DFE048D3B76'],
    ['smeg', '642B99AB44FB4B1F', 1, 1, 'F3A95FEC48D7711E985CFE67908C5AB79FA3D7C5CAA5D966'],
    ['smeg', '642B99AB44FB4B1F', 2, 1, 'C0A38D64A79BEA1D'],
    ['smeg', '3D83C0E4546AC140', 3, 1, '8D967D88F6CAA9D714800AB3D48051D63F73A312'],
    ['queeg', '05DEC959ACFF72F7', 1, 1000, 'ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4'],
  ];
  for (const [password, salt, id, iterations, expected] of vectors) {
    const out = pkcs12Kdf(
      'sha1',
      bmpPassword(password),
      Buffer.from(salt, 'hex'),
      id,
      iterations,
      expected.length / 2,
    );
    assert.equal(out.toString('hex').toUpperCase(), expected, `${password}/${salt}/id ${id}`);
  }
  assert.equal(bmpPassword('').toString('hex'), '0000');
  assert.equal(bmpPassword('a🔐').toString('hex'), '0061d83ddd100000');
});

test('PKCS#12 KDF: matches `openssl kdf PKCS12KDF` for SHA-256/384/512 and multi-block output', () => {
  const password = bmpPassword(PASSWORD);
  const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  for (const [hash, name] of [
    ['sha256', 'SHA2-256'],
    ['sha384', 'SHA2-384'],
    ['sha512', 'SHA2-512'],
  ] as const) {
    const args = ['kdf', '-keylen', '150', '-kdfopt', `hexpass:${password.toString('hex')}`];
    args.push('-kdfopt', `hexsalt:${salt.toString('hex')}`, '-kdfopt', 'id:1', '-kdfopt', 'iter:3');
    const expected = openssl([...args, '-kdfopt', `digest:${name}`, 'PKCS12KDF'])
      .toString()
      .trim()
      .replaceAll(':', '')
      .toLowerCase();
    assert.equal(pkcs12Kdf(hash, password, salt, 1, 3, 150).toString('hex'), expected, hash);
  }
});

test('MAC: our PKCS#12 MAC equals the one `openssl pkcs12 -export` wrote', () => {
  const file = join(dir, 'mac-kat.p12');
  openssl([
    'pkcs12',
    '-export',
    '-in',
    auth.certPem,
    '-inkey',
    auth.keyPem,
    '-out',
    file,
    '-passout',
    'pass:kat',
  ]);
  const der = readFileSync(file);
  const pfx = AsnConvert.parse(der, PFX);
  const salt = Buffer.from(pfx.macData.macSalt.buffer);
  const mac = pkcs12Mac('sha256', authSafeOf(der), 'kat', salt, pfx.macData.iterations);
  assert.deepEqual(mac, Buffer.from(pfx.macData.mac.digest.buffer));
});

test('round trip: two entries (key + certificate + CSR) and a CA certificate', () => {
  const p12 = encodePkcs12(wallet, PASSWORD, FAST);
  assert.deepEqual(decodePkcs12(p12, PASSWORD), wallet);
  assert.deepEqual(decodePkcs12(new Uint8Array(p12), PASSWORD), wallet);
});

test('round trip: entries with only a certificate, only a CSR, or only a key', () => {
  const contents: Pkcs12Contents = {
    entries: [
      { name: 'key only', privateKeyPkcs8: auth.pkcs8 },
      { name: 'csr only', csr: sign.csr },
      { name: 'cert only', certificate: ca.cert },
    ],
    caCertificates: [],
  };
  assert.deepEqual(decodePkcs12(encodePkcs12(contents, '', FAST), ''), contents);
});

test('default parameters: 100000 iterations and a 16-byte MAC salt', () => {
  const p12 = encodePkcs12({ entries: [wallet.entries[1]], caCertificates: [] }, PASSWORD);
  const pfx = AsnConvert.parse(p12, PFX);
  assert.equal(pfx.macData.iterations, 100000);
  assert.equal(pfx.macData.macSalt.byteLength, 16);
  assert.deepEqual(decodePkcs12(p12, PASSWORD).entries, [wallet.entries[1]]);
});

test('wrong password → PKI_PKCS12_PASSWORD_WRONG', () => {
  const p12 = encodePkcs12(wallet, PASSWORD, FAST);
  assertCode(() => decodePkcs12(p12, 'wrong'), 'PKI_PKCS12_PASSWORD_WRONG');
  assertCode(() => decodePkcs12(p12, ''), 'PKI_PKCS12_PASSWORD_WRONG');
});

test('truncated, bit-flipped and garbage input → PKI_PKCS12_* codes, never a raw exception', () => {
  const contents: Pkcs12Contents = { entries: [wallet.entries[0]], caCertificates: [ca.cert] };
  const p12 = encodePkcs12(contents, 'pw', { iterations: 1 });
  for (let length = 0; length < p12.length; length++) {
    assertCode(() => decodePkcs12(p12.subarray(0, length), 'pw'), 'PKI_PKCS12_MALFORMED', `length ${length}`);
  }
  // Every third byte, all bit positions (a full sweep takes seconds: asn1js parsing dominates).
  // A flip breaks the structure or the MAC, or hits a byte the BER reader does not use for
  // content (a length it tolerates, NULL algorithm parameters): then the content is intact.
  for (let i = 0; i < p12.length; i += 3) {
    const flipped = Buffer.from(p12);
    flipped[i] ^= 1 << (i % 8);
    assertReadsSameOrFails(flipped, contents, ['PKI_PKCS12_MALFORMED', 'PKI_PKCS12_PASSWORD_WRONG'], i);
  }
  const garbage = [
    Buffer.alloc(0),
    Buffer.from('30', 'hex'),
    Buffer.from('not a pfx'),
    Buffer.alloc(64, 0x30),
  ];
  for (const bytes of garbage) assertCode(() => decodePkcs12(bytes, 'pw'), 'PKI_PKCS12_MALFORMED');
});

test('corrupted contents under a valid MAC → PKI_PKCS12_MALFORMED, never a raw exception', () => {
  const contents: Pkcs12Contents = { entries: [wallet.entries[0]], caCertificates: [] };
  const p12 = encodePkcs12(contents, 'pw', { iterations: 1 });
  const authSafe = authSafeOf(p12);
  for (let i = 0; i < authSafe.length; i += 5) {
    // every fifth byte, all bit positions; the MAC is recomputed so the reader gets past it
    const flipped = Buffer.from(authSafe);
    flipped[i] ^= 1 << (i % 8);
    const forged = remac(p12, flipped, 'pw');
    try {
      decodePkcs12(forged, 'pw');
    } catch (e) {
      assert.ok(isTrustbridgeError(e, 'PKI_PKCS12_MALFORMED'), `byte ${i}: ${String(e)}`);
    }
  }
});

test('hostile iteration counts and a missing MAC → PKI_PKCS12_MALFORMED', () => {
  const pfx = AsnConvert.parse(encodePkcs12(wallet, 'pw', FAST), PFX);
  pfx.macData.iterations = 20_000_000;
  const started = Date.now();
  const slow = Buffer.from(AsnConvert.serialize(pfx));
  assertCode(() => decodePkcs12(slow, 'pw'), 'PKI_PKCS12_MALFORMED');
  assert.ok(Date.now() - started < 1000, 'rejected without computing');
  const noMac = Buffer.from(AsnConvert.serialize(Object.assign(pfx, { macData: undefined })));
  assert.throws(
    () => decodePkcs12(noMac, 'pw'),
    (e: unknown) => isTrustbridgeError(e, 'PKI_PKCS12_MALFORMED') && /no MAC/.test(e.message),
  );

  const budget = new IterationBudget();
  for (const bad of [0, -1, 1.5, '10000001', 'x', undefined]) {
    assertCode(() => budget.take(bad), 'PKI_PKCS12_MALFORMED', String(bad));
  }
  assert.equal(budget.take('10000000'), 10_000_000);
  assert.equal(budget.take(10_000_000), 10_000_000);
  assertCode(() => budget.take(1), 'PKI_PKCS12_MALFORMED');
});

test('authSafe as a BER constructed OCTET STRING is read', () => {
  const p12 = encodePkcs12(wallet, 'pw', FAST);
  const pfx = AsnConvert.parse(p12, PFX);
  const authSafe = authSafeOf(p12);
  const tlv = (tag: number, body: Buffer) => {
    const len = body.length;
    const head = len < 128 ? [len] : len < 256 ? [0x81, len] : [0x82, len >> 8, len & 0xff];
    return Buffer.concat([Buffer.from([tag, ...head]), body]);
  };
  const half = authSafe.length >> 1;
  const constructed = tlv(
    0x24,
    Buffer.concat([tlv(0x04, authSafe.subarray(0, half)), tlv(0x04, authSafe.subarray(half))]),
  );
  const contentInfo = tlv(
    0x30,
    Buffer.concat([Buffer.from('06092a864886f70d010701', 'hex'), tlv(0xa0, constructed)]),
  );
  const macData = Buffer.from(AsnConvert.serialize(pfx.macData));
  const ber = tlv(0x30, Buffer.concat([Buffer.from('020103', 'hex'), contentInfo, macData]));
  assert.deepEqual(decodePkcs12(ber, 'pw'), wallet);
});

test('encoder rejects bad input with catalogue codes', () => {
  const entry = wallet.entries[0];
  const cases: [Pkcs12Contents, ErrorCode][] = [
    [{ entries: [{ ...entry, certificate: sign.cert }], caCertificates: [] }, 'INPUT_MALFORMED'],
    [
      { entries: [{ name: 'x', privateKeyPkcs8: Buffer.from('junk') }], caCertificates: [] },
      'INPUT_MALFORMED',
    ],
    [
      { entries: [entry, { name: 'again', privateKeyPkcs8: auth.pkcs8 }], caCertificates: [] },
      'USAGE_INVALID_ARGUMENT',
    ],
    [{ entries: [{ name: 'empty' }], caCertificates: [] }, 'USAGE_INVALID_ARGUMENT'],
    [{ entries: [], caCertificates: [Buffer.from('junk')] }, 'PKI_CERT_MALFORMED'],
  ];
  for (const [contents, code] of cases) assertCode(() => encodePkcs12(contents, 'pw', FAST), code);
  for (const iterations of [0, 1.5, 10_000_001]) {
    assertCode(() => encodePkcs12(wallet, 'pw', { iterations }), 'USAGE_INVALID_ARGUMENT');
  }
});

test('`openssl pkcs12 -info` opens our file and prints keys, certificates and the CSR bag', () => {
  const file = writeTemp('ours.p12', encodePkcs12(wallet, PASSWORD, FAST));
  const result = spawnSync(
    'openssl',
    ['pkcs12', '-info', '-in', file, '-passin', `pass:${PASSWORD}`, '-noenc'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /error|warning|unsupported/i);
  const out = result.stdout;
  assert.match(out, /subject=C = XX, CN = Anna Example \(Authentication\)/);
  assert.match(out, /subject=C = XX, CN = Anna Example \(Signature\)/);
  assert.match(out, /subject=C = XX, O = Trustbridge Test, CN = Test Root CA/);
  assert.equal(out.match(/BEGIN PRIVATE KEY/g)?.length, 2);
  assert.equal(out.match(/BEGIN CERTIFICATE/g)?.length, 3);
  assert.match(out, /friendlyName: authentication/);
  assert.match(out, /friendlyName: signature/);
  assert.match(result.stderr, /MAC: sha256, Iteration 2048\nMAC length: 32, salt length: 16/);
  assert.match(
    result.stderr,
    /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/,
  );
  assert.match(
    result.stderr,
    /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/,
  );
  assert.match(result.stderr, /Secret bag/);
});

test('`openssl pkcs12 -nokeys` / `-nocerts` extract exactly our certificates and keys', () => {
  const file = writeTemp('ours2.p12', encodePkcs12(wallet, PASSWORD, FAST));
  const base = ['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`];
  const certs = openssl([...base, '-nokeys']).toString();
  assert.equal(certs.match(/BEGIN CERTIFICATE/g)?.length, 3);
  assert.doesNotMatch(certs, /PRIVATE KEY/);
  const caOnly = openssl([...base, '-nokeys', '-cacerts']).toString();
  assert.match(caOnly, /CN = Test Root CA/);
  assert.doesNotMatch(caOnly, /Anna Example/);
  const keys = openssl([...base, '-nocerts', '-noenc']).toString();
  const pems = keys.match(/-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/g) ?? [];
  const extracted = pems.map((pem) => spki(createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' })));
  assert.deepEqual(extracted, [spki(auth.pkcs8), spki(sign.pkcs8)]);
});

test('reads `openssl pkcs12 -export` files (OpenSSL 3 defaults and other AES/MAC choices)', () => {
  const variants = [
    [],
    ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-192-CBC', '-macalg', 'sha512', '-iter', '1000'],
    ['-macalg', 'sha1', '-certpbe', 'NONE'],
    ['-macalg', 'sha384', '-keypbe', 'NONE', '-certpbe', 'NONE'],
  ];
  for (const [i, extra] of variants.entries()) {
    const file = join(dir, `openssl-${i}.p12`);
    const args = ['pkcs12', '-export', '-in', auth.certPem, '-inkey', auth.keyPem, '-certfile', ca.certPem];
    openssl([...args, '-name', 'authentication', '-out', file, '-passout', `pass:${PASSWORD}`, ...extra]);
    const read = decodePkcs12(readFileSync(file), PASSWORD);
    assert.equal(read.entries.length, 1, extra.join(' '));
    const [entry] = read.entries;
    assert.equal(entry.name, 'authentication');
    assert.deepEqual(entry.certificate, auth.cert);
    assert.ok(entry.privateKeyPkcs8);
    assert.deepEqual(spki(entry.privateKeyPkcs8), spki(auth.pkcs8));
    assert.deepEqual(read.caCertificates, [ca.cert]);
  }
});

test('an `openssl pkcs12 -export` file without -name gets the entry name key-1', () => {
  const file = join(dir, 'unnamed.p12');
  openssl([
    'pkcs12',
    '-export',
    '-in',
    sign.certPem,
    '-inkey',
    sign.keyPem,
    '-out',
    file,
    '-passout',
    'pass:pw',
  ]);
  const read = decodePkcs12(readFileSync(file), 'pw');
  assert.deepEqual(
    read.entries.map((e) => e.name),
    ['key-1'],
  );
  assert.deepEqual(read.entries[0].certificate, sign.cert);
});

test('legacy PKCS#12 PBE (3DES) is rejected with PKI_PKCS12_MALFORMED', () => {
  const file = join(dir, 'legacy.p12');
  const legacy = ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'];
  openssl([
    'pkcs12',
    '-export',
    '-in',
    auth.certPem,
    '-inkey',
    auth.keyPem,
    '-out',
    file,
    '-passout',
    'pass:pw',
    ...legacy,
  ]);
  assert.throws(
    () => decodePkcs12(readFileSync(file), 'pw'),
    (e: unknown) => isTrustbridgeError(e, 'PKI_PKCS12_MALFORMED') && /legacy/.test(e.message),
  );
});

test('PBKDF2 with HMAC-SHA1/SHA-512 PRFs and AES-128/192 (keys from `openssl pkcs8 -v2prf`), SHA-384 MAC', () => {
  const template = encodePkcs12({ entries: [], caCertificates: [] }, 'pw', { iterations: 1000 });
  for (const [cipher, prf] of [
    ['aes-128-cbc', 'hmacWithSHA1'],
    ['aes-192-cbc', 'hmacWithSHA512'],
    ['aes-256-cbc', 'hmacWithSHA384'],
  ]) {
    const args = ['pkcs8', '-topk8', '-in', auth.keyPem, '-v2', cipher, '-v2prf', prf, '-iter', '1000'];
    const epki = openssl([...args, '-passout', 'pass:pw', '-outform', 'DER']);
    const localKeyId = Object.assign(new PKCS12Attribute(), {
      attrId: '1.2.840.113549.1.9.21',
      attrValues: [AsnConvert.serialize(new OctetString(Buffer.from([1, 2, 3])))],
    });
    const bag = new SafeBag({
      bagId: id_pkcs8ShroudedKeyBag,
      bagValue: new Uint8Array(epki).buffer,
      bagAttributes: [localKeyId],
    });
    const safe = new ContentInfo({
      contentType: id_data,
      content: AsnConvert.serialize(new OctetString(AsnConvert.serialize(new SafeContents([bag])))),
    });
    const authSafe = Buffer.from(AsnConvert.serialize(new AuthenticatedSafe([safe])));
    const read = decodePkcs12(remac(template, authSafe, 'pw', 'sha384'), 'pw');
    assert.equal(read.entries.length, 1, prf);
    assert.equal(read.entries[0].name, 'key-1');
    assert.deepEqual(read.entries[0].privateKeyPkcs8, auth.pkcs8, `${cipher} ${prf}`);
  }
});
