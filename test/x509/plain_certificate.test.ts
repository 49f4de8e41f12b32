import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import { childrenOf, topElement } from '../../src/lib/der_reader.js';
import { ext } from '../../src/pki/certificate_builder.js';
import { plainExtensionEntries } from '../../src/x509/plain_certificate.js';
import { decodeCertificate } from '../../src/validation/index.js';
import { gn, standardChain, xt } from '../validation/fixtures.js';

function plain(der: Buffer): ReturnType<typeof plainExtensionEntries> {
  const [tbs, alg, sig] = childrenOf(der, topElement(der, 0x30, 'Certificate'));
  return plainExtensionEntries(der, tbs!, alg!, sig!);
}

function schemaEntries(der: Buffer): { oid: string; critical: boolean; value: Buffer }[] {
  const c = AsnConvert.parse(der, AsnCertificate);
  return [...(c.tbsCertificate.extensions ?? [])].map((e) => ({
    oid: e.extnID,
    critical: e.critical,
    value: Buffer.from(e.extnValue.buffer),
  }));
}

test('the plain walk reads the same extensions as the schema parse', async () => {
  const { root, ca, leaf } = await standardChain([
    xt.san([gn.dns('example.ph'), gn.ip([192, 0, 2, 1])]),
    ext.extKeyUsage(['1.3.6.1.5.5.7.3.2']),
  ]);
  for (const c of [root, ca, leaf]) {
    const entries = plain(c.der);
    assert.ok(entries, 'a certificate of the common shape is read by the walk');
    assert.deepEqual(entries, schemaEntries(c.der));
    assert.ok(entries.some((e) => e.critical) && entries.some((e) => !e.critical));
  }
});

test('anything not plain goes to the schema parse', async () => {
  const { leaf } = await standardChain();
  const der = Buffer.from(leaf.der);
  // A signature BIT STRING that claims an unused bit.
  const [, , sig] = childrenOf(der, topElement(der, 0x30, 'Certificate'));
  const padded = Buffer.from(der);
  padded[sig!.start] = 1;
  assert.equal(plain(padded), undefined);
  // A name value that is a BMPString (0x1e) instead of a UTF8String or PrintableString.
  const cn = der.indexOf(Buffer.from('Maria Santos'));
  const bmp = Buffer.from(der);
  bmp[cn - 2] = 0x1e;
  assert.equal(plain(bmp), undefined);
  // The model is the same whichever way the extensions were read.
  assert.deepEqual(decodeCertificate(der).extensions.all, decodeCertificate(leaf.der).extensions.all);
});
