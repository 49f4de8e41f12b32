/**
 * Demographic comparison of two enrolments born on the same day. A missing place of birth or
 * an unspecified sex ('X') is unknown, not different: only attributes both records know can
 * tell two people apart. Names decide between a duplicate (equal after folding), a near match
 * an officer must look at (typos, reordered or swapped names, transliterations) and a
 * different person.
 */
import type { PersonData } from './person.js';

/** The attributes de-duplication compares. */
export type Demographics = Pick<
  PersonData,
  'givenNames' | 'familyName' | 'birthDate' | 'placeOfBirth' | 'sex'
>;

/** How an enrolment relates to a registered person. */
export type MatchKind = 'exact' | 'near' | 'different';

/**
 * Folds a name or place for comparison: compatibility decomposition, accents dropped, lower
 * case, every run of punctuation and spacing one space.
 *
 * @param s - the text
 * @example
 * ```ts
 * foldText(' Santós-Reyes '); // 'santos reyes'
 * ```
 */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Letters NFKD leaves whole; registers in different countries write them as these Latin spellings.
const TRANSLITERATION: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

/**
 * {@link foldText}, then the transliterations of letters without a decomposition (ß→ss, æ→ae,
 * ø→o, đ→d, ł→l, …), so two spellings of one name compare equal.
 *
 * @param s - the text
 * @example
 * ```ts
 * transliterate('Łukasz Groß'); // 'lukasz gross'
 * ```
 */
export function transliterate(s: string): string {
  return transliterateFolded(foldText(s));
}

/**
 * Damerau-Levenshtein distance (optimal string alignment: insertions, deletions,
 * substitutions and transpositions of neighbours), stopping early above `max`.
 *
 * @param a - first string
 * @param b - second string
 * @param max - the largest distance of interest
 * @returns the distance, or `max + 1` when it is larger than `max`
 * @example
 * ```ts
 * editDistance('santos', 'satnos', 2); // 1
 * ```
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  let prev2 = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(cols).fill(0);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/** A person's attributes folded once for comparison. */
interface Folded {
  birthDate: string;
  given: string;
  family: string;
  place: string;
  sex: string;
}

function foldPerson(p: Demographics): Folded {
  return {
    birthDate: p.birthDate,
    given: foldText(p.givenNames),
    family: foldText(p.familyName),
    place: p.placeOfBirth === '' ? '' : foldText(p.placeOfBirth),
    sex: p.sex,
  };
}

// Transliteration of text foldText already folded (no second decomposition).
function transliterateFolded(s: string): string {
  return s.replace(/[ßæœøđðłþı]/gu, (c) => TRANSLITERATION[c] ?? c);
}

function knownConflict(a: Folded, b: Folded): boolean {
  if (a.place !== '' && b.place !== '' && a.place !== b.place) return true;
  return a.sex !== 'X' && b.sex !== 'X' && a.sex !== b.sex;
}

function sortedWords(s: string): string {
  return s.split(' ').sort().join(' ');
}

function namesNear(a: Folded, b: Folded): boolean {
  const ga = transliterateFolded(a.given);
  const fa = transliterateFolded(a.family);
  const gb = transliterateFolded(b.given);
  const fb = transliterateFolded(b.family);
  if (ga === gb && fa === fb) return true;
  // Swapped given and family names, or given names in another order.
  if (ga === fb && fa === gb) return true;
  if (sortedWords(`${ga} ${fa}`) === sortedWords(`${gb} ${fb}`)) return true;
  // One name the same, the other a typo or two away.
  if (fa === fb && editDistance(ga, gb, 2) <= 2) return true;
  return ga === gb && editDistance(fa, fb, 2) <= 2;
}

function compareFolded(a: Folded, b: Folded): MatchKind {
  if (a.birthDate !== b.birthDate || knownConflict(a, b)) return 'different';
  if (a.given === b.given && a.family === b.family) return 'exact';
  return namesNear(a, b) ? 'near' : 'different';
}

/**
 * Compares an enrolment with a registered person born on the same day: `exact` when the
 * folded names are equal and every attribute both know agrees (a duplicate), `near` when the
 * known attributes agree and the names are a near match (held for an officer), else
 * `different`.
 *
 * @param a - the enrolment
 * @param b - a registered person with the same birth date
 * @example
 * ```ts
 * const base = { givenNames: 'Maria Clara', familyName: 'Santos', birthDate: '1990-05-17', nationality: 'PH' };
 * compareDemographics({ ...base, placeOfBirth: '', sex: 'X' }, { ...base, placeOfBirth: 'Manila', sex: 'F' }); // 'exact'
 * ```
 */
export function compareDemographics(a: Demographics, b: Demographics): MatchKind {
  return compareFolded(foldPerson(a), foldPerson(b));
}

/** The outcome of screening an enrolment against the people born on its birth date. */
export type Screening =
  { kind: 'new' } | { kind: 'duplicate'; nationalId: string } | { kind: 'near'; candidates: string[] };

/**
 * Screens an enrolment against registered people (those with its birth date): the first exact
 * match makes it a duplicate; otherwise every near match is a candidate for an officer.
 *
 * @param data - the enrolment
 * @param registered - people with the same birth date, with their national identifiers
 * @example
 * ```ts
 * const s = screenEnrolment(data, await selectPersonsBornOn(trx, data.birthDate));
 * ```
 */
export function screenEnrolment(
  data: Demographics,
  registered: readonly (Demographics & { nationalId: string })[],
): Screening {
  const candidates: string[] = [];
  const folded = foldPerson(data);
  for (const r of registered) {
    const kind = compareFolded(folded, foldPerson(r));
    if (kind === 'exact') return { kind: 'duplicate', nationalId: r.nationalId };
    if (kind === 'near') candidates.push(r.nationalId);
  }
  return candidates.length > 0 ? { kind: 'near', candidates } : { kind: 'new' };
}
