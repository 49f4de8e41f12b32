/**
 * Path-validation faults users reported, each kept fixed: a trust anchor with the right name and
 * the wrong key (no chain, not a chain failure), and roots with a zero or negative serial number
 * (RFC 5280 §4.1.2.2: handled gracefully). Fixed keys and a fixed clock.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { test } from 'node:test';
import { ext } from '../../../src/pki/certificate_builder.js';
import {
  bufferSource,
  decodeCertificate,
  subIndicationFor,
  validateDocument,
  validatePath,
} from '../../../src/validation/index.js';
import { FIXED_KEYS, fixedKey } from '../../fixtures/keys.js';
import type { FixedKeyId } from '../../fixtures/keys.js';
import {
  NOW,
  assertPathError,
  cnName,
  fixedSigner,
  handMadeCms,
  issue,
  oid,
  rawCertificate,
  seq,
  standardChain,
} from '../fixtures.js';

test('an anchor with the right name and the wrong key: PATH_NO_CHAIN_FOUND → NO_CERTIFICATE_CHAIN_FOUND', async () => {
  const { root, ca, leaf } = await standardChain();
  const impostor = await issue({ cn: 'Test Root', key: 'foreign-ca', ca: {} });
  assert.equal(decodeCertificate(impostor.der).subjectText, decodeCertificate(root.der).subjectText);
  // The anchor signed the target directly, and the anchor signed the intermediate.
  const direct = await issue({ cn: 'Direct Leaf', key: 'citizen-b-sig', issuer: root });
  for (const input of [
    { target: direct.der, anchors: [impostor.der] },
    { target: leaf.der, intermediates: [ca.der], anchors: [impostor.der] },
  ]) {
    const e = assertPathError(
      () => validatePath({ ...input, time: NOW }),
      'PATH_NO_CHAIN_FOUND',
      /no path to a trust anchor/,
    );
    assert.deepEqual(subIndicationFor(e.pathCode), {
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
  }
  // The real root still validates, and a target altered under its real issuer stays a bad signature.
  assert.equal(validatePath({ target: direct.der, anchors: [root.der], time: NOW }).path.length, 2);
  const tampered = Buffer.from(direct.der);
  tampered[tampered.length - 5]! ^= 0x01;
  assertPathError(
    () => validatePath({ target: tampered, anchors: [impostor.der, root.der], time: NOW }),
    'PATH_SIGNATURE_INVALID',
  );
});

test('a signature under an impostor anchor is INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND', async () => {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const impostor = await issue({ cn: 'Test Root', key: 'foreign-ca', ca: {} });
  const leaf = await issue({ cn: 'Maria Santos', key: 'citizen-a-sig', issuer: root });
  const cms = handMadeCms({
    content: Buffer.from('document'),
    certificate: leaf.der,
    chain: [],
    key: fixedKey('citizen-a-sig'),
    digest: 'sha256',
  });
  const report = await validateDocument(bufferSource(cms), { anchors: [impostor.der], time: NOW });
  const r = report.signatures[0]!;
  assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
});

/** A self-signed root with the raw serialNumber content octets `serial`. */
function rootWithSerial(serial: number[], key: FixedKeyId = 'foreign-ca'): Buffer {
  const signer = fixedSigner(key);
  return rawCertificate(
    {
      serial: Buffer.from(serial),
      algorithm: seq(oid('1.2.840.10045.4.3.2')),
      issuer: cnName('Serial Root'),
      subject: cnName('Serial Root'),
      spki: signer.spki,
      extensions: [
        ext.basicConstraints(true),
        ext.keyUsage(['keyCertSign', 'cRLSign']),
        ext.subjectKeyIdentifier(signer.spki),
      ],
    },
    (tbs) => cryptoSign('sha256', tbs, { key: createPrivateKey(FIXED_KEYS[key]), dsaEncoding: 'der' }),
  );
}

test('roots with serial number 0 (Starfield Root G2) or a negative serial validate (RFC 5280 §4.1.2.2)', async () => {
  for (const serial of [[0x00], [0xff, 0x7f], [0x80]]) {
    const der = rootWithSerial(serial);
    const root = decodeCertificate(der);
    assert.equal(root.serialHex, Buffer.from(serial).toString('hex'));
    assert.deepEqual(root.problems, []);
    const rootIssued = { der, subject: cnName('Serial Root'), signer: fixedSigner('foreign-ca') };
    const leaf = await issue({ cn: 'Under Serial Root', key: 'citizen-b-sig', issuer: rootIssued });
    const { path } = validatePath({ target: leaf.der, anchors: [der], time: NOW });
    assert.equal(path[1]!.fingerprint, root.fingerprint);
    // the root as the target itself, in the strict profile too
    assert.equal(validatePath({ target: der, anchors: [der], time: NOW }).path.length, 1);
  }
  // Over-long serials are still refused (more than 20 octets).
  const long = rootWithSerial([0x01, ...new Array<number>(21).fill(0x22)]);
  assertPathError(
    () => validatePath({ target: long, anchors: [long], time: NOW }),
    'PATH_PROFILE_VIOLATION',
    /longer than 20 octets/,
  );
});
