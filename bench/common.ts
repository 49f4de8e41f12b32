/**
 * Shared helpers of the benchmarks: environment knobs, timing loops, percentiles, temporary node
 * directories and PostgreSQL schemas (always removed), register pre-population and CSR pools.
 * Benchmarks report ratios against a baseline measured in the same run, never absolute goals
 * asserted in tests.
 */
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { OID } from '../src/pki/algorithms.js';
import { createCsr } from '../src/pki/csr.js';
import type { CsrPair } from '../src/eid/issuance.js';
import { generateNationalId } from '../src/eid/national_id.js';
import { dedupKey, normalisePerson } from '../src/eid/person.js';
import type { Store } from '../src/store/database.js';
import type { PersonTable } from '../src/store/schema.js';

/** Environment knobs. */
export const ENV = {
  people: positiveInt(process.env.BENCH_PEOPLE, 100_000),
  seconds: positiveNumber(process.env.BENCH_SECONDS, 5),
  pgUrl: process.env.TRUSTBRIDGE_TEST_PG || undefined,
};

/** The node passphrase of every benchmark node. */
export const PASSPHRASE = 'bench-passphrase';

function positiveInt(v: string | undefined, dflt: number): number {
  const n = v === undefined ? NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

function positiveNumber(v: string | undefined, dflt: number): number {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

/** One line of the final summary. */
export interface SummaryRow {
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Cleanup: temp dirs and schemas go away on success, failure and Ctrl-C.

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers `fn` to run at exit (or earlier through the returned disposer); runs once. */
export function onCleanup(fn: () => Promise<void> | void): () => Promise<void> {
  let done = false;
  const once = async (): Promise<void> => {
    if (done) return;
    done = true;
    const i = cleanups.indexOf(once);
    if (i >= 0) cleanups.splice(i, 1);
    await fn();
  };
  cleanups.push(once);
  return once;
}

/** Runs every pending cleanup, newest first. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups[cleanups.length - 1]!();
    } catch (e) {
      console.error(`cleanup failed: ${(e as Error).message}`);
    }
  }
}

/** A fresh temporary directory, removed at cleanup. */
export function tempDir(prefix: string): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), `tb-bench-${prefix}-`));
  const remove = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A fresh PostgreSQL schema and a URL whose connections use it (node-pg passes the `options`
 * startup parameter; checked here with `current_schema()`), dropped at cleanup. The schema is
 * made in a private `tb_bench_*` database when the role may create one (dropped too), else in
 * the configured database.
 *
 * Why the private database, and the empty `tb_migration*` tables made up front: Kysely's
 * Migrator (without `migrationTableSchema`) looks for its tables in *every* schema of the
 * database, so once any other schema holds them it skips creating them in ours and the
 * migration fails with `relation "tb_migration_lock" does not exist` (src/store/database.ts).
 */
export async function pgSchema(
  baseUrl: string,
  tag: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tb_bench_${tag}_${process.pid}_${Date.now().toString(36)}`;
  let dbUrl = baseUrl;
  let ownDb = false;
  try {
    await withPg(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    ownDb = true;
    const u = new URL(baseUrl);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
  } catch {
    // No CREATEDB privilege: a schema in the configured database.
  }
  const drop = onCleanup(async () => {
    if (!ownDb) {
      await withPg(dbUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`));
      return;
    }
    // pg-pool's end() resolves while its clients are still disconnecting; terminating them then
    // (DROP DATABASE … WITH (FORCE)) makes the store's pool emit an unhandled 'error' (it has no
    // listener: see the report) and kills this process. Wait for the sessions to go first.
    await withPg(baseUrl, async (c) => {
      for (let i = 0; i < 100; i++) {
        const r = await c.query<{ n: string }>(
          'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (Number(r.rows[0]?.n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  });
  await withPg(dbUrl, async (c) => {
    await c.query(`CREATE SCHEMA ${name}`);
    await c.query(
      `CREATE TABLE ${name}.tb_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`,
    );
    await c.query(
      `CREATE TABLE ${name}.tb_migration_lock (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0)`,
    );
  });
  const u = new URL(dbUrl);
  u.searchParams.set('options', `-c search_path=${name}`);
  const url = u.toString();
  const current = await withPg(url, (c) => c.query<{ s: string }>('SELECT current_schema() AS s'));
  if (current.rows[0]?.s !== name) {
    await drop();
    throw new Error(`node-pg ignored options=-c search_path (current_schema ${current.rows[0]?.s})`);
  }
  return { url, drop };
}

// ---------------------------------------------------------------------------------------------
// Timing.

/** Seconds since `t0` (performance.now milliseconds). */
export function since(t0: number): number {
  return (performance.now() - t0) / 1000;
}

/** Calls `fn` until `seconds` have passed (checked every `batch` calls); returns calls per second. */
export function rateSync(seconds: number, fn: (i: number) => void, batch = 16): number {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    for (let b = 0; b < batch; b++) fn(n++);
  }
  return n / since(t0);
}

/** Result of a timed asynchronous run. */
export interface AsyncRun {
  count: number;
  seconds: number;
  rate: number;
}

/**
 * Runs `fn(i)` for i = 0, 1, … with `concurrency` calls in flight until `seconds` have passed or
 * `limit` calls were started.
 */
export async function runPool(
  concurrency: number,
  seconds: number,
  limit: number,
  fn: (i: number) => Promise<void>,
): Promise<AsyncRun> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < limit && performance.now() < end) {
      await fn(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const s = since(t0);
  return { count: done, seconds: s, rate: done / s };
}

/** The q-quantile (0..1) of a list of numbers (sorted in place). */
export function quantile(values: Float64Array | number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = values instanceof Float64Array ? values.sort() : values.sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `1234/s` style rate. */
export function fmtRate(r: number): string {
  return `${r >= 100 ? Math.round(r) : r.toFixed(1)}/s`;
}

/** Microseconds with one decimal. */
export function fmtUs(ms: number): string {
  return `${(ms * 1000).toFixed(1)} µs`;
}

// ---------------------------------------------------------------------------------------------
// Register and CSRs.

const GIVEN = ['Maria', 'Juan', 'Jose', 'Ana', 'Mark', 'Angelica', 'Paolo', 'Rosa', 'Ramon', 'Liza'];
const FAMILY = ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Garcia', 'Mendoza', 'Torres', 'Villanueva'];

function letters(i: number): string {
  let s = '';
  for (let v = i; ; v = Math.floor(v / 26) - 1) {
    s = String.fromCharCode(97 + (v % 26)) + s;
    if (v < 26) break;
  }
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The names `populateRegister` gives person i. */
export function benchName(i: number): { givenNames: string; familyName: string } {
  return { givenNames: GIVEN[i % GIVEN.length]!, familyName: `${FAMILY[i % FAMILY.length]!} ${letters(i)}` };
}

function cyclingBirthDate(i: number): string {
  return `${1940 + (i % 80)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
}

/**
 * Inserts `count` valid, distinct people straight into `person` (setup, not measured), in
 * transactions of 5,000 rows and statements of 500 rows (SQLite's bound-variable limit).
 *
 * @param birthDate - the birth date of person i (default: one of 1,680 days, cycling)
 * @returns their national identifiers, in insertion order
 */
export async function populateRegister(
  store: Store,
  count: number,
  country: string,
  birthDate: (i: number) => string = cyclingBirthDate,
): Promise<string[]> {
  const now = new Date();
  const at = now.toISOString();
  const ids = new Set<string>();
  while (ids.size < count) ids.add(generateNationalId());
  const all = [...ids];
  for (let t = 0; t < count; t += 5000) {
    const rows: PersonTable[] = [];
    for (let i = t; i < Math.min(count, t + 5000); i++) {
      const data = normalisePerson(
        {
          ...benchName(i),
          birthDate: birthDate(i),
          placeOfBirth: 'Quezon City',
          sex: i % 2 === 0 ? 'F' : 'M',
        },
        country,
        now,
      );
      rows.push({
        national_id: all[i]!,
        given_names: data.givenNames,
        family_name: data.familyName,
        birth_date: data.birthDate,
        place_of_birth: data.placeOfBirth,
        sex: data.sex,
        nationality: data.nationality,
        dedup_key: dedupKey(data),
        created_at: at,
        created_by: 'bench-import',
      });
    }
    await store.transaction(async (trx) => {
      for (let s = 0; s < rows.length; s += 500) {
        await trx
          .insertInto('person')
          .values(rows.slice(s, s + 500))
          .execute();
      }
    });
  }
  return all;
}

/** `n` citizen CSR pairs (fresh P-256 keys), as the wallet makes them. */
export async function makeCsrPairs(n: number): Promise<CsrPair[]> {
  const one = async (usage: string): Promise<Buffer> => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    return createCsr([{ type: OID.commonName, value: `eID ${usage} key` }], spki, 'sha256', (d) =>
      cryptoSign('sha256', d, { key: privateKey, dsaEncoding: 'der' }),
    );
  };
  const out: CsrPair[] = [];
  for (let i = 0; i < n; i++) out.push({ authentication: await one('auth'), signature: await one('sig') });
  return out;
}
