import assert from 'node:assert/strict';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { test } from 'node:test';
import { oid, seq } from '../../../src/lib/der.js';
import { toPem } from '../../../src/lib/pem.js';
import { ext } from '../../../src/pki/certificate_builder.js';
import { FIXED_KEYS } from '../../fixtures/keys.js';
import { decodeCertificate, subIndicationFor, validatePath } from '../../../src/validation/index.js';
import { assertPathError } from '../fixtures.js';
import {
  NOT_AFTER,
  NOT_BEFORE,
  NOW,
  cnName,
  fixedSigner,
  gn,
  issue,
  keyIdExtensions,
  rawCertificate,
  standardChain,
  xt,
} from '../fixtures.js';

const EKU_SERVER = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT = '1.3.6.1.5.5.7.3.2';

test('a root → CA → leaf chain validates; the path runs target first, anchor last', async () => {
  const { root, ca, leaf } = await standardChain();
  const result = validatePath({ target: leaf.der, intermediates: [ca.der], anchors: [root.der], time: NOW });
  assert.equal(result.valid, true);
  assert.deepEqual(
    result.path.map((c) => c.subjectText),
    ['CN=Maria Santos', 'CN=Test Issuing CA', 'CN=Test Root'],
  );
  assert.deepEqual(result.policies, []);
  assert.deepEqual(
    result.revocation.map((r) => r.status),
    ['not-checked', 'not-checked'],
  );
});

test('PEM inputs, an unordered pool with unrelated and undecodable certificates', async () => {
  const { root, ca, leaf } = await standardChain();
  const stranger = await issue({ cn: 'Stranger CA', key: 'foreign-ca', ca: {} });
  const result = validatePath({
    target: toPem(leaf.der, 'CERTIFICATE'),
    intermediates: [stranger.der, Buffer.from('not a certificate'), toPem(ca.der, 'CERTIFICATE')],
    anchors: [toPem(root.der, 'CERTIFICATE')],
    time: NOW,
  });
  assert.equal(result.path.length, 3);
});

test('PATH_NO_CHAIN_FOUND: missing intermediate, no anchors, wrong anchor', async () => {
  const { root, ca, leaf } = await standardChain();
  const other = await issue({ cn: 'Other Root', key: 'foreign-ca', ca: {} });
  assertPathError(
    () => validatePath({ target: leaf.der, anchors: [root.der], time: NOW }),
    'PATH_NO_CHAIN_FOUND',
  );
  assertPathError(
    () => validatePath({ target: leaf.der, intermediates: [ca.der], anchors: [], time: NOW }),
    'PATH_NO_CHAIN_FOUND',
  );
  const e = assertPathError(
    () => validatePath({ target: leaf.der, intermediates: [ca.der], anchors: [other.der], time: NOW }),
    'PATH_NO_CHAIN_FOUND',
    /CN=Maria Santos: no path to a trust anchor/,
  );
  assert.deepEqual(subIndicationFor(e.pathCode), {
    indication: 'INDETERMINATE',
    subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
  });
});

test('PATH_SIGNATURE_INVALID: a certificate whose signature was altered', async () => {
  const { root, ca, leaf } = await standardChain();
  const tampered = Buffer.from(leaf.der);
  tampered[tampered.length - 5]! ^= 0x01;
  assertPathError(
    () => validatePath({ target: tampered, intermediates: [ca.der], anchors: [root.der], time: NOW }),
    'PATH_SIGNATURE_INVALID',
    /does not verify with the key of CN=Test Issuing CA/,
  );
});

test('PATH_ALGORITHM_UNSUPPORTED: ECDSA with SHA-1', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const rootSigner = fixedSigner('root');
  const leafKey = fixedSigner('citizen-b-sig');
  const der = rawCertificate(
    {
      algorithm: seq(oid('1.2.840.10045.4.1')),
      issuer: root.subject,
      subject: cnName('sha1 leaf'),
      spki: leafKey.spki,
      extensions: keyIdExtensions(leafKey.spki, rootSigner.spki),
    },
    (tbs) => cryptoSign('sha1', tbs, { key: createPrivateKey(FIXED_KEYS.root), dsaEncoding: 'der' }),
  );
  assertPathError(
    () => validatePath({ target: der, anchors: [root.der], time: NOW }),
    'PATH_ALGORITHM_UNSUPPORTED',
  );
});

test('PATH_EXPIRED and PATH_NOT_YET_VALID, with inclusive bounds in whole seconds', async () => {
  const { root, ca, leaf } = await standardChain();
  const input = { target: leaf.der, intermediates: [ca.der], anchors: [root.der] };
  validatePath({ ...input, time: NOT_BEFORE });
  validatePath({ ...input, time: new Date(NOT_AFTER.getTime() + 999) });
  const expired = assertPathError(
    () => validatePath({ ...input, time: new Date(NOT_AFTER.getTime() + 1000) }),
    'PATH_EXPIRED',
  );
  assert.equal(expired.context.certificateIndex, 2, 'the anchor is checked first');
  assertPathError(
    () => validatePath({ ...input, time: new Date(NOT_BEFORE.getTime() - 1) }),
    'PATH_NOT_YET_VALID',
  );
  const late = await issue({
    cn: 'late',
    key: 'citizen-b-sig',
    issuer: ca,
    notBefore: new Date('2027-01-01T00:00:00Z'),
  });
  const e = assertPathError(
    () => validatePath({ ...input, target: late.der, time: NOW }),
    'PATH_NOT_YET_VALID',
    /CN=late: notBefore 2027-01-01T00:00:00.000Z/,
  );
  assert.equal(e.context.certificateIndex, 0);
  assert.equal(subIndicationFor(e.pathCode).subIndication, 'OUT_OF_BOUNDS_NO_POE');
});

test('PATH_NOT_A_CA: an intermediate without cA, or a v3 anchor without basicConstraints', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const notCa = await issue({ cn: 'Not a CA', key: 'eid-ca', issuer: root });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: notCa });
  assertPathError(
    () => validatePath({ target: leaf.der, intermediates: [notCa.der], anchors: [root.der], time: NOW }),
    'PATH_NOT_A_CA',
    /CN=Not a CA: no basicConstraints/,
  );
  const bareRoot = await issue({
    cn: 'Bare Root',
    key: 'foreign-ca',
    only: [ext.subjectKeyIdentifier(fixedSigner('foreign-ca').spki)],
  });
  const leaf2 = await issue({ cn: 'leaf2', key: 'citizen-b-sig', issuer: bareRoot });
  assertPathError(
    () => validatePath({ target: leaf2.der, anchors: [bareRoot.der], time: NOW }),
    'PATH_NOT_A_CA',
  );
});

test('PATH_LENGTH_EXCEEDED: pathLenConstraint 0 with a CA below; self-issued CAs do not count', async () => {
  const { root, ca } = await standardChain();
  const sub = await issue({ cn: 'Sub CA', key: 'ocsp', ca: {}, issuer: ca });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: sub });
  assertPathError(
    () =>
      validatePath({ target: leaf.der, intermediates: [ca.der, sub.der], anchors: [root.der], time: NOW }),
    'PATH_LENGTH_EXCEEDED',
    /CN=Sub CA/,
  );
  // key rollover: CA(new key) certified by CA(old key) is self-issued
  const rollover = await issue({
    cn: 'Test Issuing CA',
    key: 'tsa',
    ca: {},
    issuer: ca,
    subject: ca.subject,
  });
  const leaf2 = await issue({ cn: 'leaf2', key: 'citizen-b-sig', issuer: rollover });
  const r = validatePath({
    target: leaf2.der,
    intermediates: [ca.der, rollover.der],
    anchors: [root.der],
    time: NOW,
  });
  assert.equal(r.path.length, 4);
});

test('PATH_NAME_CONSTRAINTS: a SAN outside the CA permitted subtree', async () => {
  const root = await issue({
    cn: 'Test Root',
    key: 'root',
    ca: {},
    extensions: [xt.nameConstraints({ permitted: [gn.dns('example.ph')] })],
  });
  const ok = await issue({
    cn: 'ok',
    key: 'citizen-a-sig',
    issuer: root,
    extensions: [xt.san([gn.dns('www.example.ph')])],
  });
  validatePath({ target: ok.der, anchors: [root.der], time: NOW });
  const bad = await issue({
    cn: 'bad',
    key: 'citizen-b-sig',
    issuer: root,
    extensions: [xt.san([gn.dns('example.vn')])],
  });
  assertPathError(
    () => validatePath({ target: bad.der, anchors: [root.der], time: NOW }),
    'PATH_NAME_CONSTRAINTS',
    /not in the permitted subtrees/,
  );
});

test('PATH_POLICY: an explicit policy required by the CA and none asserted', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const ca = await issue({
    cn: 'Policy CA',
    key: 'eid-ca',
    ca: {},
    issuer: root,
    extensions: [xt.policyConstraints({ requireExplicitPolicy: 0 })],
  });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: ca });
  assertPathError(
    () => validatePath({ target: leaf.der, intermediates: [ca.der], anchors: [root.der], time: NOW }),
    'PATH_POLICY',
  );
});

test('PATH_UNKNOWN_CRITICAL_EXTENSION, unless the caller declares it processed', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const leaf = await issue({
    cn: 'leaf',
    key: 'citizen-a-sig',
    issuer: root,
    extensions: [xt.unknownCritical()],
  });
  assertPathError(
    () => validatePath({ target: leaf.der, anchors: [root.der], time: NOW }),
    'PATH_UNKNOWN_CRITICAL_EXTENSION',
    /1\.3\.6\.1\.4\.1\.55738\.666\.1/,
  );
  validatePath({
    target: leaf.der,
    anchors: [root.der],
    time: NOW,
    knownCriticalExtensions: ['1.3.6.1.4.1.55738.666.1'],
  });
});

test('PATH_KEY_USAGE: a CA without keyCertSign; a leaf without a required usage', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const crlOnly = await issue({
    cn: 'CRL-only CA',
    key: 'eid-ca',
    issuer: root,
    only: [
      ext.basicConstraints(true),
      ext.keyUsage(['cRLSign']),
      ext.subjectKeyIdentifier(fixedSigner('eid-ca').spki),
      ext.authorityKeyIdentifier(fixedSigner('root').spki),
    ],
  });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: crlOnly });
  assertPathError(
    () => validatePath({ target: leaf.der, intermediates: [crlOnly.der], anchors: [root.der], time: NOW }),
    'PATH_KEY_USAGE',
    /lacks keyCertSign/,
  );
  const signer = await issue({ cn: 'signer', key: 'citizen-b-sig', issuer: root });
  validatePath({
    target: signer.der,
    anchors: [root.der],
    time: NOW,
    requiredKeyUsage: ['digitalSignature'],
  });
  assertPathError(
    () =>
      validatePath({
        target: signer.der,
        anchors: [root.der],
        time: NOW,
        requiredKeyUsage: ['contentCommitment'],
      }),
    'PATH_KEY_USAGE',
    /lacks nonRepudiation/,
  );
});

test('PATH_EKU: a required purpose the leaf does not allow; no EKU or anyExtendedKeyUsage allows all', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const server = await issue({
    cn: 'server',
    key: 'citizen-a-auth',
    issuer: root,
    extensions: [ext.extKeyUsage([EKU_SERVER])],
  });
  validatePath({ target: server.der, anchors: [root.der], time: NOW, requiredEku: ['serverAuth'] });
  assertPathError(
    () => validatePath({ target: server.der, anchors: [root.der], time: NOW, requiredEku: ['clientAuth'] }),
    'PATH_EKU',
    new RegExp(EKU_CLIENT.replace(/\./g, '\\.')),
  );
  const any = await issue({
    cn: 'any',
    key: 'citizen-b-auth',
    issuer: root,
    extensions: [ext.extKeyUsage(['2.5.29.37.0'])],
  });
  validatePath({ target: any.der, anchors: [root.der], time: NOW, requiredEku: [EKU_CLIENT] });
  const none = await issue({ cn: 'none', key: 'citizen-c-auth', issuer: root });
  validatePath({ target: none.der, anchors: [root.der], time: NOW, requiredEku: [EKU_CLIENT] });
  assertPathError(
    () => validatePath({ target: none.der, anchors: [root.der], time: NOW, requiredEku: ['bogus'] }),
    'PATH_MALFORMED',
  );
});

test('PATH_PROFILE_VIOLATION in the strict profile; the lenient profile runs RFC 5280 §6.1 only', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const noAki = await issue({
    cn: 'no AKI',
    key: 'citizen-a-sig',
    issuer: root,
    only: [ext.keyUsage(['digitalSignature'])],
  });
  assertPathError(
    () => validatePath({ target: noAki.der, anchors: [root.der], time: NOW }),
    'PATH_PROFILE_VIOLATION',
    /no authorityKeyIdentifier/,
  );
  validatePath({ target: noAki.der, anchors: [root.der], time: NOW, profile: 'lenient' });
});

test('PATH_MALFORMED: bytes that are not a certificate, duplicate extensions', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  assertPathError(
    () => validatePath({ target: Buffer.from([0x30, 0x03, 0x02, 0x01]), anchors: [root.der], time: NOW }),
    'PATH_MALFORMED',
  );
  const dup = await issue({
    cn: 'dup',
    key: 'citizen-a-sig',
    issuer: root,
    extensions: [ext.keyUsage(['nonRepudiation'])],
  });
  assertPathError(
    () => validatePath({ target: dup.der, anchors: [root.der], time: NOW }),
    'PATH_MALFORMED',
    /duplicate extension 2\.5\.29\.15/,
  );
});

test('a target that is itself a trust anchor validates alone', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const r = validatePath({ target: root.der, anchors: [root.der], time: NOW });
  assert.deepEqual(
    r.path.map((c) => c.fingerprint),
    [decodeCertificate(root.der).fingerprint],
  );
});

test('an expired trust anchor fails unless anchorValidity is ignore (trust decided by a trusted list)', async () => {
  const oldRoot = await issue({
    cn: 'Old Root',
    key: 'root',
    ca: {},
    notAfter: new Date('2026-03-01T00:00:00Z'),
  });
  const ca = await issue({ cn: 'CA under old root', key: 'eid-ca', ca: {}, issuer: oldRoot });
  const input = { target: ca.der, anchors: [oldRoot.der], time: NOW };
  assertPathError(() => validatePath(input), 'PATH_EXPIRED', /CN=Old Root/);
  validatePath({ ...input, anchorValidity: 'ignore' });
});
