/**
 * The OpenID Connect provider of a node, on `oidc-provider`: discovery, JWKS, the authorization
 * code flow with PKCE S256 required for every client (RFC 7636; OAuth 2.0 Security BCP §2.1.1),
 * ES256 ID tokens signed in the node's key store, userinfo, RP-initiated logout, no dynamic
 * registration, sessions and grants in the node store. Authentication itself happens on the
 * node's login pages (interaction_routes.ts), which hand the result back to the provider.
 */
import { Provider } from 'oidc-provider';
import type { Adapter, AnyObject, ClientInstance, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Store } from '../store/database.js';
import { LOA } from './eid_authentication.js';
import { SCOPE_CLAIMS, accountClaims } from './claims.js';
import { clientMetadata, destinationOf, secretMatches } from './clients.js';
import { StoreAdapter } from './adapter.js';
import { LOGIN_TTL } from './provider_ttl.js';
import { errorPage, escapeHtml, renderPage } from './html.js';
import type { LoginKey } from './keys.js';
import type { KeyStore } from '../pki/key_store.js';
import { KeyStoreSigningKey } from './signing_key.js';

/** Client metadata of peer nodes (the cross-border proxy's clients), when the node has a federation. */
export interface PeerClients {
  /** Metadata for `clientId` if it names a trusted member node. */
  metadataFor(clientId: string): Promise<AnyObject | undefined>;
  /** True when `url` is the JWKS of a trusted member node (found through the signed trust lists). */
  isPeerJwks(url: string): Promise<boolean>;
}

/** What the provider needs. */
export interface ProviderSetup {
  issuer: string;
  country: string;
  store: Store;
  keyStore: KeyStore;
  keys: readonly LoginKey[];
  /** Signs cookies (oidc-provider cookies.keys). */
  cookieSecret: string;
  /** Path of the interaction pages (`/login`). */
  interactionPath: string;
  peers?: PeerClients;
}

/** The scopes the provider offers. */
export const SCOPES = ['openid', 'profile', 'eidas'] as const;

/** How long a client's metadata is reused (a disabled relying party is refused within this time). */
const CLIENT_CACHE_MS = 5000;

class ClientAdapter implements Adapter {
  readonly #store: Store;
  readonly #peers: PeerClients | undefined;
  // The provider looks a client up several times per request; the register is asked once.
  readonly #cache = new Map<string, { at: number; metadata: AnyObject | undefined }>();
  constructor(store: Store, peers: PeerClients | undefined) {
    this.#store = store;
    this.#peers = peers;
  }
  async find(id: string): Promise<AnyObject | undefined> {
    if (id.length > 512) return undefined;
    const now = Date.now();
    const hit = this.#cache.get(id);
    if (hit && now - hit.at < CLIENT_CACHE_MS) return hit.metadata && structuredClone(hit.metadata);
    const metadata = (await clientMetadata(this.#store, id)) ?? (await this.#peers?.metadataFor(id));
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(id, { at: now, metadata });
    return metadata && structuredClone(metadata);
  }
  // Clients are registered by the operator (`rp add`), never through the provider.
  upsert(): Promise<void> {
    return Promise.resolve();
  }
  findByUid(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  findByUserCode(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  consume(): Promise<void> {
    return Promise.resolve();
  }
  destroy(): Promise<void> {
    return Promise.resolve();
  }
  revokeByGrantId(): Promise<void> {
    return Promise.resolve();
  }
}

function htmlBody(ctx: KoaContextWithOIDC, page: ReturnType<typeof renderPage>): void {
  for (const [k, v] of Object.entries(page.headers)) ctx.set(k, v);
  ctx.type = 'html';
  ctx.body = page.html;
}

function pages(): AnyObject {
  return {
    renderError(ctx: KoaContextWithOIDC, out: AnyObject) {
      const code = typeof out['error'] === 'string' ? out['error'] : 'server_error';
      const text = typeof out['error_description'] === 'string' ? out['error_description'] : code;
      htmlBody(ctx, renderPage(errorPage(code, text)));
    },
    logoutSource(ctx: KoaContextWithOIDC, form: string) {
      htmlBody(
        ctx,
        renderPage({
          title: 'Log out',
          body: `<h1>Log out?</h1>${form}
<button id="logout-yes" type="submit" form="op.logoutForm" value="yes" name="logout">Yes, log me out</button>
<button type="submit" form="op.logoutForm">No, stay logged in</button>`,
        }),
      );
    },
    postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
      const name = ctx.oidc.client?.clientName ?? '';
      htmlBody(
        ctx,
        renderPage({
          title: 'Logged out',
          body: `<h1>Logged out</h1><p>You are logged out${name ? ` of ${escapeHtml(name)}` : ''}.</p>`,
        }),
      );
    },
  };
}

function configuration(s: ProviderSetup): Configuration {
  const accounts = new WeakMap<object, Map<string, Promise<AnyObject | undefined>>>();
  const clients = new ClientAdapter(s.store, s.peers);
  const secure = s.issuer.startsWith('https:');
  const view = pages();
  return {
    adapter: (name: string) => (name === 'Client' ? clients : new StoreAdapter(s.store, name)),
    clients: [],
    findAccount(ctx: KoaContextWithOIDC | undefined, sub: string) {
      const destination = destinationOf(ctx?.oidc?.client, s.country);
      const load = () =>
        accountClaims(s.store, s.country, sub, destination).then(
          (claims) => claims && { accountId: sub, claims: () => claims },
        );
      if (!ctx) return load();
      // The provider asks more than once per request (the account, then its claims): one read.
      let memo = accounts.get(ctx);
      if (!memo) accounts.set(ctx, (memo = new Map()));
      const key = `${destination} ${sub}`;
      let found = memo.get(key);
      if (!found) memo.set(key, (found = load()));
      return found;
    },
    // acr and amr (OpenID Connect Core §2) go with every ID token: the level of assurance is what
    // a service decides on.
    claims: { ...SCOPE_CLAIMS, openid: [...SCOPE_CLAIMS.openid, 'acr', 'amr', 'auth_time'] },
    scopes: [...SCOPES],
    acrValues: Object.values(LOA),
    // The eIDAS data set goes into the ID token too: a relying party needs no userinfo call.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    extraClientMetadata: { properties: ['tb_destination'] },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: ['ES256'],
      requestObjectSigningAlgValues: ['ES256'],
    },
    jwks: { keys: s.keys.map((k) => new KeyStoreSigningKey(s.keyStore, k)) },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      claimsParameter: { enabled: false },
      rpInitiatedLogout: { enabled: true, ...view },
      externalSigningSupport: { enabled: true, ack: 'experimental-01' },
    },
    renderError: view['renderError'],
    issueRefreshToken: () => false,
    ttl: { ...LOGIN_TTL },
    cookies: {
      // Named per country: browsers do not separate cookies by port, and the federation in a box
      // runs every node on 127.0.0.1 (RFC 6265 §8.5).
      names: {
        session: `tb_${s.country.toLowerCase()}_session`,
        interaction: `tb_${s.country.toLowerCase()}_interaction`,
        resume: `tb_${s.country.toLowerCase()}_resume`,
      },
      keys: [s.cookieSecret],
      long: { httpOnly: true, sameSite: 'lax', secure },
      short: { httpOnly: true, sameSite: 'lax', secure },
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${s.interactionPath}/${interaction.uid}`,
    },
    clientBasedCORS: () => false,
    // The provider refuses to fetch from special-use addresses (SSRF defence). A peer node's JWKS,
    // whose location comes from the hub's signed lists, may live on one (the federation in a box
    // runs on loopback): for those URLs only, the plain dispatcher is used.
    async fetch(url: URL | string, options: RequestInit & { dispatcher?: unknown }) {
      const peer = s.peers ? await s.peers.isPeerJwks(String(url)) : false;
      if (peer) delete options.dispatcher;
      return globalThis.fetch(url, options);
    },
    discovery: { claim_types_supported: ['normal'], service_documentation: undefined },
  };
}

/**
 * Builds the provider.
 *
 * @param setup - issuer, store, keys, secrets
 * @example
 * ```ts
 * const provider = createProvider({ issuer: 'https://ph.example/oidc', country: 'PH', store, keyStore, keys, cookieSecret, interactionPath: '/login' });
 * ```
 */
export function createProvider(setup: ProviderSetup): Provider {
  const provider = new Provider(setup.issuer, configuration(setup));
  // Client secrets are stored as SHA-256 hashes only (clients.ts): compare the hash.
  provider.Client.prototype.compareClientSecret = function compare(this: ClientInstance, actual: string) {
    return secretMatches(this.clientSecret, actual);
  };
  // Behind a TLS-terminating proxy the issuer is https while the socket is not.
  provider.proxy = setup.issuer.startsWith('https:');
  return provider;
}
