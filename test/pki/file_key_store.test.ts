import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { curveOfSpki } from '../../src/pki/algorithms.js';
import { FileKeyStore } from '../../src/pki/file_key_store.js';
import { rejectsCode, throwsCode } from '../fixtures/assert.js';
import { openssl } from '../fixtures/pki.js';

const PASS = 'node passphrase for tests';

function tempKeys(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'keys');
}

function verifies(spki: Buffer, data: Buffer, sig: Buffer, hash: string): boolean {
  return verify(
    hash,
    data,
    { key: createPublicKey({ key: spki, format: 'der', type: 'spki' }), dsaEncoding: 'der' },
    sig,
  );
}

test('generate writes an encrypted PKCS#8 PEM that OpenSSL opens with the passphrase only', async (t) => {
  const dir = tempKeys(t);
  const ks = new FileKeyStore(dir, PASS);
  const spki = await ks.generate('eid-ca', 'P-256');
  assert.equal(curveOfSpki(spki), 'P-256');
  const file = join(dir, 'eid-ca.key.pem');
  const pem = readFileSync(file, 'utf8');
  assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  assert.doesNotMatch(pem, /BEGIN PRIVATE KEY/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(dir), ['eid-ca.key.pem'], 'no temporary file left behind');

  const ok = openssl(['pkey', '-in', file, '-passin', `pass:${PASS}`, '-noout']);
  assert.equal(ok.status, 0, ok.out);
  const pub = openssl(['pkey', '-in', file, '-passin', `pass:${PASS}`, '-pubout', '-outform', 'DER']);
  assert.equal(pub.status, 0);
  const wrong = openssl(['pkey', '-in', file, '-passin', 'pass:not the passphrase', '-noout']);
  assert.notEqual(wrong.status, 0, 'a wrong passphrase does not open the key');
  const info = openssl(['asn1parse', '-in', file]);
  assert.match(info.out, /PBES2/);
  assert.match(info.out, /aes-256-cbc/i);
});

test('sign returns DER ECDSA signatures with the requested hash; P-384 keys too', async (t) => {
  const ks = new FileKeyStore(tempKeys(t), PASS);
  const data = Buffer.from('to be signed');
  for (const [id, curve, hash] of [
    ['k256', 'P-256', 'sha256'],
    ['k384', 'P-384', 'sha384'],
  ] as const) {
    const spki = await ks.generate(id, curve);
    assert.equal(curveOfSpki(spki), curve);
    const sig = await ks.sign(id, data, hash);
    assert.equal(sig[0], 0x30, 'DER ECDSA-Sig-Value');
    assert.ok(verifies(spki, data, sig, hash));
    assert.ok(!verifies(spki, Buffer.from('other data'), sig, hash));
    assert.ok((await ks.publicKey(id)).equals(spki));
  }
});

test('a second store with the same passphrase loads the key from the file', async (t) => {
  const dir = tempKeys(t);
  const spki = await new FileKeyStore(dir, PASS).generate('ocsp', 'P-256');
  const again = new FileKeyStore(dir, PASS);
  assert.equal(await again.has('ocsp'), true);
  assert.equal(await again.has('tsa'), false);
  assert.ok((await again.publicKey('ocsp')).equals(spki));
  const sig = await again.sign('ocsp', Buffer.from('x'), 'sha256');
  assert.ok(verifies(spki, Buffer.from('x'), sig, 'sha256'));
  await again.close();
  assert.ok((await again.publicKey('ocsp')).equals(spki), 'usable after close: reloads from the file');
});

test('wrong passphrase → KEY_PASSPHRASE_WRONG; empty passphrase → KEY_PASSPHRASE_MISSING', async (t) => {
  const dir = tempKeys(t);
  await new FileKeyStore(dir, PASS).generate('root', 'P-384');
  const wrong = new FileKeyStore(dir, 'wrong passphrase');
  await rejectsCode(() => wrong.publicKey('root'), 'KEY_PASSPHRASE_WRONG', /wrong passphrase/);
  await rejectsCode(() => wrong.sign('root', Buffer.from('x'), 'sha384'), 'KEY_PASSPHRASE_WRONG');
  assert.match(
    readFileSync(join(dir, 'root.key.pem'), 'utf8'),
    /BEGIN ENCRYPTED PRIVATE KEY/,
    'still encrypted',
  );
  throwsCode(() => new FileKeyStore(dir, ''), 'KEY_PASSPHRASE_MISSING');
});

test('KEY_EXISTS for an existing id (also from another instance); the file is not replaced', async (t) => {
  const dir = tempKeys(t);
  const ks = new FileKeyStore(dir, PASS);
  const spki = await ks.generate('eid-ca', 'P-256');
  const before = readFileSync(join(dir, 'eid-ca.key.pem'));
  await rejectsCode(() => ks.generate('eid-ca', 'P-256'), 'KEY_EXISTS');
  await rejectsCode(() => new FileKeyStore(dir, PASS).generate('eid-ca', 'P-384'), 'KEY_EXISTS');
  assert.ok(readFileSync(join(dir, 'eid-ca.key.pem')).equals(before));
  assert.ok((await new FileKeyStore(dir, PASS).publicKey('eid-ca')).equals(spki));
});

test('KEY_NOT_FOUND for a missing key and for identifiers that are not file-safe', async (t) => {
  const dir = tempKeys(t);
  const ks = new FileKeyStore(dir, PASS);
  await rejectsCode(() => ks.publicKey('missing'), 'KEY_NOT_FOUND', /no key missing/);
  await rejectsCode(() => ks.sign('missing', Buffer.from('x'), 'sha256'), 'KEY_NOT_FOUND');
  for (const bad of ['../escape', 'UPPER', '', '.hidden', 'a/b', 'x'.repeat(65)]) {
    await rejectsCode(() => ks.publicKey(bad), 'KEY_NOT_FOUND', /invalid key identifier/);
    await rejectsCode(async () => ks.has(bad), 'KEY_NOT_FOUND');
  }
  await rejectsCode(async () => ks.generate('../escape', 'P-256'), 'KEY_NOT_FOUND', /invalid key identifier/);
  assert.equal(existsSync(join(dir, '..', 'escape.key.pem')), false);
});
