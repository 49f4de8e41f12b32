import type { Transaction } from 'kysely';
import { buildCrl } from '../pki/crl.js';
import type { CrlEntry } from '../pki/crl.js';
import type { Signer } from '../pki/key_store.js';
import type { IssuerRef } from '../pki/profiles.js';
import { isRevocationReason } from '../x509/revocation_reason.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/database.js';
import type { KeyHolder } from '../pki/key_holder.js';
import type { EidContext } from './context.js';
import { insertCrlRow, nextCrlNumber, selectCrlEntries, selectLatestCrl } from './register_store/index.js';

/** What it takes to publish a CRL. */
export interface PublishCrlParams {
  caId: string;
  issuer: IssuerRef;
  signer: Signer;
  now: Date;
  validityHours: number;
}

/**
 * Issues the next complete CRL of a CA inside the caller's transaction: increments the CRL
 * number (RFC 5280 §5.2.3, monotonically increasing), lists every revoked and suspended
 * certificate, signs, and stores it. Runs in the same transaction as the status change that
 * made it necessary, so a CRL never lags the register.
 *
 * @param trx - open transaction
 * @param p - CA, signer and times
 * @returns the CRL DER
 * @example
 * ```ts
 * await store.transaction((trx) => publishCrl(trx, { caId: 'eid-ca', issuer, signer, now: new Date(), validityHours: 24 }));
 * ```
 */
export async function publishCrl(trx: Transaction<Database>, p: PublishCrlParams): Promise<Buffer> {
  const crlNumber = await nextCrlNumber(trx, p.caId);
  const rows = await selectCrlEntries(trx, p.caId);
  const entries: CrlEntry[] = rows.map((r) => ({
    serial: r.serial,
    revokedAt: new Date(r.status_changed_at ?? p.now.toISOString()),
    ...(r.revocation_reason && isRevocationReason(r.revocation_reason)
      ? { reason: r.revocation_reason }
      : {}),
  }));
  const thisUpdate = new Date(Math.floor(p.now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + p.validityHours * 3600_000);
  const der = await buildCrl({
    issuerDer: p.issuer.subjectDer,
    issuerSpki: p.issuer.spki,
    signer: p.signer,
    crlNumber,
    thisUpdate,
    nextUpdate,
    entries,
  });
  await insertCrlRow(trx, {
    ca_id: p.caId,
    crl_number: crlNumber,
    this_update: thisUpdate.toISOString(),
    next_update: nextUpdate.toISOString(),
    der,
  });
  return der;
}

/** The latest CRL of a CA, or undefined. */
export async function latestCrl(
  store: Store,
  caId: string,
): Promise<{ der: Buffer; nextUpdate: Date; crlNumber: number } | undefined> {
  const row = await selectLatestCrl(store, caId);
  return row
    ? { der: row.der, nextUpdate: new Date(row.next_update), crlNumber: Number(row.crl_number) }
    : undefined;
}

/**
 * Fresh CRL bytes for a CA: the stored one, or a new one when a quarter of its validity is left.
 *
 * @param ctx - the register's store, clock and CRL validity
 * @param caId - `root` or `eid-ca`
 * @param ca - the CA as issuer, with its signer
 * @example
 * ```ts
 * const der = await currentCrl(eidContextOf(node), 'eid-ca', node.eidCa);
 * ```
 */
export async function currentCrl(
  ctx: Pick<EidContext, 'store' | 'clock' | 'crlValidityHours'>,
  caId: string,
  ca: KeyHolder,
): Promise<Buffer> {
  const now = ctx.clock();
  const latest = await latestCrl(ctx.store, caId);
  const margin = (ctx.crlValidityHours * 3600_000) / 4;
  if (latest && latest.nextUpdate.getTime() - now.getTime() > margin) return latest.der;
  return ctx.store.transaction((trx) =>
    publishCrl(trx, {
      caId,
      issuer: ca.ref,
      signer: ca.signer,
      now,
      validityHours: ctx.crlValidityHours,
    }),
  );
}
