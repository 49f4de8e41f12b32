/**
 * The wallet's side door (`/login/wallet/:cid`): the CLI wallet, on any device, fetches the
 * challenge a login page shows and posts its signed response; the browser then continues.
 * JSON in and out; refusals are `{error: {code, message}}` with the code's status.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LIB_ERRORS, TrustbridgeError } from '../lib/errors.js';
import { loginHttpStatus } from './http_status.js';
import type { HttpStatusOf } from './http_status.js';
import { checkChallenge, findChallenge } from './challenge.js';
import { acceptWalletResponse } from './interaction_routes.js';
import type { LoginServiceRef } from './interaction_routes.js';
import { LoginError } from './errors.js';

function sendJsonError(reply: FastifyReply, e: unknown, statusOf: HttpStatusOf): FastifyReply {
  if (e instanceof TrustbridgeError) {
    const status = statusOf(e.code);
    return reply.status(status).send({ error: { code: e.code, message: e.message } });
  }
  reply.log.error({ err: e }, 'wallet login failed');
  return reply.status(500).send({ error: { code: 'INTERNAL', message: LIB_ERRORS.INTERNAL.text } });
}

/**
 * Registers `GET` and `POST /login/wallet/:cid`.
 *
 * @example
 * ```ts
 * registerWalletRoutes(scoped, () => loginService);
 * ```
 */
export function registerWalletRoutes(
  app: FastifyInstance,
  get: LoginServiceRef,
  p = '/login',
  statusOf: HttpStatusOf = loginHttpStatus,
): void {
  const path = `${p}/wallet/:cid`;
  app.get<{ Params: { cid: string } }>(path, async (req, reply) => {
    try {
      const svc = await get();
      const rec = await findChallenge(svc.store, req.params.cid);
      await checkChallenge(svc.store, rec.cid, rec.challenge, svc.clock());
      void reply.header('cache-control', 'no-store');
      return {
        cid: rec.cid,
        challenge: rec.challenge,
        aud: svc.issuer,
        expiresAt: rec.expiresAt.toISOString(),
      };
    } catch (e) {
      return sendJsonError(reply, e, statusOf);
    }
  });
  app.post<{ Params: { cid: string }; Body: unknown }>(path, { bodyLimit: 32 * 1024 }, async (req, reply) => {
    try {
      const svc = await get();
      await svc.limiter.take(req.ip);
      const body = req.body as { response?: unknown } | null;
      if (typeof body !== 'object' || body === null || typeof body.response !== 'string')
        throw new LoginError('LOGIN_RESPONSE_MALFORMED', 'send {"response": "<compact JWS>"}');
      const { citizen } = await acceptWalletResponse(svc, body.response, { cid: req.params.cid });
      return {
        status: 'authenticated',
        country: citizen.country,
        name: `${citizen.givenName} ${citizen.familyName}`,
        message: 'Logged in: go back to the login page and continue.',
      };
    } catch (e) {
      return sendJsonError(reply, e, statusOf);
    }
  });
}
