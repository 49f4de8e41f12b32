import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { UsageError } from '../lib/errors.js';
import { NodeError } from './errors.js';
import type { Store } from '../store/database.js';

/**
 * What an officer may do: `registrar` enrols and issues; `supervisor` also suspends, resumes,
 * revokes; `notary` (a ministry's or business's notarising party) may only notarise digests.
 */
export type OfficerRole = 'registrar' | 'supervisor' | 'notary';

/** The officer roles, in the order `officer add --role` lists them. */
export const OFFICER_ROLES: readonly OfficerRole[] = ['registrar', 'supervisor', 'notary'];

/** What the API lets an officer do. */
export type OfficerAction = 'register' | 'supervise' | 'notarise';

const GRANTS: Readonly<Record<OfficerAction, readonly OfficerRole[]>> = {
  register: ['registrar', 'supervisor'],
  supervise: ['supervisor'],
  notarise: ['notary', 'registrar', 'supervisor'],
};

/**
 * Whether an officer's role allows an action: registrars and supervisors register and issue,
 * supervisors alone suspend, resume, revoke and decide held enrolments, and every role
 * notarises (a notary does nothing else).
 *
 * @param role - the officer's role
 * @param action - what the request does
 * @example
 * ```ts
 * officerMay('notary', 'register'); // false
 * ```
 */
export function officerMay(role: OfficerRole, action: OfficerAction): boolean {
  return GRANTS[action].includes(role);
}

/** An officer as the API sees it (never the token). */
export interface OfficerRecord {
  id: string;
  name: string;
  role: OfficerRole;
}

const TOKEN_PREFIX = 'tbo_';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Adds an officer and returns the bearer token, shown once: only its SHA-256 hash is stored.
 * Tokens carry 256 random bits, so a fast hash is enough (no password stretching needed).
 *
 * @param store - node store
 * @param name - officer's name
 * @param role - `registrar`, `supervisor` or `notary`
 * @param now - creation time
 * @example
 * ```ts
 * const { token } = await addOfficer(store, 'Ana Reyes', 'supervisor', new Date());
 * ```
 */
export async function addOfficer(
  store: Store,
  name: string,
  role: OfficerRole,
  now: Date,
): Promise<OfficerRecord & { token: string }> {
  if (name.trim().length === 0 || name.length > 200)
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--name is required (at most 200 characters)');
  if (!OFFICER_ROLES.includes(role))
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--role must be registrar, supervisor or notary');
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = `officer-${randomUUID()}`;
  await store.db
    .insertInto('officer')
    .values({
      id,
      name: name.trim(),
      role,
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      disabled: 0,
    })
    .execute();
  return { id, name: name.trim(), role, token };
}

/**
 * Finds the officer a bearer token belongs to.
 *
 * @throws NodeError AUTH_TOKEN_MISSING | AUTH_TOKEN_INVALID
 */
export async function authenticateOfficer(
  store: Store,
  authorization: string | undefined,
): Promise<OfficerRecord> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m)
    throw new NodeError('AUTH_TOKEN_MISSING', 'an Authorization: Bearer <officer token> header is required');
  const row = await store.db
    .selectFrom('officer')
    .select(['id', 'name', 'role', 'disabled'])
    .where('token_hash', '=', hashToken(m[1]!))
    .executeTakeFirst();
  if (!row || row.disabled) throw new NodeError('AUTH_TOKEN_INVALID');
  return { id: row.id, name: row.name, role: row.role as OfficerRole };
}

/** Lists officers. */
export async function listOfficers(
  store: Store,
): Promise<(OfficerRecord & { disabled: boolean; createdAt: string })[]> {
  const rows = await store.db
    .selectFrom('officer')
    .select(['id', 'name', 'role', 'disabled', 'created_at'])
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role as OfficerRole,
    disabled: Boolean(r.disabled),
    createdAt: r.created_at,
  }));
}

/** Disables an officer: the token stops working at once. */
export async function disableOfficer(store: Store, id: string): Promise<void> {
  const r = await store.db
    .updateTable('officer')
    .set({ disabled: 1 })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new UsageError('USAGE_INVALID_ARGUMENT', `no officer ${id}`);
}
