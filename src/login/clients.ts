/**
 * The relying parties of a node (`trustbridge rp add`): OpenID Connect client metadata
 * (OpenID Connect Dynamic Client Registration 1.0 §2 names) kept in `login_client`. Dynamic
 * registration stays off; an operator registers services. The client secret is shown once and
 * only its SHA-256 is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/database.js';
import { LoginError } from './errors.js';
import { ensureLoginSchema } from './schema.js';
import { disableClientRow, findClientMetadata, insertClient, listClientRows } from './store/index.js';

/** What an operator gives to register a relying party. */
export interface ClientRegistration {
  name: string;
  /** Exact redirect URIs (RFC 6749 §3.1.2: compared as whole strings). */
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** A public client (no secret; PKCE is always required anyway). */
  public?: boolean;
}

/** A registered relying party, as `rp add` prints it (the secret only at creation). */
export interface RegisteredClient {
  clientId: string;
  clientSecret?: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  tokenEndpointAuthMethod: 'client_secret_basic' | 'none';
  createdAt: string;
  disabled: boolean;
}

/** Prefix of a stored secret hash (the metadata never holds the secret itself). */
export const SECRET_HASH_PREFIX = 'sha256:';

/** The stored form of a client secret. */
export function hashClientSecret(secret: string): string {
  return SECRET_HASH_PREFIX + createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/**
 * Compares a presented secret with the stored hash in constant time.
 *
 * @example
 * ```ts
 * secretMatches(hashClientSecret('s3cret'), 's3cret'); // true
 * ```
 */
export function secretMatches(stored: string | undefined, presented: string): boolean {
  if (!stored?.startsWith(SECRET_HASH_PREFIX)) return false;
  const a = Buffer.from(stored);
  const b = Buffer.from(hashClientSecret(presented));
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * A redirect URI must be absolute, without fragment (RFC 6749 §3.1.2), https except on the
 * loopback interface (RFC 8252 §7.3), and without user information.
 */
function checkRedirectUri(uri: string): void {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new LoginError(
      'LOGIN_CLIENT_INVALID',
      `redirect URI ${JSON.stringify(uri)} is not an absolute URL`,
    );
  }
  if (u.hash || uri.includes('#'))
    throw new LoginError('LOGIN_CLIENT_INVALID', `redirect URI ${uri} has a fragment`);
  if (u.username || u.password)
    throw new LoginError('LOGIN_CLIENT_INVALID', `redirect URI ${uri} carries user information`);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname)))
    throw new LoginError(
      'LOGIN_CLIENT_INVALID',
      `redirect URI ${uri} must use https (http only on loopback)`,
    );
}

function checkRegistration(r: ClientRegistration): void {
  const name = r.name.trim();
  if (name.length === 0 || name.length > 200 || [...name].some((ch) => ch.charCodeAt(0) < 0x20))
    throw new LoginError('LOGIN_CLIENT_INVALID', 'the name must be 1 to 200 printable characters');
  if (r.redirectUris.length === 0 || r.redirectUris.length > 20)
    throw new LoginError('LOGIN_CLIENT_INVALID', 'give 1 to 20 redirect URIs');
  for (const u of [...r.redirectUris, ...(r.postLogoutRedirectUris ?? [])]) checkRedirectUri(u);
}

/** The provider's client metadata for a registration. */
function metadataOf(clientId: string, r: ClientRegistration, secretHash?: string): Record<string, unknown> {
  return {
    client_id: clientId,
    client_name: r.name.trim(),
    redirect_uris: r.redirectUris,
    post_logout_redirect_uris: r.postLogoutRedirectUris ?? [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: secretHash ? 'client_secret_basic' : 'none',
    id_token_signed_response_alg: 'ES256',
    ...(secretHash ? { client_secret: secretHash } : {}),
  };
}

function fromRow(row: {
  client_id: string;
  name: string;
  metadata: string;
  created_at: string;
  disabled: number;
}): RegisteredClient {
  const m = JSON.parse(row.metadata) as Record<string, unknown>;
  return {
    clientId: row.client_id,
    name: row.name,
    redirectUris: m['redirect_uris'] as string[],
    postLogoutRedirectUris: (m['post_logout_redirect_uris'] as string[] | undefined) ?? [],
    tokenEndpointAuthMethod: m['token_endpoint_auth_method'] as 'client_secret_basic' | 'none',
    createdAt: row.created_at,
    disabled: row.disabled !== 0,
  };
}

/**
 * Registers a relying party and returns its credentials (the secret is not stored, only its hash).
 *
 * @param store - the node store
 * @param registration - name and exact redirect URIs
 * @param now - registration time
 * @throws LoginError LOGIN_CLIENT_INVALID
 * @example
 * ```ts
 * const rp = await addClient(node.store, { name: 'Tax office', redirectUris: ['https://tax.example/cb'] });
 * console.log(rp.clientId, rp.clientSecret);
 * ```
 */
export async function addClient(
  store: Store,
  registration: ClientRegistration,
  now: Date = new Date(),
): Promise<RegisteredClient> {
  checkRegistration(registration);
  await ensureLoginSchema(store);
  const clientId = `rp-${randomBytes(12).toString('base64url')}`;
  const secret = registration.public ? undefined : randomBytes(32).toString('base64url');
  const metadata = metadataOf(clientId, registration, secret ? hashClientSecret(secret) : undefined);
  const row = {
    client_id: clientId,
    name: registration.name.trim(),
    metadata: JSON.stringify(metadata),
    created_at: now.toISOString(),
    disabled: 0,
  };
  await insertClient(store, row);
  return { ...fromRow(row), ...(secret ? { clientSecret: secret } : {}) };
}

/**
 * The registered relying parties.
 *
 * @example
 * ```ts
 * for (const c of await listClients(node.store)) console.log(c.clientId, c.name);
 * ```
 */
export async function listClients(store: Store): Promise<RegisteredClient[]> {
  await ensureLoginSchema(store);
  const rows = await listClientRows(store);
  return rows.map(fromRow);
}

/**
 * Disables a relying party: its logins and token requests are refused from now on.
 *
 * @throws LoginError LOGIN_CLIENT_UNKNOWN
 * @example
 * ```ts
 * await disableClient(node.store, 'rp-abc');
 * ```
 */
export async function disableClient(store: Store, clientId: string): Promise<void> {
  await ensureLoginSchema(store);
  if ((await disableClientRow(store, clientId)) === 0) throw new LoginError('LOGIN_CLIENT_UNKNOWN', clientId);
}

/**
 * The provider metadata of an enabled client, or undefined.
 *
 * @example
 * ```ts
 * const metadata = await clientMetadata(node.store, 'rp-abc');
 * ```
 */
export async function clientMetadata(
  store: Store,
  clientId: string,
): Promise<Record<string, unknown> | undefined> {
  const row = await findClientMetadata(store, clientId);
  if (!row || row.disabled !== 0) return undefined;
  return JSON.parse(row.metadata) as Record<string, unknown>;
}

/**
 * The destination country of a client (the `DD` of `CC/DD/id`): its own country for a peer node
 * of the federation (client metadata `tb_destination`), this node's for its own services.
 *
 * @example
 * ```ts
 * destinationOf(ctx.oidc.client, 'PH'); // 'PH', or 'VN' for the VN node's proxy
 * ```
 */
export function destinationOf(client: { [key: string]: unknown } | undefined, country: string): string {
  const d = client?.['tb_destination'];
  return typeof d === 'string' && /^[A-Z]{2}$/.test(d) ? d : country;
}
