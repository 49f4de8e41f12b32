/**
 * The node's transparency-log key: made at `node init` in the encrypted key store (or the HSM
 * when the CA keys are there), its verifier key in `DIR/public/log.vkey`; a node made before the
 * log gets both when opened.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOG_KEY_ID } from '../../src/ledger/log_key.js';
import { logKeyStore, openNode } from '../../src/node/context.js';
import { FileKeyStore } from '../../src/pki/file_key_store.js';
import type { Ed25519KeyStore, KeyStore } from '../../src/pki/key_store.js';
import { initNode } from '../../src/node/init.js';
import { FIXED_NOW } from '../fixtures/node.js';

const PASS = 'log key test passphrase';

test('node init makes the log key and log.vkey; opening an older node adds them', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tb-node-logkey-'));
  try {
    const dir = join(tmp, 'ph');
    await initNode({ dir, country: 'PH', baseUrl: 'https://ph.example', passphrase: PASS, now: FIXED_NOW });
    const keyFile = join(dir, 'keys', `${LOG_KEY_ID}.key.pem`);
    const vkeyFile = join(dir, 'public', 'log.vkey');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const made = readFileSync(vkeyFile, 'utf8');
    assert.match(made, /^ph\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}\n$/);
    let node = await openNode(dir, { passphrase: PASS, clock: () => FIXED_NOW });
    assert.equal(`${node.log!.vkey}\n`, made, 'the same key when opened');
    assert.equal(node.log!.origin, 'ph.example/log');
    await node.close();
    // A node made before the transparency log: no key, no vkey file.
    rmSync(keyFile);
    rmSync(vkeyFile);
    node = await openNode(dir, { passphrase: PASS, clock: () => FIXED_NOW });
    try {
      assert.ok(existsSync(keyFile));
      assert.equal(readFileSync(vkeyFile, 'utf8'), `${node.log!.vkey}\n`);
      assert.notEqual(`${node.log!.vkey}\n`, made);
    } finally {
      await node.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('an HSM node makes its log key on the token, unless the file store already has one', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tb-node-logkey-'));
  const fileKeys = new FileKeyStore(join(tmp, 'keys'), PASS);
  // Only the kind is read: the choice must not touch the token's keys.
  const unused = (): Promise<never> => Promise.reject(new Error('the HSM is not to be used here'));
  const hsm: KeyStore & Ed25519KeyStore = {
    kind: 'pkcs11',
    generate: unused,
    publicKey: unused,
    has: unused,
    sign: unused,
    close: unused,
    generateEd25519: unused,
    ed25519PublicKey: unused,
    signEd25519: unused,
  };
  try {
    assert.equal(await logKeyStore(fileKeys, fileKeys), fileKeys, 'CA keys on file: the file store');
    assert.equal(await logKeyStore(fileKeys, hsm), hsm, 'a new HSM node: the token');
    await fileKeys.generateEd25519(LOG_KEY_ID);
    assert.equal(await logKeyStore(fileKeys, hsm), fileKeys, 'a log key on file stays there');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
