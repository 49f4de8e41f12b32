/**
 * The node's witness key: made by `node init` (encrypted in `DIR/keys/`, verifier key in
 * `DIR/public/witness.vkey`), made on open for a node that predates witnesses, kept under its
 * published name, served at `GET /witness/key`; with no hub list the witness knows no log (404).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseVerifierKey, SIG_COSIGNATURE } from '../../src/ledger/keys.js';
import { openNode } from '../../src/node/context.js';
import { initNode } from '../../src/node/init.js';
import { buildApp } from '../../src/server/app.js';
import { initHub } from '../../src/hub/hub.js';
import { addHubMember } from '../../src/hub/operations.js';
import { serveHub } from '../../src/server/hub_app.js';
import { updateNodeConfig } from '../../src/node/config.js';
import { nodeWitnessLogs } from '../../src/node/witness.js';
import { SIG_ED25519, ed25519KeyFromSeed, formatVerifierKey } from '../../src/ledger/keys.js';
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
      // The key is decrypted at the first cosignature, which verifies under the published key.
      const text = 'example.com/log\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n';
      const line = await node.witness!.cosign(text, 1_772_443_800);
      const { openNote } = await import('../../src/ledger/note.js');
      const { cosignatureVerifier } = await import('../../src/ledger/cosignature.js');
      assert.equal(openNote(`${text}\n${line}`, [cosignatureVerifier(vkey.trim())]).verified.length, 1);
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

test('a node learns the logs its witness serves from the verified LOTL, its own left out', async () => {
  const tmp = tempDir('tb-node-witness-lotl-');
  try {
    const dir = join(tmp.path, 'ph');
    await initNode({ dir, country: 'PH', baseUrl: 'http://127.0.0.1:8080', passphrase: PASS });
    const hub = await initHub({ dir: join(tmp.path, 'hub'), name: 'Hub', passphrase: PASS });
    const hubLog = formatVerifierKey(
      'hub.example/log',
      SIG_ED25519,
      ed25519KeyFromSeed(Buffer.alloc(32, 1)).publicKey,
    );
    // The node's own log key, as node init made it.
    const phLog = readFileSync(join(dir, 'public', 'log.vkey'), 'utf8').trim();
    const phOrigin = phLog.split('+')[0]!;
    const signerPem = readFileSync(join(dir, 'public', 'tl-signer.pem'), 'utf8');
    const { writeFileSync } = await import('node:fs');
    // The hub's own log (on the LOTL's self pointer with its witness).
    writeFileSync(join(hub.dir, 'public', 'log.vkey'), `${hubLog}\n`);
    await addHubMember(hub, {
      country: 'PH',
      trustListUrl: 'http://127.0.0.1:9/trustlist.xml',
      signerPem,
      transparency: { logKey: phLog, witnessKey: readFileSync(join(dir, 'public', 'witness.vkey'), 'utf8') },
    });
    const served = await serveHub(hub, '127.0.0.1', 0);
    try {
      updateNodeConfig(dir, { lotlUrl: `${served.url}/lotl.xml` });
      copyFileSync(join(hub.dir, 'public', 'lotl-signer.pem'), join(dir, 'lotl-signer.pem'));
      const node = await openNode(dir, { passphrase: PASS });
      try {
        const logs = await nodeWitnessLogs(node)();
        assert.equal(logs.keys(phOrigin), undefined, 'not its own log');
        assert.equal(logs.keys('hub.example/log')?.[0]?.name, 'hub.example/log');
        assert.equal(logs.keys('unknown.example/log'), undefined);
      } finally {
        await node.close();
      }
    } finally {
      await served.close();
      await hub.close();
    }
  } finally {
    tmp.remove();
  }
});
