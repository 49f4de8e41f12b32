/**
 * Small strict DER value readers for the X.509 decoders (INTEGER, BOOLEAN, BIT STRING, OID), on
 * top of the bounds-checked walker in `src/lib/der_reader.ts` (times and OID text are in
 * `src/lib/der_values.ts`). Each reader takes the buffer and an element of it and throws
 * DerSyntaxError on anything not DER.
 *
 * @example
 * ```ts
 * const [ca, pathLen] = topChildren(value, 0x30, 'BasicConstraints');
 * booleanValue(value, ca!); smallInteger(value, pathLen!);
 * ```
 */
import { childrenOf, fail, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { decodeOid } from '../lib/der_values.js';

/** Content octets of an element. */
export function contents(der: Buffer, el: DerElement): Buffer {
  return der.subarray(el.start, el.end);
}

/** The children of the single top-level element of `der`, which must carry `tag`. */
export function topChildren(der: Buffer, tag: number, what: string): DerElement[] {
  return childrenOf(der, topElement(der, tag, what));
}

/** A non-negative INTEGER small enough for a number (counts, path lengths, skip certs). */
export function smallInteger(der: Buffer, el: DerElement, tag = 0x02): number {
  if (el.tag !== tag || el.length === 0) fail('expected INTEGER');
  const v = contents(der, el);
  if ((v[0]! & 0x80) !== 0) fail('negative INTEGER where 0..MAX is required');
  if (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) fail('INTEGER not minimally encoded');
  if (v.length > 6) fail('INTEGER too large');
  return v.reduce((acc, b) => acc * 256 + b, 0);
}

/** BOOLEAN value. */
export function booleanValue(der: Buffer, el: DerElement): boolean {
  if (el.tag !== 0x01 || el.length !== 1) fail('expected BOOLEAN');
  return der[el.start] !== 0;
}

/** OBJECT IDENTIFIER in dotted form. */
export function oidValue(der: Buffer, el: DerElement): string {
  if (el.tag !== 0x06) fail('expected OBJECT IDENTIFIER');
  return decodeOid(contents(der, el));
}

/** Set bit positions of a named BIT STRING (KeyUsage, ReasonFlags), bit 0 first. */
export function namedBitPositions(der: Buffer, el: DerElement, tag = 0x03): Set<number> {
  if (el.tag !== tag || el.length === 0) fail('expected BIT STRING');
  const v = contents(der, el);
  const unused = v[0]!;
  if (unused > 7 || (v.length === 1 && unused !== 0)) fail('bad BIT STRING padding');
  const bits = new Set<number>();
  for (let i = 0; i < (v.length - 1) * 8 - unused; i++) {
    if ((v[1 + (i >> 3)]! & (0x80 >> (i & 7))) !== 0) bits.add(i);
  }
  return bits;
}

/** Value of a BIT STRING with no unused bits (signatures, keys). */
export function octetAlignedBits(der: Buffer, el: DerElement): Buffer {
  if (el.tag !== 0x03 || el.length === 0 || der[el.start] !== 0) fail('expected octet-aligned BIT STRING');
  return der.subarray(el.start + 1, el.end);
}
