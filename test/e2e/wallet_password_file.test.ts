/**
 * `--wallet-password-file` and `--password-file` name the wallet's password file on every command
 * that opens a wallet without a node (`wallet create|show|login`, `sign`).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { errorCode, runCli, tempDir } from '../fixtures/cli.js';

const tmp = tempDir('tb-wallet-pw-');
const pw = join(tmp.path, 'pw');
const wrong = join(tmp.path, 'wrong');
const wallet = join(tmp.path, 'w.p12');
const doc = join(tmp.path, 'doc.txt');
writeFileSync(pw, 'wallet pass one\n');
writeFileSync(wrong, 'not it\n');
writeFileSync(doc, 'a document\n');
// No password in the environment: only the files can give it.
const env = { TRUSTBRIDGE_PASSWORD: undefined, TRUSTBRIDGE_WALLET_PASSWORD: undefined };
after(() => tmp.remove());

test('both spellings open the same wallet on wallet create, show, login and sign', async () => {
  const created = await runCli(['wallet', 'create', '--out', wallet, '--wallet-password-file', pw], { env });
  assert.equal(created.code, 0, created.stderr);
  for (const option of ['--password-file', '--wallet-password-file']) {
    const shown = await runCli(['wallet', 'show', '--wallet', wallet, option, pw], { env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal((JSON.parse(shown.stdout) as { authentication: unknown }).authentication, null);
    // Opened, then refused for what it lacks: the password was right.
    const signedWith = await runCli(
      [
        'sign',
        '--wallet',
        wallet,
        '--format',
        'cades',
        '--level',
        'B-B',
        '--in',
        doc,
        '--out',
        `${doc}.p7s`,
        option,
        pw,
      ],
      { env },
    );
    assert.equal(signedWith.code, 3);
    assert.match(
      signedWith.stderr,
      /USAGE_INVALID_ARGUMENT: .* holds no signature certificate: enrol it first/,
    );
    const login = await runCli(
      ['wallet', 'login', '--wallet', wallet, '--export-browser-key', join(tmp.path, 'k.json'), option, pw],
      { env },
    );
    assert.match(login.stderr, /USAGE_INVALID_ARGUMENT: the wallet is not enrolled/);
    const refused = await runCli(['wallet', 'show', '--wallet', wallet, option, wrong], { env });
    assert.equal(errorCode(refused.stderr), 'PKI_PKCS12_PASSWORD_WRONG');
  }
});

test('two different files, or none and no environment, are refused with the option to use', async () => {
  const both = await runCli(
    ['wallet', 'show', '--wallet', wallet, '--password-file', pw, '--wallet-password-file', wrong],
    { env },
  );
  assert.equal(both.code, 3);
  assert.match(
    both.stderr,
    /USAGE_INVALID_ARGUMENT: --wallet-password-file and --password-file name different files/,
  );
  const none = await runCli(['wallet', 'show', '--wallet', wallet], { env });
  assert.equal(errorCode(none.stderr), 'KEY_PASSPHRASE_MISSING');
  assert.match(none.stderr, /set TRUSTBRIDGE_WALLET_PASSWORD or pass --wallet-password-file/);
});
