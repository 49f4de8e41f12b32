/**
 * `trustbridge eid import` killed with SIGKILL in the middle of a 30,000-person file: the
 * checkpoint and the batches commit together, so the store holds exactly the people of the
 * committed rows; a re-run resumes and completes, a third run adds nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLI,
  childEnv,
  dumpSqlite,
  errorCode,
  initNode,
  openReadOnly,
  runCli,
  sqliteValue,
  storeFile,
  tempDir,
} from '../fixtures/cli.js';
import { compareDemographics } from '../../src/eid/demographic_match.js';
import { normalisePerson } from '../../src/eid/person.js';
import type { PersonData } from '../../src/eid/person.js';

const DISTINCT = 30_000;
const DUPLICATES = 150;
const BATCH = 500;

const GIVEN = ['Maria', 'José', 'Juan', 'Ana', 'Luz', 'Pedro', 'Ramon', 'Carmela', 'Dante', 'Imelda', 'Noël'];
const MORE_GIVEN = ['Clara', 'Cruz', 'Andrés', 'Teresa', 'Rosa', 'Emilio', 'Lourdes', 'Ñino', 'Paz', 'Rey'];
const FAMILY = ['Santos', 'Reyes', 'Dela Cruz', 'Bautista', 'Ocampo', 'Garcia', 'Mendoza', 'Peña', "D'Souza"];
const MORE_FAMILY = ['Aquino', 'Ramos', 'Villanueva', 'Castillo', 'Del Rosario', 'Tan', 'Lim', 'Magsaysay'];
const PLACES = ['', '', 'Manila', 'Cebu City', 'Barangay 12, Quezon City', 'Davao (Poblacion)', 'Iloilo'];

interface Row {
  given_names: string;
  family_name: string;
  birth_date: string;
  place_of_birth: string;
  sex: string;
  nationality: string;
}

/** mulberry32: a small fixed-seed generator, so the file is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The documented de-duplication rule: case, accents, punctuation and spacing do not count. */
function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function personKey(
  r: Pick<Row, 'given_names' | 'family_name' | 'birth_date' | 'place_of_birth' | 'sex'>,
): string {
  return [fold(r.given_names), fold(r.family_name), r.birth_date, fold(r.place_of_birth), r.sex].join('|');
}

/** The same person as an officer might type them again. */
function variant(r: Row, n: number): Row {
  if (n % 3 === 0) return { ...r };
  if (n % 3 === 1)
    return {
      ...r,
      given_names: r.given_names.toUpperCase(),
      family_name: ` ${r.family_name.toLowerCase()} `,
    };
  return { ...r, given_names: r.given_names.normalize('NFKD').replace(/\p{M}/gu, ''), nationality: 'ph' };
}

function asPersonData(r: Row): PersonData {
  return normalisePerson(
    {
      givenNames: r.given_names,
      familyName: r.family_name,
      birthDate: r.birth_date,
      placeOfBirth: r.place_of_birth,
      sex: r.sex,
      nationality: r.nationality,
    },
    'PH',
    new Date(Date.UTC(2026, 0, 1)),
  );
}

interface People {
  rows: Row[];
  /** Index of the invalid row within `rows`. */
  invalidIndex: number;
  /** distinctValid[k]: distinct valid people among the first k rows. */
  distinctValid: number[];
  keys: Set<string>;
}

function generatePeople(seed: number): People {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const people: Row[] = [];
  const keys = new Set<string>();
  const byDate = new Map<string, PersonData[]>();
  while (people.length < DISTINCT) {
    const day = Math.floor(rnd() * 365 * 65);
    const r: Row = {
      given_names: rnd() < 0.5 ? pick(GIVEN) : `${pick(GIVEN)} ${pick(MORE_GIVEN)}`,
      family_name: rnd() < 0.5 ? pick(FAMILY) : `${pick(FAMILY)}-${pick(MORE_FAMILY)}`,
      birth_date: new Date(Date.UTC(1940, 0, 1) + day * 86_400_000).toISOString().slice(0, 10),
      place_of_birth: pick(PLACES),
      sex: rnd() < 0.5 ? 'F' : 'M',
      nationality: rnd() < 0.9 ? 'PH' : 'ID',
    };
    if (keys.has(personKey(r))) continue;
    // Distinct people must be told apart by the enrolment rule too: an unknown place is not a
    // difference, and near matches are held, not imported.
    const data = asPersonData(r);
    const sameDay = byDate.get(r.birth_date) ?? [];
    if (sameDay.some((p) => compareDemographics(data, p) !== 'different')) continue;
    byDate.set(r.birth_date, [...sameDay, data]);
    keys.add(personKey(r));
    people.push(r);
  }
  const rows = [...people];
  for (let n = 0; n < DUPLICATES; n++) {
    rows.splice(Math.floor(rnd() * rows.length), 0, variant(pick(people), n));
  }
  const invalidIndex = Math.floor(rows.length * 0.3);
  rows.splice(invalidIndex, 0, { ...people[0]!, given_names: 'Invalid Date', birth_date: '2023-02-30' });
  const seen = new Set<string>();
  const distinctValid = [0];
  rows.forEach((r, i) => {
    if (i !== invalidIndex) seen.add(personKey(r));
    distinctValid.push(seen.size);
  });
  return { rows, invalidIndex, distinctValid, keys };
}

function toCsv(header: readonly string[], rows: readonly Row[]): string {
  const cell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = rows.map((r) => header.map((h) => cell(r[h as keyof Row])).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

const HEADER = ['given_names', 'family_name', 'birth_date', 'place_of_birth', 'sex', 'nationality'];

/** Starts the import and kills it with SIGKILL once a checkpoint is past a quarter of the rows. */
async function importAndKill(dir: string, csv: string, total: number): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [CLI, 'eid', 'import', '--dir', dir, csv, '--batch', String(BATCH)], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, s) => resolve(s)));
  const db = openReadOnly(storeFile(dir));
  try {
    const progress = db.prepare('SELECT max(rows_done) FROM import_progress').pluck();
    const deadline = Date.now() + 120_000;
    while (child.exitCode === null && Date.now() < deadline) {
      const done = (progress.get() as number | null) ?? 0;
      if (done >= total / 4 && done < total) {
        child.kill('SIGKILL');
        break;
      }
      await sleep(5);
    }
    if (child.exitCode !== null) assert.fail(`the import ended before it could be killed:\n${output}`);
    if (Date.now() >= deadline) child.kill('SIGKILL');
  } finally {
    db.close();
  }
  return exited;
}

interface ImportSummary {
  rows: number;
  resumedFrom: number;
  imported: number;
  duplicates: number;
  rejected: { line: number; code: string }[];
  rejectedCount: number;
}

async function runImport(dir: string, csv: string): Promise<{ code: number | null; summary: ImportSummary }> {
  const r = await runCli(['eid', 'import', '--dir', dir, csv, '--batch', String(BATCH)]);
  assert.ok(r.stdout.trim().startsWith('{'), `no summary:\n${r.stdout}\n${r.stderr}`);
  return { code: r.code, summary: JSON.parse(r.stdout) as ImportSummary };
}

describe('bulk import killed mid-way', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  let db: string;
  let csv: string;
  let people: People;
  let killedAt = 0;
  const count = (sql: string): number => sqliteValue<number>(db, sql);

  before(async () => {
    tmp = tempDir();
    dir = await initNode(join(tmp.path, 'ph'));
    db = storeFile(dir);
    people = generatePeople(20260302);
    csv = join(tmp.path, 'people.csv');
    writeFileSync(csv, toCsv(HEADER, people.rows));
  });
  after(() => tmp?.remove());

  it('SIGKILL during the import leaves exactly the committed batches', async (t) => {
    const total = people.rows.length;
    assert.equal(await importAndKill(dir, csv, total), 'SIGKILL');
    killedAt = count('SELECT rows_done FROM import_progress');
    t.diagnostic(`killed with ${killedAt} of ${total} rows committed`);
    assert.ok(killedAt > 0 && killedAt < total, `killed at ${killedAt} of ${total}`);
    assert.equal(killedAt % BATCH, 0, 'checkpoints fall on batch boundaries');
    assert.equal(count('SELECT count(*) FROM person'), people.distinctValid[killedAt]);
    assert.equal(count("SELECT count(*) FROM event WHERE action = 'import'"), people.distinctValid[killedAt]);
  });

  it('a re-run resumes, completes and reports the invalid row', async () => {
    const total = people.rows.length;
    const { code, summary } = await runImport(dir, csv);
    assert.equal(code, 3, 'exit 3: one row was rejected');
    assert.equal(summary.rows, total);
    assert.equal(summary.resumedFrom, killedAt);
    assert.equal(summary.imported, DISTINCT - people.distinctValid[killedAt]!);
    assert.equal(summary.rejectedCount, 1);
    // header on line 1, CRLF line ends, no embedded line breaks: row i is on line i + 2
    assert.deepEqual(
      summary.rejected.map((r) => [r.line, r.code]),
      [[people.invalidIndex + 2, 'EID_INVALID_DATE']],
    );
  });

  it('the register holds each distinct valid person once, with a 12-digit national id', () => {
    assert.equal(count('SELECT count(*) FROM person'), DISTINCT);
    assert.equal(
      count('SELECT count(*) FROM (SELECT dedup_key FROM person GROUP BY dedup_key HAVING count(*) > 1)'),
      0,
    );
    assert.equal(count('SELECT count(DISTINCT national_id) FROM person'), DISTINCT);
    assert.equal(count("SELECT count(*) FROM event WHERE action = 'import'"), DISTINCT);
    assert.equal(count('SELECT rows_done FROM import_progress'), people.rows.length);
    const handle = openReadOnly(db);
    try {
      const rows = handle.prepare('SELECT * FROM person').all() as (Row & { national_id: string })[];
      for (const r of rows) assert.match(r.national_id, /^\d{12}$/);
      const stored = new Set(rows.map((r) => personKey(r)));
      assert.equal(stored.size, DISTINCT);
      for (const k of people.keys) assert.ok(stored.has(k), `missing ${k}`);
    } finally {
      handle.close();
    }
  });

  it('a third run adds nothing', async () => {
    const beforeRun = dumpSqlite(db);
    const { code, summary } = await runImport(dir, csv);
    assert.equal(code, 3);
    assert.equal(summary.imported, 0);
    assert.equal(summary.resumedFrom, people.rows.length);
    assert.ok(dumpSqlite(db) === beforeRun, 'the store changed');
  });

  it('the same people in another file (reordered, re-cased) are all duplicates', async () => {
    const other = join(tmp.path, 'again.csv');
    const rows = people.rows.filter((_r, i) => i !== people.invalidIndex).slice(0, 2000);
    writeFileSync(
      other,
      toCsv(
        HEADER,
        rows.reverse().map((r, i) => variant(r, i)),
      ),
    );
    const { code, summary } = await runImport(dir, other);
    assert.equal(code, 0);
    assert.equal(summary.imported, 0);
    assert.equal(summary.duplicates, 2000);
    assert.equal(count('SELECT count(*) FROM person'), DISTINCT);
  });

  it('a file without a required column → exit 3, EID_IMPORT_MALFORMED, store unchanged', async () => {
    const bad = join(tmp.path, 'no-birth-date.csv');
    writeFileSync(bad, 'given_names,family_name,place_of_birth\nJuan,Dela Cruz,Manila\n');
    const beforeRun = dumpSqlite(db);
    const r = await runCli(['eid', 'import', '--dir', dir, bad]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'EID_IMPORT_MALFORMED');
    assert.match(r.stderr, /birth_date/);
    assert.ok(dumpSqlite(db) === beforeRun, 'the store changed');
  });
});
