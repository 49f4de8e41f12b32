import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readPassword, walletPasswordFile } from '../../src/cli/password.js';

test('walletPasswordFile: either spelling, the same file twice, never two files', () => {
  assert.equal(walletPasswordFile({ 'wallet-password-file': 'a' }), 'a');
  assert.equal(walletPasswordFile({ 'password-file': 'b' }), 'b');
  assert.equal(walletPasswordFile({ 'password-file': 'a', 'wallet-password-file': 'a' }), 'a');
  assert.equal(walletPasswordFile({}), undefined);
  assert.throws(() => walletPasswordFile({ 'password-file': 'a', 'wallet-password-file': 'b' }), {
    code: 'USAGE_INVALID_ARGUMENT',
    message: '--wallet-password-file and --password-file name different files; give one',
  });
});

test('readPassword: a missing file is a usage error naming it; the last newline is dropped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-pw-'));
  try {
    await assert.rejects(readPassword(join(dir, 'none'), 'wallet'), {
      code: 'USAGE_INVALID_ARGUMENT',
      message: `no file ${join(dir, 'none')}`,
    });
    writeFileSync(join(dir, 'pw'), 'secret\n');
    assert.equal(await readPassword(join(dir, 'pw'), 'wallet'), 'secret');
  } finally {
    rmSync(dir, { recursive: true });
  }
});
