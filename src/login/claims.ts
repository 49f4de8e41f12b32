/**
 * Claims of a logged-in citizen: the eIDAS minimum data set for a natural person
 * (Implementing Regulation (EU) 2015/1501, Annex §1: current family name, current first names,
 * date of birth, unique identifier `CC/DD/id`) as OpenID Connect claims (Core §5.1 names where
 * one exists), plus the issuing country. Accounts of this node's citizens are read from the
 * population register; citizens of other countries who came through the cross-border proxy
 * are kept for the session's lifetime in the store.
 */
import { isTrustbridgeError } from '../lib/errors.js';
import { getPerson, personIdentifier } from '../eid/register.js';
import type { Store } from '../store/database.js';
import type { AuthenticatedCitizen } from './eid_authentication.js';
import { loginDb } from './schema.js';

/** Scopes and the claims each releases. */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['given_name', 'family_name', 'birthdate'],
  eidas: ['person_identifier', 'issuing_country'],
} as const;

/** Human names of the claims, for the consent page. */
export const CLAIM_LABELS: Record<string, string> = {
  given_name: 'Given names',
  family_name: 'Family name',
  birthdate: 'Date of birth',
  person_identifier: 'Person identifier (eIDAS)',
  issuing_country: 'Country that issued the eID',
};

/** The released claims of a citizen. */
export interface CitizenClaims {
  sub: string;
  given_name: string;
  family_name: string;
  birthdate: string;
  person_identifier: string;
  issuing_country: string;
  [claim: string]: string;
}

/**
 * The account identifier (`sub`) of a citizen for services of `destination`: the eIDAS
 * identifier `CC/DD/id`.
 *
 * @example
 * ```ts
 * accountIdOf('PH', 'VN', '351993079659'); // 'PH/VN/351993079659'
 * ```
 */
export function accountIdOf(country: string, destination: string, nationalId: string): string {
  return personIdentifier(country, destination, nationalId);
}

/** Splits an account identifier. */
export function parseAccountId(
  sub: string,
): { country: string; destination: string; nationalId: string } | undefined {
  const m = /^([A-Z]{2})\/([A-Z]{2})\/([A-Za-z0-9._-]{1,64})$/.exec(sub);
  return m ? { country: m[1]!, destination: m[2]!, nationalId: m[3]! } : undefined;
}

/**
 * The claims of a citizen for a service of `destination`.
 *
 * @example
 * ```ts
 * claimsOf(citizen, 'VN').person_identifier; // 'PH/VN/351993079659'
 * ```
 */
export function claimsOf(
  c: Pick<AuthenticatedCitizen, 'country' | 'nationalId' | 'givenName' | 'familyName' | 'birthDate'>,
  destination: string,
): CitizenClaims {
  const id = accountIdOf(c.country, destination, c.nationalId);
  return {
    sub: id,
    given_name: c.givenName,
    family_name: c.familyName,
    birthdate: c.birthDate,
    person_identifier: id,
    issuing_country: c.country,
  };
}

/**
 * The claims a request's scopes release (OpenID Connect Core §5.4, with `claims` request
 * parameters off): `sub` and the claims of each requested scope in {@link SCOPE_CLAIMS}. The
 * consent page lists these and no more, so it never promises what the service will not get.
 *
 * @param claims - all the citizen's claims
 * @param scope - the request's `scope` parameter (space-separated)
 * @example
 * ```ts
 * releasedClaims(claims, 'openid profile').person_identifier; // undefined
 * ```
 */
export function releasedClaims(claims: CitizenClaims, scope: string): Partial<CitizenClaims> {
  const byScope: Readonly<Record<string, readonly string[]>> = SCOPE_CLAIMS;
  const wanted = new Set<string>(['sub', ...scope.split(' ').flatMap((s) => byScope[s] ?? [])]);
  return Object.fromEntries(Object.entries(claims).filter(([k]) => wanted.has(k)));
}

const FOREIGN_MODEL = 'ForeignAccount';

/**
 * Keeps a foreign citizen's claims (mapped from their home node's ID token) for `ttlSeconds`.
 *
 * @example
 * ```ts
 * await saveForeignAccount(node.store, claims, 3600);
 * ```
 */
export async function saveForeignAccount(
  store: Store,
  claims: CitizenClaims,
  ttlSeconds: number,
): Promise<void> {
  const row = {
    model: FOREIGN_MODEL,
    id: claims.sub,
    payload: JSON.stringify(claims),
    grant_id: null,
    uid: null,
    user_code: null,
    expires_at: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    consumed_at: null,
  };
  await loginDb(store)
    .insertInto('oidc_payload')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['model', 'id']).doUpdateSet({ payload: row.payload, expires_at: row.expires_at }),
    )
    .execute();
}

/**
 * The claims of account `sub`: from the register for this node's citizens, from the stored
 * foreign accounts otherwise; undefined when unknown.
 *
 * @param store - the node store
 * @param country - this node's country
 * @param sub - the account identifier
 * @param destination - the country of the service asking (for the person identifier)
 * @example
 * ```ts
 * const claims = await accountClaims(node.store, 'PH', 'PH/PH/351993079659', 'PH');
 * ```
 */
export async function accountClaims(
  store: Store,
  country: string,
  sub: string,
  destination: string,
): Promise<CitizenClaims | undefined> {
  const parsed = parseAccountId(sub);
  if (!parsed) return undefined;
  if (parsed.country === country) {
    try {
      const p = await getPerson(store, parsed.nationalId);
      const claims = claimsOf(
        {
          country,
          nationalId: p.nationalId,
          givenName: p.givenNames,
          familyName: p.familyName,
          birthDate: p.birthDate,
        },
        destination,
      );
      return { ...claims, sub };
    } catch (e) {
      if (isTrustbridgeError(e, 'EID_PERSON_NOT_FOUND') || isTrustbridgeError(e, 'EID_INVALID_NATIONAL_ID'))
        return undefined;
      throw e;
    }
  }
  const row = await loginDb(store)
    .selectFrom('oidc_payload')
    .select(['payload', 'expires_at'])
    .where('model', '=', FOREIGN_MODEL)
    .where('id', '=', sub)
    .executeTakeFirst();
  if (!row || (row.expires_at !== null && row.expires_at <= new Date().toISOString())) return undefined;
  return JSON.parse(row.payload) as CitizenClaims;
}
