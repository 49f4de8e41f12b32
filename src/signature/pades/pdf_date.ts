/** PDF date strings (ISO 32000-1 §7.9.4): `D:YYYYMMDDHHmmSSOHH'mm'`, later parts optional. */

const DATE = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(\d{2})?'?)?)?/;

/**
 * Parses a PDF date; undefined when it is not one (a claimed time is informative only).
 *
 * @param text - the string value (e.g. /M)
 * @returns the instant (UTC when no offset is given)
 * @example `parsePdfDate("D:20260302093000+01'00'")?.toISOString() // '2026-03-02T08:30:00.000Z'`
 */
export function parsePdfDate(text: string): Date | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const n = (i: number, d: number): number => (m[i] === undefined ? d : Number(m[i]));
  const utc = Date.UTC(n(1, 0), n(2, 1) - 1, n(3, 1), n(4, 0), n(5, 0), n(6, 0));
  const sign = m[7] === '-' ? -1 : m[7] === '+' ? 1 : 0;
  const offset = sign * (n(8, 0) * 60 + n(9, 0)) * 60_000;
  const d = new Date(utc - offset);
  return Number.isNaN(d.getTime()) || n(2, 1) > 12 || n(3, 1) > 31 ? undefined : d;
}
