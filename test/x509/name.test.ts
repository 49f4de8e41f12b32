import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seq, setOf, oid, tlv } from '../../src/lib/der.js';
import { encodeName } from '../../src/pki/certificate_builder.js';
import { OID } from '../../src/pki/algorithms.js';
import { attributeTexts, decodeName, isWithinDirectorySubtree, namesEqual } from '../../src/x509/name.js';

function attr(type: string, tag: number, text: string, encoding: BufferEncoding = 'utf8'): Buffer {
  return seq(oid(type), tlv(tag, Buffer.from(text, encoding)));
}

test('RFC 5280 §7.1: case-insensitive, white space folded, PrintableString equals UTF8String', () => {
  const a = decodeName(
    seq(setOf(attr(OID.countryName, 0x13, 'PH')), setOf(attr(OID.commonName, 0x0c, 'Juan  Dela Cruz '))),
  );
  const b = decodeName(
    seq(setOf(attr(OID.countryName, 0x0c, 'ph')), setOf(attr(OID.commonName, 0x13, ' JUAN DELA CRUZ'))),
  );
  assert.ok(namesEqual(a, b));
  const bmp = decodeName(
    seq(
      setOf(attr(OID.countryName, 0x1e, '\u0000P\u0000H', 'latin1')),
      setOf(attr(OID.commonName, 0x0c, 'juan dela cruz')),
    ),
  );
  assert.ok(namesEqual(a, bmp), 'BMPString');
});

test('RDN order matters; multi-valued RDNs compare as sets', () => {
  const cn = attr(OID.commonName, 0x0c, 'x');
  const o = attr(OID.organizationName, 0x0c, 'y');
  assert.ok(!namesEqual(decodeName(seq(setOf(cn), setOf(o))), decodeName(seq(setOf(o), setOf(cn)))));
  assert.ok(namesEqual(decodeName(seq(setOf(cn, o))), decodeName(seq(tlv(0x31, Buffer.concat([o, cn]))))));
});

test('values of other types compare exactly', () => {
  const a = decodeName(seq(setOf(seq(oid('1.2.3.4'), tlv(0x04, Buffer.from('Ab'))))));
  const b = decodeName(seq(setOf(seq(oid('1.2.3.4'), tlv(0x04, Buffer.from('ab'))))));
  assert.ok(!namesEqual(a, b));
});

test('directory subtrees are RDN prefixes; the empty name', () => {
  const base = decodeName(encodeName([{ type: OID.countryName, value: 'PH' }]));
  const inside = decodeName(
    encodeName([
      { type: OID.countryName, value: 'PH' },
      { type: OID.commonName, value: 'A' },
    ]),
  );
  const outside = decodeName(
    encodeName([
      { type: OID.countryName, value: 'VN' },
      { type: OID.commonName, value: 'A' },
    ]),
  );
  assert.ok(isWithinDirectorySubtree(inside, base));
  assert.ok(!isWithinDirectorySubtree(outside, base));
  assert.ok(!isWithinDirectorySubtree(base, inside));
  const empty = decodeName(seq());
  assert.ok(empty.isEmpty && isWithinDirectorySubtree(inside, empty));
  assert.deepEqual(attributeTexts(inside, OID.commonName), ['A']);
});

test('malformed names are rejected', () => {
  assert.throws(() => decodeName(seq(tlv(0x31, Buffer.alloc(0)))), /empty RDN/);
  assert.throws(() => decodeName(seq(setOf(seq(oid('2.5.4.3'))))), /AttributeTypeAndValue/);
  assert.throws(() => decodeName(Buffer.from([0x30, 0x05, 0x31])), /DER/);
});
