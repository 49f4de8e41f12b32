/**
 * Canonical JSON for log entries: the JSON Canonicalization Scheme (RFC 8785) restricted to
 * the values entries hold — objects, arrays, strings, non-negative safe integers — where it is
 * exactly: members sorted by their names' UTF-16 code units (§3.2.3), no white space, strings
 * escaped as ECMAScript's JSON.stringify does (§3.2.2.2), integers in their shortest decimal
 * form (§3.2.2.3). Anything else (floats, negative numbers, booleans, null, lone surrogates)
 * is refused, so every entry has one byte form and a decoder can insist on it.
 */
import { LedgerEntryError } from './entry_errors.js';

/** A value an entry may hold. */
export type CanonicalValue =
  string | number | readonly CanonicalValue[] | { readonly [k: string]: CanonicalValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function write(v: unknown, path: string, out: string[]): void {
  if (typeof v === 'string') {
    if (LONE_SURROGATE.test(v)) throw malformed(`${path} holds a lone surrogate`);
    out.push(JSON.stringify(v));
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw malformed(`${path} is not a non-negative integer`);
    out.push(String(v));
  } else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((x, i) => {
      if (i > 0) out.push(',');
      write(x, `${path}[${i}]`, out);
    });
    out.push(']');
  } else if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 asks.
    const keys = Object.keys(v).sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (LONE_SURROGATE.test(k)) throw malformed(`${path} has a member name with a lone surrogate`);
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) throw malformed(`${path}.${k} is undefined`);
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(x, `${path}.${k}`, out);
    });
    out.push('}');
  } else {
    throw malformed(`${path} is not a string, integer, array or object`);
  }
}

function malformed(detail: string): LedgerEntryError {
  return new LedgerEntryError('LEDGER_ENTRY_MALFORMED', detail);
}

/**
 * The canonical UTF-8 bytes of a value.
 *
 * @param value - objects, arrays, strings and non-negative safe integers only
 * @throws LedgerEntryError LEDGER_ENTRY_MALFORMED for any other value
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: 'x' }).toString(); // '{"a":"x","b":1}'
 * ```
 */
export function canonicalJson(value: unknown): Buffer {
  const out: string[] = [];
  write(value, '$', out);
  return Buffer.from(out.join(''), 'utf8');
}
