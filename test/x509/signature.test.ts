import assert from 'node:assert/strict';
import { constants, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { test } from 'node:test';
import { explicit, integer, nullValue, oid, seq } from '../../src/lib/der.js';
import { decodeCertificate, validatePath } from '../../src/validation/index.js';
import { ecCurveForm, signatureDigest, verifySignature } from '../../src/x509/signature.js';
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

test('signatureDigest and ecCurveForm: the digest of a certificate signature, named versus explicit EC curves', () => {
  assert.equal(signatureDigest(seq(oid('1.2.840.10045.4.3.3'))), 'sha384');
  assert.equal(signatureDigest(SHA256_RSA), 'sha256');
  assert.equal(signatureDigest(seq(oid('1.3.101.112'))), null);
  assert.equal(
    signatureDigest(seq(oid('1.2.840.10045.4.1'))),
    undefined,
    'ECDSA with SHA-1 is not supported',
  );
  assert.equal(signatureDigest(Buffer.from('junk')), undefined);
  assert.equal(ecCurveForm(fixedSigner('citizen-a-sig').spki), 'named');
  assert.equal(ecCurveForm(spkiOf(rsa)), 'none');
  assert.equal(ecCurveForm(spkiOf(ed)), 'none');
  assert.equal(ecCurveForm(Buffer.from('junk')), 'none');
  // id-ecPublicKey with specifiedCurve (a SEQUENCE) or implicitCurve (NULL) instead of a curve OID
  const point = Buffer.from([0x03, 0x03, 0x00, 0x04, 0x00]);
  const withParams = (params: Buffer): Buffer => seq(seq(oid('1.2.840.10045.2.1'), params), point);
  assert.equal(ecCurveForm(withParams(seq(integer(1)))), 'explicit');
  assert.equal(ecCurveForm(withParams(nullValue())), 'explicit');
  assert.equal(ecCurveForm(withParams(oid('1.2.840.10045.3.1.7'))), 'named');
});
