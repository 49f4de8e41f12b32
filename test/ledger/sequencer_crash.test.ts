/**
 * The sequencer survives SIGKILL at any moment: a child process queues entries (each
 * committed batch then noted in a file) and runs the sequencer in a loop; it is killed with
 * SIGKILL at random moments several times and restarted. Afterwards every entry the child saw
 * committed is in the log exactly once, nothing is logged twice, and the tree audits.
 *
 * The same file is the child when TB_SEQUENCER_CRASH_CHILD is set.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogReader } from '../../src/ledger/reader.js';
import { Sequencer } from '../../src/ledger/sequencer.js';
import { StoreTileSource } from '../../src/ledger/store_tiles.js';
import { openStore } from '../../src/store/database.js';
import { testLogIdentity } from './fixtures.js';

const LOG = testLogIdentity();
const CHILD = process.env.TB_SEQUENCER_CRASH_CHILD;

/** The child: queue a few entries, note them once committed, sequence; forever. */
async function child(location: string, file: string): Promise<void> {
  const store = await openStore(location);
  const seq = new Sequencer({ store, log: LOG, batchSize: 64 });
  for (let n = 0; ;) {
    const entries = Array.from({ length: 1 + Math.floor(Math.random() * 40) }, () => `${process.pid}-${n++}`);
    await store.transaction(async (trx) => {
      await trx
        .insertInto('ledger_queue')
        .values(
          entries.map((e) => ({
            entry: Buffer.from(e),
            lookup_key: null,
            queued_at: '2026-03-02T09:30:00Z',
          })),
        )
        .execute();
    });
    appendFileSync(file, entries.map((e) => `${e}\n`).join(''));
    process.stdout.write('.');
    await seq.run();
  }
}

if (CHILD) {
  const [location, file] = JSON.parse(CHILD) as [string, string];
  void child(location, file).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(2);
  });
} else {
  const { forEachEngine } = await import('../fixtures/engines.js');
  forEachEngine('sequencer crash', (dbTest) => {
    dbTest('SIGKILL at random moments loses and duplicates no entry', async (_t, db) => {
      const dir = mkdtempSync(join(tmpdir(), 'tb-seqcrash-'));
      const file = join(dir, 'committed.txt');
      try {
        // The schema (and its migrations) exist before the children race for them.
        await (await openStore(db.location)).close();
        for (let round = 0; round < 6; round++) {
          const proc = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
            env: { ...process.env, TB_SEQUENCER_CRASH_CHILD: JSON.stringify([db.location, file]) },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let err = '';
          proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
          const exited = new Promise<NodeJS.Signals | null>((r) => proc.once('exit', (_c, s) => r(s)));
          // Killed at a random moment once it has made some progress.
          await new Promise<void>((r) => proc.stdout.once('data', () => r()));
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 700));
          proc.kill('SIGKILL');
          assert.equal(await exited, 'SIGKILL', `the child ended on its own: ${err}`);
        }
        const store = await openStore(db.location);
        try {
          const seq = new Sequencer({ store, log: LOG, batchSize: 1000 });
          while ((await seq.run()).integrated > 0);
          const reader = new LogReader(new StoreTileSource(store.db));
          const cp = await reader.checkpoint([LOG.verifier]);
          await reader.audit(cp);
          const logged = (await reader.entries(0, cp.size, cp.size)).map((e) => e.toString());
          const committed = readFileSync(file, 'utf8').split('\n').filter(Boolean);
          assert.ok(committed.length > 100, `only ${committed.length} entries were committed`);
          assert.equal(new Set(logged).size, logged.length, 'an entry is logged twice');
          const seen = new Set(logged);
          const lost = committed.filter((e) => !seen.has(e));
          assert.deepEqual(lost, [], 'committed entries missing from the log');
          // Entries committed but not yet noted when the child was killed: at most one batch a kill.
          assert.ok(logged.length - committed.length <= 6 * 40);
          assert.equal((await store.db.selectFrom('ledger_queue').select('seq').execute()).length, 0);
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
