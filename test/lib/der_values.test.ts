import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elementAt } from '../../src/lib/der_reader.js';
import { DerSyntaxError } from '../../src/lib/der_reader.js';
import { decodeOid, decodeTime, timeValue } from '../../src/lib/der_values.js';
import { PkiError } from '../../src/lib/errors.js';

function time(tag: number, text: string): Date {
  const der = Buffer.concat([Buffer.from([tag, text.length]), Buffer.from(text, 'latin1')]);
  return timeValue(der, elementAt(der, 0));
}

test('decodeOid: first two arcs, multi-octet arcs, the empty OID', () => {
  assert.equal(decodeOid(Buffer.from('550403', 'hex')), '2.5.4.3');
  assert.equal(decodeOid(Buffer.from('2a864886f70d010901', 'hex')), '1.2.840.113549.1.9.1');
  assert.equal(decodeOid(Buffer.from('8837', 'hex')), '2.999');
  assert.throws(
    () => decodeOid(Buffer.alloc(0)),
    (e) => e instanceof PkiError && e.code === 'PKI_CERT_MALFORMED',
  );
});

test('timeValue: RFC 5280 §4.1.2.5 UTCTime pivot, GeneralizedTime, strict calendar', () => {
  assert.equal(time(0x17, '491231235959Z').toISOString(), '2049-12-31T23:59:59.000Z');
  assert.equal(time(0x17, '500101000000Z').toISOString(), '1950-01-01T00:00:00.000Z');
  assert.equal(time(0x18, '00500101000000Z').getUTCFullYear(), 50);
  assert.equal(time(0x18, '20260302093000Z').toISOString(), '2026-03-02T09:30:00.000Z');
  for (const [tag, s] of [
    [0x17, '260230000000Z'],
    [0x17, '2603020930Z'],
    [0x17, '260302093000+0100'],
    [0x18, '20260302093000.5Z'],
    [0x04, '260302093000Z'],
  ] as const) {
    assert.throws(() => time(tag, s), DerSyntaxError, s);
  }
});

test('decodeTime: the lenient reading of signing-time rolls over, but wants Z form', () => {
  assert.equal(decodeTime(0x17, Buffer.from('260302093000Z')).toISOString(), '2026-03-02T09:30:00.000Z');
  assert.equal(decodeTime(0x17, Buffer.from('260230000000Z')).toISOString(), '2026-03-02T00:00:00.000Z');
  assert.throws(
    () => decodeTime(0x18, Buffer.from('2026030209Z')),
    (e) => e instanceof PkiError && e.code === 'PKI_CERT_MALFORMED' && /bad time/.test(e.message),
  );
});
