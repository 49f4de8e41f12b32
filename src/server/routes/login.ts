/**
 * Mounts the node's OpenID Connect login service (src/login) into its Fastify application: the
 * provider under `/oidc` (discovery at `/oidc/.well-known/openid-configuration`), handed the raw
 * request with its body unread, and the login pages and wallet API under `/login`. The service
 * (provider, signing key, tables) is created on the first login request, so an application
 * that never logs anyone in pays nothing for it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerInteractionRoutes, sendError } from '../../login/interaction_routes.js';
import type { LoginServiceRef } from '../../login/interaction_routes.js';
import type { LoginOptions, LoginService } from '../../login/service.js';
import { registerWalletRoutes } from '../../login/wallet_routes.js';
import { httpStatus } from '../errors.js';
import { registerProxyRoutes } from '../../login/proxy_routes.js';
import type { NodeContext } from '../../node/context.js';
import type { OcspService } from '../../node/ocsp_service.js';

/** Largest login form accepted (bytes). */
const FORM_LIMIT = 32 * 1024;
/** Path of the login pages. */
const PAGES = '/login';

/** The registered login service. */
export interface LoginRoutes {
  /** The issuer (`<base>/oidc`). */
  issuer: string;
  /** The service (created on first call). */
  service: LoginServiceRef;
}

function mountProvider(app: FastifyInstance, issuer: string, get: LoginServiceRef): void {
  const prefix = new URL(issuer).pathname.replace(/\/+$/, '');
  let handle: ((req: FastifyRequest['raw'], res: FastifyReply['raw']) => void) | undefined;
  const forward = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    let svc: LoginService;
    try {
      svc = await get();
    } catch (e) {
      sendError(reply, e, undefined, httpStatus);
      return;
    }
    handle ??= svc.provider.callback();
    void reply.hijack();
    // The provider routes relative to its issuer path (as a mount would strip it) and reads the
    // mount path back from `originalUrl` when it builds its own URLs.
    const raw = req.raw as typeof req.raw & { originalUrl?: string };
    raw.originalUrl = raw.url;
    raw.url = raw.url!.slice(prefix.length) || '/';
    handle(req.raw, reply.raw);
  };
  void app.register(async (scoped) => {
    // Leave every body unread: the provider parses its own (form, JSON) from the raw stream.
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scoped.all(prefix, forward);
    scoped.all(`${prefix}/*`, forward);
  });
}

function mountPages(app: FastifyInstance, get: LoginServiceRef): void {
  void app.register(async (scoped) => {
    scoped.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    registerInteractionRoutes(scoped, get, PAGES, httpStatus);
    registerWalletRoutes(scoped, get, PAGES, httpStatus);
    registerProxyRoutes(scoped, get, PAGES, httpStatus);
  });
}

/**
 * Registers the login service on the node's application (before `ready()`).
 *
 * @param app - the node's Fastify application
 * @param node - the open node
 * @param ocsp - its OCSP service (eID revocation answered in-process)
 * @param options - base URL, rate limits, federation
 * @example
 * ```ts
 * registerLoginRoutes(app, node, ocsp);
 * ```
 */
export function registerLoginRoutes(
  app: FastifyInstance,
  node: NodeContext,
  ocsp: OcspService,
  options: LoginOptions = {},
): LoginRoutes {
  const base = (options.baseUrl ?? node.config.baseUrl).replace(/\/+$/, '');
  let created: Promise<LoginService> | undefined;
  const service: LoginServiceRef = () => {
    if (!created) {
      created = import('../../login/service.js').then((m) => m.createLoginService(node, ocsp, options));
      // A failed start (store unreachable) is retried by the next request.
      created.catch(() => (created = undefined));
    }
    return created;
  };
  mountProvider(app, `${base}/oidc`, service);
  mountPages(app, service);
  return { issuer: `${base}/oidc`, service };
}
