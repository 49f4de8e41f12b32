/**
 * The sequencer on both engines: batches drain the queue in order into tiles, lookup rows and a
 * signed checkpoint in one transaction; the tree audits; two sequencers on one store integrate
 * every entry exactly once; the cosign hook's lines are on the published checkpoint, and a
 * failing hook leaves the previous one published until the next run.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { encodeEntry } from '../../src/ledger/entry.js';
import { isLogged } from '../../src/ledger/outbox.js';
import { cosigner, cosignatureVerifier } from '../../src/ledger/cosignature.js';
import { ed25519KeyFromSeed } from '../../src/ledger/keys.js';
import { LOG_KEY_ID, logOrigin, openLogIdentity } from '../../src/ledger/log_key.js';
import { leafHash } from '../../src/ledger/hash.js';
import { verifyInclusion } from '../../src/ledger/merkle.js';
import { openNote } from '../../src/ledger/note.js';
import { LogReader } from '../../src/ledger/reader.js';
import { Sequencer } from '../../src/ledger/sequencer.js';
import type { CosignRequest } from '../../src/ledger/sequencer.js';
import { StoredLog } from '../../src/ledger/store_lookup.js';
import { CHECKPOINT_PATH, StoreTileSource } from '../../src/ledger/store_tiles.js';
import { decodeBundle } from '../../src/ledger/tiles.js';
import { FileKeyStore } from '../../src/pki/file_key_store.js';
import { openStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/database.js';
import { forEachEngine } from '../fixtures/engines.js';
import { FIXED_NOW } from '../fixtures/node.js';
import { TEST_SEEDS, testLogIdentity } from './fixtures.js';

const LOG = testLogIdentity();
const clock = (): Date => FIXED_NOW;

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** A notarised-digest entry for `digest` (its lookup key). */
function notarised(digest: string): Buffer {
  return encodeEntry({
    v: 1,
    type: 'notarised-digest',
    time: FIXED_NOW.toISOString(),
    alg: 'sha-256',
    digest,
  });
}

/** The lookup key of an entry made by {@link notarised}. */
function keyOf(entry: Buffer): string {
  return (JSON.parse(entry.toString()) as { digest: string }).digest;
}

/** Queues `n` notarised-digest entries, of the SHA-256 of `entry <from + i>`, each with its lookup key. */
async function enqueue(store: Store, from: number, n: number, digests?: string[]): Promise<Buffer[]> {
  const keys = digests ?? Array.from({ length: n }, (_, i) => sha256(Buffer.from(`entry ${from + i}`)));
  const entries = keys.map(notarised);
  await store.transaction(async (trx) => {
    for (let i = 0; i < entries.length; i += 500)
      await trx
        .insertInto('ledger_queue')
        .values(
          entries
            .slice(i, i + 500)
            .map((e) => ({ entry: e, lookup_key: keyOf(e), queued_at: FIXED_NOW.toISOString() })),
        )
        .execute();
  });
  return entries;
}

/** Every entry of the published log, read back through the reader, and the tree audited. */
async function auditedEntries(store: Store): Promise<Buffer[]> {
  const reader = new LogReader(new StoreTileSource(store.db));
  const cp = await reader.checkpoint([LOG.verifier]);
  await reader.audit(cp);
  return cp.size === 0 ? [] : reader.entries(0, cp.size, cp.size);
}

async function drain(seq: Sequencer): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await seq.run();
    total += r.integrated;
    if (r.integrated === 0 && !r.busy) return total;
  }
}

forEachEngine('sequencer', (dbTest) => {
  dbTest('an empty log gets a signed checkpoint of size 0 at the first run', async (_t, db) => {
    const store = await openStore(db.location);
    try {
      const r = await new Sequencer({ store, log: LOG, clock }).run();
      assert.deepEqual(r, { integrated: 0, size: 0, busy: false });
      const cp = openCheckpoint((await new StoredLog(store.db, LOG.verifier).checkpoint())!, [LOG.verifier]);
      assert.equal(cp.size, 0);
      assert.equal(cp.origin, LOG.origin);
    } finally {
      await store.close();
    }
  });

  dbTest('batches drain the queue in order; tiles audit; lookups prove inclusion', async (_t, db) => {
    const store = await openStore(db.location);
    try {
      const seq = new Sequencer({ store, log: LOG, clock, batchSize: 256 });
      const entries = await enqueue(store, 0, 600);
      assert.deepEqual(
        [await seq.run(), await seq.run(), await seq.run(), await seq.run()].map((r) => r.integrated),
        [256, 256, 88, 0],
      );
      assert.equal((await store.db.selectFrom('ledger_queue').select('seq').execute()).length, 0);
      const state = await store.db.selectFrom('ledger_state').selectAll().executeTakeFirstOrThrow();
      assert.equal(Number(state.size), 600);
      assert.deepEqual(await auditedEntries(store), entries);
      // Superseded partial tiles are gone: one partial per level and one partial bundle remain.
      const paths = (await store.db.selectFrom('ledger_tiles').select('path').execute()).map((r) => r.path);
      assert.deepEqual(paths.filter((p) => p.includes('.p/')).sort(), [
        'tile/0/002.p/88',
        'tile/1/000.p/2',
        'tile/entries/002.p/88',
      ]);
      // Full bundles are kept deflated, and served as integrated.
      assert.deepEqual(paths.filter((p) => p.includes('entries/') && !p.includes('.p/')).sort(), [
        'z:tile/entries/000',
        'z:tile/entries/001',
      ]);
      const served = (await new StoreTileSource(store.db).read('tile/entries/001'))!;
      assert.deepEqual(decodeBundle(Buffer.from(served)), entries.slice(256, 512));
      // A narrower partial tile of an older checkpoint is the prefix of the stored one.
      const tiles = new StoreTileSource(store.db);
      const narrow = await tiles.read('tile/0/002.p/10');
      assert.deepEqual(narrow, (await tiles.read('tile/0/002.p/88'))!.subarray(0, 320));
      assert.equal(await tiles.read('tile/0/002.p/89'), undefined);
      // Lookups: index and an inclusion proof that verifies against the published checkpoint.
      const log = new StoredLog(store.db, LOG.verifier);
      for (const i of [0, 255, 256, 599]) {
        const found = await log.lookup(keyOf(entries[i]!));
        assert.equal(found.index, i);
        const cp = openCheckpoint(found.checkpoint, [LOG.verifier]);
        verifyInclusion(
          i,
          cp.size,
          leafHash(entries[i]!),
          found.inclusionProof.map((p) => Buffer.from(p, 'base64')),
          cp.root,
        );
      }
      await assert.rejects(log.lookup('00'.repeat(32)), { code: 'LEDGER_NOT_LOGGED' });
      // The index keeps 8 bytes of a key: entries sharing them are told apart by the entry itself.
      const prefix = keyOf(entries[7]!).slice(0, 16);
      const twins = [`${prefix}${'1'.repeat(48)}`, `${prefix}${'2'.repeat(48)}`];
      await enqueue(store, 0, 2, twins);
      await seq.run();
      assert.equal((await log.lookup(twins[0]!)).index, 600);
      assert.equal((await log.lookup(twins[1]!)).index, 601);
      assert.equal((await log.lookup(keyOf(entries[7]!))).index, 7);
      const stranger = `${prefix}${'3'.repeat(48)}`;
      await assert.rejects(log.lookup(stranger), { code: 'LEDGER_NOT_LOGGED' });
      assert.equal(await isLogged(store.db, twins[1]!), true);
      assert.equal(await isLogged(store.db, stranger), false);
      const rows = await store.db.selectFrom('ledger_lookup').select('entry_index').execute();
      assert.equal(rows.length, 602, 'one index row an entry');
    } finally {
      await store.close();
    }
  });

  dbTest('two sequencers on one store integrate every entry exactly once', async (_t, db) => {
    const a = await openStore(db.location);
    const b = await openStore(db.location);
    try {
      const sa = new Sequencer({ store: a, log: LOG, clock, batchSize: 100 });
      const sb = new Sequencer({ store: b, log: LOG, clock, batchSize: 70 });
      const all: Buffer[] = [];
      for (let round = 0; round < 6; round++) {
        all.push(...(await enqueue(round % 2 ? a : b, round * 150, 150)));
        // Both run at once (the lease lets one in at a time); each then keeps a stale edge.
        const results = await Promise.allSettled([sa.run(), sb.run(), sa.run()]);
        for (const r of results)
          if (r.status === 'rejected')
            assert.equal((r.reason as { code?: string }).code, 'LEDGER_SEQUENCER_CONFLICT');
      }
      await drain(sa);
      await drain(sb);
      assert.deepEqual(await auditedEntries(a), all);
    } finally {
      await a.close();
      await b.close();
    }
  });

  dbTest(
    'the cosign hook adds its lines before publication; a failing hook publishes nothing',
    async (_t, db) => {
      const store = await openStore(db.location);
      try {
        const witness = cosigner(
          'witness.example/w',
          ed25519KeyFromSeed(TEST_SEEDS.witnessA),
          () => 1_700_000_000,
        );
        let fail = false;
        const requests: CosignRequest[] = [];
        const seq = new Sequencer({
          store,
          log: LOG,
          clock,
          cosign: {
            cosign: async (r) => {
              requests.push(r);
              if (fail) throw new Error('witness unreachable');
              return [await witness.cosign(openNote(r.checkpoint, [LOG.verifier]).text, 1_700_000_000)];
            },
          },
        });
        await enqueue(store, 0, 10);
        await seq.run();
        const log = new StoredLog(store.db, LOG.verifier);
        const first = (await log.checkpoint())!;
        const opened = openNote(first, [LOG.verifier, cosignatureVerifier(witness.vkey)]);
        assert.equal(opened.verified.length, 2);
        assert.equal(openCheckpoint(first, [LOG.verifier]).size, 10);
        assert.equal(requests[0]!.previous, undefined);
        fail = true;
        await enqueue(store, 10, 5);
        await assert.rejects(seq.run(), /witness unreachable/);
        assert.equal(await log.checkpoint(), first, 'the previous checkpoint stays published');
        const state = await store.db.selectFrom('ledger_state').select('size').executeTakeFirstOrThrow();
        assert.equal(Number(state.size), 15, 'the batch itself is integrated');
        fail = false;
        assert.equal((await seq.run()).integrated, 0);
        const now = (await log.checkpoint())!;
        assert.equal(openCheckpoint(now, [LOG.verifier]).size, 15);
        assert.equal(requests.at(-1)!.previous, first);
        assert.equal(openNote(now, [LOG.verifier, cosignatureVerifier(witness.vkey)]).verified.length, 2);
        const row = await store.db
          .selectFrom('ledger_tiles')
          .select('data')
          .where('path', '=', CHECKPOINT_PATH)
          .executeTakeFirstOrThrow();
        assert.equal(Buffer.from(row.data).toString(), now);
      } finally {
        await store.close();
      }
    },
  );

  dbTest(
    'an incompletely cosigned checkpoint is sent again after the pause, with the log signature alone',
    async (_t, db) => {
      const store = await openStore(db.location);
      try {
        const witness = cosigner(
          'witness.example/w',
          ed25519KeyFromSeed(TEST_SEEDS.witnessA),
          () => 1_700_000_000,
        );
        let up = false;
        const sent: string[] = [];
        const seq = new Sequencer({
          store,
          log: LOG,
          clock,
          recosignMs: 1,
          cosign: {
            incomplete: () => !up || sent.length < 2,
            cosign: async (r) => {
              sent.push(r.checkpoint);
              if (!up) return [];
              return [await witness.cosign(openNote(r.checkpoint, [LOG.verifier]).text, 1_700_000_000)];
            },
          },
        });
        await enqueue(store, 0, 3);
        await seq.run();
        const log = new StoredLog(store.db, LOG.verifier);
        const alone = (await log.checkpoint())!;
        const both = [LOG.verifier, cosignatureVerifier(witness.vkey)];
        assert.equal(openNote(alone, both).verified.length, 1, 'published with no cosignature');
        up = true;
        await new Promise((r) => setTimeout(r, 5));
        assert.equal((await seq.run()).integrated, 0);
        const witnessed = (await log.checkpoint())!;
        assert.equal(sent.length, 2, 'gathered again without a new entry');
        assert.equal(sent[1], alone, 'the request carries the log signature alone');
        assert.equal(openNote(witnessed, both).verified.length, 2);
        assert.equal(openCheckpoint(witnessed, [LOG.verifier]).size, 3);
        await seq.run();
        assert.equal(sent.length, 2, 'a complete checkpoint is not sent again');
      } finally {
        await store.close();
      }
    },
  );
});

test('the log key: made once in the encrypted key store, its verifier key published', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-logkey-'));
  try {
    const keys = new FileKeyStore(join(dir, 'keys'), 'a long test passphrase');
    const origin = logOrigin('https://ph.example:8443/');
    assert.equal(origin, 'ph.example:8443/log');
    const vkeyFile = join(dir, 'log.vkey');
    const first = await openLogIdentity(keys, origin, vkeyFile);
    assert.equal(readFileSync(vkeyFile, 'utf8'), `${first.vkey}\n`);
    assert.match(first.vkey, /^ph\.example:8443\/log\+[0-9a-f]{8}\+/);
    assert.equal(statSync(join(dir, 'keys', `${LOG_KEY_ID}.key.pem`)).mode & 0o777, 0o600);
    assert.match(readFileSync(join(dir, 'keys', `${LOG_KEY_ID}.key.pem`), 'utf8'), /ENCRYPTED PRIVATE KEY/);
    // Opened again (another process, a restart): the same key, not a new one.
    const again = await openLogIdentity(
      new FileKeyStore(join(dir, 'keys'), 'a long test passphrase'),
      origin,
    );
    assert.equal(again.vkey, first.vkey);
    const sig = await again.signer.sign(Buffer.from('text\n'));
    assert.ok(first.verifier.verify(Buffer.from('text\n'), sig));
    await assert.rejects(keys.sign(LOG_KEY_ID, Buffer.from('x'), 'sha256'));
    // A log.vkey of another key (replaced by hand): taken at start, refused at the first signature.
    writeFileSync(vkeyFile, `${testLogIdentity(origin).vkey}\n`);
    const replaced = await openLogIdentity(
      new FileKeyStore(join(dir, 'keys'), 'a long test passphrase'),
      origin,
      vkeyFile,
    );
    await assert.rejects(replaced.signer.sign(Buffer.from('text\n')), { code: 'LEDGER_KEY_MALFORMED' });
    assert.throws(() => logOrigin('http://'), { code: 'LEDGER_KEY_MALFORMED' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
