/**
 * Conformance with Tessera (transparency-dev/tessera's POSIX log of 15 entries in
 * `../shared/corpus/tlog/tessera`): our reader verifies every checkpoint, rebuilds the size-15
 * root from the tiles, proves every entry's inclusion and every older checkpoint's consistency;
 * our writer, fed the same entries one at a time, writes byte-identical tiles and entry bundles.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import { formatCheckpoint } from '../../src/ledger/checkpoint.js';
import { EMPTY_ROOT } from '../../src/ledger/hash.js';
import { noteVerifier, parseSignerKey } from '../../src/ledger/keys.js';
import { signNote } from '../../src/ledger/note.js';
import { noteSigner } from '../../src/ledger/keys.js';
import { LogReader } from '../../src/ledger/reader.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import type { SignedCheckpoint } from '../../src/ledger/checkpoint.js';
import { integrate } from '../../src/ledger/writer.js';
import { NO_CORPUS, TLOG_CORPUS, folderSource } from './fixtures.js';

const LOG = join(TLOG_CORPUS, 'tessera', 'testdata', 'log');
const VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
// The test log's private key, published in the corpus's build_log.sh.
const SKEY = 'PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg';
const ENTRIES = 'one two three four five six seven eit nain ten ileven twelf threeten fourten fivten'.split(
  ' ',
);
const ROOT_15 = 'rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('Tessera test log', { skip: NO_CORPUS }, () => {
  const verifier = (): ReturnType<typeof noteVerifier> => noteVerifier(VKEY);

  it('the reader verifies every checkpoint, the root from the tiles, every inclusion and consistency', async () => {
    const log = new LogReader(folderSource(LOG));
    const latest = await log.checkpoint([verifier()]);
    assert.equal(latest.origin, 'example.com/log/testdata');
    assert.equal(latest.size, 15);
    assert.equal(latest.root.toString('base64'), ROOT_15);
    assert.equal((await log.root(15)).toString('base64'), ROOT_15);
    await log.audit(latest);
    const checkpoints: SignedCheckpoint[] = [];
    for (let n = 0; n <= 15; n++) {
      const cp = await log.checkpoint([verifier()], `checkpoint.${n}`);
      assert.equal(cp.size, n);
      // Each checkpoint's root from the tiles Tessera wrote at that size.
      assert.ok((await log.root(n)).equals(cp.root), `root at ${n}`);
      checkpoints.push(cp);
    }
    assert.ok(checkpoints[0]!.root.equals(EMPTY_ROOT));
    const entries = await log.entries(0, 15, 15);
    assert.deepEqual(entries.map(String), ENTRIES);
    for (const [i, e] of entries.entries()) {
      for (const cp of checkpoints.filter((c) => c.size > i)) await log.proveEntry(i, e, cp);
      await assert.rejects(log.proveEntry(i, Buffer.from(`${e}!`), latest), (err) =>
        isTrustbridgeError(err, 'LEDGER_PROOF_INVALID'),
      );
    }
    let proved = 0;
    for (const older of checkpoints.slice(1))
      for (const newer of checkpoints.filter((c) => c.size >= older.size)) {
        await log.proveConsistent(older, newer);
        proved++;
      }
    assert.equal(proved, 120);
  });

  it('the reader refuses a checkpoint under another key and a tampered tile', async () => {
    const log = new LogReader(folderSource(LOG));
    await assert.rejects(
      log.checkpoint([noteVerifier('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')]),
      (e) => isTrustbridgeError(e, 'LEDGER_NOTE_UNVERIFIED'),
    );
    const source = folderSource(LOG);
    const tampered = new LogReader({
      read: async (p) => {
        const d = await source.read(p);
        if (p !== 'tile/0/000.p/15' || !d) return d;
        const copy = Buffer.from(d);
        copy[40]! ^= 1;
        return copy;
      },
    });
    const latest = await tampered.checkpoint([verifier()]);
    await assert.rejects(tampered.audit(latest), (e) => isTrustbridgeError(e, 'LEDGER_TREE_MISMATCH'));
    await assert.rejects(tampered.entries(0, 15, 15), (e) => isTrustbridgeError(e, 'LEDGER_TILE_MALFORMED'));
  });

  it('the writer fed the same entries one at a time writes the same tiles, bundles and checkpoints', async () => {
    const store = new MemoryTileStore();
    const signer = noteSigner('example.com/log/testdata', parseSignerKey(SKEY).key);
    let state = { size: 0, root: EMPTY_ROOT };
    const checkpoints = new Map<number, string>();
    const cp = (size: number, root: Buffer): Promise<string> =>
      signNote(formatCheckpoint({ origin: 'example.com/log/testdata', size, root, extensions: [] }), [
        signer,
      ]);
    checkpoints.set(0, await cp(0, EMPTY_ROOT));
    for (const e of ENTRIES) {
      const r = await integrate(store, state, [Buffer.from(e)]);
      for (const w of r.writes) await store.write(w.path, w.data);
      state = { size: r.size, root: r.root };
      checkpoints.set(r.size, await cp(r.size, r.root));
    }
    assert.equal(state.root.toString('base64'), ROOT_15);
    const theirs = files(join(LOG, 'tile')).map((f) => relative(LOG, f).split('\\').join('/'));
    assert.equal(theirs.length, 30);
    assert.deepEqual([...store.files.keys()].sort(), theirs.sort());
    for (const path of theirs)
      assert.ok(Buffer.from(store.files.get(path)!).equals(readFileSync(join(LOG, path))), path);
    // Ed25519 is deterministic: the same key signs the same checkpoint to the same bytes.
    for (const [size, text] of checkpoints)
      assert.equal(text, readFileSync(join(LOG, `checkpoint.${size}`), 'utf8'), `checkpoint.${size}`);
  });
});
