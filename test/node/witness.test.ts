/**
 * The node's witness key: made by `node init` (encrypted in `DIR/keys/`, verifier key in
 * `DIR/public/witness.vkey`), made on open for a node that predates witnesses, kept under its
 * published name, served at `GET /witness/key`; with no hub list the witness knows no log (404).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseVerifierKey, SIG_COSIGNATURE } from '../../src/ledger/keys.js';
import { openNode } from '../../src/node/context.js';
import { initNode } from '../../src/node/init.js';
import { buildApp } from '../../src/server/app.js';
import { tempDir } from '../fixtures/cli.js';

const PASS = 'witness test passphrase';

test('node init makes the witness key; open makes it for older nodes; /witness/key serves it', async () => {
  const tmp = tempDir('tb-node-witness-');
  try {
    const dir = join(tmp.path, 'ph');
    await initNode({ dir, country: 'PH', baseUrl: 'http://127.0.0.1:8080', passphrase: PASS });
    const vkeyFile = join(dir, 'public', 'witness.vkey');
    const keyFile = join(dir, 'keys', 'witness.key.pem');
    const vkey = readFileSync(vkeyFile, 'utf8');
    assert.match(vkey, /^127\.0\.0\.1:8080\/witness\+[0-9a-f]{8}\+\S+\n$/);
    assert.equal(parseVerifierKey(vkey.trim()).type, SIG_COSIGNATURE);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.match(readFileSync(keyFile, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);

    let node = await openNode(dir, { passphrase: PASS });
    try {
      assert.equal(`${node.witness!.vkey}\n`, vkey);
      const app = await buildApp(node);
      try {
        const key = await app.inject({ method: 'GET', url: '/witness/key' });
        assert.deepEqual([key.statusCode, key.body], [200, vkey]);
        const res = await app.inject({
          method: 'POST',
          url: '/witness/add-checkpoint',
          payload: `old 0\n\nexample.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— example.com/log ${Buffer.alloc(68).toString('base64')}\n`,
        });
        assert.equal(res.statusCode, 404, res.body);
      } finally {
        await app.close();
      }
    } finally {
      await node.close();
    }
    // A node made before witnesses: no key, no vkey file. Open makes both.
    rmSync(keyFile);
    rmSync(vkeyFile);
    node = await openNode(dir, { passphrase: PASS });
    try {
      assert.ok(existsSync(keyFile));
      assert.equal(readFileSync(vkeyFile, 'utf8'), `${node.witness!.vkey}\n`);
      assert.notEqual(`${node.witness!.vkey}\n`, vkey);
    } finally {
      await node.close();
    }
  } finally {
    tmp.remove();
  }
});
