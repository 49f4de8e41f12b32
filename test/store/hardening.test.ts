/**
 * Issue 13 hardening of the store: node.db and its -wal/-shm are 0600 whatever the umask, a file
 * that is not a SQLite database is STORE_CORRUPT naming it, and the start-up permission check
 * repairs modes open to other users (saying so) and refuses what it cannot repair.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { checkPrivatePath, checkPrivateTree } from '../../src/store/permissions.js';
import { rejectsCode } from '../fixtures/assert.js';

function temp(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-store-perm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const mode = (p: string): number => statSync(p).mode & 0o777;

test('a new SQLite store and its -wal/-shm are 0600 even under umask 000', async (t) => {
  const file = join(temp(t), 'node.db');
  const before = process.umask(0o000);
  let store;
  try {
    store = await openStore(file);
  } finally {
    process.umask(before);
  }
  try {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      assert.ok(existsSync(f), f);
      assert.equal(mode(f), 0o600, f);
    }
  } finally {
    await store.close();
  }
});

test('an existing world-readable store is narrowed to 0600 when opened', async (t) => {
  const file = join(temp(t), 'node.db');
  await (await openStore(file)).close();
  chmodSync(file, 0o644);
  const store = await openStore(file);
  await store.close();
  assert.equal(mode(file), 0o600);
});

test('a file that is not a SQLite database: STORE_CORRUPT naming the file', async (t) => {
  const file = join(temp(t), 'node.db');
  writeFileSync(file, Buffer.alloc(8192, 0x41));
  await rejectsCode(() => openStore(file), 'STORE_CORRUPT', /node\.db.*not a usable SQLite database/);
  writeFileSync(file, 'SQLite format 3\0' + 'garbage'.repeat(1000));
  await rejectsCode(() => openStore(file), 'STORE_CORRUPT', /node\.db/);
});

test('the permission check repairs group/world modes of our own files and says which', (t) => {
  const dir = join(temp(t), 'ph');
  mkdirSync(join(dir, 'keys'), { recursive: true });
  mkdirSync(join(dir, 'public'));
  writeFileSync(join(dir, 'node.db'), '');
  writeFileSync(join(dir, 'keys', 'root.key.pem'), '');
  writeFileSync(join(dir, 'public', 'root.pem'), '');
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'keys'), 0o750);
  chmodSync(join(dir, 'node.db'), 0o644);
  chmodSync(join(dir, 'keys', 'root.key.pem'), 0o640);
  chmodSync(join(dir, 'public', 'root.pem'), 0o644);
  const lines: string[] = [];
  checkPrivateTree(dir, { warn: (l) => lines.push(l) });
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, 'keys')), 0o700);
  assert.equal(mode(join(dir, 'node.db')), 0o600);
  assert.equal(mode(join(dir, 'keys', 'root.key.pem')), 0o600);
  assert.equal(mode(join(dir, 'public', 'root.pem')), 0o644, 'public/ is left as it is');
  assert.equal(lines.length, 4);
  assert.ok(lines.some((l) => /node\.db had mode 0644, open to other users; changed to 0600/.test(l)));
  const again: string[] = [];
  checkPrivateTree(dir, { warn: (l) => again.push(l) });
  assert.equal(again.length, 0, 'nothing left to repair');
  checkPrivatePath(join(dir, 'missing.db'), { warn: (l) => again.push(l) });
  assert.equal(again.length, 0);
});

test(
  'a path owned by another user is refused: STORE_PERMISSIONS_UNSAFE',
  { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false },
  (t) => {
    const dir = join(temp(t), 'ph');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'node.db'), '', { mode: 0o600 });
    chownSync(join(dir, 'node.db'), 65534, 65534);
    assert.throws(
      () => checkPrivateTree(dir, { warn: () => undefined }),
      (e: Error & { code?: string }) =>
        e.code === 'STORE_PERMISSIONS_UNSAFE' && /belongs to uid 65534/.test(e.message),
    );
  },
);
