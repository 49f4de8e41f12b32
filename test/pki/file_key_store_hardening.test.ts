/**
 * Issue 13 hardening of key files: a strong KDF (PBKDF2-HMAC-SHA256 at 600,000 iterations) that
 * OpenSSL still reads, old 2,048-iteration files still read, weak passphrases refused for new
 * keys, and a file that is not a key told apart from a wrong passphrase.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { FileKeyStore, KEY_FILE_ITERATIONS, assertStrongPassphrase } from '../../src/pki/file_key_store.js';
import { createWallet, encodeWallet } from '../../src/eid/wallet.js';
import { rejectsCode, throwsCode } from '../fixtures/assert.js';
import { openssl } from '../fixtures/pki.js';

const PASS = 'node passphrase for tests';

function tempKeys(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'keys');
}

test('new key files: PBES2 with PBKDF2-HMAC-SHA256 at 600,000 iterations, read by openssl pkey', async (t) => {
  assert.equal(KEY_FILE_ITERATIONS, 600_000);
  const dir = tempKeys(t);
  await new FileKeyStore(dir, PASS).generate('root', 'P-384');
  const file = join(dir, 'root.key.pem');
  const parsed = openssl(['asn1parse', '-in', file]);
  assert.match(parsed.out, /PBES2/);
  assert.match(parsed.out, /PBKDF2/);
  assert.match(parsed.out, /hmacWithSHA256/);
  assert.match(parsed.out, /aes-256-cbc/i);
  // 600000 = 0x0927C0, the iteration count INTEGER.
  assert.match(parsed.out, /INTEGER\s+:0927C0/);
  const ok = openssl(['pkey', '-in', file, '-passin', `pass:${PASS}`, '-noout', '-text']);
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /secp384r1|P-384/);
  const wrong = openssl(['pkey', '-in', file, '-passin', 'pass:not the passphrase', '-noout']);
  assert.notEqual(wrong.status, 0);
});

test('an old key file (OpenSSL default: 2,048 iterations) is still read, even with a short passphrase', async (t) => {
  const dir = tempKeys(t);
  mkdirSync(dir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const old = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'short' });
  writeFileSync(join(dir, 'ocsp.key.pem'), old, { mode: 0o600 });
  assert.match(openssl(['asn1parse', '-in', join(dir, 'ocsp.key.pem')]).out, /INTEGER\s+:0800/);
  const ks = new FileKeyStore(dir, 'short');
  const spki = await ks.publicKey('ocsp');
  assert.ok(spki.equals(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })));
  assert.equal((await ks.sign('ocsp', Buffer.from('x'), 'sha256'))[0], 0x30);
  // ... but no new key is made under that passphrase.
  await rejectsCode(() => ks.generate('tsa', 'P-256'), 'KEY_PASSPHRASE_WEAK', /at least 12/);
});

test('a weak passphrase is refused for new keys: KEY_PASSPHRASE_WEAK, nothing written', async (t) => {
  const dir = tempKeys(t);
  for (const weak of ['x', 'secret', '12345678901']) {
    throwsCode(() => assertStrongPassphrase(weak), 'KEY_PASSPHRASE_WEAK');
    await rejectsCode(() => new FileKeyStore(dir, weak).generate('root', 'P-384'), 'KEY_PASSPHRASE_WEAK');
  }
  assert.throws(() => statSync(dir), /ENOENT/, 'no key folder made');
  assertStrongPassphrase('twelve chars');
});

test('a key file that is not an encrypted PKCS#8 key: KEY_FILE_MALFORMED naming it, not a wrong passphrase', async (t) => {
  const dir = tempKeys(t);
  await new FileKeyStore(dir, PASS).generate('tl', 'P-256');
  const file = join(dir, 'tl.key.pem');
  for (const garbage of [
    'this is not a key\n',
    '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
    Buffer.from([0x30, 0x82, 0xff, 0xff, 0x00]),
  ]) {
    writeFileSync(file, garbage);
    await rejectsCode(
      () => new FileKeyStore(dir, PASS).publicKey('tl'),
      'KEY_FILE_MALFORMED',
      new RegExp(file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
    );
  }
  await new FileKeyStore(dir, PASS).generate('ocsp', 'P-256');
  await rejectsCode(
    () => new FileKeyStore(dir, 'another passphrase').publicKey('ocsp'),
    'KEY_PASSPHRASE_WRONG',
  );
});

test('key files are 0600 and their folder 0700 whatever the umask', async (t) => {
  const dir = tempKeys(t);
  const before = process.umask(0o000);
  try {
    await new FileKeyStore(dir, PASS).generate('root', 'P-256');
  } finally {
    process.umask(before);
  }
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'root.key.pem')).mode & 0o777, 0o600);
  chmodSync(dir, 0o755);
  await new FileKeyStore(dir, PASS).generate('tsa', 'P-256');
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'an existing folder is narrowed');
});

test('wallets (PKCS#12): PBKDF2-HMAC-SHA256 at 100,000 iterations, MAC too, read by openssl pkcs12', async (t) => {
  const dir = tempKeys(t);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'maria.p12');
  writeFileSync(file, encodeWallet(await createWallet(), PASS));
  const info = openssl(['pkcs12', '-in', file, '-info', '-noout', '-passin', `pass:${PASS}`]);
  assert.equal(info.status, 0, info.out);
  assert.match(info.out, /MAC: sha256, Iteration 100000/);
  assert.match(info.out, /PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256/);
});
