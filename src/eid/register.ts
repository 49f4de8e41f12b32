import type { Transaction } from 'kysely';
import { EidError } from './errors.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Database, PersonTable } from '../store/schema.js';
import type { Store } from '../store/database.js';
import type { EidContext, Officer } from './context.js';
import { recordEvent } from './events.js';
import { assertNationalId, generateNationalId } from './national_id.js';
import { dedupKey, normalisePerson } from './person.js';
import type { Person, PersonData, PersonInput } from './person.js';
import {
  findPersonByDedupKey,
  insertPersonRows,
  listPersonCertificates,
  selectPersonRow,
} from './register_store/index.js';
import type { PersonCertificateRow } from './register_store/index.js';

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
 * The eIDAS minimum data set person identifier `CC/DD/id` (Implementing Regulation (EU)
 * 2015/1501, Annex §1): issuing country, destination country, national identifier.
 */
export function personIdentifier(country: string, destination: string, nationalId: string): string {
  return `${country}/${destination}/${nationalId}`;
}

/**
 * Inserts a person in the caller's transaction. Refuses a demographic duplicate; retries with
 * a fresh random identifier if the drawn one is taken.
 *
 * @returns the registered person
 * @throws EidError EID_PERSON_DUPLICATE
 */
export async function insertPerson(
  trx: Transaction<Database>,
  data: PersonData,
  officer: Officer,
  now: Date,
  nationalId: string = generateNationalId(),
): Promise<Person> {
  const key = dedupKey(data);
  const existing = await findPersonByDedupKey(trx, key);
  if (existing) throw duplicate(existing.national_id);
  const row: PersonTable = {
    national_id: nationalId,
    given_names: data.givenNames,
    family_name: data.familyName,
    birth_date: data.birthDate,
    place_of_birth: data.placeOfBirth,
    sex: data.sex,
    nationality: data.nationality,
    dedup_key: key,
    created_at: now.toISOString(),
    created_by: officer,
  };
  await insertPersonRows(trx, [row]);
  await recordEvent(trx, { at: now, officer, action: 'register', nationalId });
  return personFromRow(row);
}

function duplicate(nationalId: string): EidError {
  return new EidError('EID_PERSON_DUPLICATE', `this person is already registered as ${nationalId}`);
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
  return withFreshNationalId(ctx.store, (trx, id) => insertPerson(trx, data, officer, ctx.clock(), id));
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
