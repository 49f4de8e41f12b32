import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { ext, ecdsaAlgorithm } from '../../../src/pki/certificate_builder.js';
import { decodeCertificate } from '../../../src/validation/index.js';
import { checkProfile, checkWellFormed } from '../../../src/validation/path/profile.js';
import { assertPathError } from '../fixtures.js';
import { FIXED_KEYS } from '../../fixtures/keys.js';
import { cnName, fixedSigner, gn, issue, keyIdExtensions, rawCertificate, xt } from '../fixtures.js';
import type { IssueOptions } from '../fixtures.js';
import { seq } from '../../../src/lib/der.js';

async function violation(
  o: Omit<IssueOptions, 'key'>,
  role: 'target' | 'intermediate' | 'anchor',
  message: RegExp,
): Promise<void> {
  const root = await issue({ cn: 'Root', key: 'root', ca: {} });
  const cert = decodeCertificate((await issue({ key: 'citizen-a-sig', issuer: root, ...o })).der);
  assertPathError(() => checkProfile(cert, role, 0), 'PATH_PROFILE_VIOLATION', message);
}

const ROOT_KEY = (): Buffer => fixedSigner('root').spki;

test('serial numbers: at most 20 octets; zero and negative ones are handled gracefully (RFC 5280 §4.1.2.2)', async () => {
  await violation({ cn: 'long', serial: Buffer.alloc(21, 0x41) }, 'target', /longer than 20 octets/);
  const root = await issue({ cn: 'Root', key: 'root', ca: {} });
  const zero = await issue({ cn: 'zero', key: 'citizen-b-sig', issuer: root, serial: Buffer.from([0]) });
  checkProfile(decodeCertificate(zero.der), 'target', 0);
  const key = fixedSigner('citizen-b-sig').spki;
  const negative = rawCertificate(
    {
      serial: Buffer.from([0xff, 0x01]),
      algorithm: ecdsaAlgorithm('sha384'),
      issuer: cnName('Root'),
      subject: cnName('neg'),
      spki: key,
      extensions: keyIdExtensions(key, ROOT_KEY()),
    },
    (tbs) => cryptoSign('sha384', tbs, { key: createPrivateKey(FIXED_KEYS.root), dsaEncoding: 'der' }),
  );
  const cert = decodeCertificate(negative);
  checkProfile(cert, 'target', 0);
  assert.equal(cert.serialHex, 'ff01');
});

test('names: empty issuer, CA with an empty subject, empty subject without a critical SAN, SAN syntax', async () => {
  await violation(
    { cn: 'ca', subject: seq(), ca: {} },
    'intermediate',
    /CA certificate with an empty subject/,
  );
  await violation(
    { cn: 'x', subject: seq(), extensions: [xt.san([gn.dns('example.com')], false)] },
    'target',
    /empty subject without a critical subjectAltName/,
  );
  await violation(
    { cn: 'x', extensions: [xt.san([gn.dns('foo_bar.example.com')])] },
    'target',
    /preferred name syntax/,
  );
  await violation(
    { cn: 'x', extensions: [xt.san([gn.email('a@b@example.com')])] },
    'target',
    /not a mailbox/,
  );
  await violation({ cn: 'x', extensions: [xt.san([gn.uri('no-scheme')])] }, 'target', /not an absolute URI/);
  const key = fixedSigner('citizen-c-sig').spki;
  const emptyIssuer = rawCertificate(
    {
      algorithm: ecdsaAlgorithm('sha256'),
      issuer: seq(),
      subject: cnName('e'),
      spki: key,
      extensions: keyIdExtensions(key, key),
    },
    (tbs) =>
      cryptoSign('sha256', tbs, { key: createPrivateKey(FIXED_KEYS['citizen-c-sig']), dsaEncoding: 'der' }),
  );
  assertPathError(
    () => checkProfile(decodeCertificate(emptyIssuer), 'target', 0),
    'PATH_PROFILE_VIOLATION',
    /empty issuer name/,
  );
});

test('key identifiers: AKI present and non-critical (but not required of anchors), SKI in CA certificates', async () => {
  const own = fixedSigner('citizen-a-sig').spki;
  await violation({ cn: 'x', only: [ext.subjectKeyIdentifier(own)] }, 'target', /no authorityKeyIdentifier/);
  await violation(
    { cn: 'x', only: [{ ...ext.authorityKeyIdentifier(ROOT_KEY()), critical: true }] },
    'target',
    /critical authorityKeyIdentifier/,
  );
  await violation(
    {
      cn: 'x',
      only: [ext.authorityKeyIdentifier(ROOT_KEY()), { ...ext.subjectKeyIdentifier(own), critical: true }],
    },
    'target',
    /critical subjectKeyIdentifier/,
  );
  await violation(
    { cn: 'x', only: [ext.basicConstraints(true), ext.authorityKeyIdentifier(ROOT_KEY())] },
    'intermediate',
    /without subjectKeyIdentifier/,
  );
  const root = await issue({ cn: 'Root', key: 'root', ca: {} });
  const crossCertified = await issue({
    cn: 'Anchor',
    key: 'eid-ca',
    issuer: root,
    only: [ext.basicConstraints(true), ext.subjectKeyIdentifier(fixedSigner('eid-ca').spki)],
  });
  checkProfile(decodeCertificate(crossCertified.der), 'anchor', 1);
  const selfSigned = await issue({
    cn: 'Self',
    key: 'ocsp',
    only: [ext.basicConstraints(true), ext.subjectKeyIdentifier(fixedSigner('ocsp').spki)],
  });
  checkProfile(decodeCertificate(selfSigned.der), 'intermediate', 1);
});

test('CA rules: critical basicConstraints, pathLen and keyCertSign only with cA', async () => {
  await violation(
    {
      cn: 'x',
      ca: {},
      only: [
        { ...ext.basicConstraints(true), critical: false },
        ext.subjectKeyIdentifier(ROOT_KEY()),
        ext.authorityKeyIdentifier(ROOT_KEY()),
      ],
    },
    'intermediate',
    /basicConstraints of a CA certificate is not critical/,
  );
  await violation(
    {
      cn: 'x',
      ca: { pathLen: 0 },
      only: [
        ext.basicConstraints(true, 0),
        ext.keyUsage(['cRLSign']),
        ext.subjectKeyIdentifier(ROOT_KEY()),
        ext.authorityKeyIdentifier(ROOT_KEY()),
      ],
    },
    'intermediate',
    /pathLenConstraint without cA and keyCertSign/,
  );
  await violation(
    {
      cn: 'x',
      only: [ext.keyUsage(['keyCertSign']), ext.authorityKeyIdentifier(ROOT_KEY())],
    },
    'target',
    /keyCertSign without basicConstraints cA/,
  );
});

test('CA-only and critical-only extensions; AIA non-critical; no repeated policy', async () => {
  await violation(
    { cn: 'x', extensions: [xt.nameConstraints({ permitted: [gn.dns('example.com')] })] },
    'target',
    /nameConstraints in a certificate that is not a CA/,
  );
  await violation(
    { cn: 'x', ca: {}, extensions: [xt.nameConstraints({ permitted: [gn.dns('example.com')] }, false)] },
    'intermediate',
    /nameConstraints not critical/,
  );
  await violation(
    {
      cn: 'x',
      ca: {},
      extensions: [{ ...xt.policyConstraints({ requireExplicitPolicy: 0 }), critical: false }],
    },
    'intermediate',
    /policyConstraints not critical/,
  );
  await violation(
    { cn: 'x', ca: {}, extensions: [{ ...xt.inhibitAnyPolicy(0), critical: false }] },
    'intermediate',
    /inhibitAnyPolicy not critical/,
  );
  await violation(
    {
      cn: 'x',
      extensions: [{ ...ext.authorityInfoAccess({ caIssuers: 'http://x.example/ca.crt' }), critical: true }],
    },
    'target',
    /critical authorityInfoAccess/,
  );
  await violation(
    { cn: 'x', extensions: [ext.certificatePolicies([{ oid: '1.2.3' }, { oid: '1.2.3' }])] },
    'target',
    /a policy appears twice/,
  );
});

test('well-formedness in every mode: differing signature algorithm fields', async () => {
  const key = fixedSigner('citizen-a-sig').spki;
  const der = rawCertificate(
    {
      algorithm: ecdsaAlgorithm('sha256'),
      outerAlgorithm: ecdsaAlgorithm('sha384'),
      issuer: cnName('Root'),
      subject: cnName('m'),
      spki: key,
      extensions: keyIdExtensions(key, ROOT_KEY()),
    },
    (tbs) => cryptoSign('sha384', tbs, { key: createPrivateKey(FIXED_KEYS.root), dsaEncoding: 'der' }),
  );
  assertPathError(
    () => checkWellFormed(decodeCertificate(der), 0),
    'PATH_MALFORMED',
    /signatureAlgorithm differs/,
  );
});
