/**
 * Value readers of the DER layer: OBJECT IDENTIFIER to dotted form (X.690 §8.19) and the two
 * ASN.1 time types (X.690 §11.7–11.8) to Date, as RFC 5280 §4.1.2.5 profiles them. Every decoder
 * above `lib/` (X.509, CMS, RFC 3161, OCSP) reads OIDs and times through these.
 */
import { fail } from './der_reader.js';
import type { DerElement } from './der_reader.js';
import { PkiError } from './errors.js';

/**
 * Dotted form of an OBJECT IDENTIFIER's content octets.
 *
 * @param v - the content octets (without tag and length)
 * @throws PkiError PKI_CERT_MALFORMED for an empty OID
 * @example
 * ```ts
 * decodeOid(Buffer.from('550403', 'hex')); // '2.5.4.3'
 * ```
 */
export function decodeOid(v: Uint8Array): string {
  if (v.length === 0) throw new PkiError('PKI_CERT_MALFORMED', 'malformed certificate: empty OID');
  const arcs: number[] = [];
  let acc = 0;
  for (const b of v) {
    acc = acc * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(acc);
      acc = 0;
    }
  }
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

const UTC = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** The six numeric fields of a Zulu, whole-second UTCTime (0x17) or GeneralizedTime (0x18). */
function timeFields(tag: number, s: string): number[] | undefined {
  const m = tag === 0x17 ? UTC.exec(s) : tag === 0x18 ? GENERALIZED.exec(s) : null;
  if (!m) return undefined;
  const fields = m.slice(1).map(Number);
  // RFC 5280 §4.1.2.5.1: UTCTime YY ≥ 50 is 19YY, else 20YY.
  if (tag === 0x17) fields[0]! += fields[0]! >= 50 ? 1900 : 2000;
  return fields;
}

/**
 * RFC 5280 §4.1.2.5 Time, strictly: UTCTime YYMMDDHHMMSSZ (YY ≥ 50 is 19YY) or GeneralizedTime
 * YYYYMMDDHHMMSSZ, both in whole seconds and Zulu, and a real calendar date. Used for
 * certificate validity and CRL update times, where a wrong date must not be accepted.
 *
 * @param der - the buffer holding the element
 * @param el - the UTCTime or GeneralizedTime element
 * @throws DerSyntaxError for any other form
 * @example
 * ```ts
 * const notBefore = timeValue(der, validityChildren[0]);
 * ```
 */
export function timeValue(der: Buffer, el: DerElement): Date {
  const s = der.subarray(el.start, el.end).toString('latin1');
  const f = timeFields(el.tag, s);
  if (!f) return fail(`bad Time ${JSON.stringify(s)}`);
  const [year, mo, d, h, mi, se] = f as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, mo - 1, d); // not Date.UTC, which maps years 0..99 to 19xx
  date.setUTCHours(h, mi, se, 0);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    fail(`bad Time ${JSON.stringify(s)}`);
  }
  return date;
}

/**
 * A UTCTime (0x17) or GeneralizedTime (0x18) value as a Date, both in Z form, read leniently:
 * out-of-range fields roll over as `Date.UTC` does. Kept for the CMS signing-time attribute
 * (RFC 5652 §11.3), whose reading must not become stricter than it has been.
 *
 * @param tag - 0x17 or 0x18
 * @param v - the content octets
 * @throws PkiError PKI_CERT_MALFORMED when the value is not in Z form
 * @example
 * ```ts
 * decodeTime(0x17, Buffer.from('260302093000Z')); // 2026-03-02T09:30:00.000Z
 * ```
 */
export function decodeTime(tag: number, v: Buffer): Date {
  const s = v.toString('latin1');
  const bad = (): never => {
    throw new PkiError('PKI_CERT_MALFORMED', `malformed certificate: bad time ${JSON.stringify(s)}`);
  };
  const f = timeFields(tag, s) ?? bad();
  const [year, mo, d, h, mi, se] = f as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  if (Number.isNaN(date.getTime())) {
    throw new PkiError('PKI_CERT_MALFORMED', `malformed certificate: bad time ${s}`);
  }
  return date;
}
