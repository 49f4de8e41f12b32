import assert from 'node:assert/strict';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { test } from 'node:test';
import { toPem } from '../../src/lib/pem.js';
import { ext } from '../../src/pki/certificate_builder.js';
import { decodeCertificate } from '../../src/validation/index.js';
import { assertPathError } from '../validation/fixtures.js';
import { FIXED_KEYS } from '../fixtures/keys.js';
import {
  NOT_AFTER,
  NOT_BEFORE,
  cnName,
  fixedSigner,
  gn,
  issue,
  oid,
  rawCertificate,
  seq,
  standardChain,
  tlv,
  xt,
} from '../validation/fixtures.js';
import { ecdsaAlgorithm } from '../../src/pki/certificate_builder.js';

test('the decoded model: exact bytes, names, validity, extensions', async () => {
  const { ca, leaf } = await standardChain([
    xt.san([gn.dns('example.ph'), gn.ip([192, 0, 2, 1])]),
    ext.extKeyUsage(['1.3.6.1.5.5.7.3.2']),
  ]);
  const c = decodeCertificate(leaf.der);
  assert.equal(c.version, 3);
  assert.equal(c.subjectText, 'CN=Maria Santos');
  assert.ok(c.issuer.der.equals(ca.subject));
  assert.ok(c.der.subarray(4).subarray(0, c.tbs.length).equals(c.tbs) || c.der.includes(c.tbs));
  assert.ok(c.spki.equals(fixedSigner('citizen-a-sig').spki));
  assert.deepEqual([c.notBefore, c.notAfter], [NOT_BEFORE, NOT_AFTER]);
  assert.ok(c.signatureAlgorithm.equals(ecdsaAlgorithm('sha256')));
  assert.equal(c.selfIssued, false);
  assert.deepEqual(c.problems, []);
  const x = c.extensions;
  assert.deepEqual([...x.keyUsage!.usages], ['digitalSignature']);
  assert.deepEqual(x.extKeyUsage?.purposes, ['1.3.6.1.5.5.7.3.2']);
  assert.deepEqual(
    x.subjectAltName?.names.map((n) => n.type),
    ['dNSName', 'iPAddress'],
  );
  assert.ok(
    x.authorityKeyIdentifier?.keyId?.equals(decodeCertificate(ca.der).extensions.subjectKeyIdentifier!.keyId),
  );
  assert.deepEqual(decodeCertificate(ca.der).extensions.basicConstraints, {
    critical: true,
    ca: true,
    pathLen: 0,
  });
});

test('decoded once: the same buffer, the same bytes or PEM give the cached model', async () => {
  const { leaf } = await standardChain();
  const a = decodeCertificate(leaf.der);
  assert.equal(decodeCertificate(leaf.der), a);
  assert.equal(decodeCertificate(Buffer.from(leaf.der)), a);
  assert.equal(decodeCertificate(toPem(leaf.der, 'CERTIFICATE')), a);
});

test('decoding problems are recorded, not thrown: duplicates, bad values, extensions in v1', async () => {
  const dup = await issue({
    cn: 'dup',
    key: 'citizen-a-sig',
    extensions: [ext.keyUsage(['nonRepudiation'])],
  });
  assert.deepEqual(decodeCertificate(dup.der).problems, ['duplicate extension 2.5.29.15']);
  const badBc = await issue({
    cn: 'bad',
    key: 'citizen-b-sig',
    only: [{ oid: '2.5.29.19', critical: true, value: Buffer.from('junk') }],
  });
  assert.match(decodeCertificate(badBc.der).problems[0]!, /^extension 2\.5\.29\.19: /);
  const signer = fixedSigner('citizen-c-sig');
  const v1 = rawCertificate(
    {
      version: 1,
      algorithm: ecdsaAlgorithm('sha256'),
      issuer: cnName('v1'),
      subject: cnName('v1'),
      spki: signer.spki,
      extensions: [ext.basicConstraints(true)],
    },
    (tbs) =>
      cryptoSign('sha256', tbs, { key: createPrivateKey(FIXED_KEYS['citizen-c-sig']), dsaEncoding: 'der' }),
  );
  const c = decodeCertificate(v1);
  assert.equal(c.version, 1);
  assert.deepEqual(c.problems, ['extensions in a version 1 certificate']);
  assert.equal(c.selfIssued, true);
});

test('PATH_MALFORMED for input that is not a certificate', () => {
  assertPathError(() => decodeCertificate(Buffer.from([0x30, 0x00])), 'PATH_MALFORMED', /certificate: /);
  assertPathError(
    () => decodeCertificate('-----BEGIN X509 CRL-----\n-----END X509 CRL-----\n'),
    'PATH_MALFORMED',
    /no CERTIFICATE block/,
  );
  assertPathError(() => decodeCertificate(Buffer.from('hello')), 'PATH_MALFORMED');
});

test('authority/subject information access: at least one well-formed AccessDescription (RFC 5280 §4.2.2)', async () => {
  const aia = (value: Buffer) => ({ oid: '1.3.6.1.5.5.7.1.1', critical: false, value });
  const sia = (value: Buffer) => ({ oid: '1.3.6.1.5.5.7.1.11', critical: false, value });
  const ocspUrl = seq(oid('1.3.6.1.5.5.7.48.1'), tlv(0x86, Buffer.from('http://ocsp.example/')));
  const good = await issue({ cn: 'aia', key: 'citizen-a-sig', extensions: [aia(seq(ocspUrl))] });
  assert.deepEqual(decodeCertificate(good.der).problems, []);
  assert.equal(decodeCertificate(good.der).extensions.authorityInfoAccess?.critical, false);
  for (const [value, problem] of [
    [seq(), /empty InfoAccessSyntax/],
    [seq(seq(oid('1.3.6.1.5.5.7.48.1'))), /bad AccessDescription/],
    [Buffer.from([0x30, 0x05, 0x30]), /truncated|length/],
  ] as const) {
    for (const make of [aia, sia]) {
      const bad = await issue({ cn: 'bad aia', key: 'citizen-b-sig', extensions: [make(value)] });
      assert.match(decodeCertificate(bad.der).problems.join('; '), problem);
    }
  }
});
