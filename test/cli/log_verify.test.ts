/**
 * `trustbridge log verify` against logs served over HTTP by a tiny static server: the Tessera
 * corpus log (skipped without the corpus), and a log written here with TileLog into a
 * MemoryTileStore: exit 0 with `{size, root, cosigners, consistentWith}`, a cosigned checkpoint
 * under a policy, a policy unmet, a tampered tile, a fork after a previous run, and usage errors.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import { cosigner } from '../../src/ledger/cosignature.js';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../../src/ledger/keys.js';
import { TileLog } from '../../src/ledger/log.js';
import { openNote } from '../../src/ledger/note.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import type { TileSource } from '../../src/ledger/tile_store.js';
import { runCli, tempDir } from '../fixtures/cli.js';
import { NO_CORPUS, TEST_SEEDS, TLOG_CORPUS, folderSource } from '../ledger/fixtures.js';

const TESSERA_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const ORIGIN = 'example.com/audited-log';
const KEY = ed25519KeyFromSeed(TEST_SEEDS.log);
const VKEY = formatVerifierKey(ORIGIN, SIG_ED25519, KEY.publicKey);

/** Serves `source` under /log/ (the mutable `override` map wins). */
async function serve(source: () => TileSource): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/log\//, '');
    void source()
      .read(path)
      .then((data) => {
        if (!data) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(data);
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/log/`, server };
}

interface Verdict {
  ok: boolean;
  size: number;
  root: string;
  cosigners: { witness: string }[];
  policy: string;
  consistentWith: { size: number; root: string } | null;
  problems: { code: string; message: string }[];
}

async function verify(url: string, vkey: string, state: string, extra: string[] = []) {
  const r = await runCli(['log', 'verify', '--url', url, '--vkey', vkey, '--state', state, ...extra]);
  return { code: r.code, out: r.stdout ? (JSON.parse(r.stdout) as Verdict) : undefined, stderr: r.stderr };
}

describe('trustbridge log verify', () => {
  const tmp = tempDir('tb-log-verify-');
  let store = new MemoryTileStore();
  let tessera: { url: string; server: Server } | undefined;
  let ours: { url: string; server: Server };
  before(async () => {
    if (!NO_CORPUS)
      tessera = await serve(() => folderSource(join(TLOG_CORPUS, 'tessera', 'testdata', 'log')));
    ours = await serve(() => store);
  });
  after(() => {
    tessera?.server.close();
    ours.server.close();
    tmp.remove();
  });

  it('verifies the Tessera corpus log (size 15)', async (t) => {
    if (!tessera) return t.skip(String(NO_CORPUS));
    const r = await verify(tessera.url, TESSERA_VKEY, join(tmp.path, 'tessera.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out!.size, 15);
    assert.equal(r.out!.root, 'rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=');
    assert.deepEqual(r.out!.cosigners, []);
    assert.equal(r.out!.consistentWith, null);
  });

  it('our log: consistent across runs, cosigned under a policy; tampering and forks exit 1', async () => {
    const state = join(tmp.path, 'ours.json');
    const log = await TileLog.open(store, {
      origin: ORIGIN,
      signer: noteSigner(ORIGIN, KEY),
      verifier: noteVerifier(VKEY),
    });
    const entries = Array.from({ length: 300 }, (_, i) => Buffer.from(`entry ${i}`));
    await log.append(entries.slice(0, 260));
    const first = await verify(ours.url, VKEY, state);
    assert.equal(first.code, 0, JSON.stringify(first.out));
    assert.equal(first.out!.size, 260);
    await log.append(entries.slice(260));
    const second = await verify(ours.url, VKEY, state);
    assert.equal(second.code, 0, JSON.stringify(second.out));
    assert.deepEqual(second.out!.consistentWith, { size: 260, root: first.out!.root });

    // Cosigned by one of two witnesses: a policy of "any" passes, of "all" fails (exit 1).
    const w = cosigner('vn.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessA), () => 1_772_443_800);
    const w2 = cosigner('be.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessB), () => 1_772_443_800);
    const cp = (await store.read('checkpoint'))!.toString();
    const text = openNote(cp, [noteVerifier(VKEY)]).text;
    await store.write('checkpoint', Buffer.from(cp + (await w.cosign(text, 1_772_443_800))));
    const anyPolicy = join(tmp.path, 'any.policy');
    writeFileSync(anyPolicy, `witness VN ${w.vkey}\nwitness BE ${w2.vkey}\ngroup g any VN BE\nquorum g\n`);
    const allPolicy = join(tmp.path, 'all.policy');
    writeFileSync(
      allPolicy,
      `log ${VKEY}\nwitness VN ${w.vkey}\nwitness BE ${w2.vkey}\ngroup g all VN BE\nquorum g\n`,
    );
    const cosigned = await verify(ours.url, VKEY, state, ['--policy', anyPolicy]);
    assert.equal(cosigned.code, 0, JSON.stringify(cosigned.out));
    assert.deepEqual(
      cosigned.out!.cosigners.map((c) => c.witness),
      ['VN'],
    );
    assert.equal(cosigned.out!.policy, 'met');
    const unmet = await verify(ours.url, VKEY, state, ['--policy', allPolicy]);
    assert.equal(unmet.code, 1);
    assert.equal(unmet.out!.policy, 'unmet');
    assert.equal(unmet.out!.problems[0]!.code, 'LEDGER_POLICY_UNMET');

    // A tampered entry bundle: the rebuild differs, exit 1.
    const bundlePath = 'tile/entries/000';
    const bundle = (await store.read(bundlePath))!;
    const tampered = Buffer.from(bundle);
    tampered[5] ^= 1;
    await store.write(bundlePath, tampered);
    const bad = await verify(ours.url, VKEY, state);
    assert.equal(bad.code, 1);
    assert.match(bad.out!.problems.map((p) => p.code).join(), /LEDGER_TREE_MISMATCH|LEDGER_TILE_MALFORMED/);
    await store.write(bundlePath, bundle);

    // A fork: another log of the same size with another root, served under the same key.
    const forkStore = new MemoryTileStore();
    const fork = await TileLog.open(forkStore, {
      origin: ORIGIN,
      signer: noteSigner(ORIGIN, KEY),
      verifier: noteVerifier(VKEY),
    });
    await fork.append(entries.map((e, i) => (i === 7 ? Buffer.from('rewritten') : e)));
    const real = store;
    store = forkStore;
    try {
      const forked = await verify(ours.url, VKEY, state);
      assert.equal(forked.code, 1);
      assert.match(forked.out!.problems[0]!.message, /^fork: size 300/);
    } finally {
      store = real;
    }
    // A grown fork is not consistent with what was seen either.
    const grown = new MemoryTileStore();
    const g = await TileLog.open(grown, {
      origin: ORIGIN,
      signer: noteSigner(ORIGIN, KEY),
      verifier: noteVerifier(VKEY),
    });
    await g.append([...entries.map((e, i) => (i === 7 ? Buffer.from('rewritten') : e)), Buffer.from('more')]);
    store = grown;
    try {
      const r = await verify(ours.url, VKEY, state);
      assert.equal(r.code, 1);
      assert.match(r.out!.problems[0]!.message, /not consistent with size 300/);
    } finally {
      store = real;
    }
    // A checkpoint signed by another key: exit 1 (no signature of the log's key).
    const other = ed25519KeyFromSeed(TEST_SEEDS.witnessC);
    await store.write(
      'checkpoint',
      Buffer.from(
        await signCheckpoint(
          { origin: ORIGIN, size: 300, root: Buffer.alloc(32), extensions: [] },
          noteSigner(ORIGIN, other),
        ),
      ),
    );
    const unsigned = await verify(ours.url, VKEY, state);
    assert.equal(unsigned.code, 1);
    assert.equal(unsigned.out!.problems[0]!.code, 'LEDGER_NOTE_UNVERIFIED');
  });

  it('usage errors exit 3', async () => {
    const state = join(tmp.path, 'usage.json');
    assert.equal((await verify('ftp://x/log/', VKEY, state)).code, 3);
    assert.equal((await verify(ours.url, 'not-a-key', state)).code, 3);
    assert.equal((await verify(ours.url, VKEY, state, ['--policy', join(tmp.path, 'missing')])).code, 3);
  });
});
