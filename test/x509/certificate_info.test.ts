import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PkiError } from '../../src/lib/errors.js';
import { toPem } from '../../src/lib/pem.js';
import { decodeCertificate } from '../../src/x509/certificate.js';
import { certificateInfoOf, parseCertificate } from '../../src/x509/certificate_info.js';
import { decodeCrl } from '../../src/x509/crl.js';
import { X509Error, X509_ERROR_CODES } from '../../src/x509/errors.js';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { httpStatus } from '../../src/server/errors.js';
import { nameToString } from '../../src/x509/name_string.js';
import { standardChain } from '../validation/fixtures.js';

test('parseCertificate is a view of the decodeCertificate model', async () => {
  const { leaf, ca } = await standardChain();
  const cert = decodeCertificate(leaf.der);
  const info = parseCertificate(toPem(leaf.der, 'CERTIFICATE'));
  assert.deepEqual(info, certificateInfoOf(cert));
  assert.ok(info.der.equals(leaf.der));
  assert.equal(info.serial, cert.serialHex);
  assert.ok(info.issuerDer.equals(ca.subject) && info.subjectDer.equals(leaf.subject));
  assert.equal(info.subject, nameToString(leaf.subject));
  assert.equal(info.subject, cert.subjectText);
  info.notAfter.setTime(0);
  assert.notEqual(decodeCertificate(leaf.der).notAfter.getTime(), 0, 'the cached model is not shared');
});

test('parseCertificate keeps PKI_CERT_MALFORMED; the x509 decoders throw X509Error', () => {
  for (const bad of [
    Buffer.from([0x30, 0x00]),
    Buffer.from('hello'),
    '-----BEGIN X509 CRL-----\n-----END X509 CRL-----\n',
  ]) {
    assert.throws(
      () => parseCertificate(bad),
      (e) =>
        e instanceof PkiError &&
        e.code === 'PKI_CERT_MALFORMED' &&
        /^malformed certificate: /.test(e.message),
    );
    assert.throws(
      () => decodeCertificate(bad),
      (e) => e instanceof X509Error && e.code === 'X509_CERTIFICATE_MALFORMED' && httpStatus(e.code) === 400,
    );
  }
  assert.throws(
    () => decodeCrl(Buffer.from([0x30, 0x00])),
    (e) => e instanceof X509Error && e.code === 'X509_CRL_MALFORMED' && /^CRL: /.test(e.detail),
  );
  for (const code of X509_ERROR_CODES) assert.ok(ERROR_CATALOGUE[code].text.length > 0);
});
