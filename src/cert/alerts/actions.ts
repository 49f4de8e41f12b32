/**
 * What a supervisor does with an alert: acknowledge it (seen, under review), dismiss it (with a
 * note), or act on it. Acting on an eID certificate suspends it through the eID lifecycle (CRL
 * and OCSP updated, the suspension queued for the transparency log), the alert recorded as the
 * reason in the person's event trail, all in one transaction with the alert's change. Acting on
 * a CA revokes nothing: a CA's compromise is the operator's decision, so the alert records a
 * proposal to withdraw the CA's services in the trusted list and says what to run.
 */
import type { Transaction } from 'kysely';
import type { EidContext } from '../../eid/context.js';
import { suspend } from '../../eid/lifecycle.js';
import type { Store } from '../../store/database.js';
import type { CertDatabase } from '../schema.js';
import { assertStatus, changeAlert, getAlert } from './alert_store.js';
import type { AlertView } from './alert_store.js';

/** Who decides, and why. */
export interface AlertDecision {
  officer: string;
  note?: string | undefined;
}

/** The answer to acting on an alert. */
export interface ActResult {
  alert: AlertView;
  /** Serials suspended (eID certificate alerts). */
  suspended?: string[];
  /** What the operator must run (CA alerts). */
  operatorAction?: string;
}

const OPEN = ['open'] as const;
const UNDECIDED = ['open', 'acknowledged'] as const;

/** The trusted-list services a compromised CA certificate stands behind (src/trust/writer/node_state.ts). */
function servicesOf(usage: string): string[] {
  return usage === 'eid-ca' ? ['eid-ca', 'ocsp'] : ['eid-ca', 'tsa', 'ocsp'];
}

function inTransaction<T>(store: Store, fn: (trx: Transaction<CertDatabase>) => Promise<T>): Promise<T> {
  return store.transaction((t) => fn(t as unknown as Transaction<CertDatabase>));
}

/**
 * Acknowledges an open alert.
 *
 * @throws CertError CERT_ALERT_NOT_FOUND | CERT_ALERT_ACTED | CERT_ALERT_STATE
 * @example
 * ```ts
 * await acknowledgeAlert(node.store, id, { officer: 'officer-1' }, new Date());
 * ```
 */
export function acknowledgeAlert(store: Store, id: string, d: AlertDecision, now: Date): Promise<AlertView> {
  return inTransaction(store, (trx) =>
    changeAlert(trx, id, OPEN, { to: 'acknowledged', ...d, now }, 'acknowledged'),
  );
}

/**
 * Dismisses an open or acknowledged alert (a false positive, or handled elsewhere).
 *
 * @throws CertError CERT_ALERT_NOT_FOUND | CERT_ALERT_ACTED | CERT_ALERT_STATE
 * @example
 * ```ts
 * await dismissAlert(node.store, id, { officer: 'officer-1', note: 'test certificate' }, new Date());
 * ```
 */
export function dismissAlert(store: Store, id: string, d: AlertDecision, now: Date): Promise<AlertView> {
  return inTransaction(store, (trx) =>
    changeAlert(trx, id, UNDECIDED, { to: 'dismissed', ...d, now }, 'dismissed'),
  );
}

/**
 * Acts on an open or acknowledged alert: suspends the eID certificate it names, or records the
 * proposal to withdraw the services of the CA it names.
 *
 * @throws CertError CERT_ALERT_NOT_FOUND | CERT_ALERT_ACTED | CERT_ALERT_STATE
 * @example
 * ```ts
 * const r = await actOnAlert(eidContextOf(node), id, { officer: 'officer-1' });
 * ```
 */
export async function actOnAlert(eid: EidContext, id: string, d: AlertDecision): Promise<ActResult> {
  const a = await getAlert(eid.store, id);
  assertStatus(a, UNDECIDED, 'acted on');
  const now = eid.clock();
  if (a.kind === 'ca') {
    const services = servicesOf(a.certificate.usage);
    const run = services
      .map((s) => `trustbridge node trustlist withdraw --dir DIR --service ${s}`)
      .join(' && ');
    const outcome = { proposal: { action: 'withdraw-services', status: 'proposed', services, run } };
    const alert = await inTransaction(eid.store, (trx) =>
      changeAlert(trx, id, UNDECIDED, { to: 'acted', ...d, now, outcome }, 'acted on'),
    );
    return { alert, operatorAction: run };
  }
  const cert = await eid.store.db
    .selectFrom('certificate')
    .select('status')
    .where('serial', '=', a.certificate.serial)
    .executeTakeFirst();
  if (cert?.status !== 'good') {
    // Already suspended or revoked (by an officer, or an earlier alert on another object).
    const outcome = { action: 'none', certificateStatus: cert?.status ?? 'unknown' };
    const alert = await inTransaction(eid.store, (trx) =>
      changeAlert(trx, id, UNDECIDED, { to: 'acted', ...d, now, outcome }, 'acted on'),
    );
    return { alert, suspended: [] };
  }
  let alert: AlertView | undefined;
  const r = await suspend(eid, { serial: a.certificate.serial }, d.officer, {
    detail: {
      alert: a.id,
      stixObject: a.stixObject.id,
      stixVersion: a.stixObject.version,
      ...(a.source && 'partnerId' in a.source
        ? { sourcePartner: a.source.name ?? a.source.partnerId }
        : a.source
          ? { sourceRemote: a.source.name }
          : {}),
      ...(d.note ? { note: d.note } : {}),
    },
    within: async (t) => {
      const outcome = { action: 'suspended', serials: [a.certificate.serial] };
      alert = await changeAlert(
        t as unknown as Transaction<CertDatabase>,
        id,
        UNDECIDED,
        { to: 'acted', ...d, now, outcome },
        'acted on',
      );
    },
  });
  return { alert: alert!, suspended: r.changed };
}
