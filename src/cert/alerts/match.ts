/**
 * The eID link (issue 16 part 7): STIX objects received by the node are matched against the
 * certificates it issued (citizens' eID certificates) and its own CA certificates, inside the
 * transaction that stores them; each match is an alert for the node's supervisors. Idempotent
 * per (object id, version, certificate): receiving the same version again raises nothing new.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { CertDatabase, CertAlertTable } from '../schema.js';
import { sameName } from './issuer_name.js';
import { certificateReferences } from './references.js';
import type { CertReference } from './references.js';

/** Usages of the node's CA certificates in the certificate table (src/node/init.ts). */
export const CA_USAGES: readonly string[] = ['root-ca', 'eid-ca'];

/** A stored object to match. */
export interface ReceivedObject {
  object: Record<string, unknown>;
  id: string;
  /** Its stored version. */
  version: string;
}

/** Where the objects came from. */
export interface ReceivedFrom {
  collectionId: string | null;
  /** The partner that sent them (null: published on the node). */
  partnerId: string | null;
  now: Date;
}

interface CandidateRow {
  serial: string;
  issuer_ca: string;
  national_id: string | null;
  usage: string;
  cert_der: Buffer;
  cert_sha256: string | null;
  cert_sha1: string | null;
}

const DIGEST_BATCH = 500;
const LOOKUP_BATCH = 300;

function digest(alg: 'sha256' | 'sha1', der: Uint8Array): string {
  return createHash(alg).update(der).digest('hex');
}

/**
 * Fills in the DER digests of certificates that have none yet (issued before migration 0012,
 * which writes them at issuance), so hash lookups are index lookups.
 */
async function fillDigests(trx: Transaction<CertDatabase>): Promise<void> {
  for (;;) {
    const rows = await trx
      .selectFrom('certificate')
      .select(['serial', 'cert_der'])
      .where('cert_sha256', 'is', null)
      .limit(DIGEST_BATCH)
      .execute();
    for (const r of rows)
      await trx
        .updateTable('certificate')
        .set({ cert_sha256: digest('sha256', r.cert_der), cert_sha1: digest('sha1', r.cert_der) })
        .where('serial', '=', r.serial)
        .execute();
    if (rows.length < DIGEST_BATCH) return;
  }
}

/** A serial as stored may carry leading zero digits (a whole octet, or a nibble). */
function serialForms(s: string): string[] {
  return [s, `0${s}`, `00${s}`, `000${s}`];
}

async function candidates(
  trx: Transaction<CertDatabase>,
  refs: readonly CertReference[],
): Promise<CandidateRow[]> {
  const sha256 = [...new Set(refs.flatMap((r) => r.sha256 ?? []))];
  const sha1 = [...new Set(refs.flatMap((r) => r.sha1 ?? []))];
  const serials = [...new Set(refs.flatMap((r) => (r.serial ? serialForms(r.serial) : [])))];
  const found = new Map<string, CandidateRow>();
  const cols = [
    'serial',
    'issuer_ca',
    'national_id',
    'usage',
    'cert_der',
    'cert_sha256',
    'cert_sha1',
  ] as const;
  for (const [col, values] of [
    ['cert_sha256', sha256],
    ['cert_sha1', sha1],
    ['serial', serials],
  ] as const) {
    for (let i = 0; i < values.length; i += LOOKUP_BATCH) {
      const rows = await trx
        .selectFrom('certificate')
        .select(cols)
        .where(col, 'in', values.slice(i, i + LOOKUP_BATCH))
        .where((eb) => eb.or([eb('national_id', 'is not', null), eb('usage', 'in', CA_USAGES)]))
        .execute();
      for (const r of rows) found.set(r.serial, r);
    }
  }
  return [...found.values()];
}

/** How `ref` names `c`, or undefined when it does not (every criterion given must hold). */
function matchOf(ref: CertReference, c: CandidateRow, issuerName: string | undefined): string | undefined {
  const sha256 = c.cert_sha256 ?? digest('sha256', c.cert_der);
  const sha1 = c.cert_sha1 ?? digest('sha1', c.cert_der);
  if (ref.sha256 !== undefined && ref.sha256 !== sha256) return undefined;
  if (ref.sha1 !== undefined && ref.sha1 !== sha1) return undefined;
  if (ref.serial !== undefined && ref.serial !== c.serial.replace(/^0+(?=.)/, '')) return undefined;
  if (ref.issuer !== undefined && (issuerName === undefined || !sameName(ref.issuer, issuerName)))
    return undefined;
  if (ref.sha256) return 'sha256';
  if (ref.sha1) return 'sha1';
  return ref.issuer ? 'serial+issuer' : 'serial';
}

/**
 * Matches `objects` against the node's certificates and records an alert per match, inside
 * `trx` (the transaction that stores the objects). Returns the alerts raised (not those already
 * held for the same object version and certificate).
 *
 * @example
 * ```ts
 * await store.transaction(async (t) => {
 *   const { added } = await addObjects(trx, engine, collectionId, partnerId, valid, now);
 *   await raiseAlerts(trx, added.map((a, i) => ({ ...a, object: valid[i] })), { collectionId, partnerId, now });
 * });
 * ```
 */
export async function raiseAlerts(
  trx: Transaction<CertDatabase>,
  objects: readonly ReceivedObject[],
  from: ReceivedFrom,
): Promise<CertAlertTable[]> {
  const named = objects
    .map((o) => ({ o, refs: certificateReferences(o.object) }))
    .filter((x) => x.refs.length > 0);
  if (named.length === 0) return [];
  const allRefs = named.flatMap((x) => x.refs);
  if (allRefs.some((r) => r.sha256 || r.sha1)) await fillDigests(trx);
  const certs = await candidates(trx, allRefs);
  if (certs.length === 0) return [];
  const cas = await trx.selectFrom('ca').select(['id', 'subject']).execute();
  const issuerOf = new Map(cas.map((c) => [c.id, c.subject]));
  const alerts = new Map<string, CertAlertTable>();
  const at = from.now.toISOString();
  for (const { o, refs } of named) {
    for (const c of certs) {
      const how = refs.map((r) => matchOf(r, c, issuerOf.get(c.issuer_ca))).find((m) => m !== undefined);
      const key = `${o.id}\n${o.version}\n${c.serial}`;
      if (how === undefined || alerts.has(key)) continue;
      alerts.set(key, {
        id: `alert--${randomUUID()}`,
        created_at: at,
        stix_id: o.id,
        stix_version: o.version,
        stix_type: String(o.object['type']),
        collection_id: from.collectionId,
        source_partner: from.partnerId,
        cert_serial: c.serial,
        cert_sha256: c.cert_sha256 ?? digest('sha256', c.cert_der),
        cert_usage: c.usage,
        national_id: c.national_id,
        kind: CA_USAGES.includes(c.usage) ? 'ca' : 'eid-cert',
        matched_on: how,
        status: 'open',
        officer: null,
        note: null,
        updated_at: null,
        outcome: null,
      });
    }
  }
  const raised: CertAlertTable[] = [];
  for (const a of alerts.values()) {
    const r = await trx
      .insertInto('cert_alert')
      .values(a)
      .onConflict((oc) => oc.columns(['stix_id', 'stix_version', 'cert_serial']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) > 0) raised.push(a);
  }
  return raised;
}
