/**
 * Demographic de-duplication at BENCH_PEOPLE registered people (default 100000; the goal is
 * stated at 1,000,000), on SQLite and, when TRUSTBRIDGE_TEST_PG is set, PostgreSQL: latency of
 * one enrolment check (`screenPerson` in its own transaction: the birth-date lock, the indexed
 * read of everyone born that day and the comparison), against a primary-key read of one person
 * in a transaction of the same store, measured in the same run. Birth dates are spread over 80
 * years (about 29,000 days), as in a real register.
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { normalisePerson } from '../src/eid/person.js';
import type { PersonData } from '../src/eid/person.js';
import { screenPerson } from '../src/eid/register.js';
import type { Store } from '../src/store/database.js';
import { settleRegisterAfterBulkLoad } from '../src/eid/register_store/index.js';
import { initNode } from '../src/node/init.js';
import { openNode } from '../src/node/context.js';
import {
  ENV,
  PASSPHRASE,
  benchName,
  pgSchema,
  populateRegister,
  quantile,
  since,
  tempDir,
} from './common.js';
import type { SummaryRow } from './common.js';

const GOAL_P99_MS = 5;
const DAYS = 80 * 365;
const EPOCH = Date.UTC(1930, 0, 1);
const WARMUP = 200;

function spreadBirthDate(i: number): string {
  // A multiplier coprime with DAYS walks every day before repeating one.
  const day = (i * 7919) % DAYS;
  return new Date(EPOCH + day * 86_400_000).toISOString().slice(0, 10);
}

/** Enrolments to check: half people already registered (seen without place or sex), half new. */
function sampleEnrolment(i: number, ids: string[]): PersonData {
  const j = randomInt(ids.length);
  const birthDate = spreadBirthDate(j);
  const input =
    i % 2 === 0
      ? { ...benchName(j), birthDate }
      : { givenNames: 'Ana Luz', familyName: 'Nuevo', birthDate, placeOfBirth: 'Iloilo', sex: 'F' };
  return normalisePerson(input, 'PH', new Date());
}

async function timeEach(seconds: number, fn: (i: number) => Promise<void>): Promise<Float64Array> {
  const out: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return Float64Array.from(out);
}

async function benchStore(label: string, store: Store, ids: string[], rows: SummaryRow[]): Promise<void> {
  const check = async (i: number): Promise<void> => {
    const data = sampleEnrolment(i, ids);
    await store.transaction((trx) => screenPerson(trx, store.engine, data));
  };
  const lookup = async (): Promise<void> => {
    const id = ids[randomInt(ids.length)]!;
    await store.transaction((trx) =>
      trx.selectFrom('person').selectAll().where('national_id', '=', id).executeTakeFirstOrThrow(),
    );
  };
  for (let i = 0; i < WARMUP; i++) {
    await check(i);
    await lookup();
  }
  const base = await timeEach(ENV.seconds, lookup);
  const dedup = await timeEach(ENV.seconds, check);
  const [b50, b99, d50, d99] = [
    quantile(base, 0.5),
    quantile(base, 0.99),
    quantile(dedup, 0.5),
    quantile(dedup, 0.99),
  ];
  const text =
    `dedup (${label}, ${ids.length} people): check p50 ${d50!.toFixed(3)} ms p99 ${d99!.toFixed(3)} ms ` +
    `(goal p99 < ${GOAL_P99_MS} ms ${d99! < GOAL_P99_MS ? 'MET' : 'MISSED'})   ` +
    `primary-key baseline p50 ${b50!.toFixed(3)} ms p99 ${b99!.toFixed(3)} ms   ` +
    `ratio p50 ${(d50! / b50!).toFixed(2)} p99 ${(d99! / b99!).toFixed(2)}`;
  console.log(`  ${text}   [${dedup.length} checks, ${base.length} lookups]`);
  rows.push({ text });
}

async function benchBackend(label: string, rows: SummaryRow[], db?: string): Promise<void> {
  const tmp = tempDir(`dedup-${label.toLowerCase()}`);
  try {
    await initNode({ dir: tmp.dir, country: 'PH', passphrase: PASSPHRASE, ...(db ? { db } : {}) });
    const node = await openNode(tmp.dir, { passphrase: PASSPHRASE, ...(db ? { db } : {}) });
    try {
      const t0 = performance.now();
      const ids = await populateRegister(node.store, ENV.people, 'PH', spreadBirthDate);
      // What `eid import` does after a bulk load (and autovacuum would do on a default server).
      await settleRegisterAfterBulkLoad(node.store);
      console.log(`  ${label}: ${ids.length} people registered in ${since(t0).toFixed(1)} s`);
      await benchStore(label, node.store, ids, rows);
    } finally {
      await node.close();
    }
  } finally {
    await tmp.remove();
  }
}

/** Runs the de-duplication benchmark on SQLite and (when configured) PostgreSQL. */
export async function runDedupBench(rows: SummaryRow[]): Promise<void> {
  console.log(`\n== dedup: ${ENV.people} people, ${ENV.seconds} s per measurement`);
  await benchBackend('SQLite', rows);
  if (!ENV.pgUrl) {
    const text = 'dedup (PostgreSQL): skipped, TRUSTBRIDGE_TEST_PG is not set';
    console.log(`  ${text}`);
    rows.push({ text });
    return;
  }
  const schema = await pgSchema(ENV.pgUrl, 'dedup');
  try {
    await benchBackend('PostgreSQL', rows, schema.url);
  } finally {
    await schema.drop();
  }
}
