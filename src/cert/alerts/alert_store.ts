/**
 * The alert queue (table `cert_alert`): listing, reading, and the status changes, each a
 * compare-and-set on the expected previous statuses so two officers deciding the same alert at
 * once cannot both win.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import { CertError } from '../errors.js';
import { certDb, servedTime } from '../schema.js';
import type { AlertStatus, CertAlertTable, CertDatabase } from '../schema.js';

/** The statuses an alert may be in. */
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'acted', 'dismissed'];

/** An alert as the officer API and the CLI show it. */
export interface AlertView {
  id: string;
  createdAt: string;
  status: AlertStatus;
  kind: CertAlertTable['kind'];
  matchedOn: string;
  stixObject: { id: string; version: string; type: string };
  collection: string | null;
  /**
   * The partner CERT that sent the object (by a TAXII POST), or the remote it was synced from
   * (`remote`); null: published on this node.
   */
  source:
    | { partnerId: string; name: string | null; country: string | null }
    | { remote: string; name: string }
    | null;
  certificate: { serial: string; sha256: string; usage: string; nationalId: string | null };
  officer: string | null;
  note: string | null;
  updatedAt: string | null;
  /** What acting did: the suspension, or a CA's withdrawal proposal. */
  outcome: Record<string, unknown> | null;
}

type Row = CertAlertTable & {
  partner_name: string | null;
  partner_country: string | null;
  remote_id: string | null;
  remote_name: string | null;
};

function viewOf(r: Row): AlertView {
  return {
    id: r.id,
    createdAt: r.created_at,
    status: r.status,
    kind: r.kind,
    matchedOn: r.matched_on,
    stixObject: { id: r.stix_id, version: servedTime(r.stix_version), type: r.stix_type },
    collection: r.collection_id,
    source: r.source_partner
      ? { partnerId: r.source_partner, name: r.partner_name, country: r.partner_country }
      : r.remote_id && r.remote_name
        ? { remote: r.remote_id, name: r.remote_name }
        : null,
    certificate: {
      serial: r.cert_serial,
      sha256: r.cert_sha256,
      usage: r.cert_usage,
      nationalId: r.national_id,
    },
    officer: r.officer,
    note: r.note,
    updatedAt: r.updated_at,
    outcome: r.outcome ? (JSON.parse(r.outcome) as Record<string, unknown>) : null,
  };
}

function selectAlerts(db: Kysely<CertDatabase>) {
  return db
    .selectFrom('cert_alert as a')
    .leftJoin('cert_partner as p', 'p.id', 'a.source_partner')
    .leftJoin('cert_remote as r', 'r.collection_id', 'a.collection_id')
    .selectAll('a')
    .select([
      'p.name as partner_name',
      'p.country as partner_country',
      'r.id as remote_id',
      'r.name as remote_name',
    ]);
}

/** True when `s` is an alert status. */
export function isAlertStatus(s: string): s is AlertStatus {
  return (ALERT_STATUSES as readonly string[]).includes(s);
}

/**
 * Alerts, newest first, optionally of one status.
 *
 * @example
 * ```ts
 * const open = await listAlerts(node.store, { status: 'open' });
 * ```
 */
export async function listAlerts(
  store: Store,
  o: { status?: AlertStatus; limit?: number } = {},
): Promise<AlertView[]> {
  const rows = await selectAlerts(certDb(store))
    .$if(o.status !== undefined, (q) => q.where('a.status', '=', o.status!))
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .limit(Math.min(Math.max(o.limit ?? 500, 1), 5000))
    .execute();
  return rows.map(viewOf);
}

/**
 * One alert.
 *
 * @throws CertError CERT_ALERT_NOT_FOUND
 * @example
 * ```ts
 * const a = await getAlert(node.store, 'alert--…');
 * ```
 */
export async function getAlert(db: Store | Transaction<CertDatabase>, id: string): Promise<AlertView> {
  const k = 'engine' in db ? certDb(db) : db;
  const row = await selectAlerts(k).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw new CertError('CERT_ALERT_NOT_FOUND', `no alert ${id}`);
  return viewOf(row);
}

/** Refuses a change from `a`'s status unless it is one of `from`. */
export function assertStatus(a: AlertView, from: readonly AlertStatus[], action: string): void {
  if (from.includes(a.status)) return;
  if (a.status === 'acted')
    throw new CertError(
      'CERT_ALERT_ACTED',
      `alert ${a.id} was already acted on by ${a.officer ?? 'an officer'}`,
    );
  throw new CertError('CERT_ALERT_STATE', `alert ${a.id} is ${a.status}: it cannot be ${action}`);
}

/** A status change. */
export interface AlertChange {
  to: AlertStatus;
  officer: string;
  note?: string | undefined;
  now: Date;
  outcome?: Record<string, unknown>;
}

/**
 * Changes an alert's status inside `trx` if it is still one of `from`.
 *
 * @throws CertError CERT_ALERT_NOT_FOUND | CERT_ALERT_ACTED | CERT_ALERT_STATE
 */
export async function changeAlert(
  trx: Transaction<CertDatabase>,
  id: string,
  from: readonly AlertStatus[],
  c: AlertChange,
  action: string,
): Promise<AlertView> {
  const r = await trx
    .updateTable('cert_alert')
    .set({
      status: c.to,
      officer: c.officer,
      note: c.note ?? null,
      updated_at: c.now.toISOString(),
      ...(c.outcome ? { outcome: JSON.stringify(c.outcome) } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  const a = await getAlert(trx, id);
  if (Number(r.numUpdatedRows) === 0) assertStatus(a, [], action);
  return a;
}
