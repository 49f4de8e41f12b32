import type { Transaction } from 'kysely';
import { PkiError } from '../lib/errors.js';
import { EidError } from './errors.js';
import { signCertificate } from '../pki/certificate_builder.js';
import { createHash } from 'node:crypto';
import { nameToString } from '../x509/name_string.js';
import { verifyCsr } from '../pki/csr.js';
import { citizenTemplate } from '../pki/profiles.js';
import type { EidUsage } from '../pki/profiles.js';
import type { Database } from '../store/schema.js';
import { eidCertificateEntry } from '../ledger/entry_certificate.js';
import { enqueueLedgerEntries } from '../ledger/outbox.js';
import type { EidContext, Officer } from './context.js';
import { normalisePerson } from './person.js';
import type { Person, PersonInput } from './person.js';
import { assertNationalId } from './national_id.js';
import { enrolScreened, personFromRow, personIdentifier } from './register.js';
import {
  findCertificateOfKeys,
  insertCertificatesWithEvents,
  selectPersonForIssuance,
  touchPerson,
} from './register_store/index.js';

/** The two CSRs a wallet sends, DER or PEM. */
export interface CsrPair {
  authentication: Uint8Array | string;
  signature: Uint8Array | string;
}

/** A certificate just issued, with the fields the register stores. */
export interface IssuedCertificate {
  usage: EidUsage;
  serial: string;
  der: Buffer;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  spkiSha256: string;
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
  let subject: string | undefined;
  for (const usage of ['authentication', 'signature'] as const) {
    const template = citizenTemplate(ctx.identity, ctx.eidCa.ref, usage, holder, keys[usage], now);
    subject ??= nameToString(template.subject);
    const der = await signCertificate(template, ctx.eidCa.signer);
    // Everything the register stores comes from the template: no need to parse what we just wrote.
    out[usage] = {
      usage,
      serial: template.serial.toString('hex'),
      der,
      subject,
      notBefore: template.notBefore,
      notAfter: template.notAfter,
      spkiSha256: spkiSha256(keys[usage]),
    };
  }
  return out;
}

/** SHA-256 (hex) of a SubjectPublicKeyInfo DER: how the register recognises a key certified before. */
export function spkiSha256(spki: Buffer): string {
  return createHash('sha256').update(spki).digest('hex');
}

/**
 * Refuses keys that were ever certified (for anyone, in any state): a key is certified once, so a
 * revoked or compromised key never comes back.
 *
 * @throws PkiError PKI_CSR_KEY_REUSED
 */
export async function assertKeysUnused(
  trx: Transaction<Database>,
  certs: Record<EidUsage, IssuedCertificate>,
): Promise<void> {
  const hashes = Object.values(certs).map((c) => c.spkiSha256);
  const used = await findCertificateOfKeys(trx, hashes);
  if (used)
    throw new PkiError(
      'PKI_CSR_KEY_REUSED',
      `a CSR carries a key already certified (certificate ${used.serial}): make new keys`,
    );
}

/**
 * Takes the person's row lock for the rest of the transaction (a no-op UPDATE locks the row in
 * PostgreSQL and the database in SQLite), so concurrent lifecycle operations on one person queue.
 */
export async function lockPerson(trx: Transaction<Database>, nationalId: string): Promise<void> {
  if ((await touchPerson(trx, nationalId)) === 0)
    throw new EidError('EID_PERSON_NOT_FOUND', `no person ${nationalId}`);
}

/** The certificates a renewal replaces, by usage (SHA-256 of the DER and serial). */
export type Replaced = Partial<Record<EidUsage, { sha256: string; serial: string }>>;

/**
 * Stores issued certificates, their events and their log entries (`eid-cert-issued`, or
 * `eid-cert-renewed` when `replaced` is given) in the caller's transaction.
 */
export async function insertCertificates(
  trx: Transaction<Database>,
  nationalId: string,
  certs: Record<EidUsage, IssuedCertificate>,
  officer: Officer,
  now: Date,
  engine: 'sqlite' | 'postgres' = 'sqlite',
  replaced?: Replaced,
): Promise<void> {
  const at = now.toISOString();
  const list = Object.values(certs);
  const certRows = list.map((c) => ({
    serial: c.serial,
    issuer_ca: 'eid-ca',
    national_id: nationalId,
    usage: c.usage,
    subject: c.subject,
    not_before: c.notBefore.toISOString(),
    not_after: c.notAfter.toISOString(),
    cert_der: c.der,
    spki_sha256: c.spkiSha256,
    status: 'good' as const,
    status_changed_at: null,
    revocation_reason: null,
    replaced_by: null,
    created_at: at,
  }));
  const eventRows = list.map((c) => ({
    at,
    officer,
    action: 'issue',
    national_id: nationalId,
    serial: c.serial,
    detail: JSON.stringify({ usage: c.usage }),
  }));
  await insertCertificatesWithEvents(trx, certRows, eventRows, engine);
  await enqueueLedgerEntries(
    trx,
    list.map((c) =>
      eidCertificateEntry(
        c.der,
        c.usage,
        replaced
          ? { type: 'eid-cert-renewed', replaces: replaced[c.usage] ? [replaced[c.usage]!] : [] }
          : { type: 'eid-cert-issued' },
        now,
      ),
    ),
  );
}

/**
 * Enrols a person: validates the demographic data and both CSRs, registers the person and
 * issues the authentication and signature certificates, all in one transaction.
 *
 * @param ctx - node context
 * @param input - demographic data
 * @param csrs - the wallet's two CSRs
 * @param officer - the registration officer
 * @throws EidError EID_PERSON_DUPLICATE | EID_ENROLMENT_HELD (and the validation codes); PkiError for bad CSRs
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
  return enrolScreened(ctx, data, officer, now, async (trx, person) => {
    const id = person.nationalId;
    const certificates = await signCitizenPair(ctx, person, keys, now);
    await assertKeysUnused(trx, certificates);
    await insertCertificates(trx, id, certificates, officer, now, ctx.store.engine);
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
  assertNationalId(nationalId);
  const now = ctx.clock();
  const hashes = [spkiSha256(keys.authentication), spkiSha256(keys.signature)];
  return ctx.store.transaction(async (trx) => {
    const person = await personForIssuance(trx, ctx.store.engine, nationalId, hashes);
    const certificates = await signCitizenPair(ctx, person, keys, now);
    await insertCertificates(trx, nationalId, certificates, officer, now, ctx.store.engine);
    return {
      person,
      personId: personIdentifier(ctx.identity.country, ctx.identity.country, nationalId),
      certificates,
    };
  });
}

/**
 * Reads and locks the person and checks, in the same round trip, that they hold no certificate
 * in force and that neither key was certified before.
 */
async function personForIssuance(
  trx: Transaction<Database>,
  engine: 'sqlite' | 'postgres',
  nationalId: string,
  keyHashes: string[],
): Promise<Person> {
  const row = await selectPersonForIssuance(trx, engine, nationalId, keyHashes);
  if (!row) throw new EidError('EID_PERSON_NOT_FOUND', `no person ${nationalId}`);
  if (row.in_force) {
    throw new EidError(
      'EID_INVALID_STATE',
      `person ${nationalId} already holds certificates in force: renew instead`,
    );
  }
  if (row.key_used) {
    throw new PkiError(
      'PKI_CSR_KEY_REUSED',
      `a CSR carries a key already certified (certificate ${row.key_used}): make new keys`,
    );
  }
  return personFromRow(row);
}
