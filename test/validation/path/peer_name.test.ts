import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateMatchesPeer, checkPeerName, decodeCertificate } from '../../../src/validation/index.js';
import { assertPathError } from '../fixtures.js';
import { gn, issue, xt } from '../fixtures.js';

test('DNS names match SAN dNSName entries case-insensitively; a wildcard is one whole left-most label', async () => {
  const leaf = await issue({
    cn: 'www.example.com',
    key: 'citizen-a-auth',
    extensions: [xt.san([gn.dns('WWW.example.com'), gn.dns('*.api.example.com')])],
  });
  const cert = decodeCertificate(leaf.der);
  assert.ok(certificateMatchesPeer(cert, { kind: 'DNS', value: 'www.EXAMPLE.com' }));
  assert.ok(certificateMatchesPeer(cert, { kind: 'DNS', value: 'www.example.com.' }));
  assert.ok(certificateMatchesPeer(cert, { kind: 'DNS', value: 'v1.api.example.com' }));
  assert.ok(!certificateMatchesPeer(cert, { kind: 'DNS', value: 'api.example.com' }));
  assert.ok(!certificateMatchesPeer(cert, { kind: 'DNS', value: 'a.b.api.example.com' }));
  assert.ok(!certificateMatchesPeer(cert, { kind: 'DNS', value: 'example.com' }));
});

test('IP addresses match iPAddress entries only, IPv4 and IPv6 in any text form', async () => {
  const v6 = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1];
  const leaf = await issue({
    cn: 'ip',
    key: 'citizen-b-auth',
    extensions: [xt.san([gn.ip([192, 0, 2, 1]), gn.ip(v6), gn.dns('8.8.8.8.example')])],
  });
  const cert = decodeCertificate(leaf.der);
  assert.ok(certificateMatchesPeer(cert, { kind: 'IP', value: '192.0.2.1' }));
  assert.ok(certificateMatchesPeer(cert, { kind: 'IP', value: '2001:db8::1' }));
  assert.ok(certificateMatchesPeer(cert, { kind: 'IP', value: '2001:0db8:0:0:0:0:0:1' }));
  assert.ok(!certificateMatchesPeer(cert, { kind: 'IP', value: '192.0.2.2' }));
  assert.ok(!certificateMatchesPeer(cert, { kind: 'IP', value: 'not an ip' }));
  assert.ok(!certificateMatchesPeer(cert, { kind: 'DNS', value: '192.0.2.1' }));
});

test('mail addresses: local part exact, domain case-insensitive; PATH_PEER_NAME_MISMATCH', async () => {
  const leaf = await issue({
    cn: 'mail',
    key: 'citizen-c-auth',
    extensions: [xt.san([gn.email('Juan@Example.ph')])],
  });
  const cert = decodeCertificate(leaf.der);
  checkPeerName(cert, { kind: 'RFC822', value: 'Juan@example.PH' });
  assertPathError(
    () => checkPeerName(cert, { kind: 'RFC822', value: 'juan@example.ph' }),
    'PATH_PEER_NAME_MISMATCH',
    /does not name RFC822 juan@example\.ph/,
  );
});
