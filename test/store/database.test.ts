import * as m0011 from '../../src/store/migrations/0011_ledger_lookup_prefix.js';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { openStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/database.js';
import { isUniqueViolation } from '../../src/store/errors.js';
import type { PersonTable } from '../../src/store/schema.js';
import { forEachEngine } from '../fixtures/engines.js';
import { PG_SKIP, pgCleanup, pgSchemaOf, pgTestUrl } from '../fixtures/pg.js';
import { rowCounts, snapshotStore } from '../fixtures/store_snapshot.js';

const AT = '2026-03-02T09:30:00.000Z';
const TABLES = [
  'ca',
  'certificate',
  'person',
  'event',
  'officer',
  'crl',
  'import_progress',
  'enrolment_review',
  'ledger_queue',
  'ledger_lookup',
  'ledger_state',
  'ledger_tiles',
  'witness_state',
  'seen_certificate',
  'witness_outcome',
] as const;

function person(nationalId: string, dedupKey: string): PersonTable {
  return {
    national_id: nationalId,
    given_names: 'Maria Clara',
    family_name: 'Santos',
    birth_date: '1990-05-17',
    place_of_birth: 'Manila',
    sex: 'F',
    nationality: 'PH',
    dedup_key: dedupKey,
    created_at: AT,
    created_by: 'officer-1',
  };
}

async function insertCa(store: Store, id: string, der: Buffer = Buffer.from([0x30, 0x00])): Promise<void> {
  await store.db
    .insertInto('ca')
    .values({ id, subject: `CN=${id}`, cert_der: der, key_id: id, crl_number: 0, created_at: AT })
    .execute();
}

/** What publishCrl does to the store: bump the CA's CRL number, store a CRL row with it. */
async function bumpAndRecord(store: Store, caId: string): Promise<number> {
  return store.transaction(async (trx) => {
    const r = await trx
      .updateTable('ca')
      .set((eb) => ({ crl_number: eb('crl_number', '+', 1) }))
      .where('id', '=', caId)
      .returning(['crl_number'])
      .executeTakeFirstOrThrow();
    const n = Number(r.crl_number);
    await trx
      .insertInto('crl')
      .values({ ca_id: caId, crl_number: n, this_update: AT, next_update: AT, der: Buffer.from([n & 0xff]) })
      .execute();
    await trx
      .insertInto('event')
      .values({
        at: AT,
        officer: 'test',
        action: 'crl',
        national_id: null,
        serial: null,
        detail: `{"n":${n}}`,
      })
      .execute();
    return n;
  });
}

const DATABASE_JS = fileURLToPath(new URL('../../src/store/database.js', import.meta.url));
const CHILD = `
const { openStore } = await import(process.env.TB_DATABASE_JS);
const store = await openStore(process.env.TB_LOCATION);
const caId = process.env.TB_CA;
if (process.env.TB_MODE === 'reader') {
  // What insertPerson does: look for a duplicate first, then write; another process commits between.
  const lines = (await import('node:readline')).createInterface({ input: process.stdin });
  const next = lines[Symbol.asyncIterator]();
  await store.transaction(async (trx) => {
    await trx.selectFrom('person').select('national_id').where('dedup_key', '=', 'k').executeTakeFirst();
    process.stdout.write('read\\n');
    await next.next();
    await trx.insertInto('event').values({ at: 'x', officer: 'reader', action: 'register',
      national_id: null, serial: null, detail: '{}' }).execute();
  });
  lines.close();
}
for (let i = 0; process.env.TB_MODE === 'bump' && i < Number(process.env.TB_N); i++) {
  await store.transaction(async (trx) => {
    const r = await trx.updateTable('ca').set((eb) => ({ crl_number: eb('crl_number', '+', 1) }))
      .where('id', '=', caId).returning(['crl_number']).executeTakeFirstOrThrow();
    await trx.insertInto('crl').values({ ca_id: caId, crl_number: Number(r.crl_number),
      this_update: 'x', next_update: 'x', der: Buffer.from([1]) }).execute();
  });
}
await store.close();
`;

interface Child {
  process: ChildProcess;
  done: Promise<{ code: number | null; err: string }>;
}

/** Runs CHILD in a separate process: `bump` writes n times, `reader` reads, waits for a line, writes. */
function child(location: string, caId: string, n: number, mode: 'bump' | 'reader' = 'bump'): Child {
  const p = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: {
      ...process.env,
      TB_DATABASE_JS: DATABASE_JS,
      TB_LOCATION: location,
      TB_CA: caId,
      TB_N: String(n),
      TB_MODE: mode,
    },
    stdio: [mode === 'reader' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { process: p, done: new Promise((resolve) => p.on('close', (code) => resolve({ code, err }))) };
}

function childWriter(
  location: string,
  caId: string,
  n: number,
): Promise<{ code: number | null; err: string }> {
  return child(location, caId, n).done;
}

forEachEngine('store', (dbTest, engine) => {
  dbTest('migrations create every table and are idempotent (open twice)', async (_t, db) => {
    const first = await openStore(db.location);
    assert.equal(first.engine, engine);
    await insertCa(first, 'root');
    await first.close();
    const second = await openStore(db.location);
    try {
      const counts = await rowCounts(second);
      assert.deepEqual(Object.keys(counts).sort(), [...TABLES].sort());
      assert.equal(counts.ca, 1, 'the row written before reopening is still there');
      const applied = await sql<{ name: string }>`select name from tb_migration order by name`.execute(
        second.db,
      );
      assert.deepEqual(
        applied.rows.map((r) => r.name),
        [
          '0001_init',
          '0002_certificate_key_hash',
          '0003_login',
          '0004_enrolment_review',
          '0005_ledger',
          '0006_cert',
          '0007_person_candidates',
          '0008_witness',
          '0010_log_monitor',
          '0011_ledger_lookup_prefix',
          '0012_cert_alert',
          '0013_cert_remote',
        ],
      );
    } finally {
      await second.close();
    }
  });

  dbTest('migration 0011 converts the full-key lookup rows to 8-byte prefixes', async (_t, db) => {
    const first = await openStore(db.location);
    // The table as 0005 made it, with rows, and 0011 not applied yet.
    await sql`drop table ledger_lookup`.execute(first.db);
    await sql`create table ledger_lookup (lookup_key varchar(128) not null, entry_index bigint not null,
      constraint ledger_lookup_pk primary key (lookup_key, entry_index))`.execute(first.db);
    await sql`insert into ledger_lookup values (${'ff'.repeat(32)}, 3), (${'0102030405060708' + '0'.repeat(48)}, 7),
      (${'8000000000000000' + 'a'.repeat(48)}, 9)`.execute(first.db);
    // Run directly: later migrations are applied already, and the migrator refuses to go back.
    await m0011.up(first.db as unknown as Kysely<unknown>);
    await first.close();
    const second = await openStore(db.location);
    try {
      const rows = await sql<{
        p: string;
        i: string | number;
      }>`select cast(key_prefix as text) as p, entry_index as i
        from ledger_lookup order by entry_index`.execute(second.db);
      assert.deepEqual(
        rows.rows.map((r) => [r.p, Number(r.i)]),
        [
          ['-1', 3],
          [BigInt('0x0102030405060708').toString(), 7],
          ['-9223372036854775808', 9],
        ],
      );
    } finally {
      await second.close();
    }
  });

  dbTest('binary columns round-trip every byte value', async (_t, db) => {
    const store = await openStore(db.location);
    try {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const big = randomBytes(200_000);
      await insertCa(store, 'all-bytes', all);
      await insertCa(store, 'big', big);
      await insertCa(store, 'nul', Buffer.from([0, 0, 0]));
      const rows = await store.db.selectFrom('ca').select(['id', 'cert_der']).orderBy('id').execute();
      const byId = new Map(rows.map((r) => [r.id, r.cert_der]));
      for (const [id, want] of [
        ['all-bytes', all],
        ['big', big],
        ['nul', Buffer.from([0, 0, 0])],
      ] as const) {
        const got = byId.get(id);
        assert.ok(Buffer.isBuffer(got), `${id} comes back as a Buffer`);
        assert.ok(got.equals(want), `${id} round-trips`);
      }
    } finally {
      await store.close();
    }
  });

  dbTest('a transaction that throws leaves nothing behind', async (_t, db) => {
    const store = await openStore(db.location);
    try {
      await insertCa(store, 'root');
      const before = await snapshotStore(store);
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.insertInto('person').values(person('111111111111', 'k1')).execute();
          await trx.updateTable('ca').set({ crl_number: 99 }).where('id', '=', 'root').execute();
          await trx
            .insertInto('event')
            .values({
              at: AT,
              officer: 'o',
              action: 'register',
              national_id: null,
              serial: null,
              detail: '{}',
            })
            .execute();
          throw new Error('boom after three writes');
        }),
        /boom after three writes/,
      );
      assert.equal(await snapshotStore(store), before);
      const ok = await store.transaction(async (trx) => {
        await trx.insertInto('person').values(person('111111111111', 'k1')).execute();
        return 'committed';
      });
      assert.equal(ok, 'committed');
      assert.equal((await rowCounts(store)).person, 1);
    } finally {
      await store.close();
    }
  });

  dbTest('isUniqueViolation recognises the engine error and names the column', async (_t, db) => {
    const store = await openStore(db.location);
    try {
      await store.db.insertInto('person').values(person('111111111111', 'dedup-1')).execute();
      const caught = async (row: PersonTable): Promise<unknown> => {
        try {
          await store.db.insertInto('person').values(row).execute();
        } catch (e) {
          return e;
        }
        return assert.fail('the insert should have failed');
      };
      const dedup = await caught(person('222222222222', 'dedup-1'));
      assert.ok(isUniqueViolation(dedup));
      assert.ok(isUniqueViolation(dedup, 'dedup_key'));
      assert.ok(!isUniqueViolation(dedup, 'national_id'));
      const pk = await caught(person('111111111111', 'dedup-2'));
      assert.ok(isUniqueViolation(pk, 'national_id'));
      assert.ok(!isUniqueViolation(pk, 'dedup_key'));
      const notNull = await caught({
        ...person('333333333333', 'dedup-3'),
        given_names: null as unknown as string,
      });
      assert.ok(!isUniqueViolation(notNull), 'a NOT NULL violation is not a unique violation');
      assert.ok(!isUniqueViolation(new Error('UNIQUE constraint failed: person.dedup_key')));
      assert.ok(!isUniqueViolation(undefined));
      assert.equal((await rowCounts(store)).person, 1);
    } finally {
      await store.close();
    }
  });

  dbTest('concurrent transactions on one store lose no write', async (_t, db) => {
    const store = await openStore(db.location);
    try {
      await insertCa(store, 'eid-ca');
      const numbers = await Promise.all(Array.from({ length: 40 }, () => bumpAndRecord(store, 'eid-ca')));
      assert.deepEqual(
        [...numbers].sort((a, b) => a - b),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      const ca = await store.db.selectFrom('ca').select('crl_number').executeTakeFirstOrThrow();
      assert.equal(Number(ca.crl_number), 40);
      const counts = await rowCounts(store);
      assert.equal(counts.crl, 40);
      assert.equal(counts.event, 40);
    } finally {
      await store.close();
    }
  });

  dbTest('writers in three processes lose no write', async (_t, db) => {
    const store = await openStore(db.location);
    try {
      await insertCa(store, 'eid-ca');
      const results = await Promise.all([0, 1, 2].map(() => childWriter(db.location, 'eid-ca', 15)));
      for (const r of results) assert.equal(r.code, 0, `child writer failed: ${r.err}`);
      const ca = await store.db.selectFrom('ca').select('crl_number').executeTakeFirstOrThrow();
      assert.equal(Number(ca.crl_number), 45);
      const crls = await store.db.selectFrom('crl').select('crl_number').orderBy('crl_number').execute();
      assert.deepEqual(
        crls.map((c) => Number(c.crl_number)),
        Array.from({ length: 45 }, (_, i) => i + 1),
      );
    } finally {
      await store.close();
    }
  });

  dbTest('a transaction that read before another process committed can still write', async (_t, db) => {
    // SQLite: after a deferred BEGIN has read, its first write cannot wait for the lock: it fails
    // at once with SQLITE_BUSY_SNAPSHOT when another process committed meanwhile (the CLI
    // enrolling while the server enrols). BEGIN IMMEDIATE takes the lock up front and waits instead.
    const store = await openStore(db.location);
    try {
      await insertCa(store, 'eid-ca');
      const reader = child(db.location, 'eid-ca', 0, 'reader');
      await new Promise<void>((resolve, reject) => {
        reader.process.stdout!.once('data', () => resolve());
        void reader.done.then((r) => reject(new Error(`reader ended early: ${r.err}`)));
      });
      const writer = childWriter(db.location, 'eid-ca', 1);
      // Without a lock held by the reader the writer commits at once; with one it waits for the reader.
      await Promise.race([writer, new Promise((r) => setTimeout(r, 500))]);
      reader.process.stdin!.end('go\n');
      const [w, r] = await Promise.all([writer, reader.done]);
      assert.equal(w.code, 0, `writer failed: ${w.err.slice(0, 300)}`);
      assert.equal(r.code, 0, `reader failed: ${r.err.slice(0, 400)}`);
      const counts = await rowCounts(store);
      assert.deepEqual([counts.event, counts.crl], [1, 1]);
    } finally {
      await store.close();
    }
  });

  if (engine === 'sqlite') {
    dbTest('SQLite runs in WAL mode and waits for a lock without blocking the event loop', async (_t, db) => {
      const store = await openStore(db.location);
      // Another process's connection holds the write lock for 300 ms.
      const other = new BetterSqlite3(db.location);
      try {
        const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
        assert.equal(mode.rows[0]?.journal_mode, 'wal');
        const busy = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(store.db);
        assert.equal(busy.rows[0]?.timeout, 0, 'SQLite never sleeps inside a call');
        other.exec('begin immediate');
        let ticks = 0;
        const timer = setInterval(() => ticks++, 10);
        const write =
          sql`insert into import_progress (file_hash, rows_done, updated_at) values ('lock-test', 1, 'now')`.execute(
            store.db,
          );
        let written = false;
        void write.then(() => (written = true));
        await new Promise((r) => setTimeout(r, 300));
        const ticksWhileLocked = ticks;
        assert.equal(written, false, 'the write waits for the lock');
        other.exec('commit');
        await write;
        clearInterval(timer);
        assert.ok(
          ticksWhileLocked >= 10,
          `the event loop ran while the write waited (${ticksWhileLocked} ticks)`,
        );
        const rows = await sql<{
          n: number;
        }>`select count(*) as n from import_progress where file_hash = 'lock-test'`.execute(store.db);
        assert.equal(Number(rows.rows[0]?.n), 1);
      } finally {
        other.close();
        await store.close();
      }
    });
  } else {
    dbTest('PostgreSQL uses the schema of the connection URL', async (_t, db) => {
      const store = await openStore(db.location);
      try {
        const r = await sql<{ s: string }>`select current_schema() as s`.execute(store.db);
        assert.equal(r.rows[0]?.s, pgSchemaOf(db.location));
        const tables = await sql<{ n: string }>`
          select count(*) as n from information_schema.tables
          where table_schema = ${pgSchemaOf(db.location)} and table_name in ('ca', 'person', 'tb_migration')`.execute(
          store.db,
        );
        assert.equal(Number(tables.rows[0]?.n), 3);
        // The enrolment check's function (migration 0005) lives beside the tables it reads.
        const routines = await sql<{ n: string }>`
          select count(*) as n from information_schema.routines
          where routine_schema = ${pgSchemaOf(db.location)} and routine_name = 'lock_persons_born_on'`.execute(
          store.db,
        );
        assert.equal(Number(routines.rows[0]?.n), 1);
      } finally {
        await store.close();
      }
    });
  }
});

test('two stores in different PostgreSQL schemas of one database can be open at once', async (t) => {
  const a = await pgTestUrl();
  const b = await pgTestUrl();
  if (!a || !b) {
    t.skip(PG_SKIP);
    return;
  }
  const opened: Store[] = [];
  try {
    opened.push(await openStore(a));
    // Fails while src/store/database.ts migrates without `migrationTableSchema`: Kysely then finds
    // schema a's tb_migration through introspection of every schema and never creates b's.
    opened.push(await openStore(b));
    await insertCa(opened[1]!, 'root');
    assert.equal((await rowCounts(opened[0]!)).ca, 0, 'schema a does not see schema b rows');
  } finally {
    for (const s of opened) await s.close();
    await pgCleanup(a);
    await pgCleanup(b);
  }
});
