/**
 * The federation as the login service sees it: the member countries of the hub's list of
 * trusted lists (ETSI TS 119 612 LOTL, signer pinned by the operator) whose own trusted lists
 * verified. A member's login service lives beside its trusted list: the list's location
 * `<base>/trustlist.xml` gives the node's base URL and its OpenID issuer `<base>/oidc`. The
 * same directory tells a node which peers may use it as their citizens' home node (peer
 * clients authenticate with `private_key_jwt` against the JWKS at their issuer).
 */
import type { AnyObject } from 'oidc-provider';
import type { NodeContext } from '../node/context.js';
import { nodeTrustOf } from '../node/node_trust.js';
import type { ListSummary, TrustStore } from '../trust/store/trust_store.js';
import type { Federation, PeerNode } from './service.js';

/** Where a member's trusted list sits relative to its node's base URL (src/server/routes/trustlist.ts). */
const TRUST_LIST_PATH = '/trustlist.xml';
/** How often the member list is refreshed. */
const REFRESH_MS = 10 * 60_000;

/** The redirect URI of a node's cross-border proxy (proxy_routes.ts). */
export function proxyRedirectUri(issuer: string): string {
  return `${issuer.replace(/\/oidc$/, '')}/login/proxy/callback`;
}

/**
 * The client metadata of a peer node at this node's provider: its citizens' logins come back
 * to its proxy callback; it authenticates with a JWT signed by its ID-token key (RFC 7523).
 */
export function peerClientMetadata(peer: PeerNode): AnyObject {
  return {
    client_id: peer.issuer,
    client_name: `${peer.name} (${peer.country} login service)`,
    redirect_uris: [proxyRedirectUri(peer.issuer)],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    id_token_signed_response_alg: 'ES256',
    jwks_uri: `${peer.issuer}/jwks`,
    tb_destination: peer.country,
  };
}

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region' });

/** The English name of a country code (ISO 3166-1), or the code. */
function countryName(cc: string): string {
  try {
    return REGIONS.of(cc) ?? cc;
  } catch {
    return cc;
  }
}

/** A member's node from its accepted trusted list, or undefined. */
function peerOf(l: ListSummary, own: string): PeerNode | undefined {
  if (l.role !== 'member' || !l.used || !l.territory || l.territory === own) return undefined;
  if (!l.url.endsWith(TRUST_LIST_PATH) || !/^https?:\/\//.test(l.url)) return undefined;
  const base = l.url.slice(0, -TRUST_LIST_PATH.length);
  return { country: l.territory, name: countryName(l.territory), issuer: `${base}/oidc` };
}

/**
 * A federation over a fixed list of peers (tests, or an operator's static configuration).
 *
 * @example
 * ```ts
 * const fed = staticFederation([{ country: 'PH', name: 'Philippines', issuer: 'http://127.0.0.1:8081/oidc' }]);
 * ```
 */
export function staticFederation(peers: PeerNode[]): Federation {
  return {
    peers: () => Promise.resolve(peers),
    metadataFor: (id) => {
      const p = peers.find((x) => x.issuer === id);
      return Promise.resolve(p ? peerClientMetadata(p) : undefined);
    },
    isPeerJwks: (url) => Promise.resolve(peers.some((p) => `${p.issuer}/jwks` === url)),
  };
}

/**
 * The federation of a trust store: peers are the members whose lists the store accepted.
 *
 * @param store - a trust store over the hub's LOTL
 * @param country - this node's country (not its own peer)
 * @example
 * ```ts
 * const fed = trustStoreFederation(new TrustStore([{ url: lotl, signers }], { fetcher: httpTrustListFetcher() }), 'VN');
 * ```
 */
export function trustStoreFederation(store: TrustStore, country: string): Federation {
  let loaded: Promise<unknown> | undefined;
  let at = 0;
  const peers = async (): Promise<PeerNode[]> => {
    const now = Date.now();
    if (!loaded || now - at > REFRESH_MS) {
      at = now;
      loaded = store.refresh();
    }
    await loaded;
    return store.lists().flatMap((l) => peerOf(l, country) ?? []);
  };
  return {
    peers,
    async metadataFor(id) {
      if (!/^https?:\/\//.test(id)) return undefined;
      const p = (await peers()).find((x) => x.issuer === id);
      return p ? peerClientMetadata(p) : undefined;
    },
    async isPeerJwks(url) {
      return (await peers()).some((p) => `${p.issuer}/jwks` === url);
    },
  };
}

/**
 * The node's federation from its configuration: `node.json` `lotlUrl` with the LOTL signer
 * pinned in `DIR/lotl-signer.pem`, over the node's one trust store (the one `/api/v1/validate`
 * uses); undefined without both.
 *
 * @example
 * ```ts
 * const fed = nodeFederation(node);
 * ```
 */
export function nodeFederation(node: NodeContext): Federation | undefined {
  const trust = nodeTrustOf(node);
  return trust ? trustStoreFederation(trust.store, node.config.country) : undefined;
}
