/**
 * Statements on `login_challenge`. Issuing, reading and same-device consumption run on every
 * wallet login, so their text is fixed and run precompiled (raw_query.ts); answering is one
 * conditional update so that two concurrent answers (a replay) cannot both succeed.
 */
import type { Store } from '../../store/database.js';
import { rawQuery } from '../../store/raw_query.js';
import { loginDb } from '../schema.js';
import type { LoginChallengeTable } from '../schema.js';

/** The statements of the login paths (run precompiled: raw_query.ts). */
const SQL = {
  insert:
    'insert into login_challenge (id, uid, challenge, created_at, expires_at, used_at, result) ' +
    'values (?, ?, ?, ?, ?, null, null)',
  find: 'select * from login_challenge where id = ?',
  consume: 'delete from login_challenge where id = ? and used_at is null and expires_at > ?',
} as const;

/**
 * Stores a new, unanswered challenge.
 *
 * @param store - the node store
 * @param cid - the challenge identifier
 * @param uid - the provider interaction
 * @param challenge - the value the wallet signs
 * @param createdAt - issue time (ISO)
 * @param expiresAt - expiry (ISO)
 * @example `await insertChallenge(store, cid, uid, challenge, now.toISOString(), expiresAt.toISOString())`
 */
export async function insertChallenge(
  store: Store,
  cid: string,
  uid: string,
  challenge: string,
  createdAt: string,
  expiresAt: string,
): Promise<void> {
  await rawQuery(store, SQL.insert, [cid, uid, challenge, createdAt, expiresAt]);
}

/**
 * The row of challenge `cid`, if any.
 *
 * @param store - the node store
 * @param cid - the challenge identifier
 * @example `const row = await findChallengeRow(store, cid)`
 */
export async function findChallengeRow(store: Store, cid: string): Promise<LoginChallengeTable | undefined> {
  return (await rawQuery<LoginChallengeTable>(store, SQL.find, [cid])).rows[0];
}

/**
 * Records the answer of challenge `cid` if it is still unexpired and unused at `at`.
 *
 * @param store - the node store
 * @param cid - the challenge identifier
 * @param result - what the answer established (JSON)
 * @param at - the answer time (ISO)
 * @returns the number of rows changed (1 when recorded)
 * @example `if ((await answerChallenge(store, cid, result, at)) !== 1) refuse()`
 */
export async function answerChallenge(
  store: Store,
  cid: string,
  result: string,
  at: string,
): Promise<number> {
  const r = await loginDb(store)
    .updateTable('login_challenge')
    .set({ used_at: at, result })
    .where('id', '=', cid)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Deletes challenge `cid` if it is still unexpired and unused at `at`.
 *
 * @param store - the node store
 * @param cid - the challenge identifier
 * @param at - the time (ISO)
 * @returns the number of rows deleted (1 when used up now)
 * @example `if ((await deleteOpenChallenge(store, cid, at)) !== 1) refuse()`
 */
export async function deleteOpenChallenge(store: Store, cid: string, at: string): Promise<number> {
  const { changed } = await rawQuery(store, SQL.consume, [cid, at]);
  return changed;
}

/**
 * Takes the newest answer of interaction `uid` once: reads it and deletes its row.
 *
 * @param store - the node store
 * @param uid - the provider interaction
 * @returns the result, or undefined when there is none or another request took it first
 * @example `const result = await takeAnsweredChallenge(store, uid)`
 */
export async function takeAnsweredChallenge(store: Store, uid: string): Promise<string | undefined> {
  const row = await loginDb(store)
    .selectFrom('login_challenge')
    .select(['id', 'result'])
    .where('uid', '=', uid)
    .where('result', 'is not', null)
    .orderBy('used_at', 'desc')
    .executeTakeFirst();
  if (!row?.result) return undefined;
  const del = await loginDb(store).deleteFrom('login_challenge').where('id', '=', row.id).executeTakeFirst();
  // Two "continue" requests racing: only the one that deleted the row logs in.
  return Number(del.numDeletedRows) === 1 ? row.result : undefined;
}
