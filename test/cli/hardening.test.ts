/**
 * Issue 13 through the command line: a damaged node.db, a key file that is no key, a weak
 * passphrase at `node init` and a data directory open to other users each get their own code
 * (or warning), never `internal error` with a stack trace.
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initNode, runCli, tempDir } from '../fixtures/cli.js';

const dir = tempDir('tb-cli-hardening-');
const node = join(dir.path, 'ph');
let blocker: Server;
let takenPort = 0;

/** A fresh copy of the node made in `before`. */
function copy(name: string): string {
  const to = join(dir.path, name);
  cpSync(node, to, { recursive: true });
  return to;
}

before(async () => {
  await initNode(node);
  await new Promise<void>((r) => {
    blocker = createServer().listen(0, '127.0.0.1', r);
  });
  takenPort = (blocker.address() as AddressInfo).port;
});

after(() => {
  blocker.close();
  dir.remove();
});

describe('hostile files and settings on the command line', () => {
  it('node init makes the directory 0700 and node.db, node.json and keys 0600', () => {
    assert.equal(statSync(node).mode & 0o777, 0o700);
    for (const f of ['node.db', 'node.json', join('keys', 'root.key.pem')])
      assert.equal(statSync(join(node, f)).mode & 0o777, 0o600, f);
  });

  it('a node.db that is not a database: STORE_CORRUPT naming the file, exit 1', async () => {
    const d = copy('corrupt');
    writeFileSync(join(d, 'node.db'), Buffer.alloc(16384, 0x5a));
    const r = await runCli(['node', 'info', '--dir', d]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^trustbridge: error STORE_CORRUPT: .*corrupt\/node\.db is not a usable SQLite database/m,
    );
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });

  it('a key file that is no key: KEY_FILE_MALFORMED naming it, not KEY_PASSPHRASE_WRONG', async () => {
    const d = copy('badkey');
    for (const id of ['root', 'eid-ca']) writeFileSync(join(d, 'keys', `${id}.key.pem`), 'garbage\n');
    const r = await runCli(['node', 'info', '--dir', d]);
    assert.match(
      r.stderr,
      /^trustbridge: error KEY_FILE_MALFORMED: .*badkey\/keys\/(root|eid-ca)\.key\.pem/m,
    );
    assert.equal(r.code, 1, r.stderr);
    const wrong = await runCli(['node', 'info', '--dir', node], {
      env: { TRUSTBRIDGE_PASSWORD: 'not the node passphrase' },
    });
    assert.match(wrong.stderr, /error KEY_PASSPHRASE_WRONG/);
  });

  it('node init with a passphrase under 12 characters: KEY_PASSPHRASE_WEAK, exit 3, nothing made', async () => {
    const r = await runCli(['node', 'init', '--dir', join(dir.path, 'weak'), '--country', 'VN'], {
      env: { TRUSTBRIDGE_PASSWORD: 'short' },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^trustbridge: error KEY_PASSPHRASE_WEAK: .*5 characters; at least 12/m);
    assert.throws(() => statSync(join(dir.path, 'weak')), /ENOENT/);
    const hub = await runCli(['hub', 'init', '--dir', join(dir.path, 'weakhub'), '--name', 'Hub'], {
      env: { TRUSTBRIDGE_PASSWORD: 'short' },
    });
    assert.equal(hub.code, 3, hub.stderr);
    assert.match(hub.stderr, /error KEY_PASSPHRASE_WEAK/);
  });

  it('node serve repairs modes open to other users with a warning, then stops on a taken port (PORT_IN_USE)', async () => {
    const d = copy('open');
    chmodSync(d, 0o755);
    chmodSync(join(d, 'node.db'), 0o644);
    chmodSync(join(d, 'keys', 'root.key.pem'), 0o644);
    const r = await runCli(['node', 'serve', '--dir', d, '--port', String(takenPort)]);
    assert.match(
      r.stderr,
      /^trustbridge: warning: .*open had mode 0755, open to other users; changed to 0700$/m,
    );
    assert.match(r.stderr, /^trustbridge: warning: .*open\/node\.db had mode 0644.*changed to 0600$/m);
    assert.match(r.stderr, /^trustbridge: warning: .*root\.key\.pem had mode 0644.*changed to 0600$/m);
    assert.match(r.stderr, /^trustbridge: error PORT_IN_USE: /m);
    assert.equal(r.code, 3);
    assert.equal(statSync(join(d, 'node.db')).mode & 0o777, 0o600);
    assert.equal(statSync(d).mode & 0o777, 0o700);
  });

  it('hub serve checks its directory the same way', async () => {
    const hub = join(dir.path, 'hub');
    const init = await runCli(['hub', 'init', '--dir', hub, '--name', 'Regional Hub']);
    assert.equal(init.code, 0, init.stderr);
    assert.equal(statSync(hub).mode & 0o777, 0o700);
    chmodSync(join(hub, 'hub.json'), 0o664);
    const r = await runCli(['hub', 'serve', '--dir', hub, '--port', String(takenPort)]);
    assert.match(r.stderr, /^trustbridge: warning: .*hub\/hub\.json had mode 0664.*changed to 0600$/m);
    assert.match(r.stderr, /^trustbridge: error PORT_IN_USE: /m);
    assert.equal(statSync(join(hub, 'hub.json')).mode & 0o777, 0o600);
  });
});
