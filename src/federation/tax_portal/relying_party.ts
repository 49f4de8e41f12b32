/**
 * The tax portal as a relying party of the VN login service, on `openid-client` as any service
 * would be: discovery, the authorization code flow with PKCE S256, state and nonce, the code
 * exchanged with client_secret_basic, the ID token validated (signature, issuer, audience,
 * nonce, expiry), userinfo, and RP-initiated logout.
 */
import * as oidc from 'openid-client';
import { TaxPortalError } from './errors.js';
import type { ClaimSource, LoggedInUser, PendingLogin } from './sessions.js';

/** The portal's registration at the login service (`tax-portal/client.json`). */
export interface TaxPortalClient {
  /** The provider's issuer, e.g. `http://127.0.0.1:8082/oidc`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The portal's callback, e.g. `http://127.0.0.1:8084/callback`. */
  redirectUri: string;
  /** Where the provider sends the browser after logout, e.g. `http://127.0.0.1:8084/logged-out`. */
  postLogoutRedirectUri: string;
}

/** The scopes the portal asks for: the subject, the name and birth date, the eIDAS identifier. */
export const TAX_PORTAL_SCOPE = 'openid profile eidas';

// The texts of the OAuth errors a citizen may meet (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6).
const OAUTH_ERROR_TEXTS: Record<string, string> = {
  access_denied: 'you cancelled the login, or did not allow the portal to receive your data',
  login_required: 'you are not logged in at the eID login service',
  consent_required: 'the eID login service needs your consent',
  interaction_required: 'the eID login service needs you to act on its page',
  temporarily_unavailable: 'the eID login service is temporarily unavailable',
  server_error: 'the eID login service failed',
};

function failure(e: unknown): unknown {
  if (e instanceof TaxPortalError) return e;
  if (e instanceof oidc.AuthorizationResponseError) {
    const text = OAUTH_ERROR_TEXTS[e.error] ?? 'the eID login service refused the request';
    const detail = e.error_description ? ` (${e.error_description})` : '';
    return new TaxPortalError('TAX_PORTAL_LOGIN_REFUSED', `${text}: ${e.error}${detail}`, { cause: e });
  }
  if (e instanceof oidc.ResponseBodyError) {
    const detail = e.error_description ? ` (${e.error_description})` : '';
    return new TaxPortalError('TAX_PORTAL_LOGIN_FAILED', `${e.error}${detail}`, { cause: e });
  }
  if (e instanceof oidc.WWWAuthenticateChallengeError || e instanceof oidc.ClientError)
    return new TaxPortalError('TAX_PORTAL_LOGIN_FAILED', e.message, { cause: e });
  // fetch() failing: refused connection, reset, DNS.
  if (e instanceof TypeError && e.message === 'fetch failed')
    return new TaxPortalError('TAX_PORTAL_PROVIDER_UNREACHABLE', undefined, { cause: e });
  return e;
}

function merge(idToken: Record<string, unknown>, userinfo: Record<string, unknown>): LoggedInUser['sources'] {
  const sources: Record<string, ClaimSource> = {};
  for (const k of Object.keys(idToken)) sources[k] = 'ID token';
  for (const k of Object.keys(userinfo)) sources[k] = sources[k] ? 'ID token, userinfo' : 'userinfo';
  return sources;
}

/**
 * The portal's client of the login service; the provider's metadata is discovered on first use
 * (and again after a failed discovery).
 *
 * @example
 * ```ts
 * const rp = new RelyingParty(client);
 * const { url, pending } = await rp.startLogin();
 * ```
 */
export class RelyingParty {
  readonly client: TaxPortalClient;
  #config: Promise<oidc.Configuration> | undefined;

  /** @param client - the portal's registration */
  constructor(client: TaxPortalClient) {
    this.client = client;
  }

  /**
   * The provider's configuration (discovery document and JWKS location).
   *
   * @throws TaxPortalError TAX_PORTAL_PROVIDER_UNREACHABLE
   */
  configuration(): Promise<oidc.Configuration> {
    this.#config ??= oidc
      .discovery(
        new URL(this.client.issuer),
        this.client.clientId,
        this.client.clientSecret,
        oidc.ClientSecretBasic(this.client.clientSecret),
        // The federation in a box runs on loopback over http; anywhere else the issuer is https.
        this.client.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        this.#config = undefined;
        throw new TaxPortalError('TAX_PORTAL_PROVIDER_UNREACHABLE', this.client.issuer, { cause: e });
      });
    return this.#config;
  }

  /**
   * Starts a login: where to send the browser, and what to keep in its session to finish it.
   *
   * @param now - the clock
   */
  async startLogin(now: number = Date.now()): Promise<{ url: URL; pending: PendingLogin }> {
    const config = await this.configuration();
    const pending: PendingLogin = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      startedAt: now,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.client.redirectUri,
      scope: TAX_PORTAL_SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Finishes a login at the callback: the code exchanged, the ID token validated, userinfo read.
   *
   * @param callbackUrl - the callback's full URL, with the provider's parameters
   * @param pending - what {@link startLogin} kept in the session
   * @throws TaxPortalError TAX_PORTAL_LOGIN_REFUSED (e.g. `access_denied`), TAX_PORTAL_LOGIN_FAILED,
   *   TAX_PORTAL_PROVIDER_UNREACHABLE
   */
  async finishLogin(
    callbackUrl: URL,
    pending: PendingLogin,
    now: number = Date.now(),
  ): Promise<LoggedInUser> {
    try {
      const config = await this.configuration();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = { ...tokens.claims()! } as Record<string, unknown>;
      const userinfo = {
        ...(await oidc.fetchUserInfo(config, tokens.access_token, String(idClaims['sub']))),
      };
      return {
        claims: { ...idClaims, ...userinfo },
        sources: merge(idClaims, userinfo),
        idToken: tokens.id_token!,
        loggedInAt: now,
      };
    } catch (e) {
      throw failure(e);
    }
  }

  /**
   * Where to send the browser to log out at the provider too (RP-initiated logout).
   *
   * @param user - the logged-in user, whose ID token goes as `id_token_hint`
   */
  async logoutUrl(user: LoggedInUser): Promise<URL> {
    const config = await this.configuration();
    return oidc.buildEndSessionUrl(config, {
      id_token_hint: user.idToken,
      post_logout_redirect_uri: this.client.postLogoutRedirectUri,
    });
  }
}
