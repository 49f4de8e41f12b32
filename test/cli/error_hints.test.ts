import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { errorHint } from '../../src/cli/error_hints.js';
import { KeyStoreError } from '../../src/pki/errors.js';

const root = mkdtempSync(join(tmpdir(), 'tb-hint-'));
const fed = join(root, 'federation');
mkdirSync(join(fed, 'ph'), { recursive: true });
writeFileSync(join(fed, '.passphrase'), 'p\n');
mkdirSync(join(root, 'solo'));
after(() => rmSync(root, { recursive: true }));

const wrong = new KeyStoreError('KEY_PASSPHRASE_WRONG', 'cannot decrypt key root: wrong passphrase?');

test('a wrong passphrase on a federation member names the federation passphrase file', () => {
  const file = join(fed, '.passphrase');
  const hint = `; ${join(fed, 'ph')} belongs to the federation (or demo) in ${fed}, which keeps its passphrase in ${file}: export TRUSTBRIDGE_PASSWORD="$(cat ${file})" or pass --password-file ${file}`;
  assert.equal(errorHint(wrong, ['node', 'info', '--dir', join(fed, 'ph')]), hint);
  assert.equal(errorHint(wrong, ['node', 'info', `--dir=${join(fed, 'ph')}`]), hint);
});

test('elsewhere it names TRUSTBRIDGE_PASSWORD and --password-file', () => {
  const hint =
    '; set TRUSTBRIDGE_PASSWORD or pass --password-file F with the passphrase the keys were made with';
  assert.equal(errorHint(wrong, ['node', 'info', '--dir', join(root, 'solo')]), hint);
  assert.equal(errorHint(wrong, ['sign']), hint);
});

test('other errors and an HSM PIN get no hint', () => {
  assert.equal(errorHint(new KeyStoreError('KEY_NOT_FOUND', 'x'), ['--dir', join(fed, 'ph')]), '');
  const pin = new KeyStoreError('KEY_PASSPHRASE_WRONG', 'PKCS#11 login: CKR_PIN_INCORRECT');
  assert.equal(errorHint(pin, ['--dir', join(fed, 'ph')]), '');
});
