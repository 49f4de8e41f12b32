import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seq, tlv } from '../../src/lib/der.js';
import { decodeGeneralNames, isValidDnsName, isValidMailbox, uriHost } from '../../src/x509/general_names.js';
import { cnName, gn } from '../validation/fixtures.js';

test('RFC 5280 §4.2.1.6 preferred name syntax for dNSName', () => {
  for (const ok of [
    'example.com',
    'a-b.example.com',
    '1.example.com',
    'localhost',
    'xn--bcher-kva.example',
  ]) {
    assert.ok(isValidDnsName(ok), ok);
  }
  for (const bad of [
    '',
    '.example.com',
    'example..com',
    '-a.example.com',
    'a-.example.com',
    'foo_bar.example.com',
    '8.8.8.8',
    'a.b.123',
    'example.com.',
    '*.example.com',
  ]) {
    assert.ok(!isValidDnsName(bad), bad);
  }
  assert.ok(isValidDnsName('*.example.com', { wildcard: true }));
  assert.ok(!isValidDnsName('*.com', { wildcard: true }));
  assert.ok(!isValidDnsName('a*.example.com', { wildcard: true }));
  assert.ok(!isValidDnsName(`${'a'.repeat(64)}.com`));
});

test('mailboxes: dot-atom or quoted local part, one @, a host name', () => {
  for (const ok of ['a@example.com', 'a.b+c@example.com', '*@example.com', '"a@b"@example.com'])
    assert.ok(isValidMailbox(ok), ok);
  for (const bad of [
    'a@b@example.com',
    '@example.com',
    'a@',
    'a..b@example.com',
    'a b@example.com',
    'a@-x.com',
  ]) {
    assert.ok(!isValidMailbox(bad), bad);
  }
});

test('uriHost: the authority host, lower-cased; none for IP literals or URNs', () => {
  assert.equal(uriHost('https://user@WWW.Example.com:8443/x?y'), 'www.example.com');
  assert.equal(uriHost('ldap://ldap.example.com/cn=x'), 'ldap.example.com');
  assert.equal(uriHost('https://192.0.2.1/'), undefined);
  assert.equal(uriHost('https://[2001:db8::1]/'), undefined);
  assert.equal(uriHost('urn:uuid:1'), undefined);
});

test('decodeGeneralNames keeps exact values per form', () => {
  const names = decodeGeneralNames(
    seq(
      gn.dns('example.com'),
      gn.ip([192, 0, 2, 1]),
      gn.dir(cnName('x')),
      gn.email('a@b.c'),
      gn.uri('https://x.y'),
      tlv(0x88, Buffer.from([0x2a, 0x03])),
    ),
  );
  assert.deepEqual(
    names.map((n) => n.type),
    ['dNSName', 'iPAddress', 'directoryName', 'rfc822Name', 'uniformResourceIdentifier', 'registeredID'],
  );
  assert.deepEqual(names[1], { type: 'iPAddress', bytes: Buffer.from([192, 0, 2, 1]) });
  assert.deepEqual(names[5], { type: 'registeredID', oid: '1.2.3' });
  assert.throws(() => decodeGeneralNames(seq()), /empty GeneralNames/);
  assert.throws(() => decodeGeneralNames(seq(tlv(0x82, Buffer.from([0xc3, 0xa9])))), /non-ASCII/);
  assert.throws(() => decodeGeneralNames(seq(tlv(0x89, Buffer.from([1])))), /unknown GeneralName tag/);
});
