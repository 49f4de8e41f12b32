import type { Transaction } from 'kysely';
import { EidError, PkiError } from '../lib/errors.js';
import { signCertificate } from '../pki/certificate_builder.js';
import { parseCertificate } from '../pki/certificate_info.js';
import { verifyCsr } from '../pki/csr.js';
import { citizenTemplate } from '../pki/profiles.js';
import type { EidUsage } from '../pki/profiles.js';
import type { Database } from '../store/schema.js';
import type { EidContext, Officer } from './context.js';
import { recordEvent } from './events.js';
import { normalisePerson } from './person.js';
import type { Person, PersonInput } from './person.js';
import { getPerson, insertPerson, personIdentifier, withFreshNationalId } from './register.js';

/** The two CSRs a wallet sends, DER or PEM. */
export interface CsrPair {
  authentication: Uint8Array | string;
  signature: Uint8Array | string;
}

/** A certificate just issued. */
export interface IssuedCertificate {
  usage: EidUsage;
  serial: string;
  der: Buffer;
}

/** The outcome of an enrolment or issuance. */
export interface IssuanceResult {
  person: Person;
  /** eIDAS person identifier `CC/CC/id`. */
  personId: string;
  certificates: Record<EidUsage, IssuedCertificate>;
}

interface ProvenPair {
  authentication: Buffer;
  signature: Buffer;
}

/** Checks both CSRs' proof of possession and that they certify two different keys. */
export function proveCsrPair(csrs: CsrPair): ProvenPair {
  const authentication = verifyCsr(csrs.authentication, ['P-256']).spki;
  const signature = verifyCsr(csrs.signature, ['P-256']).spki;
  if (authentication.equals(signature)) {
    throw new PkiError('PKI_CSR_KEY_REUSED', 'the authentication and signature keys must differ');
  }
  return { authentication, signature };
}

/** Signs the authentication and signature certificates of a person. */
export async function signCitizenPair(
  ctx: EidContext,
  person: Person,
  keys: ProvenPair,
  now: Date,
): Promise<Record<EidUsage, IssuedCertificate>> {
  const holder = {
    nationalId: person.nationalId,
    givenNames: person.givenNames,
    familyName: person.familyName,
  };
  const out = {} as Record<EidUsage, IssuedCertificate>;
  for (const usage of ['authentication', 'signature'] as const) {
    const der = await signCertificate(
      citizenTemplate(ctx.identity, ctx.eidCa.ref, usage, holder, keys[usage], now),
      ctx.eidCa.signer,
    );
    out[usage] = { usage, serial: parseCertificate(der).serial, der };
  }
  return out;
}

/**
 * Takes the person's row lock for the rest of the transaction (a no-op UPDATE locks the row in
 * PostgreSQL and the database in SQLite), so concurrent lifecycle operations on one person queue.
 */
export async function lockPerson(trx: Transaction<Database>, nationalId: string): Promise<void> {
  const r = await trx
    .updateTable('person')
    .set({ national_id: nationalId })
    .where('national_id', '=', nationalId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new EidError('EID_PERSON_NOT_FOUND', `no person ${nationalId}`);
}

/** Stores issued certificates and their events in the caller's transaction. */
export async function insertCertificates(
  trx: Transaction<Database>,
  nationalId: string,
  certs: Record<EidUsage, IssuedCertificate>,
  officer: Officer,
  now: Date,
): Promise<void> {
  for (const c of Object.values(certs)) {
    const info = parseCertificate(c.der);
    await trx
      .insertInto('certificate')
      .values({
        serial: c.serial,
        issuer_ca: 'eid-ca',
        national_id: nationalId,
        usage: c.usage,
        subject: info.subject,
        not_before: info.notBefore.toISOString(),
        not_after: info.notAfter.toISOString(),
        cert_der: c.der,
        status: 'good',
        status_changed_at: null,
        revocation_reason: null,
        replaced_by: null,
        created_at: now.toISOString(),
      })
      .execute();
    await recordEvent(trx, {
      at: now,
      officer,
      action: 'issue',
      nationalId,
      serial: c.serial,
      detail: { usage: c.usage },
    });
  }
}

/**
 * Enrols a person: validates the demographic data and both CSRs, registers the person and
 * issues the authentication and signature certificates, all in one transaction.
 *
 * @param ctx - node context
 * @param input - demographic data
 * @param csrs - the wallet's two CSRs
 * @param officer - the registration officer
 * @throws EidError EID_PERSON_DUPLICATE (and the validation codes); PkiError for bad CSRs
 * @example
 * ```ts
 * const r = await enrolPerson(ctx, { givenNames: 'Juan', familyName: 'Dela Cruz', birthDate: '1985-02-01' }, wallet.csrs, 'officer-1');
 * console.log(r.person.nationalId, r.certificates.signature.serial);
 * ```
 */
export async function enrolPerson(
  ctx: EidContext,
  input: PersonInput,
  csrs: CsrPair,
  officer: Officer,
): Promise<IssuanceResult> {
  const now = ctx.clock();
  const data = normalisePerson(input, ctx.identity.country, now);
  const keys = proveCsrPair(csrs);
  return withFreshNationalId(ctx.store, async (trx, id) => {
    const person = await insertPerson(trx, data, officer, now, id);
    const certificates = await signCitizenPair(ctx, person, keys, now);
    await insertCertificates(trx, id, certificates, officer, now);
    return {
      person,
      personId: personIdentifier(ctx.identity.country, ctx.identity.country, id),
      certificates,
    };
  });
}

/**
 * Issues the two certificates to a registered person who holds none in force (bulk-imported
 * people get their eID this way). A person with certificates in force renews instead.
 *
 * @throws EidError EID_PERSON_NOT_FOUND | EID_INVALID_STATE
 */
export async function issueCertificates(
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
    const inForce = await trx
      .selectFrom('certificate')
      .select('serial')
      .where('national_id', '=', nationalId)
      .where('status', 'in', ['good', 'suspended'])
      .executeTakeFirst();
    if (inForce)
      throw new EidError(
        'EID_INVALID_STATE',
        `person ${nationalId} already holds certificates in force: renew instead`,
      );
    await insertCertificates(trx, nationalId, certificates, officer, now);
  });
  return {
    person,
    personId: personIdentifier(ctx.identity.country, ctx.identity.country, nationalId),
    certificates,
  };
}
