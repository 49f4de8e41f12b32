/**
 * The cross-border proxy (issue 5 part 4). A citizen of another member country, at this node's
 * login page, picks their country: the proxy sends them to their home node as an OpenID Connect
 * client (PKCE S256, state, nonce), the home node authenticates their eID and returns an ID
 * token, the proxy verifies it and maps the eIDAS attributes (the identifier becomes
 * `CC/<this country>/id`). The relying party only ever sees this node.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Interaction } from 'oidc-provider';
import { LOA } from './eid_authentication.js';
import type { AuthenticatedCitizen, LevelOfAssurance } from './eid_authentication.js';
import { LoginError } from './errors.js';
import { proxyRedirectUri } from './federation.js';
import { clientAssertion, discoverPeer, exchangeCode, verifyIdToken } from './peer_client.js';
import { findProxyState, insertProxyState, takeProxyState } from './store/index.js';
import type { LoginService } from './service.js';

/** How long the citizen may take at their home node. */
const STATE_TTL_S = 600;
const SCOPE = 'openid profile eidas';

/** What the proxy remembers between the redirect out and the return. */
interface ProxyState {
  uid: string;
  country: string;
  issuer: string;
  nonce: string;
  verifier: string;
}

const random = (): string => randomBytes(32).toString('base64url');

async function saveState(svc: LoginService, state: string, s: ProxyState): Promise<void> {
  await insertProxyState(
    svc.store,
    state,
    JSON.stringify(s),
    s.uid,
    new Date(Date.now() + STATE_TTL_S * 1000).toISOString(),
  );
}

/**
 * The interaction a proxy `state` belongs to (without using it up), for the callback's redirect.
 *
 * @throws LoginError LOGIN_INTERACTION_UNKNOWN
 */
export async function proxyStateUid(svc: LoginService, state: unknown): Promise<string> {
  if (typeof state !== 'string' || state.length > 128)
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'no state');
  const row = await findProxyState(svc.store, state);
  if (!row?.uid || (row.expires_at ?? '') <= new Date().toISOString())
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'unknown or expired state');
  return row.uid;
}

/** Takes the state (single use: a replayed callback finds nothing). */
async function takeState(svc: LoginService, state: string, uid: string): Promise<ProxyState> {
  const { row, deleted } = await takeProxyState(svc.store, state);
  if (!row || !deleted || (row.expires_at ?? '') <= new Date().toISOString())
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'unknown, used or expired state');
  const s = JSON.parse(row.payload) as ProxyState;
  if (s.uid !== uid) throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'the state belongs to another login');
  return s;
}

/**
 * Starts a login at a foreign citizen's home node and returns where to send the browser.
 *
 * @throws LoginError LOGIN_COUNTRY_UNKNOWN | LOGIN_UPSTREAM_FAILED
 * @example
 * ```ts
 * reply.redirect(await startProxyLogin(svc, details, 'PH'), 303);
 * ```
 */
export async function startProxyLogin(
  svc: LoginService,
  details: Interaction,
  country: string,
): Promise<string> {
  const peer = (await svc.federation?.peers())?.find((p) => p.country === country);
  if (!peer)
    throw new LoginError('LOGIN_COUNTRY_UNKNOWN', `${country} is not a trusted member with a login service`);
  const meta = await discoverPeer(peer.issuer);
  const state = random();
  const s: ProxyState = {
    uid: details.uid,
    country,
    issuer: peer.issuer,
    nonce: random(),
    verifier: random(),
  };
  await saveState(svc, state, s);
  const url = new URL(meta.authorization_endpoint);
  const params = {
    client_id: svc.issuer,
    redirect_uri: proxyRedirectUri(svc.issuer),
    response_type: 'code',
    scope: SCOPE,
    state,
    nonce: s.nonce,
    code_challenge: createHash('sha256').update(s.verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

function text(p: Record<string, unknown>, name: string): string {
  const v = p[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > 256)
    throw new LoginError('LOGIN_UPSTREAM_TOKEN_INVALID', `the ID token has no ${name}`);
  return v;
}

/** Maps the home node's claims to the citizen, checking they describe a citizen of `country` for us. */
export function citizenFromClaims(
  p: Record<string, unknown>,
  country: string,
  destination: string,
): AuthenticatedCitizen {
  const id = /^([A-Z]{2})\/([A-Z]{2})\/([A-Za-z0-9._-]{1,64})$/.exec(text(p, 'person_identifier'));
  if (!id || id[1] !== country || id[2] !== destination || text(p, 'issuing_country') !== country)
    throw new LoginError(
      'LOGIN_UPSTREAM_TOKEN_INVALID',
      `the person identifier is not ${country}/${destination}/…`,
    );
  const acr = p['acr'];
  if (!Object.values(LOA).includes(acr as LevelOfAssurance))
    throw new LoginError('LOGIN_UPSTREAM_TOKEN_INVALID', 'no eIDAS level of assurance (acr)');
  const amr = Array.isArray(p['amr']) ? p['amr'].filter((x): x is string => typeof x === 'string') : [];
  return {
    country,
    nationalId: id[3]!,
    givenName: text(p, 'given_name'),
    familyName: text(p, 'family_name'),
    birthDate: text(p, 'birthdate'),
    acr: acr as LevelOfAssurance,
    amr,
    evidence: text(p, 'sub'),
  };
}

/**
 * Completes a proxied login from the home node's answer (the callback's query).
 *
 * @throws LoginError LOGIN_INTERACTION_UNKNOWN | LOGIN_UPSTREAM_FAILED | LOGIN_UPSTREAM_TOKEN_INVALID
 */
export async function completeProxyLogin(
  svc: LoginService,
  uid: string,
  query: Record<string, string | undefined>,
): Promise<AuthenticatedCitizen> {
  const s = await takeState(svc, query['state'] ?? '', uid);
  if (query['error'])
    throw new LoginError('LOGIN_UPSTREAM_FAILED', `${query['error']}: ${query['error_description'] ?? ''}`);
  if (!query['code']) throw new LoginError('LOGIN_UPSTREAM_FAILED', 'no code');
  const meta = await discoverPeer(s.issuer);
  const tokens = await exchangeCode(meta, {
    grant_type: 'authorization_code',
    code: query['code'],
    redirect_uri: proxyRedirectUri(svc.issuer),
    code_verifier: s.verifier,
    client_id: svc.issuer,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await clientAssertion(svc.node.serviceKeys, svc.signingKey, svc.issuer, meta.issuer),
  });
  const claims = await verifyIdToken(meta, tokens['id_token'], {
    issuer: s.issuer,
    audience: svc.issuer,
    nonce: s.nonce,
  });
  return citizenFromClaims(claims, s.country, svc.country);
}
