/**
 * CERT exchange between two nodes on loopback, on SQLite and (when TRUSTBRIDGE_TEST_PG is set)
 * PostgreSQL:
 *
 * 1. Sync: node A holds BENCH_CERT_OBJECTS (default 100000) TLP:GREEN indicators and
 *    observables, loaded through the POST ingest path in envelopes of 10,000 (not timed); node B
 *    syncs them over TAXII (manifest, objects, validation, storage) — wall clock and objects/s,
 *    against JSON.parse + validateStixObject of the same objects serialized as envelopes of
 *    1,000, measured in the same run (the ratio). Goal: under 60 s for 100,000.
 * 2. A re-sync with nothing new (goal: under 1 s).
 * 3. With A topped up to BENCH_CERT_STORED (default 1000000) stored objects: the POST ingest
 *    rate (envelopes of 1,000 over HTTP, BENCH_CERT_POST objects, default 20000) and the paging
 *    rate (the whole collection read with limit=1000 pages following `next`), and the store size.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { TaxiiClient } from '../src/cert/client/client.js';
import { certRootOf, ensureCertRoot } from '../src/cert/collections.js';
import { addPartner } from '../src/cert/partners.js';
import { addRemote } from '../src/cert/remotes.js';
import { validateStixObject } from '../src/cert/stix/validate.js';
import { syncRemote } from '../src/cert/sync.js';
import { ingest } from '../src/cert/taxii/ingest.js';
import { initNode } from '../src/node/init.js';
import { openNode } from '../src/node/context.js';
import type { NodeContext } from '../src/node/context.js';
import { buildApp } from '../src/server/app.js';
import { benchObjects } from './cert_objects.js';
import { ENV, PASSPHRASE, fmtRate, pgSchema, since, tempDir } from './common.js';
import type { SummaryRow } from './common.js';

function knob(name: string, dflt: number): number {
  const n = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

const OBJECTS = knob('BENCH_CERT_OBJECTS', 100_000);
const STORED = knob('BENCH_CERT_STORED', 1_000_000);
const POSTED = knob('BENCH_CERT_POST', 20_000);
const GOAL_SYNC_S = 60;
const GOAL_RESYNC_S = 1;
const LOAD_ENVELOPE = 10_000;
const PAGE = 1000;

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** Loads objects `from` … `to - 1` of feed `seed` at the node's CERT root, as POST does. */
async function loadObjects(node: NodeContext, seed: string, from: number, to: number): Promise<void> {
  const root = certRootOf(node.config.country, node.config.name);
  const col = await ensureCertRoot(node.store, root, node.clock());
  for (let i = from; i < to; i += LOAD_ENVELOPE) {
    const objects = benchObjects(seed, i, Math.min(LOAD_ENVELOPE, to - i));
    const status = await ingest(node.store, root.id, col.id, null, objects, new Date());
    if (status.failure_count > 0)
      throw new Error(`bench objects failed validation: ${JSON.stringify(status)}`);
  }
  await settle(node);
}

/**
 * What autovacuum does on a default PostgreSQL server after a bulk load (the test server runs
 * without it): table statistics, without which the planner reads a query by id through the
 * primary key's collection prefix alone and filters the whole collection.
 */
async function settle(node: NodeContext): Promise<void> {
  if (node.store.engine === 'postgres') await sql`ANALYZE cert_object`.execute(node.store.db);
}

/** JSON.parse + validateStixObject of the objects serialized as envelopes of 1,000: objects/s. */
function baselineRate(seed: string, count: number): number {
  const bodies: string[] = [];
  for (let i = 0; i < count; i += PAGE)
    bodies.push(JSON.stringify({ objects: benchObjects(seed, i, Math.min(PAGE, count - i)) }));
  const t0 = performance.now();
  let n = 0;
  for (const b of bodies) {
    for (const o of (JSON.parse(b) as { objects: unknown[] }).objects) {
      if (!validateStixObject(o).valid) throw new Error('bench object invalid');
      n++;
    }
  }
  return n / since(t0);
}

async function storeSize(node: NodeContext, dir: string): Promise<string> {
  if (node.store.engine === 'postgres') {
    const r = await sql<{ n: string }>`SELECT pg_total_relation_size('cert_object') AS n`.execute(
      node.store.db,
    );
    return `${(Number(r.rows[0]?.n) / 2 ** 20).toFixed(0)} MiB (cert_object with indexes)`;
  }
  let bytes = 0;
  for (const f of ['node.db', 'node.db-wal'])
    try {
      bytes += statSync(join(dir, f)).size;
    } catch {
      // no WAL
    }
  return `${(bytes / 2 ** 20).toFixed(0)} MiB (database file)`;
}

interface Pair {
  a: NodeContext;
  b: NodeContext;
  app: FastifyInstance;
  apiRoot: string;
  key: Buffer;
  credentials: { username: string; password: string };
  dirA: string;
}

async function pair(label: string, dbs: [string | undefined, string | undefined]): Promise<Pair> {
  const [ta, tb] = [tempDir(`cert-a-${label}`), tempDir(`cert-b-${label}`)];
  const [a, b] = await Promise.all(
    [
      [ta.dir, 'PH', dbs[0]],
      [tb.dir, 'VN', dbs[1]],
    ].map(async ([dir, country, db]) => {
      await initNode({ dir: dir!, country: country!, passphrase: PASSPHRASE, ...(db ? { db } : {}) });
      return openNode(dir!, { passphrase: PASSPHRASE, ...(db ? { db } : {}) });
    }),
  );
  const app = await buildApp(a!);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const apiRoot = `http://127.0.0.1:${port}/taxii2/ph/`;
  const credentials = await addPartner(
    a!.store,
    certRootOf(a!.config.country, a!.config.name),
    { name: 'VN CERT', tlpMax: 'green' },
    a!.clock(),
  );
  const key = randomBytes(32);
  await addRemote(
    b!.store,
    certRootOf(b!.config.country, b!.config.name),
    key,
    { name: 'PH CERT', apiRootUrl: apiRoot, auth: { type: 'basic', ...credentials } },
    b!.clock(),
  );
  return { a: a!, b: b!, app, apiRoot, key, credentials, dirA: ta.dir };
}

async function benchSync(label: string, p: Pair, rows: SummaryRow[]): Promise<void> {
  let t0 = performance.now();
  await loadObjects(p.a, 'feed', 0, OBJECTS);
  console.log(`  ${label}: ${OBJECTS} objects loaded at A in ${since(t0).toFixed(1)} s`);
  const base = baselineRate('feed', OBJECTS);
  const options = { key: p.key, clock: () => new Date() };
  await settle(p.b);
  const loadBefore = load();
  t0 = performance.now();
  const r = await syncRemote(p.b.store, 'PH CERT', options);
  const s = since(t0);
  if (r.stored !== OBJECTS || r.failed !== 0)
    throw new Error(`sync stored ${r.stored} of ${OBJECTS} objects (${r.failed} failed)`);
  const rate = OBJECTS / s;
  const goal = (GOAL_SYNC_S * OBJECTS) / 100_000;
  const text =
    `cert sync (${label}, ${OBJECTS} objects A→B on loopback): ${s.toFixed(1)} s, ${fmtRate(rate)} ` +
    `(goal < ${goal.toFixed(0)} s ${s < goal ? 'MET' : 'MISSED'})   ` +
    `JSON.parse+validate baseline ${fmtRate(base)}   ratio ${(base / rate).toFixed(1)}× slower ` +
    `[load ${loadBefore}]`;
  console.log(`  ${text}`);
  rows.push({ text });

  t0 = performance.now();
  const again = await syncRemote(p.b.store, 'PH CERT', options);
  const s2 = since(t0);
  if (again.stored !== 0 || again.fetched !== 0) throw new Error(`re-sync fetched ${again.fetched} objects`);
  const text2 =
    `cert re-sync (${label}, nothing new, ${OBJECTS} held): ${(s2 * 1000).toFixed(0)} ms ` +
    `(goal < ${GOAL_RESYNC_S} s ${s2 < GOAL_RESYNC_S ? 'MET' : 'MISSED'})`;
  console.log(`  ${text2}`);
  rows.push({ text: text2 });
}

async function benchStored(label: string, p: Pair, rows: SummaryRow[]): Promise<void> {
  let t0 = performance.now();
  if (STORED > OBJECTS) await loadObjects(p.a, 'feed', OBJECTS, STORED);
  const held = Math.max(STORED, OBJECTS);
  console.log(`  ${label}: A topped up to ${held} objects in ${since(t0).toFixed(1)} s`);
  const client = new TaxiiClient(p.apiRoot, { auth: { type: 'basic', ...p.credentials } });
  // The load above keeps the event loop busy for minutes (SQLite is synchronous): a kept-alive
  // connection of the sync may be closed by the server just as it is reused. One retry.
  const collection = await client.collection('indicators').catch(() => client.collection('indicators'));

  const loadBefore = load();
  t0 = performance.now();
  for (let i = 0; i < POSTED; i += PAGE) {
    const status = await client.addObjects(
      collection.id,
      benchObjects('posted', i, Math.min(PAGE, POSTED - i)),
    );
    if (status.status !== 'complete' || status.failure_count !== 0)
      throw new Error(`POST status ${status.status}, ${status.failure_count} failures`);
  }
  const post = POSTED / since(t0);

  const total = held + POSTED;
  t0 = performance.now();
  let read = 0;
  let next: string | undefined;
  do {
    const page = await client.objects(collection.id, { limit: PAGE, ...(next ? { next } : {}) });
    read += page.items.length;
    next = page.more ? page.next : undefined;
  } while (next);
  const paging = read / since(t0);
  if (read !== total) throw new Error(`paging read ${read} of ${total} objects`);
  const text =
    `cert store (${label}, ${held} stored, ${await storeSize(p.a, p.dirA)}): POST ingest ${fmtRate(post)} ` +
    `(${POSTED} objects in envelopes of ${PAGE})   paging ${fmtRate(paging)} ` +
    `(${read} objects, limit=${PAGE})   [load ${loadBefore}]`;
  console.log(`  ${text}`);
  rows.push({ text });
}

async function benchBackend(label: string, rows: SummaryRow[], dbs: [string?, string?] = []): Promise<void> {
  const p = await pair(label.toLowerCase(), [dbs[0], dbs[1]]);
  try {
    await benchSync(label, p, rows);
    await benchStored(label, p, rows);
  } finally {
    await p.app.close();
    await p.a.close();
    await p.b.close();
  }
}

/** Runs the CERT sync and store benchmark on SQLite and (when configured) PostgreSQL. */
export async function runCertBench(rows: SummaryRow[]): Promise<void> {
  console.log(
    `\n== cert: sync ${OBJECTS} objects, ${STORED} stored, ${availableParallelism()} cores, load ${load()}`,
  );
  // BENCH_CERT_ONLY=sqlite|postgres runs one half.
  const only = process.env.BENCH_CERT_ONLY;
  if (only !== 'postgres') await benchBackend('SQLite', rows);
  if (only === 'sqlite') return;
  if (!ENV.pgUrl) {
    const text = 'cert (PostgreSQL): skipped, TRUSTBRIDGE_TEST_PG is not set';
    console.log(`  ${text}`);
    rows.push({ text });
    return;
  }
  const [sa, sb] = [await pgSchema(ENV.pgUrl, 'certa'), await pgSchema(ENV.pgUrl, 'certb')];
  try {
    await benchBackend('PostgreSQL', rows, [sa.url, sb.url]);
  } finally {
    await sb.drop();
    await sa.drop();
  }
}
