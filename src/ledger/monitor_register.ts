/**
 * What the log monitor compares the log with, read from the node's store: every certificate in
 * the register with the log entries its history calls for (its issuance; each suspension and
 * resumption in the event history; its revocation), the entries not yet in the published log
 * (queued in the outbox, or integrated after the checkpoint), the node's CAs, the certificates
 * seen in use and the witnesses' last answers.
 *
 * Read in this order, without a long transaction: certificates and events, then the queue, then
 * the tree size. A change read in the first step was committed with its queue row, which is
 * still queued when the queue is read or was integrated by then (into a size the last step sees).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { decodeCertificate } from '../x509/certificate.js';
import { nameToString } from '../x509/name_string.js';
import { decodeEntry } from './entry.js';
import type { LedgerEntry, LedgerEntryType } from './entry.js';
import { readQueuedEntries } from './outbox.js';
import { readSeenCertificates } from './seen_certificates.js';
import type { SeenCertificateRow } from './seen_certificates.js';
import { StoreTileSource } from './store_tiles.js';
import { LogReader } from './reader.js';
import { readWitnessOutcomes } from './witness_outcomes.js';
import type { StoredWitnessOutcome } from './witness_outcomes.js';

/** What a log entry says happened to a certificate. */
export type CertificateEvent = 'issued' | 'suspended' | 'resumed' | 'revoked';

/** The event of each certificate entry type (a renewal issues a certificate). */
export const CERTIFICATE_EVENT: Partial<Record<LedgerEntryType, CertificateEvent>> = {
  'eid-cert-issued': 'issued',
  'eid-cert-renewed': 'issued',
  'ca-cert': 'issued',
  'ocsp-cert': 'issued',
  'tsa-cert': 'issued',
  'tl-signer-cert': 'issued',
  'eid-cert-suspended': 'suspended',
  'eid-cert-resumed': 'resumed',
  'eid-cert-revoked': 'revoked',
};

/** The register's usages whose certificates are logged at issuance. */
const LOGGED_USAGES = new Set([
  'authentication',
  'signature',
  'root-ca',
  'eid-ca',
  'ocsp',
  'tsa',
  'tl-signer',
]);

/** A certificate of the register and the entries its history calls for. */
export interface RegisterCertificate {
  readonly sha256: string;
  readonly serial: string;
  readonly issuerCa: string;
  readonly usage: string;
  /** Entries expected per event (a certificate suspended twice needs two `eid-cert-suspended`). */
  readonly expected: Partial<Record<CertificateEvent, number>>;
}

/** The store's side of a monitoring run. */
export interface RegisterSnapshot {
  readonly certificates: readonly RegisterCertificate[];
  /** The node's CAs: id and subject (RFC 4514, as log entries name issuers). */
  readonly cas: readonly { readonly id: string; readonly subject: string }[];
  /** Entries still in the outbox. */
  readonly queued: readonly LedgerEntry[];
  /** The size of the tree integrated in the store (0 before the first batch). */
  readonly integratedSize: number;
  readonly seen: readonly SeenCertificateRow[];
  readonly witnesses: readonly StoredWitnessOutcome[];
}

function sha256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function expectedOf(
  usage: string,
  status: string,
  events: { suspend: number; resume: number } | undefined,
): RegisterCertificate['expected'] {
  const e: Partial<Record<CertificateEvent, number>> = {};
  if (LOGGED_USAGES.has(usage)) e.issued = 1;
  const suspended = Math.max(events?.suspend ?? 0, status === 'suspended' ? 1 : 0);
  if (suspended > 0) e.suspended = suspended;
  if ((events?.resume ?? 0) > 0) e.resumed = events!.resume;
  if (status === 'revoked') e.revoked = 1;
  return e;
}

/** The register's certificates by serial, a page at a time: each DER is hashed and dropped (a national register holds millions). */
async function readCertificates(
  db: Kysely<Database>,
): Promise<{ sha256: string; serial: string; issuerCa: string; usage: string; status: string }[]> {
  const out = [];
  for (let after: string | undefined; ;) {
    let q = db
      .selectFrom('certificate')
      .select(['serial', 'issuer_ca', 'usage', 'cert_der', 'status'])
      .orderBy('serial')
      .limit(CERTIFICATE_PAGE);
    if (after !== undefined) q = q.where('serial', '>', after);
    const page = await q.execute();
    for (const r of page)
      out.push({
        sha256: sha256(r.cert_der),
        serial: r.serial,
        issuerCa: r.issuer_ca,
        usage: r.usage,
        status: r.status,
      });
    if (page.length < CERTIFICATE_PAGE) return out;
    after = page[page.length - 1]!.serial;
  }
}

const CERTIFICATE_PAGE = 5000;

/**
 * Reads the register's side of a monitoring run.
 *
 * @param db - the node's store
 * @example
 * ```ts
 * const register = await readRegisterSnapshot(store.db);
 * console.log(register.certificates.length, register.queued.length);
 * ```
 */
export async function readRegisterSnapshot(db: Kysely<Database>): Promise<RegisterSnapshot> {
  const rows = await readCertificates(db);
  const eventRows = await db
    .selectFrom('event')
    .select(['serial', 'action'])
    .where('action', 'in', ['suspend', 'resume'])
    .where('serial', 'is not', null)
    .execute();
  const events = new Map<string, { suspend: number; resume: number }>();
  for (const r of eventRows) {
    const e = events.get(r.serial!) ?? { suspend: 0, resume: 0 };
    e[r.action as 'suspend' | 'resume']++;
    events.set(r.serial!, e);
  }
  const queued = (await readQueuedEntries(db, Number.MAX_SAFE_INTEGER)).flatMap((q) => readable(q.entry));
  const state = await db.selectFrom('ledger_state').select('size').where('id', '=', 1).executeTakeFirst();
  const caRows = await db.selectFrom('ca').select(['id', 'cert_der']).orderBy('id').execute();
  return {
    certificates: rows.map(({ status, ...c }) => ({
      ...c,
      expected: expectedOf(c.usage, status, events.get(c.serial)),
    })),
    cas: caRows.map((c) => ({
      id: c.id,
      subject: nameToString(decodeCertificate(Buffer.from(c.cert_der)).subject.der),
    })),
    queued,
    integratedSize: state ? Number(state.size) : 0,
    seen: await readSeenCertificates(db),
    witnesses: await readWitnessOutcomes(db),
  };
}

/**
 * The entries integrated in the store after the published checkpoint (`[from, to)`): they wait
 * for the witnesses' cosignatures before being published, and count as pending.
 *
 * @param db - the node's store
 * @param from - the published checkpoint's size
 * @param to - the integrated size read with the snapshot
 * @example
 * ```ts
 * const later = await integratedAfter(store.db, cp.size, register.integratedSize);
 * ```
 */
export async function integratedAfter(
  db: Kysely<Database>,
  from: number,
  to: number,
): Promise<LedgerEntry[]> {
  if (from >= to) return [];
  const reader = new LogReader(new StoreTileSource(db));
  return (await reader.entries(from, to, to)).flatMap((e) => readable(e));
}

/** The entry, or nothing when it does not decode (the log's own check reports such entries). */
function readable(bytes: Uint8Array): LedgerEntry[] {
  try {
    return [decodeEntry(bytes)];
  } catch {
    return [];
  }
}
