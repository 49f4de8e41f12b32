import type { Transaction } from 'kysely';
import { EidError } from './errors.js';
import { CERT_STATUS_CHANNEL, notifyChange } from '../store/notifications.js';
import { isRevocationReason } from '../x509/revocation_reason.js';
import type { RevocationReasonName } from '../x509/revocation_reason.js';
import { publishCrl } from './crl_publisher.js';
import type { CertificateTable, Database } from '../store/schema.js';
import type { EidContext, Officer } from './context.js';
import { recordEvent } from './events.js';
import { certificateFacts, eidCertificateEntry } from '../ledger/entry_certificate.js';
import type { EidCertificateEvent } from '../ledger/entry_certificate.js';
import { enqueueLedgerEntries } from '../ledger/outbox.js';
import {
  assertKeysUnused,
  insertCertificates,
  lockPerson,
  proveCsrPair,
  signCitizenPair,
} from './issuance.js';
import type { CsrPair, IssuanceResult, Replaced } from './issuance.js';
import { assertNationalId } from './national_id.js';
import { getPerson, personIdentifier } from './register.js';
import {
  selectLifecycleTargets,
  selectPersonCertificateStates,
  setCertificateStatus,
} from './register_store/index.js';

/** Which certificates a lifecycle operation applies to. */
export type Target = { nationalId: string } | { serial: string };

/**
 * What a caller adds to a lifecycle operation: more detail for the event trail (why: e.g. the
 * CERT alert that prompted it), and work of its own done in the same transaction (e.g. marking
 * that alert acted on), so both land together or not at all.
 */
export interface LifecycleOptions {
  detail?: Record<string, unknown>;
  within?: (trx: Transaction<Database>) => Promise<void>;
}

/** Outcome of a lifecycle operation: the serial numbers whose status changed. */
export interface LifecycleResult {
  changed: string[];
  status: CertificateTable['status'];
}

/** Reasons an officer may give for a revocation (certificateHold is what suspension uses). */
export function parseRevocationReason(s: string | undefined): RevocationReasonName {
  const r = s ?? 'unspecified';
  if (!isRevocationReason(r) || r === 'certificateHold' || r === 'removeFromCRL') {
    throw new EidError(
      'EID_INVALID_REASON',
      `unknown revocation reason ${JSON.stringify(r)} (keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn, unspecified)`,
    );
  }
  return r;
}

async function selectTargets(
  trx: Transaction<Database>,
  target: Target,
  from: CertificateTable['status'][],
): Promise<{ serial: string; national_id: string | null; usage: string; cert_der: Buffer }[]> {
  if ('nationalId' in target) {
    assertNationalId(target.nationalId);
    await lockPerson(trx, target.nationalId);
  } else {
    if (!/^[0-9a-f]{1,40}$/.test(target.serial))
      throw new EidError('EID_CERT_NOT_FOUND', `bad serial ${JSON.stringify(target.serial)}`);
  }
  // By serial, only citizen certificates: the node's own (OCSP responder) are not the register's to change.
  const rows = await selectLifecycleTargets(trx, target);
  if (rows.length === 0 && 'serial' in target)
    throw new EidError('EID_CERT_NOT_FOUND', `no eID certificate ${target.serial}`);
  const eligible = rows.filter((r) => from.includes(r.status));
  if (eligible.length === 0) {
    throw new EidError(
      'EID_INVALID_STATE',
      `no certificate in state ${from.join(' or ')} (found: ${rows.map((r) => r.status).join(', ') || 'none'})`,
    );
  }
  return eligible;
}

async function changeStatus(
  ctx: EidContext,
  target: Target,
  from: CertificateTable['status'][],
  to: CertificateTable['status'],
  reason: RevocationReasonName | null,
  officer: Officer,
  action: 'suspend' | 'resume' | 'revoke',
  options: LifecycleOptions = {},
): Promise<LifecycleResult> {
  const now = ctx.clock();
  return ctx.store.transaction(async (trx) => {
    const rows = await selectTargets(trx, target, from);
    for (const r of rows) {
      await setCertificateStatus(trx, r.serial, {
        status: to,
        status_changed_at: now.toISOString(),
        revocation_reason: reason,
      });
      await recordEvent(trx, {
        at: now,
        officer,
        action,
        nationalId: r.national_id ?? undefined,
        serial: r.serial,
        detail: { ...(reason ? { reason } : {}), ...options.detail },
      });
    }
    const event: EidCertificateEvent =
      action === 'revoke'
        ? { type: 'eid-cert-revoked', reason: reason ?? 'unspecified' }
        : { type: action === 'suspend' ? 'eid-cert-suspended' : 'eid-cert-resumed' };
    await enqueueLedgerEntries(
      trx,
      rows.map((r) => eidCertificateEntry(r.cert_der, r.usage, event, now)),
    );
    await options.within?.(trx);
    await notifyChange(trx, ctx.store.engine, CERT_STATUS_CHANNEL, rows.map((r) => r.serial).join(','));
    await publishEidCrl(ctx, trx, now);
    return { changed: rows.map((r) => r.serial), status: to };
  });
}

function publishEidCrl(ctx: EidContext, trx: Transaction<Database>, now: Date): Promise<Buffer> {
  return publishCrl(trx, {
    caId: 'eid-ca',
    issuer: ctx.eidCa.ref,
    signer: ctx.eidCa.signer,
    now,
    validityHours: ctx.crlValidityHours,
  });
}

/**
 * Suspends certificates in force (CRL/OCSP reason certificateHold, RFC 5280 §5.3.1).
 *
 * @example
 * ```ts
 * await suspend(ctx, { nationalId: '492817365021' }, 'officer-1');
 * await suspend(ctx, { serial: '5f3a…' }, 'officer-1', { detail: { alert: 'alert--…' } });
 * ```
 */
export function suspend(
  ctx: EidContext,
  target: Target,
  officer: Officer,
  options?: LifecycleOptions,
): Promise<LifecycleResult> {
  return changeStatus(ctx, target, ['good'], 'suspended', 'certificateHold', officer, 'suspend', options);
}

/** Lifts a suspension: the certificates are good again and leave the next CRL (removeFromCRL semantics). */
export function resume(ctx: EidContext, target: Target, officer: Officer): Promise<LifecycleResult> {
  return changeStatus(ctx, target, ['suspended'], 'good', null, officer, 'resume');
}

/** Revokes good or suspended certificates for good, with a reason. */
export function revoke(
  ctx: EidContext,
  target: Target,
  reason: RevocationReasonName,
  officer: Officer,
): Promise<LifecycleResult> {
  return changeStatus(ctx, target, ['good', 'suspended'], 'revoked', reason, officer, 'revoke');
}

/**
 * Renews a person's eID: new keys (new CSRs, which must certify keys not used before), same
 * identity. The previous certificates are revoked with reason superseded in the same transaction.
 */
export async function renew(
  ctx: EidContext,
  nationalId: string,
  csrs: CsrPair,
  officer: Officer,
): Promise<IssuanceResult> {
  const keys = proveCsrPair(csrs);
  const person = await getPerson(ctx.store, nationalId);
  const now = ctx.clock();
  const certificates = await signCitizenPair(ctx, person, keys, now);
  await ctx.store.transaction(async (trx) => {
    await lockPerson(trx, nationalId);
    await assertKeysUnused(trx, certificates);
    const old = await selectPersonCertificateStates(trx, nationalId);
    const replaced: Replaced = {};
    for (const o of old.filter((x) => x.status !== 'revoked')) {
      const usage = o.usage as 'authentication' | 'signature';
      const replacement = certificates[usage]?.serial ?? null;
      await setCertificateStatus(trx, o.serial, {
        status: 'revoked',
        status_changed_at: now.toISOString(),
        revocation_reason: 'superseded',
        replaced_by: replacement,
      });
      if (replacement)
        replaced[usage] = { sha256: certificateFacts(o.cert_der, usage).sha256, serial: o.serial };
    }
    const superseded = old.filter((x) => x.status !== 'revoked');
    await notifyChange(trx, ctx.store.engine, CERT_STATUS_CHANNEL, superseded.map((x) => x.serial).join(','));
    // The superseded certificates' revocations, then the new ones (eid-cert-renewed, naming what they replace).
    await enqueueLedgerEntries(
      trx,
      superseded.map((o) =>
        eidCertificateEntry(o.cert_der, o.usage, { type: 'eid-cert-revoked', reason: 'superseded' }, now),
      ),
    );
    await insertCertificates(trx, nationalId, certificates, officer, now, ctx.store.engine, replaced);
    await recordEvent(trx, {
      at: now,
      officer,
      action: 'renew',
      nationalId,
      detail: { superseded: old.filter((x) => x.status !== 'revoked').map((x) => x.serial) },
    });
    await publishEidCrl(ctx, trx, now);
  });
  return {
    person,
    personId: personIdentifier(ctx.identity.country, ctx.identity.country, nationalId),
    certificates,
  };
}
