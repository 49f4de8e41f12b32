/**
 * National identifiers: 12 ASCII digits whose last digit is a Verhoeff check digit, shaped like
 * MOSIP's UIN (first digit not 0 or 1, no trivially sequential or repeating patterns).
 *
 * The Verhoeff scheme (J. Verhoeff, "Error Detecting Decimal Codes", 1969) uses the dihedral group
 * D5: it detects every single-digit substitution and every transposition of adjacent digits.
 */
import { randomBytes } from 'node:crypto';
import { EidError } from './errors.js';

/** Multiplication table of the dihedral group D5 (elements 0–4 rotations, 5–9 reflections). */
const D: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

/** Position permutations: row i is the base permutation (row 1) applied i times. */
const P: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Inverse of each element of D5. */
const INV: readonly number[] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/** Length of a national identifier, check digit included. */
const NATIONAL_ID_LENGTH = 12;
/** Shortest run of ascending, descending or identical digits that is rejected. */
const PATTERN_RUN = 4;
/** Give up after this many candidates (only a broken random source gets near it). */
const MAX_ATTEMPTS = 10_000;
/** Give up after this many calls to the random source while drawing one candidate. */
const MAX_DRAWS = 1_000;

const DIGITS = /^[0-9]+$/;

/** Folds `digits` (most significant first) into the D5 accumulator, `offset` positions from the right. */
function verhoeffAccumulate(digits: string, offset: number): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = D[c]![P[(i + offset) % 8]![digit]!]!;
  }
  return c;
}

/**
 * Computes the Verhoeff check digit to append to `digits`.
 *
 * @param digits - one or more ASCII digits, most significant first
 * @returns the check digit, a single ASCII digit
 * @throws EidError `EID_INVALID_NATIONAL_ID` when `digits` is empty or holds a non-digit
 *
 * @example
 * ```ts
 * verhoeffCheckDigit('236'); // '3' → '2363' is valid
 * ```
 */
export function verhoeffCheckDigit(digits: string): string {
  if (typeof digits !== 'string' || !DIGITS.test(digits)) {
    throw new EidError('EID_INVALID_NATIONAL_ID', 'Verhoeff input must be one or more ASCII digits');
  }
  return String(INV[verhoeffAccumulate(digits, 1)]);
}

/** Finds a run of {@link PATTERN_RUN} digits where each step is `step` (+1, -1 or 0). */
function hasRun(digits: string, step: number): boolean {
  let run = 1;
  for (let i = 1; i < digits.length; i++) {
    run = digits.charCodeAt(i) - digits.charCodeAt(i - 1) === step ? run + 1 : 1;
    if (run >= PATTERN_RUN) return true;
  }
  return false;
}

/** Why the first 11 digits are a trivially guessable pattern, or undefined. */
function patternProblem(payload: string): string | undefined {
  if (hasRun(payload, 1)) return `contains ${PATTERN_RUN} or more ascending consecutive digits`;
  if (hasRun(payload, -1)) return `contains ${PATTERN_RUN} or more descending consecutive digits`;
  if (hasRun(payload, 0)) return `contains ${PATTERN_RUN} or more identical digits in a row`;
  return undefined;
}

/** Why `id` is not a valid national identifier, or undefined when it is. */
function nationalIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'national identifier must be a string';
  if (id.length !== NATIONAL_ID_LENGTH || !DIGITS.test(id)) {
    return `national identifier must be exactly ${NATIONAL_ID_LENGTH} ASCII digits`;
  }
  if (id[0] === '0' || id[0] === '1') return 'national identifier must not start with 0 or 1';
  if (verhoeffAccumulate(id, 0) !== 0) return 'national identifier has a wrong Verhoeff check digit';
  const pattern = patternProblem(id.slice(0, NATIONAL_ID_LENGTH - 1));
  return pattern === undefined ? undefined : `national identifier ${pattern}`;
}

/**
 * Tells whether `id` is a well-formed national identifier: exactly 12 ASCII digits, first digit
 * not 0 or 1, a valid Verhoeff check digit, and no run of 4 or more ascending (1234), descending
 * (9876) or identical (5555) digits among the first 11.
 *
 * @param id - candidate identifier
 * @returns true when valid
 *
 * @example
 * ```ts
 * isValidNationalId(generateNationalId()); // true
 * isValidNationalId('123456789012'); // false
 * ```
 */
export function isValidNationalId(id: string): boolean {
  return nationalIdProblem(id) === undefined;
}

/**
 * Throws unless `id` is a well-formed national identifier (see {@link isValidNationalId}).
 *
 * @param id - candidate identifier
 * @throws EidError `EID_INVALID_NATIONAL_ID`, with a message saying which rule failed
 *
 * @example
 * ```ts
 * assertNationalId(req.params.nationalId); // throws EID_INVALID_NATIONAL_ID when malformed
 * ```
 */
export function assertNationalId(id: string): void {
  const problem = nationalIdProblem(id);
  if (problem !== undefined) throw new EidError('EID_INVALID_NATIONAL_ID', problem);
}

/** Draws `count` uniform decimal digits by rejection sampling (bytes 250–255 are discarded). */
function randomDigits(count: number, random: (n: number) => Buffer): string {
  let out = '';
  for (let draws = 0; draws < MAX_DRAWS; draws++) {
    const bytes = random(count * 2);
    for (const byte of bytes) {
      if (byte >= 250) continue;
      out += String(byte % 10);
      if (out.length === count) return out;
    }
  }
  throw new EidError('INTERNAL', 'the random source does not yield usable bytes');
}

/**
 * Generates a random national identifier: 11 uniformly random digits (rejection sampling, so no
 * modulo bias) plus the Verhoeff check digit, redrawn until {@link isValidNationalId} holds.
 * Identifiers are not secret, but must not be guessable from one another, hence a CSPRNG.
 *
 * @param random - source of random bytes, `crypto.randomBytes` by default; inject a seeded one in tests
 * @returns a valid 12-digit national identifier
 * @throws EidError `INTERNAL` when `random` is broken (e.g. keeps returning the same bytes)
 *
 * @example
 * ```ts
 * const id = generateNationalId(); // e.g. '472093618255'
 * ```
 */
export function generateNationalId(random: (n: number) => Buffer = randomBytes): string {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const payload = randomDigits(NATIONAL_ID_LENGTH - 1, random);
    const id = payload + verhoeffCheckDigit(payload);
    if (isValidNationalId(id)) return id;
  }
  throw new EidError(
    'INTERNAL',
    'no valid national identifier after many attempts: is the random source broken?',
  );
}
