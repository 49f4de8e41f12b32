/**
 * An independent verifier: Go's golang.org/x/mod/sumdb/note opens checkpoints we sign and
 * golang.org/x/mod/sumdb/tlog checks the root of our tiles, our inclusion and consistency proofs,
 * and its own proofs computed from our tiles (`test/ledger/go/verify.go`, run with Debian's
 * golang-go and golang-golang-x-mod-dev, GO111MODULE=off, nothing downloaded). Skips without Go.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../../src/ledger/keys.js';
import { TileLog } from '../../src/ledger/log.js';
import { LogReader } from '../../src/ledger/reader.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import { REPO_ROOT } from '../fixtures/cli.js';
import { TEST_SEEDS } from './fixtures.js';

const GOPATH = '/usr/share/gocode';
const PROGRAM = join(REPO_ROOT, 'test', 'ledger', 'go', 'verify.go');

function goMissing(): string | false {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    return 'go is not installed (apt-get install golang-go golang-golang-x-mod-dev)';
  }
  if (!existsSync(join(GOPATH, 'src', 'golang.org', 'x', 'mod', 'sumdb', 'tlog')))
    return `golang.org/x/mod is not in ${GOPATH} (apt-get install golang-golang-x-mod-dev)`;
  return false;
}

function runGo(dir: string): { status: number | null; out: string } {
  const r = spawnSync('go', ['run', PROGRAM, dir], {
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH,
      GOCACHE: join(tmpdir(), 'trustbridge-go-cache'),
      GOPROXY: 'off',
    },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test(
  'Go sumdb/note and sumdb/tlog verify our checkpoint, tiles and proofs',
  { skip: goMissing() },
  async () => {
    const origin = 'ph.trustbridge.example/log';
    const key = ed25519KeyFromSeed(TEST_SEEDS.log);
    const vkey = formatVerifierKey(origin, SIG_ED25519, key.publicKey);
    const store = new MemoryTileStore();
    const log = await TileLog.open(store, {
      origin,
      signer: noteSigner(origin, key),
      verifier: noteVerifier(vkey),
    });
    const entries = Array.from({ length: 70_000 }, (_, i) => Buffer.from(`trust event ${i}`));
    const older: { size: number; root: Buffer }[] = [];
    for (let at = 0; at < entries.length;) {
      const n = Math.min(entries.length - at, at < 1000 ? 97 : 8191);
      await log.append(entries.slice(at, at + n));
      at += n;
      older.push({ size: log.size, root: log.root });
    }
    const reader = new LogReader(store);
    const size = log.size;
    const indexes = [0, 1, 255, 256, 257, 65535, 65536, 69_999, 12_345];
    const inclusion = await Promise.all(
      indexes.map(async (index) => ({
        index,
        entry: entries[index]!.toString('base64'),
        proof: (await reader.inclusionProof(index, size)).map((h) => h.toString('base64')),
      })),
    );
    const consistency = await Promise.all(
      older
        .filter((o) => o.size < size)
        .map(async (o) => ({
          old: o.size,
          oldRoot: o.root.toString('base64'),
          proof: (await reader.consistencyProof(o.size, size)).map((h) => h.toString('base64')),
        })),
    );
    const dir = mkdtempSync(join(tmpdir(), 'trustbridge-ledger-go-'));
    try {
      for (const [path, data] of store.files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), data);
      }
      writeFileSync(join(dir, 'log.vkey'), `${vkey}\n`);
      writeFileSync(join(dir, 'proofs.json'), JSON.stringify({ inclusion, consistency }));
      const ok = runGo(dir);
      assert.equal(ok.status, 0, ok.out);
      assert.match(ok.out, /OK note: checkpoint of ph\.trustbridge\.example\/log size 70000/);
      assert.match(ok.out, /OK tlog: the tiles hash to the checkpoint root/);
      assert.equal(ok.out.match(/OK tlog: inclusion of record/g)?.length, indexes.length);
      assert.equal(ok.out.match(/OK tlog: consistency from size/g)?.length, consistency.length);
      // A tampered proof is refused by Go as well.
      const bad = structuredClone(inclusion);
      bad[3]!.proof[0] = Buffer.alloc(32).toString('base64');
      writeFileSync(join(dir, 'proofs.json'), JSON.stringify({ inclusion: bad, consistency: [] }));
      const refused = runGo(dir);
      assert.equal(refused.status, 1, refused.out);
      assert.match(refused.out, /FAIL inclusion of 256/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
