import { createHash } from 'node:crypto';
import { EidError } from './errors.js';

/** Sex as recorded in the register (ICAO 9303: F, M, or X for unspecified). */
export type Sex = 'F' | 'M' | 'X';

/** Demographic data of a person, as an officer enters it. */
export interface PersonInput {
  givenNames: string;
  familyName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  placeOfBirth?: string;
  sex?: string;
  /** ISO 3166-1 alpha-2; defaults to the node's country. */
  nationality?: string;
}

/** A validated, normalised person record (without the national identifier). */
export interface PersonData {
  givenNames: string;
  familyName: string;
  birthDate: string;
  placeOfBirth: string;
  sex: Sex;
  nationality: string;
}

/** A registered person. */
export interface Person extends PersonData {
  nationalId: string;
  createdAt: string;
  createdBy: string;
}

// Letters and marks of any script, spaces, hyphen, apostrophe and full stop: what civil registers allow.
const NAME_RE = /^[\p{L}\p{M}][\p{L}\p{M} .'\u2019-]*$/u;

// Places may carry digits and list punctuation ("Barangay 12, Quezon City").
const PLACE_RE = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} .,'()/\u2019-]*$/u;

function cleanName(
  field: string,
  value: string | undefined,
  required: boolean,
  re: RegExp = NAME_RE,
): string {
  const v = (value ?? '').normalize('NFC').trim().replace(/\s+/g, ' ');
  if (v.length === 0) {
    if (required) throw new EidError('EID_INVALID_NAME', `${field} is empty`);
    return '';
  }
  if (v.length > 100) throw new EidError('EID_INVALID_NAME', `${field} is longer than 100 characters`);
  if (!re.test(v)) throw new EidError('EID_INVALID_NAME', `${field} has characters a name cannot have`);
  return v;
}

/**
 * Checks that `s` is a real calendar date `YYYY-MM-DD` between 1900-01-01 and `today`.
 *
 * @param s - the date text
 * @param today - the current date (injected clock)
 * @throws EidError EID_INVALID_DATE
 */
export function assertBirthDate(s: string, today: Date): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== s) {
    throw new EidError(
      'EID_INVALID_DATE',
      `birth date ${JSON.stringify(s)} is not a calendar date YYYY-MM-DD`,
    );
  }
  if (s < '1900-01-01') throw new EidError('EID_INVALID_DATE', `birth date ${s} is before 1900`);
  if (s > today.toISOString().slice(0, 10))
    throw new EidError('EID_INVALID_DATE', `birth date ${s} is in the future`);
}

/**
 * Validates and normalises demographic input.
 *
 * @param input - what the officer entered
 * @param country - the node's country (default nationality)
 * @param today - current date for the birth-date check
 * @example
 * ```ts
 * const p = normalisePerson({ givenNames: 'Maria Clara', familyName: 'Santos', birthDate: '1990-05-17' }, 'PH', new Date());
 * ```
 */
export function normalisePerson(input: PersonInput, country: string, today: Date): PersonData {
  const givenNames = cleanName('given names', input.givenNames, true);
  const familyName = cleanName('family name', input.familyName, true);
  const placeOfBirth = cleanName('place of birth', input.placeOfBirth, false, PLACE_RE);
  assertBirthDate(input.birthDate, today);
  const sex = (input.sex ?? 'X').toUpperCase();
  if (sex !== 'F' && sex !== 'M' && sex !== 'X') throw new EidError('EID_INVALID_SEX');
  const nationality = (input.nationality ?? country).toUpperCase();
  if (!/^[A-Z]{2}$/.test(nationality))
    throw new EidError('EID_INVALID_COUNTRY', `nationality ${nationality} is not ISO 3166-1 alpha-2`);
  return { givenNames, familyName, birthDate: input.birthDate, placeOfBirth, sex, nationality };
}

function fold(s: string): string {
  // Case, accents and punctuation do not make two people different.
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The demographic de-duplication key: SHA-256 over the folded names, birth date, place of
 * birth and sex. Two enrolments with the same key are the same person.
 *
 * @param p - normalised person data
 */
export function dedupKey(p: PersonData): string {
  const material = [fold(p.givenNames), fold(p.familyName), p.birthDate, fold(p.placeOfBirth), p.sex].join(
    '\u0000',
  );
  return createHash('sha256').update(material).digest('hex');
}
