import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CertError } from '../../src/cert/errors.js';
import { openSecret, remoteSecretKey, sealSecret } from '../../src/cert/remote_secrets.js';

test('remote secrets open only with the key and the remote they were sealed for', () => {
  const key = randomBytes(32);
  const sealed = sealSecret(key, 'remote-1', 'partner password');
  assert.match(sealed, /^v1\./);
  assert.ok(!sealed.includes('partner password'));
  assert.equal(openSecret(key, 'remote-1', sealed), 'partner password');
  assert.notEqual(sealSecret(key, 'remote-1', 'partner password'), sealed, 'a fresh IV each time');
  for (const [k, id, s] of [
    [randomBytes(32), 'remote-1', sealed],
    [key, 'remote-2', sealed],
    [key, 'remote-1', sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'AB' : 'AA')],
    [key, 'remote-1', 'plain'],
  ] as const)
    assert.throws(
      () => openSecret(k, id, s),
      (e: CertError) => e.code === 'CERT_ARGUMENT_INVALID',
    );
});

test("the node's remote-secret key file is made once, readable by its owner only", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-remote-key-'));
  try {
    const key = remoteSecretKey(dir);
    assert.equal(key.length, 32);
    const file = join(dir, 'keys', 'cert-remotes.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(remoteSecretKey(dir).equals(key));
    assert.ok(readFileSync(file, 'utf8').trim().length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
