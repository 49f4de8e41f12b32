/**
 * Partner CERTs of a node: added with credentials shown once (only an scrypt hash of the
 * password and SHA-256 of bearer tokens are kept), listed, removed, and authenticated.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/database.js';
import { isUniqueViolation } from '../store/errors.js';
import { Lru } from '../lib/lru.js';
import { ensureCertRoot, grant } from './collections.js';
import type { CertRoot } from './collections.js';
import { CertError } from './errors.js';
import { hashPassword, newSecret, tokenHash, verifyPassword } from './partner_secrets.js';
import { certDb } from './schema.js';
import type { CertDatabase } from './schema.js';
import type { Transaction } from 'kysely';
import { isClearance } from './tlp.js';
import type { TlpClearance } from './tlp.js';

/** What `cert partner add` takes. */
export interface PartnerInput {
  name: string;
  /** ISO 3166 alpha-2 code of the partner's country. */
  country?: string;
  /** The most restrictive TLP the partner receives (default `green`). */
  tlpMax?: TlpClearance;
}

/** A partner as listed (no secret). */
export interface Partner {
  id: string;
  name: string;
  country: string | null;
  username: string;
  tlpMax: TlpClearance;
  createdAt: string;
}

/** A new partner's credentials, shown once. */
export interface NewPartner {
  id: string;
  username: string;
  password: string;
}

/** A login name from a partner name: lower case letters, digits and dashes. */
export function usernameOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  if (!slug)
    throw new CertError('CERT_ARGUMENT_INVALID', `the partner name '${name}' has no letters or digits`);
  return slug;
}

/**
 * Adds a partner CERT: credentials, and read and write on the API root's `indicators` collection.
 *
 * @param store - the node store
 * @param root - the node's CERT API root (created when missing)
 * @param input - name, country, TLP clearance
 * @param now - the time of the change
 * @example
 * ```ts
 * const { username, password } = await addPartner(store, certRootOf('PH', 'Philippines'), { name: 'VN CERT', country: 'VN' }, new Date());
 * ```
 */
export async function addPartner(
  store: Store,
  root: CertRoot,
  input: PartnerInput,
  now: Date,
): Promise<NewPartner> {
  const name = input.name.trim();
  if (!name || name.length > 200)
    throw new CertError('CERT_ARGUMENT_INVALID', 'the partner name must have 1 to 200 characters');
  const tlpMax = input.tlpMax ?? 'green';
  if (!isClearance(tlpMax))
    throw new CertError(
      'CERT_ARGUMENT_INVALID',
      `--tlp-max ${String(tlpMax)}: use clear, green, amber or amber+strict`,
    );
  const country = input.country?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country))
    throw new CertError('CERT_ARGUMENT_INVALID', `--country ${input.country}: use an ISO 3166 alpha-2 code`);
  const username = usernameOf(name);
  const password = newSecret();
  const id = randomUUID();
  const passwordHash = await hashPassword(password);
  const collection = await ensureCertRoot(store, root, now);
  try {
    await certDb(store)
      .insertInto('cert_partner')
      .values({
        id,
        name,
        country: country ?? null,
        username,
        password_hash: passwordHash,
        tlp_max: tlpMax,
        created_at: now.toISOString(),
      })
      .execute();
  } catch (e) {
    if (isUniqueViolation(e))
      throw new CertError('CERT_PARTNER_EXISTS', `username ${username} is taken`, { cause: e });
    throw e;
  }
  await grant(store, collection.id, id, { read: true, write: true });
  return { id, username, password };
}

/** Every partner, oldest first. */
export async function listPartners(store: Store): Promise<Partner[]> {
  const rows = await certDb(store)
    .selectFrom('cert_partner')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toPartner);
}

function toPartner(r: {
  id: string;
  name: string;
  country: string | null;
  username: string;
  tlp_max: string;
  created_at: string;
}): Partner {
  return {
    id: r.id,
    name: r.name,
    country: r.country,
    username: r.username,
    tlpMax: r.tlp_max as TlpClearance,
    createdAt: r.created_at,
  };
}

/** One partner by id or username, or undefined. */
export async function findPartner(store: Store, idOrUsername: string): Promise<Partner | undefined> {
  const row = await certDb(store)
    .selectFrom('cert_partner')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrUsername), eb('username', '=', idOrUsername)]))
    .executeTakeFirst();
  return row ? toPartner(row) : undefined;
}

/**
 * Removes a partner (its tokens and permissions go with it; objects it added stay).
 *
 * @example
 * ```ts
 * await removePartner(store, 'vn-cert');
 * ```
 */
export async function removePartner(store: Store, idOrUsername: string): Promise<Partner> {
  const p = await findPartner(store, idOrUsername);
  if (!p) throw new CertError('CERT_PARTNER_UNKNOWN', idOrUsername);
  await store.transaction(async (trx) => {
    const db = trx as unknown as Transaction<CertDatabase>;
    await db.deleteFrom('cert_token').where('partner_id', '=', p.id).execute();
    await db.deleteFrom('cert_permission').where('partner_id', '=', p.id).execute();
    await db.deleteFrom('cert_partner').where('id', '=', p.id).execute();
  });
  verified.clear();
  return p;
}

/**
 * A new bearer token for a partner (shown once; only its SHA-256 is kept).
 *
 * @example
 * ```ts
 * const token = await issueToken(store, 'vn-cert', new Date());
 * ```
 */
export async function issueToken(store: Store, idOrUsername: string, now: Date): Promise<string> {
  const p = await findPartner(store, idOrUsername);
  if (!p) throw new CertError('CERT_PARTNER_UNKNOWN', idOrUsername);
  const token = newSecret();
  await certDb(store)
    .insertInto('cert_token')
    .values({ token_hash: tokenHash(token), partner_id: p.id, created_at: now.toISOString() })
    .execute();
  return token;
}

/**
 * Basic credentials already checked, by SHA-256 of `username:password`: scrypt costs tens of
 * milliseconds, too much for every page of a sync. The partner row is read on every request
 * anyway, so a removed partner is refused at once.
 */
class VerifiedCache {
  #lru = new Lru<string, { id: string; until: number }>(1024);
  get(key: string, now: number): string | undefined {
    const hit = this.#lru.get(key);
    return hit && hit.until > now ? hit.id : undefined;
  }
  set(key: string, id: string, now: number): void {
    this.#lru.set(key, { id, until: now + 5 * 60_000 });
  }
  clear(): void {
    this.#lru = new Lru(1024);
  }
}
const verified = new VerifiedCache();

/**
 * The partner authenticated by an `Authorization` header (Basic or Bearer), or undefined.
 *
 * @example
 * ```ts
 * const partner = await authenticatePartner(store, req.headers.authorization);
 * ```
 */
export async function authenticatePartner(
  store: Store,
  authorization: string | undefined,
): Promise<Partner | undefined> {
  if (!authorization) return undefined;
  const m = /^(basic|bearer)\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return undefined;
  const db = certDb(store);
  if (m[1]!.toLowerCase() === 'bearer') {
    const row = await db
      .selectFrom('cert_token')
      .innerJoin('cert_partner', 'cert_partner.id', 'cert_token.partner_id')
      .selectAll('cert_partner')
      .where('cert_token.token_hash', '=', tokenHash(m[2]!))
      .executeTakeFirst();
    return row ? toPartner(row) : undefined;
  }
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const username = decoded.slice(0, colon);
  const row = await db
    .selectFrom('cert_partner')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  if (!row) return undefined;
  const key = tokenHash(decoded);
  const now = Date.now();
  if (verified.get(key, now) === row.id) return toPartner(row);
  if (!(await verifyPassword(decoded.slice(colon + 1), row.password_hash))) return undefined;
  verified.set(key, row.id, now);
  return toPartner(row);
}
