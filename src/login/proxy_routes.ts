/**
 * The cross-border proxy's return path: the home node redirects to the fixed, registered
 * `/login/proxy/callback`, which forwards the browser to the interaction's own path (where its
 * interaction cookie is sent); there the code is exchanged, the ID token checked, and the
 * foreign citizen logged in here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accountIdOf, claimsOf, saveForeignAccount } from './claims.js';
import { finishWithConsent, interactionOf, sendError } from './interaction_routes.js';
import { loginHttpStatus } from './http_status.js';
import type { HttpStatusOf } from './http_status.js';
import type { LoginServiceRef } from './interaction_routes.js';
import { LOGIN_TTL } from './provider_ttl.js';
import { completeProxyLogin, proxyStateUid } from './proxy.js';

type Query = Record<string, string | undefined>;

/**
 * Registers `GET /login/proxy/callback` and `GET /login/:uid/proxy`.
 *
 * @example
 * ```ts
 * registerProxyRoutes(scoped, () => loginService);
 * ```
 */
export function registerProxyRoutes(
  app: FastifyInstance,
  get: LoginServiceRef,
  p = '/login',
  statusOf: HttpStatusOf = loginHttpStatus,
): void {
  app.get<{ Querystring: Query }>(`${p}/proxy/callback`, async (req, reply) => {
    try {
      const uid = await proxyStateUid(await get(), req.query['state']);
      const query = new URLSearchParams(req.query as Record<string, string>).toString();
      return reply.redirect(`${p}/${encodeURIComponent(uid)}/proxy?${query}`, 303);
    } catch (e) {
      return sendError(reply, e, undefined, statusOf);
    }
  });
  app.get<{ Params: { uid: string }; Querystring: Query }>(
    `${p}/:uid/proxy`,
    async (req: FastifyRequest<{ Params: { uid: string }; Querystring: Query }>, reply: FastifyReply) => {
      try {
        const svc = await get();
        const details = await interactionOf(svc, req, reply, req.params.uid);
        const citizen = await completeProxyLogin(svc, details.uid, req.query);
        const claims = claimsOf(citizen, svc.country);
        await saveForeignAccount(svc.store, claims, LOGIN_TTL.Session);
        return await finishWithConsent(
          svc,
          reply,
          details,
          citizen,
          accountIdOf(citizen.country, svc.country, citizen.nationalId),
        );
      } catch (e) {
        return sendError(reply, e, `/login/${req.params.uid}`, statusOf);
      }
    },
  );
}
