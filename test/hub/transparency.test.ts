/**
 * A member's transparency settings as `hub member add` takes them: read from a node directory
 * (its published keys, and its log's URL from `node.json`'s base URL), the log URL checked and
 * given a trailing slash.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cosigner } from '../../src/ledger/cosignature.js';
import { ed25519KeyFromSeed } from '../../src/ledger/keys.js';
import { checkedTransparency, memberKeysOfDir } from '../../src/hub/transparency.js';
import { tempDir } from '../fixtures/cli.js';
import { TEST_SEEDS, testLogIdentity } from '../ledger/fixtures.js';

const LOG = testLogIdentity('ph.example/log');
const WITNESS = cosigner('ph.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessA), () => 0).vkey;

test('memberKeysOfDir: the keys, and the log URL from node.json', () => {
  const tmp = tempDir('tb-hub-transparency-');
  try {
    const dir = tmp.path;
    mkdirSync(join(dir, 'public'));
    assert.deepEqual(memberKeysOfDir(dir), {}, 'nothing published yet');
    writeFileSync(join(dir, 'public', 'log.vkey'), `${LOG.vkey}\n`);
    writeFileSync(join(dir, 'public', 'witness.vkey'), `${WITNESS}\n`);
    assert.deepEqual(memberKeysOfDir(dir), { logKey: LOG.vkey, witnessKey: WITNESS }, 'no node.json: no URL');
    writeFileSync(
      join(dir, 'node.json'),
      JSON.stringify({ version: 1, country: 'PH', name: 'PH', baseUrl: 'http://127.0.0.1:8081/' }),
    );
    assert.deepEqual(memberKeysOfDir(dir), {
      logKey: LOG.vkey,
      witnessKey: WITNESS,
      logUrl: 'http://127.0.0.1:8081/log/',
    });
  } finally {
    tmp.remove();
  }
});

test('checkedTransparency: --log-url checked, ending in /', () => {
  const url = 'http://ph.example/trustlist.xml';
  assert.deepEqual(checkedTransparency({ logKey: LOG.vkey, logUrl: 'https://logs.ph.example/tlog' }, url), {
    logKey: LOG.vkey,
    logUrl: 'https://logs.ph.example/tlog/',
  });
  assert.throws(
    () => checkedTransparency({ logKey: LOG.vkey, logUrl: 'ftp://logs.ph.example/' }, url),
    (e: unknown) => (e as { code?: string }).code === 'TL_INPUT_INVALID' && /--log-url/.test(String(e)),
  );
});
