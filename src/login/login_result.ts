/**
 * Ends the login step of an interaction: the authenticated citizen becomes the session's
 * account (`sub` = eIDAS identifier), with `acr` and `amr` (OpenID Connect Core §2), and the
 * browser goes back to the provider. Peer nodes of the federation (the cross-border proxy's
 * clients) get their grant at once: the citizen consents at the service's own node, which
 * shows what the service receives.
 */
import type { FastifyReply } from 'fastify';
import type { AnyObject, Interaction } from 'oidc-provider';
import { accountIdOf } from './claims.js';
import type { AuthenticatedCitizen } from './eid_authentication.js';
import { LoginError } from './errors.js';
import { destinationOf } from './clients.js';
import { startProxyLogin } from './proxy.js';
import type { LoginService } from './service.js';

/** Scopes a peer node receives for its relying parties. */
const PEER_SCOPE = 'openid profile eidas';

/**
 * Records `result` on an interaction this request already loaded (and checked against its
 * cookie), as the provider's `interactionResult` does, without loading it a second time; returns
 * where the browser resumes.
 *
 * @example
 * ```ts
 * return reply.redirect(await recordResult(details, { consent: { grantId } }, true), 303);
 * ```
 */
export async function recordResult(details: Interaction, result: AnyObject, merge = false): Promise<string> {
  details.result = merge && !('error' in result) ? { ...details.lastSubmission, ...result } : result;
  await details.save(details.exp - Math.floor(Date.now() / 1000));
  return details.returnTo;
}

/** Shows the consent page of an interaction whose login result is recorded. */
export type ConsentPage = (details: Interaction) => Promise<FastifyReply>;

/**
 * Records the login result. A peer node gets its grant at once and the browser goes back to the
 * provider; for a relying party of this node, with `consent` given, the consent page is shown
 * straight away in the same interaction (one provider round trip instead of two: the consent
 * form then submits login and consent together), otherwise the browser goes back to the provider,
 * which asks for consent in a new interaction.
 *
 * @param accountId - defaults to the citizen's `CC/CC/id` for this node's own citizens
 * @example
 * ```ts
 * return finishLogin(svc, reply, details, citizen);
 * ```
 */
export async function finishLogin(
  svc: LoginService,
  reply: FastifyReply,
  details: Interaction,
  citizen: AuthenticatedCitizen,
  accountId: string = accountIdOf(citizen.country, citizen.country, citizen.nationalId),
  consent?: ConsentPage,
): Promise<FastifyReply> {
  const clientId = String(details.params['client_id']);
  const client = await svc.provider.Client.find(clientId);
  const result: Record<string, unknown> = {
    login: { accountId, acr: citizen.acr, amr: citizen.amr, remember: false },
  };
  const peer = destinationOf(client, svc.country) !== svc.country;
  if (peer) {
    const grant = new svc.provider.Grant({ accountId, clientId });
    grant.addOIDCScope(PEER_SCOPE);
    result['consent'] = { grantId: await grant.save() };
  }
  const to = await recordResult(details, result);
  if (!peer && consent) return consent(details);
  return reply.redirect(to, 303);
}

/**
 * Sends a foreign citizen to their home node (part 4: cross-border login).
 *
 * @throws LoginError LOGIN_COUNTRY_UNKNOWN
 */
export async function startAbroad(
  svc: LoginService,
  reply: FastifyReply,
  details: Interaction,
  country: string | undefined,
): Promise<FastifyReply> {
  if (!svc.federation || !country || !/^[A-Z]{2}$/.test(country) || country === svc.country)
    throw new LoginError('LOGIN_COUNTRY_UNKNOWN', country ?? 'none chosen');
  const to = await startProxyLogin(svc, details, country);
  return reply.redirect(to, 303);
}
