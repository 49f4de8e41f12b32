/**
 * Notarisation: a party submits a document's digest (never the document), the node logs a
 * `notarised-digest` entry through the outbox, and once a published (cosigned) checkpoint
 * covers the entry the party gets a receipt (receipt.ts) anyone can verify offline.
 *
 * A digest is notarised once: asking again finds the entry queued or logged and adds nothing
 * (whoever asked first is the entry's party; the receipt proves the document existed then).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { decodeEntry } from './entry.js';
import type { NotarisedDigestEntry } from './entry.js';
import { DIGEST_HEX_LENGTH } from './entry_fields.js';
import { LedgerError } from './errors.js';
import { enqueueLedgerEntry } from './outbox.js';
import { lookupPrefix } from './lookup_index.js';
import { readLogEntry } from './read_entry.js';
import { formatReceipt } from './receipt.js';
import type { StoredLog } from './store_lookup.js';
import { StoreTileSource } from './store_tiles.js';

/** A digest algorithm a notarised entry names. */
export type DigestAlgorithm = NotarisedDigestEntry['alg'];

/** The algorithms, by the hex length of their digests. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha-256', 'sha-384', 'sha-512'];

/** How many entries sharing a lookup key are read to find the notarised one (certificates may share it). */
const MAX_CANDIDATES = 16;

/**
 * Checks a submitted digest against its algorithm.
 *
 * @param digest - hexadecimal, either case
 * @param alg - `sha-256`, `sha-384` or `sha-512`
 * @returns the digest in lower case (the entry's and the lookup key's form)
 * @throws LedgerError LEDGER_DIGEST_MALFORMED
 * @example
 * ```ts
 * checkDigest('9F86D081…', 'sha-256'); // '9f86d081…'
 * ```
 */
export function checkDigest(digest: string, alg: string): string {
  if (!Object.hasOwn(DIGEST_HEX_LENGTH, alg))
    throw new LedgerError('LEDGER_DIGEST_MALFORMED', `unknown algorithm ${JSON.stringify(alg.slice(0, 20))}`);
  const length = DIGEST_HEX_LENGTH[alg as DigestAlgorithm];
  if (digest.length !== length || !/^[0-9a-fA-F]+$/.test(digest))
    throw new LedgerError('LEDGER_DIGEST_MALFORMED', `a ${alg} digest is ${length} hexadecimal digits`);
  return digest.toLowerCase();
}

/** The algorithm of a digest, from its length (each algorithm has its own). */
export function algorithmOfDigest(digest: string): DigestAlgorithm | undefined {
  return DIGEST_ALGORITHMS.find((a) => DIGEST_HEX_LENGTH[a] === digest.length);
}

/** Where a notarised digest stands. */
export type Notarisation =
  /** In the outbox, not yet in the log. */
  | { state: 'queued' }
  /** In the log at `index`, no published checkpoint covers it yet. */
  | { state: 'integrated'; index: number; entry: Buffer }
  /** Covered by the published checkpoint: its receipt. */
  | { state: 'published'; index: number; entry: Buffer; receipt: string; size: number };

function isThisEntry(bytes: Uint8Array, digest: string, alg: DigestAlgorithm): boolean {
  try {
    const e = decodeEntry(bytes);
    return e.type === 'notarised-digest' && e.digest === digest && e.alg === alg;
  } catch {
    return false;
  }
}

async function queued(db: Kysely<Database>, digest: string, alg: DigestAlgorithm): Promise<boolean> {
  const rows = await db
    .selectFrom('ledger_queue')
    .select('entry')
    .where('lookup_key', '=', digest)
    .orderBy('seq')
    .limit(MAX_CANDIDATES)
    .execute();
  return rows.some((r) => isThisEntry(r.entry, digest, alg));
}

async function integrated(
  db: Kysely<Database>,
  digest: string,
  alg: DigestAlgorithm,
): Promise<{ index: number; entry: Buffer } | undefined> {
  const rows = await db
    .selectFrom('ledger_lookup')
    .select('entry_index')
    .where('key_prefix', '=', lookupPrefix(digest))
    .orderBy('entry_index')
    .limit(MAX_CANDIDATES)
    .execute();
  if (rows.length === 0) return undefined;
  // The tree state is read after the lookup rows, so it covers them (both only grow).
  const state = await db.selectFrom('ledger_state').select('size').where('id', '=', 1).executeTakeFirst();
  const size = Number(state?.size ?? 0);
  const tiles = new StoreTileSource(db);
  for (const r of rows) {
    const index = Number(r.entry_index);
    const entry = await readLogEntry(tiles, index, size);
    if (isThisEntry(entry, digest, alg)) return { index, entry };
  }
  return undefined;
}

/**
 * Finds a notarised digest: queued, integrated, or published with its receipt.
 *
 * @param db - the store's query builder or a transaction
 * @param log - the log in the store (for the published checkpoint and the proof)
 * @param digest - lower-case hex (from {@link checkDigest})
 * @param alg - its algorithm
 * @returns undefined when the digest was never notarised
 * @example
 * ```ts
 * const n = await findNotarisation(store.db, new StoredLog(store.db, log.verifier), digest, 'sha-256');
 * if (n?.state === 'published') writeFileSync('contract.pdf.receipt', n.receipt);
 * ```
 */
export async function findNotarisation(
  db: Kysely<Database>,
  log: StoredLog,
  digest: string,
  alg: DigestAlgorithm,
): Promise<Notarisation | undefined> {
  // The queue first: an entry leaving it between the two reads is then found in the log.
  if (await queued(db, digest, alg)) return { state: 'queued' };
  const found = await integrated(db, digest, alg);
  if (!found) return undefined;
  if (found.index >= (await log.publishedSize())) return { state: 'integrated', ...found };
  const { checkpoint, size, proof } = await log.prove(found.index);
  const receipt = formatReceipt({ entry: found.entry, index: found.index, proof, checkpoint });
  return { state: 'published', ...found, receipt, size };
}

/**
 * Notarises a digest for a party: queues its `notarised-digest` entry in one transaction,
 * unless the digest is already queued or logged (then nothing is written).
 *
 * @param store - the node's store
 * @param n - the digest (lower-case hex), its algorithm, the party's identifier, the time
 * @returns whether an entry was queued
 * @throws LedgerEntryError LEDGER_ENTRY_MALFORMED (a bad party identifier)
 * @example
 * ```ts
 * await notariseDigest(store, { digest, alg: 'sha-256', party: officer.id, time: new Date() });
 * ```
 */
export async function notariseDigest(
  store: Store,
  n: { digest: string; alg: DigestAlgorithm; party: string; time: Date },
): Promise<{ queued: boolean }> {
  return store.transaction(async (trx) => {
    // SQLite's BEGIN IMMEDIATE serialises writers; PostgreSQL takes a lock per digest, so two
    // requests for one digest cannot both find it absent and both queue it.
    if (store.engine === 'postgres')
      await sql`select pg_advisory_xact_lock(hashtext(${`trustbridge.notarise.${n.digest}`}))`.execute(trx);
    if ((await queued(trx, n.digest, n.alg)) || (await integrated(trx, n.digest, n.alg)))
      return { queued: false };
    await enqueueLedgerEntry(trx, {
      v: 1,
      type: 'notarised-digest',
      time: n.time.toISOString(),
      alg: n.alg,
      digest: n.digest,
      party: n.party,
    });
    return { queued: true };
  });
}
