import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, ExtendedKeyUsage, KeyUsage, Name } from '@peculiar/asn1-x509';
import { OID, subjectPublicKeyBits } from '../../src/pki/algorithms.js';
import {
  KeyUsageBit,
  encodeExtension,
  encodeName,
  ext,
  randomSerial,
  signCertificate,
} from '../../src/pki/certificate_builder.js';
import type { CertificateTemplate } from '../../src/pki/certificate_builder.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { keyStoreSigner } from '../../src/pki/signer.js';
import { MemoryKeyStore, fixedKey, spkiOf } from '../fixtures/keys.js';
import { decodeCertificate } from '../fixtures/pki.js';

const NOT_BEFORE = new Date('2026-03-02T09:30:00.000Z');

function template(patch: Partial<CertificateTemplate> = {}): CertificateTemplate {
  const name = encodeName([
    { type: OID.countryName, value: 'PH' },
    { type: OID.commonName, value: 'Unit Test CA' },
  ]);
  return {
    serial: Buffer.from('4a0b0c0d0e0f101112131415161718ff', 'hex'),
    issuer: name,
    subject: name,
    notBefore: NOT_BEFORE,
    notAfter: new Date('2027-03-02T09:30:00.000Z'),
    spki: spkiOf(fixedKey('eid-ca')),
    extensions: [ext.basicConstraints(true, 0), ext.keyUsage(['keyCertSign', 'cRLSign'])],
    ...patch,
  };
}

test('encodeName: C and serialNumber are PrintableString, other attributes UTF8String, in order', () => {
  const der = encodeName([
    { type: OID.countryName, value: 'PH' },
    { type: OID.givenName, value: 'José' },
    { type: OID.serialNumber, value: 'PNOPH-123' },
    { type: OID.commonName, value: 'José Rizal' },
  ]);
  const name = AsnConvert.parse(der, Name);
  const atvs = [...name].map((rdn) => {
    assert.equal(rdn.length, 1, 'one attribute per RDN');
    return rdn[0]!;
  });
  assert.deepEqual(
    atvs.map((a) => [a.type, a.value.printableString, a.value.utf8String]),
    [
      [OID.countryName, 'PH', undefined],
      [OID.givenName, undefined, 'José'],
      [OID.serialNumber, 'PNOPH-123', undefined],
      [OID.commonName, undefined, 'José Rizal'],
    ],
  );
});

test('key usage bits and extension encodings are DER-minimal', () => {
  assert.equal(ext.keyUsage(['digitalSignature']).value.toString('hex'), '03020780');
  assert.equal(ext.keyUsage(['nonRepudiation']).value.toString('hex'), '03020640');
  assert.equal(ext.keyUsage(['keyCertSign', 'cRLSign']).value.toString('hex'), '03020106');
  assert.deepEqual(
    AsnConvert.parse(ext.keyUsage(['keyCertSign', 'cRLSign']).value, KeyUsage)
      .toJSON()
      .sort(),
    ['crlSign', 'keyCertSign'],
  );
  assert.equal(KeyUsageBit.cRLSign, 6);
  assert.ok(ext.keyUsage(['digitalSignature']).critical);
  // Non-critical extensions omit the BOOLEAN (DER default), critical ones carry TRUE.
  assert.equal(
    encodeExtension({ oid: '2.5.29.14', critical: false, value: Buffer.from([5, 0]) }).toString('hex'),
    '30090603551d0e04020500',
  );
  assert.equal(
    encodeExtension({ oid: '2.5.29.14', critical: true, value: Buffer.from([5, 0]) }).toString('hex'),
    '300c0603551d0e0101ff04020500',
  );
  const ca = AsnConvert.parse(ext.basicConstraints(true, 0).value, BasicConstraints);
  assert.deepEqual([ca.cA, ca.pathLenConstraint], [true, 0]);
  const ee = AsnConvert.parse(ext.basicConstraints(false).value, BasicConstraints);
  assert.deepEqual([ee.cA, ee.pathLenConstraint], [false, undefined]);
  assert.deepEqual(
    [...AsnConvert.parse(ext.extKeyUsage([OID.kpClientAuth]).value, ExtendedKeyUsage)],
    [OID.kpClientAuth],
  );
  assert.ok(ext.extKeyUsage([OID.kpTimeStamping], true).critical);
  assert.ok(!ext.extKeyUsage([OID.kpTimeStamping]).critical);
});

test('subject key identifier is SHA-1 of the subjectPublicKey bits (RFC 5280 method 1)', () => {
  const spki = spkiOf(fixedKey('ocsp'));
  const want = createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
  assert.equal(ext.subjectKeyIdentifier(spki).value.toString('hex'), `0414${want.toString('hex')}`);
  assert.equal(ext.authorityKeyIdentifier(spki).value.toString('hex'), `30168014${want.toString('hex')}`);
});

test('randomSerial: 16 octets, positive, no leading zero octet, not repeated', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const s = randomSerial();
    assert.equal(s.length, 16);
    assert.ok(s[0]! >= 0x40 && s[0]! <= 0x7f, 'top bit clear, next bit set');
    seen.add(s.toString('hex'));
  }
  assert.equal(seen.size, 200);
});

test('signCertificate: an X.509 v3 certificate OpenSSL parses and verifies', async () => {
  const keys = new MemoryKeyStore();
  const spki = await keys.publicKey('eid-ca');
  const der = await signCertificate(template(), keyStoreSigner(keys, 'eid-ca', 'P-256', spki));
  const x = new X509Certificate(der);
  assert.ok(x.verify(x.publicKey), 'self-signed signature verifies');
  assert.equal(x.serialNumber.toLowerCase(), '4a0b0c0d0e0f101112131415161718ff');
  assert.equal(x.subject, 'C=PH\nCN=Unit Test CA');
  assert.equal(new Date(x.validFrom).toISOString(), NOT_BEFORE.toISOString());
  const cert = decodeCertificate(der);
  assert.equal(cert.tbsCertificate.version, 2, 'v3');
  assert.equal(cert.signatureAlgorithm.algorithm, OID.ecdsaWithSHA256);
  assert.equal(cert.signatureAlgorithm.parameters, undefined, 'ECDSA parameters absent (RFC 5758)');
  assert.equal(parseCertificate(der).serial, '4a0b0c0d0e0f101112131415161718ff');
});

test('signCertificate: a serial with the top bit set gets a sign octet; 2050+ dates are GeneralizedTime', async () => {
  const keys = new MemoryKeyStore();
  const spki = await keys.publicKey('root');
  const der = await signCertificate(
    template({
      serial: Buffer.from('ff01', 'hex'),
      spki,
      notAfter: new Date('2051-01-01T00:00:00Z'),
      extensions: [],
    }),
    keyStoreSigner(keys, 'root', 'P-384', spki),
  );
  const cert = decodeCertificate(der);
  assert.equal(Buffer.from(cert.tbsCertificate.serialNumber).toString('hex'), '00ff01');
  assert.equal(parseCertificate(der).serial, 'ff01');
  assert.ok(cert.tbsCertificate.validity.notBefore.utcTime, 'UTCTime before 2050');
  assert.ok(cert.tbsCertificate.validity.notAfter.generalTime, 'GeneralizedTime from 2050');
  assert.equal(cert.tbsCertificate.extensions, undefined, 'no empty extensions field');
  assert.equal(cert.signatureAlgorithm.algorithm, OID.ecdsaWithSHA384);
  const x = new X509Certificate(der);
  assert.equal(new Date(x.validTo).toISOString(), '2051-01-01T00:00:00.000Z');
});
