/**
 * The login service of one node: the OpenID provider plus what the login pages need (eID
 * verifier with the node's root and in-process OCSP, CSRF tokens, rate limiter, the
 * cross-border directory). Built once per HTTP application.
 */
import type { Provider } from 'oidc-provider';
import { LoginError } from './errors.js';
import type { NodeContext } from '../node/context.js';
import type { OcspService } from '../node/ocsp_service.js';
import { currentCrl } from '../eid/crl_publisher.js';
import { eidContextOf } from '../node/eid_context.js';
import type { RevocationFetcher } from '../signature/revocation_fetcher.js';
import type { Store } from '../store/database.js';
import type { EidVerifier } from './eid_authentication.js';
import { loginKeys } from './keys.js';
import type { LoginKey } from './keys.js';
import { nodeFederation } from './federation.js';
import { createProvider } from './provider.js';
import type { PeerClients } from './provider.js';
import { RateLimiter } from './rate_limit.js';
import type { AttemptLimiter, RateLimitOptions } from './rate_limit.js';
import { ensureLoginSchema } from './schema.js';
import { CsrfTokens, loginSecret } from './secrets.js';
import { CHALLENGE_TTL_MS } from './challenge.js';

/** A member country another node can send its citizens to (part 4, cross-border login). */
export interface PeerNode {
  country: string;
  name: string;
  /** Its OpenID issuer. */
  issuer: string;
}

/** The federation as the login service sees it: trusted member nodes found through the trust lists. */
export interface Federation extends PeerClients {
  /** The member nodes other than this one. */
  peers(): Promise<PeerNode[]>;
}

/** Options of {@link createLoginService}. */
export interface LoginOptions {
  /** The public base URL (default `node.json` baseUrl); the issuer is `<base>/oidc`. */
  baseUrl?: string;
  rateLimit?: RateLimitOptions;
  /** Takes the place of a limiter of this process built from `rateLimit` (a cluster's shared one). */
  limiter?: AttemptLimiter;
  /** How long a challenge may be answered (default 2 minutes). */
  challengeTtlMs?: number;
  /** Clock of challenges and certificate checks (default the node's). */
  clock?: () => Date;
  federation?: Federation;
  /** Base URL of the TLS client-certificate listener (tls_listener.ts), shown on the login page. */
  tlsLoginUrl?: string;
}

/** The login service of a node. */
export interface LoginService {
  provider: Provider;
  issuer: string;
  /** Public base URL of the node (no trailing slash). */
  base: string;
  country: string;
  nodeName: string;
  store: Store;
  verifier: EidVerifier;
  csrf: CsrfTokens;
  limiter: AttemptLimiter;
  clock: () => Date;
  challengeTtlMs: number;
  /** Path of the login pages. */
  interactionPath: string;
  federation?: Federation;
  /** Signs as this node (cross-border client authentication). */
  node: NodeContext;
  /** The current ID-token key (also signs the proxy's client assertions). */
  signingKey: LoginKey;
  tlsLoginUrl?: string;
}

/**
 * Answers for the node's own certificates in-process: OCSP for eID certificates (RFC 6960), the
 * root's CRL for the eID CA (RFC 5280 §5). Nothing else is asked for a login.
 */
function ownRevocation(node: NodeContext, ocsp: OcspService): RevocationFetcher {
  const base = node.config.baseUrl.replace(/\/+$/, '');
  const eid = eidContextOf(node);
  return {
    async ocsp(url, requestDer) {
      if (url !== `${base}/ocsp`)
        throw new LoginError('LOGIN_EID_STATUS_UNKNOWN', `not this node's responder: ${url}`);
      return (await ocsp.respond(requestDer)).der;
    },
    crl(url) {
      if (url === `${base}/crl/root.crl`) return currentCrl(eid, 'root', node.root);
      if (url === `${base}/crl/eid-ca.crl`) return currentCrl(eid, 'eid-ca', node.eidCa);
      return Promise.reject(new LoginError('LOGIN_EID_STATUS_UNKNOWN', `not this node's CRL: ${url}`));
    },
  };
}

/**
 * Creates the login service of a node.
 *
 * @param node - the open node
 * @param ocsp - its OCSP service (revocation answered in-process)
 * @param options - base URL, rate limits, challenge lifetime, federation
 * @example
 * ```ts
 * const login = await createLoginService(node, ocspServiceOf(node));
 * ```
 */
export async function createLoginService(
  node: NodeContext,
  ocsp: OcspService,
  options: LoginOptions = {},
): Promise<LoginService> {
  await ensureLoginSchema(node.store);
  const base = (options.baseUrl ?? node.config.baseUrl).replace(/\/+$/, '');
  const issuer = `${base}/oidc`;
  const clock = options.clock ?? node.clock;
  const keys = await loginKeys({ store: node.store, keys: node.serviceKeys, clock });
  const secret = await loginSecret(node.store);
  const interactionPath = '/login';
  const federation = options.federation ?? nodeFederation(node);
  const provider: Provider = createProvider({
    issuer,
    country: node.config.country,
    store: node.store,
    keyStore: node.serviceKeys,
    keys,
    cookieSecret: secret,
    interactionPath,
    ...(federation ? { peers: federation } : {}),
  });
  return {
    provider,
    issuer,
    base,
    country: node.config.country,
    nodeName: node.config.name,
    store: node.store,
    verifier: {
      country: node.config.country,
      anchors: [node.root.certificate.der],
      pool: [node.eidCa.certificate.der],
      fetcher: ownRevocation(node, ocsp),
      store: node.store,
      clock,
      ...(ocsp.seen ? { seen: ocsp.seen } : {}),
    },
    csrf: new CsrfTokens(secret),
    limiter: options.limiter ?? new RateLimiter(options.rateLimit),
    clock,
    challengeTtlMs: options.challengeTtlMs ?? CHALLENGE_TTL_MS,
    interactionPath,
    ...(federation ? { federation } : {}),
    node,
    signingKey: keys[0]!,
    ...(options.tlsLoginUrl ? { tlsLoginUrl: options.tlsLoginUrl.replace(/\/+$/, '') } : {}),
  };
}
