/**
 * The login pages of the provider's interactions (`/login/:uid`): the login page with a fresh
 * challenge, the signed response and "continue" forms, consent, cancel. Every form carries a
 * CSRF token and must come from the node's own origin; attempts are rate limited; each refusal
 * is a page saying what went wrong, with its stable code.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from 'oidc-provider';
import { LIB_ERRORS, TrustbridgeError } from '../lib/errors.js';
import { loginHttpStatus } from './http_status.js';
import type { HttpStatusOf } from './http_status.js';
import {
  challengeCode,
  checkChallenge,
  consumeChallenge,
  issueChallenge,
  markAnswered,
  takeAnswer,
} from './challenge.js';
import { accountClaims, claimsOf, releasedClaims } from './claims.js';
import { authenticateCertificate } from './eid_authentication.js';
import type { AuthenticatedCitizen } from './eid_authentication.js';
import { LoginError } from './errors.js';
import { errorPage, renderPage } from './html.js';
import type { Page } from './html.js';
import { finishLogin, recordResult, startAbroad } from './login_result.js';
import { consentPage, loginPage } from './pages.js';
import { SCOPES } from './provider.js';
import { destinationOf } from './clients.js';
import type { LoginService } from './service.js';
import { parseWalletResponse } from './wallet_response.js';

type Form = Record<string, string | undefined>;
type Params = { uid: string };

/** Sends a rendered page. */
export function sendPage(reply: FastifyReply, page: Page, status = 200): FastifyReply {
  const r = renderPage(page);
  return reply.status(status).headers(r.headers).send(r.html);
}

/**
 * Sends the page of an error: the code's status and text; internal details stay hidden.
 *
 * @param reply - the reply to send on
 * @param e - anything caught
 * @param back - where the page's "back" link goes
 * @param statusOf - the HTTP status of a code (the server passes its complete map)
 * @example
 * ```ts
 * return sendError(reply, e, `/login/${uid}`);
 * ```
 */
export function sendError(
  reply: FastifyReply,
  e: unknown,
  back?: string,
  statusOf: HttpStatusOf = loginHttpStatus,
): FastifyReply {
  if (e instanceof TrustbridgeError) {
    const status = statusOf(e.code);
    const message = status >= 500 && e.code === 'INTERNAL' ? LIB_ERRORS.INTERNAL.text : e.message;
    return sendPage(reply, errorPage(e.code, message, back), status);
  }
  reply.log.error({ err: e }, 'login failed');
  return sendPage(reply, errorPage('INTERNAL', LIB_ERRORS.INTERNAL.text, back), 500);
}

/** The interaction of the request, which must be `uid` (its cookie proves the browser started it). */
export async function interactionOf(
  svc: LoginService,
  req: FastifyRequest,
  reply: FastifyReply,
  uid: string,
): Promise<Interaction> {
  let details: Interaction;
  try {
    details = await svc.provider.interactionDetails(req.raw, reply.raw);
  } catch (e) {
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', undefined, { cause: e });
  }
  if (details.uid !== uid)
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'the page does not match this browser');
  return details;
}

/** CSRF: the form's token must be the interaction's, and a browser-sent Origin must be ours. */
export function checkForm(svc: LoginService, req: FastifyRequest, uid: string): Form {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== new URL(svc.issuer).origin)
    throw new LoginError('LOGIN_CSRF', `the form was posted from ${origin}`);
  const form = (req.body ?? {}) as Form;
  if (!svc.csrf.verify(uid, form['csrf'])) throw new LoginError('LOGIN_CSRF');
  return form;
}

async function clientName(svc: LoginService, clientId: unknown): Promise<string> {
  const client = typeof clientId === 'string' ? await svc.provider.Client.find(clientId) : undefined;
  return client?.clientName ?? (typeof clientId === 'string' ? clientId : 'the service');
}

async function showLogin(svc: LoginService, reply: FastifyReply, details: Interaction, notice?: string) {
  const c = await issueChallenge(svc.store, details.uid, svc.issuer, svc.clock(), svc.challengeTtlMs);
  return sendPage(
    reply,
    loginPage({
      uid: details.uid,
      csrf: svc.csrf.token(details.uid),
      clientName: await clientName(svc, details.params['client_id']),
      nodeName: svc.nodeName,
      country: svc.country,
      walletUrl: `${svc.base}/login/wallet/${c.cid}`,
      challengeCode: challengeCode(c),
      challenge: c,
      ...(svc.tlsLoginUrl ? { tlsUrl: `${svc.tlsLoginUrl}/login/${details.uid}/tls` } : {}),
      expiresAt: c.expiresAt,
      peers: svc.federation ? await svc.federation.peers() : [],
      ...(notice ? { notice } : {}),
    }),
  );
}

/** The citizen logged in by this interaction's recorded result (consent shown right after login). */
function loggedInBy(details: Interaction): string | undefined {
  const login = details.result?.['login'] as { accountId?: unknown } | undefined;
  return typeof login?.accountId === 'string' ? login.accountId : undefined;
}

/**
 * The consent page: what the service will receive, with the citizen's values (those just
 * authenticated, or the register's for a session's account).
 */
export async function showConsent(
  svc: LoginService,
  reply: FastifyReply,
  details: Interaction,
  citizen?: AuthenticatedCitizen,
) {
  const accountId = loggedInBy(details) ?? details.session?.accountId;
  const client =
    typeof details.params['client_id'] === 'string'
      ? await svc.provider.Client.find(details.params['client_id'])
      : undefined;
  const destination = destinationOf(client, svc.country);
  const claims = !accountId
    ? undefined
    : citizen
      ? { ...claimsOf(citizen, destination), sub: accountId }
      : await accountClaims(svc.store, svc.country, accountId, destination);
  if (!claims) throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'no logged-in citizen');
  return sendPage(
    reply,
    consentPage({
      uid: details.uid,
      csrf: svc.csrf.token(details.uid),
      clientName: client?.clientName ?? client?.clientId ?? 'the service',
      claims: releasedClaims(
        claims,
        typeof details.params['scope'] === 'string' ? details.params['scope'] : '',
      ),
    }),
  );
}

/** Logs the citizen in and shows the consent page in the same interaction (login_result.ts). */
export function finishWithConsent(
  svc: LoginService,
  reply: FastifyReply,
  details: Interaction,
  citizen: AuthenticatedCitizen,
  accountId?: string,
): Promise<FastifyReply> {
  return finishLogin(svc, reply, details, citizen, accountId, (d) => showConsent(svc, reply, d, citizen));
}

/** Verifies a wallet response for interaction `uid` and marks its challenge answered (with `consume`, uses it up). */
export async function acceptWalletResponse(
  svc: LoginService,
  response: unknown,
  expect: { uid?: string; cid?: string; consume?: boolean } = {},
): Promise<{ citizen: AuthenticatedCitizen; cid: string }> {
  const r = parseWalletResponse(typeof response === 'string' ? response : '');
  if (r.aud !== svc.issuer)
    throw new LoginError('LOGIN_CHALLENGE_UNKNOWN', `signed for ${r.aud}, not this node`);
  if (expect.cid !== undefined && r.cid !== expect.cid)
    throw new LoginError('LOGIN_CHALLENGE_UNKNOWN', 'the response is for another challenge');
  const uid = expect.uid;
  const rec = await checkChallenge(svc.store, r.cid, r.challenge, svc.clock());
  if (uid !== undefined && rec.uid !== uid)
    throw new LoginError('LOGIN_CHALLENGE_UNKNOWN', 'the challenge belongs to another login');
  const citizen = await authenticateCertificate(svc.verifier, r.certificate, r.chain);
  if (expect.consume) await consumeChallenge(svc.store, r.cid, svc.clock());
  else await markAnswered(svc.store, r.cid, JSON.stringify(citizen), svc.clock());
  return { citizen, cid: r.cid };
}

type Handler = (
  svc: LoginService,
  req: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
) => Promise<unknown>;

const postResponse: Handler = async (svc, req, reply) => {
  await svc.limiter.take(req.ip);
  const details = await interactionOf(svc, req, reply, req.params.uid);
  const form = checkForm(svc, req, details.uid);
  // Posted by the page itself: the challenge is used up here, nothing waits for a "continue".
  const { citizen } = await acceptWalletResponse(svc, form['response'], { uid: details.uid, consume: true });
  return finishWithConsent(svc, reply, details, citizen);
};

const postContinue: Handler = async (svc, req, reply) => {
  await svc.limiter.take(req.ip);
  const details = await interactionOf(svc, req, reply, req.params.uid);
  checkForm(svc, req, details.uid);
  const answer = await takeAnswer(svc.store, details.uid);
  if (!answer) return showLogin(svc, reply, details, 'Your wallet has not signed the challenge yet.');
  return finishWithConsent(svc, reply, details, JSON.parse(answer) as AuthenticatedCitizen);
};

const postConsent: Handler = async (svc, req, reply) => {
  const details = await interactionOf(svc, req, reply, req.params.uid);
  checkForm(svc, req, details.uid);
  const clientId = String(details.params['client_id']);
  const justLoggedIn = details.prompt.name === 'login' ? loggedInBy(details) : undefined;
  if (justLoggedIn) {
    // Consent on the page shown right after authentication: login and consent go back together.
    const grant = new svc.provider.Grant({ accountId: justLoggedIn, clientId });
    grant.addOIDCScope(requestedScopes(details));
    const to = await recordResult(details, { ...details.result, consent: { grantId: await grant.save() } });
    return reply.redirect(to, 303);
  }
  const accountId = details.session?.accountId;
  if (details.prompt.name !== 'consent' || !accountId)
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'nothing to consent to');
  const grant =
    (details.grantId ? await svc.provider.Grant.find(details.grantId) : undefined) ??
    new svc.provider.Grant({ accountId, clientId });
  const missing = details.prompt.details;
  if (Array.isArray(missing['missingOIDCScope'])) grant.addOIDCScope(missing['missingOIDCScope'].join(' '));
  if (Array.isArray(missing['missingOIDCClaims']))
    grant.addOIDCClaims(missing['missingOIDCClaims'] as string[]);
  const grantId = await grant.save();
  const to = await recordResult(details, { consent: { grantId } }, true);
  return reply.redirect(to, 303);
};

/** The requested scopes the provider offers (what the consent page listed). */
function requestedScopes(details: Interaction): string {
  const requested = String(details.params['scope'] ?? '').split(' ');
  return requested.filter((s) => (SCOPES as readonly string[]).includes(s)).join(' ');
}

const postAbort: Handler = async (svc, req, reply) => {
  const details = await interactionOf(svc, req, reply, req.params.uid);
  checkForm(svc, req, details.uid);
  const to = await recordResult(details, {
    error: 'access_denied',
    error_description: 'the citizen cancelled the login',
  });
  return reply.redirect(to, 303);
};

const postCountry: Handler = async (svc, req, reply) => {
  await svc.limiter.take(req.ip);
  const details = await interactionOf(svc, req, reply, req.params.uid);
  const form = checkForm(svc, req, details.uid);
  return startAbroad(svc, reply, details, form['country']);
};

/** The login service, created on first use (so an application that never logs anyone in pays nothing). */
export type LoginServiceRef = () => Promise<LoginService>;

/** Runs a page handler, turning refusals into error pages. */
function page(get: LoginServiceRef, h: Handler, statusOf: HttpStatusOf) {
  return async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    try {
      return await h(await get(), req, reply);
    } catch (e) {
      const back =
        e instanceof LoginError && e.code !== 'LOGIN_INTERACTION_UNKNOWN'
          ? `/login/${req.params.uid}`
          : undefined;
      return sendError(reply, e, back, statusOf);
    }
  };
}

/**
 * Registers the interaction pages on `app` (which must parse `application/x-www-form-urlencoded`).
 *
 * @example
 * ```ts
 * registerInteractionRoutes(scoped, () => loginService, '/login', httpStatus);
 * ```
 */
export function registerInteractionRoutes(
  app: FastifyInstance,
  get: LoginServiceRef,
  p = '/login',
  statusOf: HttpStatusOf = loginHttpStatus,
): void {
  app.get<{ Params: Params }>(
    `${p}/:uid`,
    page(
      get,
      async (s, req, reply) => {
        const details = await interactionOf(s, req, reply, req.params.uid);
        return details.prompt.name === 'login' && !loggedInBy(details)
          ? showLogin(s, reply, details)
          : showConsent(s, reply, details);
      },
      statusOf,
    ),
  );
  app.post<{ Params: Params }>(`${p}/:uid/response`, page(get, postResponse, statusOf));
  app.post<{ Params: Params }>(`${p}/:uid/continue`, page(get, postContinue, statusOf));
  app.post<{ Params: Params }>(`${p}/:uid/consent`, page(get, postConsent, statusOf));
  app.post<{ Params: Params }>(`${p}/:uid/abort`, page(get, postAbort, statusOf));
  app.post<{ Params: Params }>(`${p}/:uid/country`, page(get, postCountry, statusOf));
}
