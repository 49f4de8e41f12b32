import assert from 'node:assert/strict';
import { constants, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { test } from 'node:test';
import { explicit, integer, nullValue, oid, seq } from '../../src/lib/der.js';
import { decodeCertificate, validatePath } from '../../src/validation/index.js';
import { verifySignature } from '../../src/x509/signature.js';
import {
  ED25519_KEY,
  NOW,
  RSA_KEY,
  cnName,
  fixedSigner,
  keyIdExtensions,
  rawCertificate,
  spkiOf,
} from '../validation/fixtures.js';
import { ext } from '../../src/pki/certificate_builder.js';

const rsa = createPrivateKey(RSA_KEY);
const ed = createPrivateKey(ED25519_KEY);
const DATA = Buffer.from('to be signed');

const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), nullValue());
const hashAlg = (o: string): Buffer => seq(oid(o), nullValue());
const pss = (hash: string, mgfHash: string, salt: number): Buffer =>
  seq(
    oid('1.2.840.113549.1.1.10'),
    seq(
      explicit(0, hashAlg(hash)),
      explicit(1, seq(oid('1.2.840.113549.1.1.8'), hashAlg(mgfHash))),
      explicit(2, integer(salt)),
    ),
  );
const SHA256 = '2.16.840.1.101.3.4.2.1';
const SHA384 = '2.16.840.1.101.3.4.2.2';

test('RSA PKCS#1 v1.5 with NULL or absent parameters', () => {
  const sig = cryptoSign('sha256', DATA, rsa);
  assert.equal(verifySignature(DATA, SHA256_RSA, sig, spkiOf(rsa)), 'valid');
  assert.equal(verifySignature(DATA, seq(oid('1.2.840.113549.1.1.11')), sig, spkiOf(rsa)), 'valid');
  assert.equal(verifySignature(Buffer.from('other'), SHA256_RSA, sig, spkiOf(rsa)), 'invalid');
  assert.equal(
    verifySignature(DATA, seq(oid('1.2.840.113549.1.1.5'), nullValue()), sig, spkiOf(rsa)),
    'unsupported',
    'SHA-1',
  );
});

test('RSASSA-PSS with explicit SHA-2 parameters', () => {
  const sig = cryptoSign('sha384', DATA, {
    key: rsa,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 48,
  });
  assert.equal(verifySignature(DATA, pss(SHA384, SHA384, 48), sig, spkiOf(rsa)), 'valid');
  assert.equal(verifySignature(DATA, pss(SHA384, SHA384, 32), sig, spkiOf(rsa)), 'invalid');
  assert.equal(
    verifySignature(DATA, pss(SHA384, SHA256, 48), sig, spkiOf(rsa)),
    'unsupported',
    'MGF1 hash must match',
  );
  assert.equal(
    verifySignature(DATA, seq(oid('1.2.840.113549.1.1.10'), seq()), sig, spkiOf(rsa)),
    'unsupported',
    'SHA-1 defaults',
  );
});

test('Ed25519, and a key of the wrong type', () => {
  const sig = cryptoSign(null, DATA, ed);
  assert.equal(verifySignature(DATA, seq(oid('1.3.101.112')), sig, spkiOf(ed)), 'valid');
  assert.equal(
    verifySignature(DATA, seq(oid('1.3.101.112'), nullValue()), sig, spkiOf(ed)),
    'unsupported',
    'parameters must be absent',
  );
  assert.equal(verifySignature(DATA, SHA256_RSA, sig, spkiOf(ed)), 'invalid');
  assert.equal(
    verifySignature(DATA, SHA256_RSA, sig, Buffer.from([0x30, 0x00])),
    'unsupported',
    'unreadable key',
  );
});

test('a chain: RSA root (PKCS#1 v1.5) → Ed25519 CA (signed with RSA-PSS) → EC leaf (signed with Ed25519)', () => {
  const caExtensions = [ext.basicConstraints(true), ext.keyUsage(['keyCertSign'])];
  const root = rawCertificate(
    {
      algorithm: SHA256_RSA,
      issuer: cnName('RSA Root'),
      subject: cnName('RSA Root'),
      spki: spkiOf(rsa),
      extensions: [...caExtensions, ext.subjectKeyIdentifier(spkiOf(rsa))],
    },
    (tbs) => cryptoSign('sha256', tbs, rsa),
  );
  const ca = rawCertificate(
    {
      algorithm: pss(SHA256, SHA256, 32),
      issuer: cnName('RSA Root'),
      subject: cnName('Ed CA'),
      spki: spkiOf(ed),
      extensions: [...caExtensions, ...keyIdExtensions(spkiOf(ed), spkiOf(rsa))],
    },
    (tbs) =>
      cryptoSign('sha256', tbs, { key: rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  );
  const leafKey = fixedSigner('citizen-a-sig').spki;
  const leaf = rawCertificate(
    {
      algorithm: seq(oid('1.3.101.112')),
      issuer: cnName('Ed CA'),
      subject: cnName('EC leaf'),
      spki: leafKey,
      extensions: keyIdExtensions(leafKey, spkiOf(ed)),
    },
    (tbs) => cryptoSign(null, tbs, ed),
  );
  const r = validatePath({ target: leaf, intermediates: [ca], anchors: [root], time: NOW });
  assert.deepEqual(
    r.path.map((c) => c.subjectText),
    ['CN=EC leaf', 'CN=Ed CA', 'CN=RSA Root'],
  );
  assert.equal(decodeCertificate(leaf).version, 3);
});
