/**
 * Login challenges: a random value bound to one login interaction, valid for a short time and
 * answered once. A wallet signs it (see wallet_response.ts); the answer is accepted only while
 * the challenge is unexpired and unused, in one conditional update, so two concurrent answers
 * (a replay) cannot both succeed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/database.js';
import { LoginError } from './errors.js';
import {
  answerChallenge,
  deleteOpenChallenge,
  findChallengeRow,
  insertChallenge,
  takeAnsweredChallenge,
} from './store/index.js';
import type { WalletChallenge } from './wallet_response.js';

/** How long a challenge can be answered (default). */
export const CHALLENGE_TTL_MS = 120_000;

/** A challenge as the login page shows it. */
export interface IssuedChallenge extends WalletChallenge {
  expiresAt: Date;
}

/**
 * Issues a challenge for interaction `uid`.
 *
 * @param store - the node store
 * @param uid - the provider interaction
 * @param aud - the node's issuer (what the wallet signs as audience)
 * @param now - current time
 * @param ttlMs - validity
 * @example
 * ```ts
 * const c = await issueChallenge(node.store, interaction.uid, issuer, new Date());
 * ```
 */
export async function issueChallenge(
  store: Store,
  uid: string,
  aud: string,
  now: Date,
  ttlMs: number = CHALLENGE_TTL_MS,
): Promise<IssuedChallenge> {
  const cid = randomBytes(16).toString('base64url');
  const challenge = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await insertChallenge(store, cid, uid, challenge, now.toISOString(), expiresAt.toISOString());
  return { cid, challenge, aud, expiresAt };
}

/** A stored challenge. */
export interface ChallengeRecord {
  cid: string;
  uid: string;
  challenge: string;
  expiresAt: Date;
  usedAt?: Date;
  /** What the answer established (JSON), once answered. */
  result?: string;
}

/**
 * Looks a challenge up.
 *
 * @throws LoginError LOGIN_CHALLENGE_UNKNOWN
 * @example
 * ```ts
 * const c = await findChallenge(node.store, cid);
 * ```
 */
export async function findChallenge(store: Store, cid: string): Promise<ChallengeRecord> {
  const row = await findChallengeRow(store, cid);
  if (!row) throw new LoginError('LOGIN_CHALLENGE_UNKNOWN', cid.slice(0, 40));
  return {
    cid: row.id,
    uid: row.uid,
    challenge: row.challenge,
    expiresAt: new Date(row.expires_at),
    ...(row.used_at ? { usedAt: new Date(row.used_at) } : {}),
    ...(row.result ? { result: row.result } : {}),
  };
}

/**
 * Checks that `answer` is the challenge `cid`, unexpired and unused, without marking it.
 *
 * @throws LoginError LOGIN_CHALLENGE_UNKNOWN | LOGIN_CHALLENGE_EXPIRED | LOGIN_CHALLENGE_USED
 */
export async function checkChallenge(
  store: Store,
  cid: string,
  answer: string,
  now: Date,
): Promise<ChallengeRecord> {
  const rec = await findChallenge(store, cid);
  const a = Buffer.from(rec.challenge);
  const b = Buffer.from(answer);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new LoginError('LOGIN_CHALLENGE_UNKNOWN', 'the signed value is not the challenge');
  if (rec.usedAt) throw new LoginError('LOGIN_CHALLENGE_USED');
  if (rec.expiresAt <= now)
    throw new LoginError('LOGIN_CHALLENGE_EXPIRED', `it expired at ${rec.expiresAt.toISOString()}`);
  return rec;
}

/**
 * Marks the challenge answered with `result`, only if it still is unexpired and unused.
 *
 * @throws LoginError LOGIN_CHALLENGE_USED | LOGIN_CHALLENGE_EXPIRED
 * @example
 * ```ts
 * await markAnswered(node.store, cid, JSON.stringify(citizen), new Date());
 * ```
 */
export async function markAnswered(store: Store, cid: string, result: string, now: Date): Promise<void> {
  const at = now.toISOString();
  if ((await answerChallenge(store, cid, result, at)) === 1) return;
  const rec = await findChallenge(store, cid);
  if (rec.usedAt) throw new LoginError('LOGIN_CHALLENGE_USED');
  throw new LoginError('LOGIN_CHALLENGE_EXPIRED', `it expired at ${rec.expiresAt.toISOString()}`);
}

/**
 * Uses the challenge up at once, only if it still is unexpired and unused: the answer posted by
 * the login page itself (same device), which needs no hand-over to a "continue".
 *
 * @throws LoginError LOGIN_CHALLENGE_UNKNOWN | LOGIN_CHALLENGE_USED | LOGIN_CHALLENGE_EXPIRED
 * @example
 * ```ts
 * await consumeChallenge(node.store, cid, new Date());
 * ```
 */
export async function consumeChallenge(store: Store, cid: string, now: Date): Promise<void> {
  if ((await deleteOpenChallenge(store, cid, now.toISOString())) === 1) return;
  const rec = await findChallenge(store, cid);
  if (rec.usedAt) throw new LoginError('LOGIN_CHALLENGE_USED');
  throw new LoginError('LOGIN_CHALLENGE_EXPIRED', `it expired at ${rec.expiresAt.toISOString()}`);
}

/**
 * The answered challenge of interaction `uid`, if any: what the browser's "continue" picks up
 * after the wallet answered from another device. The result is taken once (deleted).
 *
 * @example
 * ```ts
 * const result = await takeAnswer(node.store, uid);
 * ```
 */
export async function takeAnswer(store: Store, uid: string): Promise<string | undefined> {
  return takeAnsweredChallenge(store, uid);
}

/**
 * The challenge as one pasteable code (base64url JSON), for a wallet on another device that
 * cannot open the node's URL.
 *
 * @example
 * ```ts
 * const code = challengeCode(c); // later: parseChallengeCode(code)
 * ```
 */
export function challengeCode(c: WalletChallenge): string {
  return Buffer.from(JSON.stringify({ cid: c.cid, challenge: c.challenge, aud: c.aud })).toString(
    'base64url',
  );
}

/**
 * Reads a {@link challengeCode}.
 *
 * @throws LoginError LOGIN_RESPONSE_MALFORMED
 */
export function parseChallengeCode(code: string): WalletChallenge {
  try {
    if (code.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(code))
      throw new LoginError('LOGIN_RESPONSE_MALFORMED', 'not base64url');
    const v = JSON.parse(Buffer.from(code, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { cid, challenge, aud } = v;
    if (typeof cid === 'string' && typeof challenge === 'string' && typeof aud === 'string')
      return { cid, challenge, aud };
  } catch {
    // reported below
  }
  throw new LoginError('LOGIN_RESPONSE_MALFORMED', 'not a login challenge code');
}
