/**
 * TAXII status resources (§4.3): one per POSTed envelope, written in the same transaction as
 * the objects it reports, kept {@link STATUS_RETENTION_MS} (24 hours) and then purged.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Store } from '../store/database.js';
import { certDb, servedTime } from './schema.js';
import type { CertDatabase, CertStatusTable } from './schema.js';

/** How long a status resource is kept. */
export const STATUS_RETENTION_MS = 24 * 3600_000;

/** One entry of `successes` / `failures`. */
export interface StatusDetail {
  id: string;
  version?: string;
  message?: string;
}

/** A status resource as served. */
export interface TaxiiStatus {
  id: string;
  status: 'complete' | 'pending';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  successes: StatusDetail[];
  failure_count: number;
  failures: StatusDetail[];
  pending_count: number;
  pendings: StatusDetail[];
}

/**
 * Records a complete status resource inside `trx` and purges expired ones.
 *
 * @example
 * ```ts
 * const status = await recordStatus(trx, 'ph', partner.id, now, successes, failures);
 * ```
 */
export async function recordStatus(
  trx: Transaction<CertDatabase>,
  apiRoot: string,
  partnerId: string | null,
  now: Date,
  successes: StatusDetail[],
  failures: StatusDetail[],
): Promise<TaxiiStatus> {
  const row: CertStatusTable = {
    id: randomUUID(),
    api_root: apiRoot,
    partner_id: partnerId,
    status: 'complete',
    request_timestamp: now.toISOString(),
    total_count: successes.length + failures.length,
    success_count: successes.length,
    failure_count: failures.length,
    pending_count: 0,
    successes: JSON.stringify(successes),
    failures: JSON.stringify(failures),
    expires_at: new Date(now.getTime() + STATUS_RETENTION_MS).toISOString(),
  };
  await trx.deleteFrom('cert_status').where('expires_at', '<', now.toISOString()).execute();
  await trx.insertInto('cert_status').values(row).execute();
  return toStatus(row);
}

function toStatus(r: CertStatusTable): TaxiiStatus {
  return {
    id: r.id,
    status: r.status as TaxiiStatus['status'],
    request_timestamp: r.request_timestamp,
    total_count: r.total_count,
    success_count: r.success_count,
    successes: (JSON.parse(r.successes) as StatusDetail[]).map(served),
    failure_count: r.failure_count,
    failures: JSON.parse(r.failures) as StatusDetail[],
    pending_count: r.pending_count,
    pendings: [],
  };
}

function served(d: StatusDetail): StatusDetail {
  return d.version ? { ...d, version: servedTime(d.version) } : d;
}

/** The status resource `id` of API root `apiRoot` requested by `partnerId`, unless expired. */
export async function findStatus(
  store: Store,
  apiRoot: string,
  id: string,
  partnerId: string,
  now: Date,
): Promise<TaxiiStatus | undefined> {
  const row = await certDb(store)
    .selectFrom('cert_status')
    .selectAll()
    .where('id', '=', id)
    .where('api_root', '=', apiRoot)
    .where('partner_id', '=', partnerId)
    .where('expires_at', '>=', now.toISOString())
    .executeTakeFirst();
  return row ? toStatus(row) : undefined;
}
