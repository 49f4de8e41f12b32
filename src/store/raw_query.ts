/**
 * Fixed SQL for the hot paths (the login store adapter runs ~40 statements per login): the text
 * is written once with `?` placeholders, turned into `$1, $2, …` for PostgreSQL once, and run
 * through Kysely's executor as a compiled query, so nothing is built or compiled per call. Only
 * for statements whose SQL is the same on both engines.
 */
import { CompiledQuery } from 'kysely';
import type { Store } from './database.js';

const pgText = new Map<string, string>();

function forPostgres(text: string): string {
  let t = pgText.get(text);
  if (t === undefined) {
    let i = 0;
    t = text.replace(/\?/g, () => `$${++i}`);
    pgText.set(text, t);
  }
  return t;
}

/**
 * Runs `text` with `params` on the store; returns the rows (empty for writes) and the number of
 * rows a write changed.
 *
 * @example
 * ```ts
 * const { rows } = await rawQuery<{ payload: string }>(store, 'select payload from oidc_payload where model = ? and id = ?', ['Session', id]);
 * ```
 */
export async function rawQuery<R>(
  store: Store,
  text: string,
  params: readonly unknown[],
): Promise<{ rows: R[]; changed: number }> {
  const sqlText = store.engine === 'postgres' ? forPostgres(text) : text;
  const r = await store.db.executeQuery<R>(CompiledQuery.raw(sqlText, [...params]));
  return { rows: r.rows, changed: Number(r.numAffectedRows ?? 0) };
}
