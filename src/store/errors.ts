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
