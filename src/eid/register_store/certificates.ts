/** The register's `certificate` table: citizen certificates and the node's own. */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import type { CertificateTable, Database, EventTable } from '../../store/schema.js';

/** A certificate status as the OCSP responder reads it. */
export interface CertificateStatusRow {
  status: string;
  status_changed_at: string | null;
  revocation_reason: string | null;
}

/** A certificate of a person, as the operator sees it. */
export interface PersonCertificateRow {
  serial: string;
  usage: string;
  status: CertificateTable['status'];
  status_changed_at: string | null;
  revocation_reason: string | null;
  not_before: string;
  not_after: string;
}

/** The row with the digests of its DER, by which a CERT alert finds it (migration 0012). */
function withDigests(row: CertificateTable): CertificateTable {
  return {
    ...row,
    cert_sha256: createHash('sha256').update(row.cert_der).digest('hex'),
    cert_sha1: createHash('sha1').update(row.cert_der).digest('hex'),
  };
}

/**
 * A certificate, in any state, of one of these keys.
 *
 * @param trx - open transaction
 * @param keyHashes - SHA-256 (hex) of SubjectPublicKeyInfos
 * @example
 * ```ts
 * const used = await findCertificateOfKeys(trx, [spkiSha256(spki)]);
 * ```
 */
export function findCertificateOfKeys(
  trx: Transaction<Database>,
  keyHashes: string[],
): Promise<{ serial: string } | undefined> {
  return trx
    .selectFrom('certificate')
    .select('serial')
    .where('spki_sha256', 'in', keyHashes)
    .executeTakeFirst();
}

/**
 * Stores certificates and their events (two multi-row inserts; one round trip on PostgreSQL).
 *
 * @param trx - open transaction
 * @param certRows - certificate rows
 * @param eventRows - the matching event rows
 * @param engine - the store's engine
 * @example
 * ```ts
 * await insertCertificatesWithEvents(trx, certRows, eventRows, store.engine);
 * ```
 */
export async function insertCertificatesWithEvents(
  trx: Transaction<Database>,
  certRows: CertificateTable[],
  eventRows: Omit<EventTable, 'id'>[],
  engine: 'sqlite' | 'postgres',
): Promise<void> {
  certRows = certRows.map(withDigests);
  if (engine === 'postgres') {
    // One round trip: a data-modifying CTE inserts the certificates, the outer statement the events.
    await trx
      .with('issued', (db) => db.insertInto('certificate').values(certRows).returning('serial'))
      .insertInto('event')
      .values(eventRows)
      .execute();
    return;
  }
  await trx.insertInto('certificate').values(certRows).execute();
  await trx.insertInto('event').values(eventRows).execute();
}

/**
 * Inserts one certificate row (the node's own certificates).
 *
 * @param db - the store's Kysely instance or an open transaction
 * @param row - the row
 * @example
 * ```ts
 * await insertCertificateRow(store.db, row);
 * ```
 */
export async function insertCertificateRow(db: Kysely<Database>, row: CertificateTable): Promise<void> {
  await db.insertInto('certificate').values(withDigests(row)).execute();
}

/**
 * The certificates a lifecycle operation may change: all of a person's, or one citizen
 * certificate of the eID CA by serial (the node's own are not the register's to change).
 *
 * @param trx - open transaction
 * @param target - a national identifier or a serial
 * @example
 * ```ts
 * const rows = await selectLifecycleTargets(trx, { serial: '0a1b' });
 * ```
 */
export function selectLifecycleTargets(
  trx: Transaction<Database>,
  target: { nationalId: string } | { serial: string },
): Promise<
  {
    serial: string;
    national_id: string | null;
    status: CertificateTable['status'];
    usage: string;
    cert_der: Buffer;
  }[]
> {
  let q = trx.selectFrom('certificate').select(['serial', 'national_id', 'status', 'usage', 'cert_der']);
  if ('nationalId' in target) q = q.where('national_id', '=', target.nationalId);
  else
    q = q
      .where('serial', '=', target.serial)
      .where('issuer_ca', '=', 'eid-ca')
      .where('national_id', 'is not', null);
  return q.execute();
}

/**
 * Sets a certificate's status, with the time and reason of the change.
 *
 * @param trx - open transaction
 * @param serial - the certificate
 * @param change - new status, time, reason (and the certificate that replaces it, on renewal)
 * @example
 * ```ts
 * await setCertificateStatus(trx, serial, { status: 'suspended', status_changed_at: now, revocation_reason: 'certificateHold' });
 * ```
 */
export async function setCertificateStatus(
  trx: Transaction<Database>,
  serial: string,
  change: Pick<CertificateTable, 'status' | 'status_changed_at' | 'revocation_reason'> &
    Partial<Pick<CertificateTable, 'replaced_by'>>,
): Promise<void> {
  await trx.updateTable('certificate').set(change).where('serial', '=', serial).execute();
}

/**
 * Serial, usage and status of every certificate of a person.
 *
 * @param trx - open transaction
 * @param nationalId - the person
 * @example
 * ```ts
 * const old = await selectPersonCertificateStates(trx, '492817365021');
 * ```
 */
export function selectPersonCertificateStates(
  trx: Transaction<Database>,
  nationalId: string,
): Promise<{ serial: string; usage: string; status: CertificateTable['status']; cert_der: Buffer }[]> {
  return trx
    .selectFrom('certificate')
    .select(['serial', 'usage', 'status', 'cert_der'])
    .where('national_id', '=', nationalId)
    .execute();
}

/**
 * A person's certificates in issuance order, as the operator sees them.
 *
 * @param store - the node store
 * @param nationalId - the person
 * @example
 * ```ts
 * const certificates = await listPersonCertificates(store, person.nationalId);
 * ```
 */
export function listPersonCertificates(store: Store, nationalId: string): Promise<PersonCertificateRow[]> {
  return store.db
    .selectFrom('certificate')
    .select([
      'serial',
      'usage',
      'status',
      'status_changed_at',
      'revocation_reason',
      'not_before',
      'not_after',
    ])
    .where('national_id', '=', nationalId)
    .orderBy('created_at')
    .execute();
}

/**
 * A reader of one certificate's status, its statement compiled once: the OCSP responder reads it
 * on every request.
 *
 * @param store - the node store
 * @example
 * ```ts
 * const read = certificateStatusReader(store);
 * const row = await read('eid-ca', serial);
 * ```
 */
export function certificateStatusReader(
  store: Store,
): (caId: string, serial: string) => Promise<CertificateStatusRow | undefined> {
  const query = store.db
    .selectFrom('certificate')
    .select(['status', 'status_changed_at', 'revocation_reason'])
    .where('serial', '=', '')
    .where('issuer_ca', '=', '')
    .compile();
  return async (caId, serial) => {
    const { rows } = await store.db.executeQuery<CertificateStatusRow>({
      ...query,
      parameters: [serial, caId],
    });
    return rows[0];
  };
}

/**
 * The newest good certificate of a usage (the node's CA and service certificates).
 *
 * @param store - the node store
 * @param usage - `root-ca`, `eid-ca`, `ocsp`, `tsa`, `tl-signer`
 * @example
 * ```ts
 * const row = await currentCertificateOfUsage(store, 'ocsp');
 * ```
 */
export function currentCertificateOfUsage(
  store: Store,
  usage: string,
): Promise<{ cert_der: Buffer } | undefined> {
  return store.db
    .selectFrom('certificate')
    .select(['cert_der'])
    .where('usage', '=', usage)
    .where('status', '=', 'good')
    .orderBy('not_before', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Every certificate of these usages, oldest first (the node's services in its trusted list).
 *
 * @param store - the node store
 * @param usages - certificate usages
 * @example
 * ```ts
 * const rows = await listCertificatesOfUsages(store, ['ocsp', 'tsa']);
 * ```
 */
export function listCertificatesOfUsages(
  store: Store,
  usages: string[],
): Promise<Pick<CertificateTable, 'usage' | 'cert_der' | 'not_before' | 'status' | 'status_changed_at'>[]> {
  return store.db
    .selectFrom('certificate')
    .select(['usage', 'cert_der', 'not_before', 'status', 'status_changed_at'])
    .where('usage', 'in', usages)
    .orderBy('not_before')
    .orderBy('serial')
    .execute();
}
