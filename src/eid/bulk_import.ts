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
import { dedupKey, normalisePerson } from './person.js';
import type { PersonData } from './person.js';
import {
  importRowsDone,
  insertEventRows,
  insertPersonRows,
  registeredDedupKeys,
  saveImportProgress,
} from './register_store/index.js';

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
  rejected: RejectedRow[];
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
  for await (const rec of readCsvRecords(createReadStream(path))) {
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

/** Inserts one batch; returns how many were new. Duplicates (earlier runs, other enrolments, or the same file) are skipped. */
async function insertBatch(
  trx: Transaction<Database>,
  rows: Row[],
  officer: Officer,
  now: Date,
): Promise<number> {
  const keyed = rows.map((r) => ({ ...r, key: dedupKey(r.data) }));
  const existing = new Set(
    await registeredDedupKeys(
      trx,
      keyed.map((k) => k.key),
    ),
  );
  const fresh: PersonTable[] = [];
  for (const r of keyed) {
    if (existing.has(r.key)) continue;
    existing.add(r.key);
    const d = r.data;
    fresh.push({
      national_id: generateNationalId(),
      given_names: d.givenNames,
      family_name: d.familyName,
      birth_date: d.birthDate,
      place_of_birth: d.placeOfBirth,
      sex: d.sex,
      nationality: d.nationality,
      dedup_key: r.key,
      created_at: now.toISOString(),
      created_by: officer,
    });
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
  return fresh.length;
}

/**
 * Registers the people of a CSV file (no keys, no certificates), in batches of one transaction
 * each. The batch and the checkpoint `rows_done` commit together, so a killed import resumes
 * after the last committed batch; de-duplication makes a second run add nothing.
 *
 * @param ctx - node context
 * @param path - CSV with a header: given_names, family_name, birth_date[, place_of_birth, sex, nationality]
 * @param options - officer, batch size, progress callback
 * @example
 * ```ts
 * const s = await importPeople(ctx, 'people.csv', { officer: 'import' });
 * console.log(s.imported, s.duplicates, s.rejected.length);
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
    rejected: [],
  };
  const batchSize = options.batchSize ?? 1000;
  let index = 0;
  let batch: Row[] = [];
  let batchRows = 0;
  const flush = async (): Promise<void> => {
    const done = index;
    const n = await commitBatch(ctx, fileHash, batch, done, options.officer);
    summary.imported += n;
    summary.duplicates += batch.length - n;
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
  return summary;
}

async function commitBatch(
  ctx: EidContext,
  fileHash: string,
  rows: Row[],
  rowsDone: number,
  officer: Officer,
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const now = ctx.clock();
    try {
      return await ctx.store.transaction(async (trx) => {
        const n = await insertBatch(trx, rows, officer, now);
        await saveImportProgress(trx, fileHash, rowsDone, now);
        return n;
      });
    } catch (e) {
      // A drawn national identifier collided: the whole batch rolled back; draw again.
      if (attempt < 5 && isUniqueViolation(e, 'national_id')) continue;
      throw e;
    }
  }
}
