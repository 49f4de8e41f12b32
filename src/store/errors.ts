/** Errors of the storage layer (SQLite, PostgreSQL). */
import { TrustbridgeError, errorText } from '../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../lib/errors.js';

/**
 * The storage codes and their texts.
 *
 * @example
 * ```ts
 * STORE_ERRORS.STORE_UNAVAILABLE.text;
 * ```
 */
export const STORE_ERRORS = {
  STORE_UNAVAILABLE: { text: 'the database cannot be reached' },
  STORE_MIGRATION_FAILED: { text: 'a database migration failed' },
  STORE_CORRUPT: { text: 'the database file is damaged or is not a database' },
  STORE_PERMISSIONS_UNSAFE: {
    text: 'a data directory or file can be read by other users or belongs to another user',
  },
} as const satisfies ErrorList;

/** A code {@link StoreError} carries: its own list or lib's shared codes. */
export type StoreErrorCode = keyof typeof STORE_ERRORS | LibErrorCode;

/**
 * The database cannot be used.
 *
 * @example
 * ```ts
 * throw new StoreError('STORE_UNAVAILABLE', 'connection refused');
 * ```
 */
export class StoreError extends TrustbridgeError<StoreErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: StoreErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText(STORE_ERRORS, code), options);
  }
}

/**
 * True when `e` is a unique-constraint violation from SQLite or PostgreSQL, optionally on a
 * given column (matched against the constraint text both engines report).
 */
export function isUniqueViolation(e: unknown, column?: string): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: string; message?: string; constraint?: string; detail?: string };
  const unique =
    err.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    err.code === '23505';
  if (!unique || column === undefined) return unique;
  const text = `${err.message ?? ''} ${err.constraint ?? ''} ${err.detail ?? ''}`;
  return text.includes(column);
}
