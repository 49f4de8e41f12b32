import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { EidError } from './errors.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Database, PersonTable } from '../store/schema.js';
import type { Store } from '../store/database.js';
import type { EidContext, Officer } from './context.js';
import { recordEvent } from './events.js';
import { assertNationalId, generateNationalId } from './national_id.js';
import { screenEnrolment } from './demographic_match.js';
import type { Demographics, Screening } from './demographic_match.js';
import { dedupKey, normalisePerson } from './person.js';
import type { Person, PersonData, PersonInput } from './person.js';
import {
  insertPersonRows,
  insertReviewRow,
  selectPendingReviewOf,
  listPersonCertificates,
  lockAndSelectPersonsBornOn,
  selectPersonRow,
} from './register_store/index.js';
import type { DemographicRow, PersonCertificateRow } from './register_store/index.js';

/** Turns a register row into a {@link Person}. */
export function personFromRow(r: PersonTable): Person {
  return {
    nationalId: r.national_id,
    givenNames: r.given_names,
    familyName: r.family_name,
    birthDate: r.birth_date,
    placeOfBirth: r.place_of_birth,
    sex: r.sex as Person['sex'],
    nationality: r.nationality,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

/**
 * The compared attributes of a register row, as screening takes them.
 *
 * @param r - a row of `selectPersonsBornOn`
 * @example
 * ```ts
 * const registered = (await selectPersonsBornOn(trx, [day])).map(demographicsFromRow);
 * ```
 */
export function demographicsFromRow(r: DemographicRow): Demographics & { nationalId: string } {
  return {
    nationalId: r.national_id,
    givenNames: r.given_names,
    familyName: r.family_name,
    birthDate: r.birth_date,
    placeOfBirth: r.place_of_birth,
    sex: r.sex as Person['sex'],
  };
}

/**
 * The eIDAS minimum data set person identifier `CC/DD/id` (Implementing Regulation (EU)
 * 2015/1501, Annex §1): issuing country, destination country, national identifier.
 */
export function personIdentifier(country: string, destination: string, nationalId: string): string {
  return `${country}/${destination}/${nationalId}`;
}

/**
 * Screens an enrolment in the caller's transaction against the people born on its birth date
 * (unknown place of birth or sex is unknown, not different; see `demographic_match.ts`). The
 * day is locked first, so a concurrent enrolment of the same person waits and then sees this one.
 *
 * @param trx - open transaction
 * @param engine - the store's engine
 * @param data - the enrolment
 * @example
 * ```ts
 * const s = await screenPerson(trx, store.engine, data);
 * ```
 */
export async function screenPerson(
  trx: Transaction<Database>,
  engine: 'sqlite' | 'postgres',
  data: PersonData,
): Promise<Screening> {
  const rows = await lockAndSelectPersonsBornOn(trx, engine, data.birthDate);
  return screenEnrolment(data, rows.map(demographicsFromRow));
}

/**
 * Inserts a screened person and their register event in the caller's transaction.
 *
 * @returns the registered person
 */
export async function insertPerson(
  trx: Transaction<Database>,
  data: PersonData,
  officer: Officer,
  now: Date,
  nationalId: string,
  detail?: Record<string, unknown>,
): Promise<Person> {
  const row: PersonTable = {
    national_id: nationalId,
    given_names: data.givenNames,
    family_name: data.familyName,
    birth_date: data.birthDate,
    place_of_birth: data.placeOfBirth,
    sex: data.sex,
    nationality: data.nationality,
    dedup_key: dedupKey(data),
    created_at: now.toISOString(),
    created_by: officer,
  };
  await insertPersonRows(trx, [row]);
  await recordEvent(trx, { at: now, officer, action: 'register', nationalId, ...(detail ? { detail } : {}) });
  return personFromRow(row);
}

/** The refusal of an exact demographic duplicate. */
export function duplicate(nationalId: string): EidError {
  return new EidError('EID_PERSON_DUPLICATE', `this person is already registered as ${nationalId}`);
}

/**
 * Stores a near-matching enrolment as a pending review, with a `review-hold` event, in the
 * caller's transaction; the same person data submitted again while that review is pending gets the
 * same review (no second one).
 *
 * @returns the review id
 */
export async function holdEnrolment(
  trx: Transaction<Database>,
  data: PersonData,
  candidates: string[],
  officer: Officer,
  now: Date,
): Promise<string> {
  const person = JSON.stringify(data);
  // The same enrolment submitted again while its review is pending joins that review.
  const pending = await selectPendingReviewOf(trx, person);
  if (pending) return pending.id;
  const id = randomBytes(8).toString('hex');
  await insertReviewRow(trx, {
    id,
    person,
    candidates: JSON.stringify(candidates),
    submitted_by: officer,
    submitted_at: now.toISOString(),
    status: 'pending',
    decided_by: null,
    decided_at: null,
    reason: null,
    national_id: null,
  });
  await recordEvent(trx, { at: now, officer, action: 'review-hold', detail: { review: id, candidates } });
  return id;
}

/**
 * Registers `data` as a new person and runs `fn` in the same transaction, unless screening
 * finds an exact duplicate (refused) or near matches (the enrolment is stored for review, that
 * is committed, and the caller gets EID_ENROLMENT_HELD naming the review).
 *
 * @param ctx - node context
 * @param data - normalised person data
 * @param officer - who enrols
 * @param now - the time of the enrolment
 * @param fn - what else the enrolment does with the new person (issuing certificates)
 * @throws EidError EID_PERSON_DUPLICATE | EID_ENROLMENT_HELD
 * @example
 * ```ts
 * const person = await enrolScreened(ctx, data, 'officer-1', new Date(), async (_trx, p) => p);
 * ```
 */
export async function enrolScreened<T>(
  ctx: EidContext,
  data: PersonData,
  officer: Officer,
  now: Date,
  fn: (trx: Transaction<Database>, person: Person) => Promise<T>,
): Promise<T> {
  type Outcome = { held: false; value: T } | { held: true; review: string; candidates: string[] };
  const out = await withFreshNationalId(ctx.store, async (trx, id): Promise<Outcome> => {
    const s = await screenPerson(trx, ctx.store.engine, data);
    if (s.kind === 'duplicate') throw duplicate(s.nationalId);
    if (s.kind === 'near') {
      const review = await holdEnrolment(trx, data, s.candidates, officer, now);
      return { held: true, review, candidates: s.candidates };
    }
    return { held: false, value: await fn(trx, await insertPerson(trx, data, officer, now, id)) };
  });
  if (!out.held) return out.value;
  throw new EidError(
    'EID_ENROLMENT_HELD',
    `held for review ${out.review}: nearly matches ${out.candidates.join(', ')}; not registered`,
  );
}

/**
 * Runs `fn` with a freshly drawn national identifier in one transaction, drawing again when the
 * identifier collides with an existing one (the unique key decides, so it is race-free), and
 * reporting a demographic duplicate that a concurrent enrolment created.
 */
export async function withFreshNationalId<T>(
  store: Store,
  fn: (trx: Transaction<Database>, id: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const id = generateNationalId();
    try {
      return await store.transaction((trx) => fn(trx, id));
    } catch (e) {
      if (isUniqueViolation(e, 'dedup_key'))
        throw new EidError('EID_PERSON_DUPLICATE', 'this person is already registered');
      if (attempt < 8 && isUniqueViolation(e, 'national_id')) continue;
      throw e;
    }
  }
}

/**
 * Registers a person (no keys, no certificates).
 *
 * @throws EidError EID_PERSON_DUPLICATE | EID_ENROLMENT_HELD (and the validation codes)
 * @param ctx - node context
 * @param input - demographic data
 * @param officer - the registration officer
 * @example
 * ```ts
 * const p = await registerPerson(ctx, { givenNames: 'Juan', familyName: 'Dela Cruz', birthDate: '1985-02-01' }, 'officer-1');
 * ```
 */
export async function registerPerson(ctx: EidContext, input: PersonInput, officer: Officer): Promise<Person> {
  const data = normalisePerson(input, ctx.identity.country, ctx.clock());
  return enrolScreened(ctx, data, officer, ctx.clock(), async (_trx, p) => p);
}

/**
 * Looks a person up by national identifier.
 *
 * @throws EidError EID_INVALID_NATIONAL_ID | EID_PERSON_NOT_FOUND
 */
export async function getPerson(store: Store, nationalId: string): Promise<Person> {
  assertNationalId(nationalId);
  const row = await selectPersonRow(store, nationalId);
  if (!row) throw new EidError('EID_PERSON_NOT_FOUND', `no person ${nationalId}`);
  return personFromRow(row);
}

/**
 * A person and their certificates in issuance order (what an operator looks at).
 *
 * @param store - the node store
 * @param nationalId - the person
 * @throws EidError EID_INVALID_NATIONAL_ID | EID_PERSON_NOT_FOUND
 * @example
 * ```ts
 * const { person, certificates } = await getPersonWithCertificates(store, '492817365021');
 * ```
 */
export async function getPersonWithCertificates(
  store: Store,
  nationalId: string,
): Promise<{ person: Person; certificates: PersonCertificateRow[] }> {
  const person = await getPerson(store, nationalId);
  const certificates = await listPersonCertificates(store, person.nationalId);
  return { person, certificates };
}
