/**
 * The witness endpoint on a real node (`POST /witness/add-checkpoint`, `GET /witness/key`), on
 * SQLite and PostgreSQL: the litewitness conformance script replayed over HTTP (404 for the
 * unknown log, as the spec says), two concurrent requests for one log of which only one wins,
 * and bad input (oversize, malformed, proofs of the wrong length) answered with the spec's
 * status and leaving the stored state unchanged.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import { cosignatureVerifier, cosigner } from '../../src/ledger/cosignature.js';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../../src/ledger/keys.js';
import type { NoteVerifier } from '../../src/ledger/keys.js';
import { LogReader } from '../../src/ledger/reader.js';
import { TileLog } from '../../src/ledger/log.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import { openNote } from '../../src/ledger/note.js';
import { MAX_ADD_CHECKPOINT_SIZE, parseAddCheckpoint } from '../../src/ledger/witness.js';
import { storedWitnessState } from '../../src/ledger/witness_store.js';
import { buildApp } from '../../src/server/app.js';
import { forEachEngine } from '../fixtures/engines.js';
import { makeTestNode } from '../fixtures/node.js';
import { snapshotStore } from '../fixtures/store_snapshot.js';
import type { TestNode } from '../fixtures/node.js';
import { NO_CORPUS, TEST_SEEDS, TLOG_CORPUS } from './fixtures.js';

const NOW = new Date('2026-03-02T09:30:00Z');
const SCRIPT = join(TLOG_CORPUS, 'litewitness', 'litewitness.txt');
const SIGSUM_KEY = Buffer.from('ffdc2d4d98e4124d3feaf788c0c2f9abfd796083d1f0495437f302ec79cf100f', 'hex');
const SIGSUM_ORIGIN = `sigsum.org/v1/tree/${createHash('sha256').update(SIGSUM_KEY).digest('hex')}`;

function opensshSeed(pem: string): Buffer {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
  const at = der.lastIndexOf(Buffer.from([0, 0, 0, 0x40]));
  return der.subarray(at + 4, at + 36);
}

/** Runs `fn` against a node whose witness serves `logs`, closing the app and node after. */
async function withWitness(
  location: string,
  logs: Map<string, NoteVerifier[]>,
  seed: Buffer,
  fn: (node: TestNode, app: FastifyInstance) => Promise<void>,
): Promise<void> {
  const node = await makeTestNode({ db: location, clock: () => NOW });
  node.witness = cosigner('example.com/witness', ed25519KeyFromSeed(seed), () => NOW.getTime() / 1000);
  const app = await buildApp(node, {
    witness: { logs: () => ({ keys: (o) => logs.get(o) }), rateLimit: false },
  });
  try {
    await fn(node, app);
  } finally {
    await app.close();
    await node.close();
  }
}

/** The witness of a node serving one test log (see {@link testLog}). */
function withLogWitness(
  location: string,
  l: { origin: string; vkey: string },
  fn: (node: TestNode, app: FastifyInstance) => Promise<void>,
): Promise<void> {
  return withWitness(location, new Map([[l.origin, [noteVerifier(l.vkey)]]]), TEST_SEEDS.witnessA, fn);
}

/** Proof hashes as request lines. */
function lines(hs: readonly Buffer[]): string {
  return hs.map((h) => h.toString('base64') + '\n').join('');
}

async function post(app: FastifyInstance, body: string | Buffer, type = 'text/plain') {
  return app.inject({
    method: 'POST',
    url: '/witness/add-checkpoint',
    payload: body,
    headers: { 'content-type': type },
  });
}

/** A test log with TileLog, so consistency proofs are real. */
async function testLog(origin = 'example.com/test-log') {
  const key = ed25519KeyFromSeed(TEST_SEEDS.log);
  const vkey = formatVerifierKey(origin, SIG_ED25519, key.publicKey);
  const store = new MemoryTileStore();
  const log = await TileLog.open(store, {
    origin,
    signer: noteSigner(origin, key),
    verifier: noteVerifier(vkey),
  });
  return { origin, vkey, log, reader: new LogReader(store), signer: noteSigner(origin, key) };
}

forEachEngine('witness endpoint', (dbTest) => {
  dbTest('replays the litewitness script over HTTP (404 for the unknown log)', async (t, db) => {
    if (NO_CORPUS) return t.skip(NO_CORPUS);
    const script = readFileSync(SCRIPT, 'utf8');
    const pem = /-- witness_key.pem --\n([\s\S]*?END OPENSSH PRIVATE KEY-----)/.exec(script)![1]!;
    const logs = new Map([
      [SIGSUM_ORIGIN, [noteVerifier(formatVerifierKey(SIGSUM_ORIGIN, SIG_ED25519, SIGSUM_KEY))]],
    ]);
    await withWitness(db.location, logs, opensshSeed(pem), async (node, app) => {
      const hurl = script.slice(script.indexOf('-- add-checkpoint.hurl --'));
      const re = /POST \S+\n```\n([\s\S]*?)```\nHTTP (\d+)\n\[Asserts\]\n(.*)\n/g;
      const seen: number[] = [];
      const key = await app.inject({ method: 'GET', url: '/witness/key' });
      assert.equal(key.statusCode, 200);
      assert.match(key.body, /^example\.com\/witness\+[0-9a-f]{8}\+B[A-Za-z0-9+/=]+\n$/);
      for (const m of hurl.matchAll(re)) {
        const before = await snapshotStore(node.store);
        const res = await post(app, m[1]!);
        seen.push(res.statusCode);
        const expected = m[3]!.includes('unknown log') ? 404 : Number(m[2]);
        assert.equal(res.statusCode, expected, `${m[3]}: ${res.body}`);
        if (res.statusCode !== 200)
          assert.equal(await snapshotStore(node.store), before, 'a refusal changes nothing');
        else {
          const cp = parseAddCheckpoint(Buffer.from(m[1]!)).checkpoint.toString();
          const opened = openNote(cp + res.body, [cosignatureVerifier(key.body.trim())]);
          assert.equal(opened.verified.length, 1);
        }
        const size = /^body == "(\d+)\\n"$/.exec(m[3]!);
        if (size) {
          assert.equal(res.body, `${size[1]}\n`);
          assert.match(String(res.headers['content-type']), /^text\/x\.tlog\.size/);
        }
      }
      assert.deepEqual(seen, [200, 403, 404, 422, 422, 200, 409, 200, 409]);
      assert.equal((await storedWitnessState(node.store).get(SIGSUM_ORIGIN))!.size, 5);
    });
  });

  dbTest('two concurrent requests for one log: exactly one wins, the other gets 409', async (_t, db) => {
    const l = await testLog();
    await withLogWitness(db.location, l, async (node, app) => {
      for (let round = 0; round < 5; round++) {
        const held = (await storedWitnessState(node.store).get(l.origin))?.size ?? 0;
        // Two checkpoints of other sizes, both from the stored size.
        const a = await l.log.append([Buffer.from(`a${round}`)]);
        const b = await l.log.append([Buffer.from(`b${round}`)]);
        const body = async (cp: string, size: number) =>
          `old ${held}\n${(held === 0 ? [] : await l.reader.consistencyProof(held, size)).map((h) => h.toString('base64') + '\n').join('')}\n${cp}`;
        const [ra, rb] = await Promise.all([
          post(app, await body(a.checkpoint, a.size)),
          post(app, await body(b.checkpoint, b.size)),
        ]);
        const statuses = [ra.statusCode, rb.statusCode].sort();
        assert.deepEqual(statuses, [200, 409], `round ${round}: ${ra.body} ${rb.body}`);
        const winner = ra.statusCode === 200 ? a : b;
        const loser = ra.statusCode === 200 ? rb : ra;
        assert.equal(loser.body, `${winner.size}\n`);
        const stored = await storedWitnessState(node.store).get(l.origin);
        assert.equal(stored!.size, winner.size);
        assert.ok(stored!.root.equals(winner.root));
      }
      // The compare-and-set itself: from the same previous record only one of many wins.
      const state = storedWitnessState(node.store);
      const prev = await state.get(l.origin);
      const wins = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((i) =>
          state.compareAndSet(l.origin, prev, { size: 100 + i, root: Buffer.alloc(32, i) }, NOW),
        ),
      );
      assert.equal(wins.filter(Boolean).length, 1);
      const fresh = await Promise.all(
        [1, 2, 3].map((i) =>
          state.compareAndSet('other/log', undefined, { size: i, root: Buffer.alloc(32, i) }, NOW),
        ),
      );
      assert.equal(fresh.filter(Boolean).length, 1);
    });
  });

  dbTest('bad input gets the spec status and changes nothing', async (_t, db) => {
    const l = await testLog();
    const other = await testLog('example.com/other-log');
    await withLogWitness(db.location, l, async (node, app) => {
      const first = await l.log.append([Buffer.from('one'), Buffer.from('two'), Buffer.from('three')]);
      const hash = Buffer.alloc(32, 7);
      // Before anything is stored: a proof from size 0 must be empty (tlog-witness: else 422).
      const empty = await snapshotStore(node.store);
      const fromZero = await post(app, `old 0\n${lines([hash])}\n${first.checkpoint}`);
      assert.equal(fromZero.statusCode, 422, fromZero.body);
      assert.equal(await snapshotStore(node.store), empty, 'a proof from 0 changed the store');
      assert.equal((await post(app, `old 0\n\n${first.checkpoint}`)).statusCode, 200);
      const before = await snapshotStore(node.store);
      const next = await l.log.append([Buffer.from('four'), Buffer.from('five')]);
      const proof = await l.reader.consistencyProof(3, 5);
      const foreign = await other.log.append([Buffer.from('x')]);
      const cases: [string, string | Buffer, number][] = [
        [
          'oversize',
          Buffer.concat([Buffer.from('old 3\n\n'), Buffer.alloc(MAX_ADD_CHECKPOINT_SIZE, 0x41)]),
          413,
        ],
        ['empty body', '', 400],
        ['no old line', `\n${next.checkpoint}`, 400],
        ['old size with a leading zero', `old 03\n${lines(proof)}\n${next.checkpoint}`, 400],
        ['negative old size', `old -3\n${lines(proof)}\n${next.checkpoint}`, 400],
        ['CRLF lines', `old 3\r\n${lines(proof).replace(/\n/g, '\r\n')}\r\n${next.checkpoint}`, 400],
        ['malformed note', `old 3\n${lines(proof)}\nexample.com/test-log\n5\nnot a hash\n\n— x AAAA\n`, 400],
        [
          'note without signatures',
          `old 3\n${lines(proof)}\n${next.checkpoint.replace(/\n— .*\n$/, '\n')}`,
          400,
        ],
        ['proof line not a hash', `old 3\nAAAA\n\n${next.checkpoint}`, 400],
        [
          '64 proof lines (the spec allows 63)',
          `old 3\n${lines(Array(64).fill(hash))}\n${next.checkpoint}`,
          400,
        ],
        ['unknown log', `old 0\n\n${foreign.checkpoint}`, 404],
        [
          'unsigned',
          `old 3\n${lines(proof)}\n${next.checkpoint.replace(/\n— .*\n$/, '\n— example.com/test-log AAAAAAAA\n')}`,
          403,
        ],
        ['old above new', `old 9\n\n${next.checkpoint}`, 400],
        ['stale old size', `old 0\n\n${next.checkpoint}`, 409],
        ['old size above the stored one', `old 4\n${lines(proof)}\n${next.checkpoint}`, 409],
        ['proof one line short', `old 3\n${lines(proof.slice(1))}\n${next.checkpoint}`, 422],
        ['proof one line long', `old 3\n${lines([...proof, proof[0]!])}\n${next.checkpoint}`, 422],
        ['tampered proof', `old 3\n${lines([hash, ...proof.slice(1)])}\n${next.checkpoint}`, 422],
        ['same size with a proof', `old 3\n${lines([hash])}\n${first.checkpoint}`, 422],
      ];
      for (const [name, body, status] of cases) {
        const res = await post(app, body);
        assert.equal(res.statusCode, status, `${name}: ${res.body.slice(0, 200)}`);
        if (status === 409) {
          assert.equal(res.body, '3\n', name);
          assert.match(String(res.headers['content-type']), /^text\/x\.tlog\.size/, name);
        }
        assert.equal(await snapshotStore(node.store), before, `${name} changed the store`);
      }
      // Any declared type is read as the body: JSON is not parsed, the same refusal.
      const json = await post(app, `old 9\n\n${next.checkpoint}`, 'application/json');
      assert.equal(json.statusCode, 400, json.body);
      // No content type at all is fine; the good request then wins.
      const ok = await app.inject({
        method: 'POST',
        url: '/witness/add-checkpoint',
        payload: `old 3\n${lines(proof)}\n${next.checkpoint}`,
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await storedWitnessState(node.store).get(l.origin))!.size, 5);
      // A fork (same size, other root): 409 with the size held, and nothing changed.
      const held = await snapshotStore(node.store);
      const fork = await signCheckpoint(
        { origin: l.origin, size: 5, root: Buffer.alloc(32, 1), extensions: [] },
        l.signer,
      );
      const refused = await post(app, `old 5\n\n${fork}`);
      assert.deepEqual([refused.statusCode, refused.body], [409, '5\n']);
      assert.equal(await snapshotStore(node.store), held, 'the fork changed the store');
    });
  });
});
