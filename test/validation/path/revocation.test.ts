import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bitString, explicit, integer, oid, seq, time } from '../../../src/lib/der.js';
import { ecdsaAlgorithm, encodeExtension, ext } from '../../../src/pki/certificate_builder.js';
import { OID } from '../../../src/pki/algorithms.js';
import {
  decodeCertificate,
  decodeCrl,
  subIndicationFor,
  validatePath,
} from '../../../src/validation/index.js';
import { crlStatus } from '../../../src/validation/path/revocation.js';
import { assertPathError } from '../fixtures.js';
import { NOW, crlOf, fixedSigner, issue, standardChain } from '../fixtures.js';
import type { Issued } from '../fixtures.js';

function serial(c: Issued): string {
  return decodeCertificate(c.der).serialHex;
}

const REVOKED_AT = new Date('2026-05-15T00:00:00Z');

/** A hand-made CRL for the cases the project's CRL builder never produces. */
async function customCrl(
  ca: Issued,
  extensions: Buffer[],
  nextUpdate = new Date('2026-07-01T00:00:00Z'),
): Promise<Buffer> {
  const alg = ecdsaAlgorithm(ca.signer.hash);
  const tbs = seq(
    integer(1),
    alg,
    ca.subject,
    time(new Date('2026-05-01T00:00:00Z')),
    time(nextUpdate),
    extensions.length > 0 ? explicit(0, seq(...extensions)) : undefined,
  );
  return seq(tbs, alg, bitString(await ca.signer.sign(tbs)));
}

test('a CRL that does not list the certificate: good; revocation status per certificate', async () => {
  const { root, ca, leaf } = await standardChain();
  const crls = [await crlOf(ca), await crlOf(root)];
  const r = validatePath({ target: leaf.der, intermediates: [ca.der], anchors: [root.der], time: NOW, crls });
  assert.deepEqual(r.revocation, [
    { status: 'good', crls: 1 },
    { status: 'good', crls: 1 },
  ]);
});

test('PATH_REVOKED for the target, with the revocation time and reason; REVOKED_NO_POE', async () => {
  const { root, ca, leaf } = await standardChain();
  const crl = await crlOf(ca, [{ serial: serial(leaf), revokedAt: REVOKED_AT, reason: 'keyCompromise' }]);
  const e = assertPathError(
    () =>
      validatePath({
        target: leaf.der,
        intermediates: [ca.der],
        anchors: [root.der],
        time: NOW,
        crls: [crl],
      }),
    'PATH_REVOKED',
    /revoked 2026-05-15T00:00:00.000Z \(keyCompromise\)/,
  );
  assert.deepEqual(e.context.revocationTime, REVOKED_AT);
  assert.equal(e.context.revocationReason, 'keyCompromise');
  assert.equal(subIndicationFor(e.pathCode).subIndication, 'REVOKED_NO_POE');
  // validated at a time before the revocation: not yet revoked then
  validatePath({
    target: leaf.der,
    intermediates: [ca.der],
    anchors: [root.der],
    time: new Date('2026-05-14T00:00:00Z'),
    crls: [crl],
  });
});

test('PATH_CA_REVOKED for an intermediate; a hold counts as revoked', async () => {
  const { root, ca, leaf } = await standardChain();
  const crl = await crlOf(root, [{ serial: serial(ca), revokedAt: REVOKED_AT, reason: 'certificateHold' }]);
  const e = assertPathError(
    () =>
      validatePath({
        target: leaf.der,
        intermediates: [ca.der],
        anchors: [root.der],
        time: NOW,
        crls: [crl],
      }),
    'PATH_CA_REVOKED',
  );
  assert.equal(e.context.certificateIndex, 1);
  assert.equal(subIndicationFor(e.pathCode).subIndication, 'REVOKED_CA_NO_POE');
});

test('a serial listed on another issuer’s CRL does not count', async () => {
  const { root, ca, leaf } = await standardChain();
  const other = await issue({ cn: 'Other CA', key: 'foreign-ca', ca: {} });
  const foreign = await crlOf(other, [{ serial: serial(leaf), revokedAt: REVOKED_AT }]);
  const r = validatePath({
    target: leaf.der,
    intermediates: [ca.der],
    anchors: [root.der],
    time: NOW,
    crls: [foreign],
  });
  assert.deepEqual(r.revocation[0], { status: 'not-checked' });
});

test('PATH_REVOCATION_UNKNOWN: stale CRL, CRL by a key without cRLSign, bad signature, missing or critical cRLNumber', async () => {
  const { root, ca, leaf } = await standardChain();
  const input = { target: leaf.der, intermediates: [ca.der], anchors: [root.der], time: NOW };
  const stale = await crlOf(ca, [], new Date('2026-06-01T00:00:00Z'));
  assertPathError(() => validatePath({ ...input, crls: [stale] }), 'PATH_REVOCATION_UNKNOWN', /stale/);
  const forged = Buffer.from(await crlOf(ca));
  forged[forged.length - 3]! ^= 0x01;
  assertPathError(
    () => validatePath({ ...input, crls: [forged] }),
    'PATH_REVOCATION_UNKNOWN',
    /does not verify/,
  );
  const noNumber = await customCrl(ca, []);
  assertPathError(
    () => validatePath({ ...input, crls: [noNumber] }),
    'PATH_REVOCATION_UNKNOWN',
    /no cRLNumber/,
  );
  validatePath({ ...input, crls: [noNumber], profile: 'lenient' });
  const critical = await customCrl(ca, [
    encodeExtension({ oid: OID.crlNumber, critical: true, value: integer(5) }),
  ]);
  assertPathError(
    () => validatePath({ ...input, crls: [critical] }),
    'PATH_REVOCATION_UNKNOWN',
    /critical cRLNumber/,
  );
  const unknown = await customCrl(ca, [
    encodeExtension({ oid: OID.crlNumber, critical: false, value: integer(5) }),
    encodeExtension({ oid: '1.3.6.1.4.1.55738.666.2', critical: true, value: Buffer.from([5, 0]) }),
  ]);
  assertPathError(
    () => validatePath({ ...input, crls: [unknown] }),
    'PATH_REVOCATION_UNKNOWN',
    /critical CRL extension/,
  );
  const caCrl = await crlOf(ca);
  const e = assertPathError(
    () => validatePath({ ...input, crls: [caCrl], requireRevocation: true }),
    'PATH_REVOCATION_UNKNOWN',
  );
  assert.match(e.message, /CN=Test Issuing CA: no CRL from its issuer/);
  assert.equal(subIndicationFor(e.pathCode).subIndication, 'TRY_LATER');
});

test('RFC 5280 §6.3.3 (f): a CRL issuer whose keyUsage lacks cRLSign cannot sign CRLs', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const ca = await issue({
    cn: 'Cert-only CA',
    key: 'eid-ca',
    issuer: root,
    only: [
      ext.basicConstraints(true),
      ext.keyUsage(['keyCertSign']),
      ext.subjectKeyIdentifier(fixedSigner('eid-ca').spki),
      ext.authorityKeyIdentifier(fixedSigner('root').spki),
    ],
  });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: ca });
  const crl = await crlOf(ca);
  const status = crlStatus(decodeCertificate(leaf.der), decodeCertificate(ca.der), [decodeCrl(crl)], {
    time: NOW,
    strict: true,
  });
  assert.deepEqual(status, { status: 'unknown', detail: "the issuer's key usage lacks cRLSign" });
});

test('a partitioned CRL (IssuingDistributionPoint) applies only within its scope', async () => {
  const { root, ca, leaf } = await standardChain();
  const idp = (body: Buffer): Buffer =>
    encodeExtension({ oid: '2.5.29.28', critical: true, value: seq(body) });
  const number = encodeExtension({ oid: OID.crlNumber, critical: false, value: integer(9) });
  const caOnly = await customCrl(ca, [number, idp(Buffer.from([0x82, 0x01, 0xff]))]);
  const r = validatePath({
    target: leaf.der,
    intermediates: [ca.der],
    anchors: [root.der],
    time: NOW,
    crls: [caOnly],
  });
  assert.deepEqual(
    r.revocation[0],
    { status: 'not-checked' },
    'onlyContainsCACerts does not cover an end entity',
  );
  const someReasons = await customCrl(ca, [number, idp(Buffer.from([0x83, 0x02, 0x07, 0x80]))]);
  assertPathError(
    () =>
      validatePath({
        target: leaf.der,
        intermediates: [ca.der],
        anchors: [root.der],
        time: NOW,
        crls: [someReasons],
      }),
    'PATH_REVOCATION_UNKNOWN',
    /do not cover every reason/,
  );
});

test('decodeCrl: entries by serial, reason codes, PATH_MALFORMED for garbage', async () => {
  const { ca, leaf } = await standardChain();
  const crl = decodeCrl(
    await crlOf(ca, [{ serial: serial(leaf), revokedAt: REVOKED_AT, reason: 'superseded' }]),
  );
  assert.deepEqual(crl.entries.get(serial(leaf)), { revocationDate: REVOKED_AT, reason: 'superseded' });
  assert.equal(crl.crlNumber?.critical, false);
  assertPathError(() => decodeCrl(seq(oid('1.2.3'))), 'PATH_MALFORMED');
  assertPathError(
    () => decodeCrl('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'),
    'PATH_MALFORMED',
  );
});
