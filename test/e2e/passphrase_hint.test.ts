/**
 * A wrong key passphrase names where to find the right one: the federation's `.passphrase` for a
 * node inside a federation directory, `TRUSTBRIDGE_PASSWORD` or `--password-file` otherwise.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliJson, runCli, tempDir } from '../fixtures/cli.js';

describe('KEY_PASSPHRASE_WRONG names the fix', { timeout: 120_000 }, () => {
  const tmp = tempDir('tb-pass-hint-');
  // The layout `trustbridge federation` makes: DIR/.passphrase beside DIR/ph.
  const fed = join(tmp.path, 'federation');
  const member = join(fed, 'ph');
  const solo = join(tmp.path, 'solo');
  before(async () => {
    mkdirSync(fed);
    writeFileSync(join(fed, '.passphrase'), 'the federation passphrase\n');
    const env = { TRUSTBRIDGE_PASSWORD: 'the federation passphrase' };
    await cliJson(['node', 'init', '--dir', member, '--country', 'PH'], { env });
    await cliJson(['node', 'init', '--dir', solo, '--country', 'PH']);
  });
  after(() => tmp.remove());

  it('inside a federation directory: its .passphrase, and it opens the node', async () => {
    const r = await runCli(['node', 'info', '--dir', member]);
    assert.equal(r.code, 3, r.stderr);
    const file = join(fed, '.passphrase');
    assert.match(
      r.stderr,
      /^trustbridge: error KEY_PASSPHRASE_WRONG: cannot decrypt key root: wrong passphrase\?; /m,
    );
    assert.ok(
      r.stderr.includes(
        `; ${member} belongs to the federation (or demo) in ${fed}, which keeps its passphrase in ${file}: ` +
          `export TRUSTBRIDGE_PASSWORD="$(cat ${file})" or pass --password-file ${file}\n`,
      ),
      r.stderr,
    );
    const fixed = await runCli(['node', 'info', '--dir', member, '--password-file', file]);
    assert.equal(fixed.code, 0, fixed.stderr);
  });

  it('elsewhere: TRUSTBRIDGE_PASSWORD or --password-file', async () => {
    const r = await runCli(['node', 'info', '--dir', solo], { env: { TRUSTBRIDGE_PASSWORD: 'not it' } });
    assert.equal(r.code, 3, r.stderr);
    assert.ok(
      r.stderr.endsWith(
        'wrong passphrase?; set TRUSTBRIDGE_PASSWORD or pass --password-file F with the passphrase the keys were made with\n',
      ),
      r.stderr,
    );
  });
});
