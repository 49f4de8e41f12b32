import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Transaction } from 'kysely';
import { TrustbridgeError } from '../lib/errors.js';
import { EidError } from './errors.js';
import { parseCsvHeader, readCsvRecords } from '../lib/csv.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Database, PersonTable } from '../store/schema.js';
import type { EidContext, Officer } from './context.js';
import { generateNationalId } from './national_id.js';
import { screenEnrolment } from './demographic_match.js';
import type { Demographics } from './demographic_match.js';
import { dedupKey, normalisePerson } from './person.js';
import { demographicsFromRow, holdEnrolment } from './register.js';
import type { PersonData } from './person.js';
import {
  importRowsDone,
  insertEventRows,
  insertPersonRows,
  lockBirthDate,
  saveImportProgress,
  selectPersonsBornOn,
  settleRegisterAfterBulkLoad,
} from './register_store/index.js';

/** An import that registered at least this many people refreshes the register's statistics. */
const SETTLE_AFTER_ROWS = 1000;

/** Columns of an import file; the first three are required. */
export const IMPORT_COLUMNS = [
  'given_names',
  'family_name',
  'birth_date',
  'place_of_birth',
  'sex',
  'nationality',
] as const;

/** A row that could not be imported. */
export interface RejectedRow {
  line: number;
  code: string;
  message: string;
}

/** The outcome of an import run. */
export interface ImportSummary {
  fileHash: string;
  rows: number;
  /** Rows committed in earlier runs (skipped at once on resume). */
  resumedFrom: number;
  imported: number;
  /** Rows whose person was already registered (de-duplication). */
  duplicates: number;
  /** The people this run registered, by line. */
  created: CreatedRow[];
  /** Rows that nearly match registered people: not registered, held for review. */
  held: HeldRow[];
  rejected: RejectedRow[];
}

/** A person an import registered. */
export interface CreatedRow {
  line: number;
  nationalId: string;
}

/** A row an import held for an officer's review. */
export interface HeldRow {
  line: number;
  review: string;
  candidates: string[];
}

/** Options of an import. */
export interface ImportOptions {
  officer: Officer;
  batchSize?: number;
  /** Called after each committed batch with (rows processed, total rows). */
  onProgress?: (done: number, total: number) => void;
}

interface Row {
  line: number;
  data: PersonData;
}

/** SHA-256 of the file content: the identity of an import for resuming. */
async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function* parseRows(
  path: string,
  ctx: EidContext,
  rejected: RejectedRow[],
): AsyncGenerator<Row | null> {
  let header: Map<string, number> | undefined;
  const today = ctx.clock();
  // A malformed row (an unterminated quote, a stray quote) is listed as rejected and the import
  // goes on from the next line (csv.ts `recover`); only a malformed header stops it.
  for await (const rec of readCsvRecords(createReadStream(path), { recover: true })) {
    if (rec.error) {
      if (!header) throw rec.error;
      rejected.push({ line: rec.line, code: rec.error.code, message: rec.error.message });
      yield null;
      continue;
    }
    if (!header) {
      header = parseCsvHeader(rec.fields, ['given_names', 'family_name', 'birth_date']);
      continue;
    }
    const get = (c: string): string | undefined => {
      const i = header!.get(c);
      const v = i === undefined ? undefined : rec.fields[i];
      return v === undefined || v === '' ? undefined : v;
    };
    try {
      const data = normalisePerson(
        {
          givenNames: get('given_names') ?? '',
          familyName: get('family_name') ?? '',
          birthDate: get('birth_date') ?? '',
          placeOfBirth: get('place_of_birth'),
          sex: get('sex'),
          nationality: get('nationality'),
        },
        ctx.identity.country,
        today,
      );
      yield { line: rec.line, data };
    } catch (e) {
      if (!(e instanceof TrustbridgeError)) throw e;
      rejected.push({ line: rec.line, code: e.code, message: e.message });
      yield null;
    }
  }
  if (!header) throw new EidError('EID_IMPORT_MALFORMED', 'the file is empty (no header line)');
}

/** What one batch did: the people it registered and the rows it held for review. */
interface BatchOutcome {
  created: CreatedRow[];
  held: HeldRow[];
  duplicates: number;
}

/** People born on each of these days, in chunks (bound parameters are limited per statement). */
async function registeredBornOn(
  trx: Transaction<Database>,
  engine: 'sqlite' | 'postgres',
  dates: string[],
): Promise<Map<string, Registered[]>> {
  const byDate = new Map<string, Registered[]>(dates.map((d) => [d, []]));
  // Sorted: concurrent imports take the day locks in one order, so they cannot deadlock.
  for (const d of [...dates].sort()) await lockBirthDate(trx, engine, d);
  for (let i = 0; i < dates.length; i += 500) {
    for (const r of await selectPersonsBornOn(trx, dates.slice(i, i + 500))) {
      byDate.get(r.birth_date)!.push(demographicsFromRow(r));
    }
  }
  return byDate;
}

type Registered = Demographics & { nationalId: string };

/**
 * Screens and inserts one batch by the enrolment rule (see `demographic_match.ts`): exact
 * duplicates (earlier runs, other enrolments, or the same file) are skipped, near matches held
 * for review, the rest registered.
 */
async function insertBatch(
  trx: Transaction<Database>,
  engine: 'sqlite' | 'postgres',
  rows: Row[],
  officer: Officer,
  now: Date,
): Promise<BatchOutcome> {
  const known = await registeredBornOn(trx, engine, [...new Set(rows.map((r) => r.data.birthDate))]);
  const out: BatchOutcome = { created: [], held: [], duplicates: 0 };
  const fresh: PersonTable[] = [];
  for (const r of rows) {
    const sameDay = known.get(r.data.birthDate)!;
    const s = screenEnrolment(r.data, sameDay);
    if (s.kind === 'duplicate') {
      out.duplicates++;
    } else if (s.kind === 'near') {
      const review = await holdEnrolment(trx, r.data, s.candidates, officer, now);
      out.held.push({ line: r.line, review, candidates: s.candidates });
    } else {
      const nationalId = generateNationalId();
      sameDay.push({ ...r.data, nationalId });
      out.created.push({ line: r.line, nationalId });
      fresh.push(personRow(r.data, nationalId, officer, now));
    }
  }
  for (let i = 0; i < fresh.length; i += 500) {
    const part = fresh.slice(i, i + 500);
    await insertPersonRows(trx, part);
    await insertEventRows(
      trx,
      part.map((p) => ({
        at: p.created_at,
        officer,
        action: 'import',
        national_id: p.national_id,
        serial: null,
        detail: '{}',
      })),
    );
  }
  return out;
}

function personRow(d: PersonData, nationalId: string, officer: Officer, now: Date): PersonTable {
  return {
    national_id: nationalId,
    given_names: d.givenNames,
    family_name: d.familyName,
    birth_date: d.birthDate,
    place_of_birth: d.placeOfBirth,
    sex: d.sex,
    nationality: d.nationality,
    dedup_key: dedupKey(d),
    created_at: now.toISOString(),
    created_by: officer,
  };
}

/**
 * Registers the people of a CSV file (no keys, no certificates), in batches of one transaction
 * each. The batch and the checkpoint `rows_done` commit together, so a killed import resumes
 * after the last committed batch; de-duplication makes a second run add nothing. Rows are
 * screened as enrolments are: exact duplicates skipped, near matches held for review.
 *
 * @param ctx - node context
 * @param path - CSV with a header: given_names, family_name, birth_date[, place_of_birth, sex, nationality]
 * @param options - officer, batch size, progress callback
 * @example
 * ```ts
 * const s = await importPeople(ctx, 'people.csv', { officer: 'import' });
 * console.log(s.created.map((c) => c.nationalId), s.held.length, s.rejected.length);
 * ```
 */
export async function importPeople(
  ctx: EidContext,
  path: string,
  options: ImportOptions,
): Promise<ImportSummary> {
  const fileHash = await hashFile(path);
  let total = 0;
  for await (const _row of parseRows(path, ctx, [])) total++;
  const resumedFrom = (await importRowsDone(ctx.store, fileHash)) ?? 0;
  const summary: ImportSummary = {
    fileHash,
    rows: total,
    resumedFrom,
    imported: 0,
    duplicates: 0,
    created: [],
    held: [],
    rejected: [],
  };
  const batchSize = options.batchSize ?? 1000;
  let index = 0;
  let batch: Row[] = [];
  let batchRows = 0;
  const flush = async (): Promise<void> => {
    const done = index;
    const b = await commitBatch(ctx, fileHash, batch, done, options.officer);
    summary.imported += b.created.length;
    summary.duplicates += b.duplicates;
    summary.created.push(...b.created);
    summary.held.push(...b.held);
    batch = [];
    batchRows = 0;
    options.onProgress?.(done, total);
  };
  for await (const row of parseRows(path, ctx, summary.rejected)) {
    index++;
    if (index <= resumedFrom) continue;
    batchRows++;
    if (row) batch.push(row);
    if (batchRows >= batchSize) await flush();
  }
  if (batchRows > 0 || resumedFrom === 0) await flush();
  // Thousands of new rows: fresh statistics and visibility for the enrolment check's index.
  if (summary.imported >= SETTLE_AFTER_ROWS) await settleRegisterAfterBulkLoad(ctx.store);
  return summary;
}

async function commitBatch(
  ctx: EidContext,
  fileHash: string,
  rows: Row[],
  rowsDone: number,
  officer: Officer,
): Promise<BatchOutcome> {
  for (let attempt = 0; ; attempt++) {
    const now = ctx.clock();
    try {
      return await ctx.store.transaction(async (trx) => {
        const b = await insertBatch(trx, ctx.store.engine, rows, officer, now);
        await saveImportProgress(trx, fileHash, rowsDone, now);
        return b;
      });
    } catch (e) {
      // A drawn national identifier collided: the whole batch rolled back; draw again.
      if (attempt < 5 && isUniqueViolation(e, 'national_id')) continue;
      throw e;
    }
  }
}
