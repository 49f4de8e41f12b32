/**
 * Sequential reading of DER structures on top of the bounds-checked walker of `lib/der_reader.ts`,
 * used by the CMS parser (`pki/cms_signed_data.ts`) and the RFC 3161 codecs. Internal:
 * failures are `DerSyntaxError`s, which the public entry points turn into stable codes (`guarded`).
 */
import { childrenOf, fail } from './der_reader.js';
import type { DerElement } from './der_reader.js';
import { decodeOid } from './der_values.js';

/** Reads children in order: `optional` (consumed only if `tag` matches), `take` (must match), `end`. */
export interface DerCursor {
  optional(tag: number): DerElement | undefined;
  take(tag: number | undefined, what: string): DerElement;
  end(what: string): void;
}

/** A {@link DerCursor} over the children of `parent`. */
export function cursor(der: Buffer, parent: DerElement): DerCursor {
  const items = childrenOf(der, parent);
  let i = 0;
  return {
    optional: (tag) => (items[i]?.tag === tag ? items[i++] : undefined),
    take: (tag, what) => {
      const el = items[i++];
      return el !== undefined && (tag === undefined || el.tag === tag) ? el : fail(`missing or bad ${what}`);
    },
    end: (what) => (i === items.length ? undefined : fail(`unexpected element in ${what}`)),
  };
}

/** Dotted OID of an OBJECT IDENTIFIER element. */
export function oidAt(der: Buffer, el: DerElement): string {
  if (el.tag !== 0x06 || el.length === 0 || (der[el.end - 1]! & 0x80) !== 0) fail('bad OBJECT IDENTIFIER');
  return decodeOid(der.subarray(el.start, el.end));
}

/** Content octets of an INTEGER element. */
export function integerAt(der: Buffer, el: DerElement): Buffer {
  if (el.tag !== 0x02 || el.length === 0) fail('bad INTEGER');
  return der.subarray(el.start, el.end);
}

/** A non-negative INTEGER below 2^31. */
export function smallIntAt(der: Buffer, el: DerElement): number {
  const v = integerAt(der, el);
  if (v.length > 4 || (v[0]! & 0x80) !== 0) fail('INTEGER out of range');
  return v.readUIntBE(0, v.length);
}

/** Serial number hex as {@link parseCertificate} renders it. */
export function serialHex(v: Uint8Array): string {
  return Buffer.from(v)
    .toString('hex')
    .replace(/^(00)+(?=[0-9a-f])/, '');
}

/** AlgorithmIdentifier: OID, and the parameters unless absent or NULL. */
export function algorithmAt(der: Buffer, el: DerElement): { oid: string; params?: DerElement } {
  const [algorithm, params, ...rest] = el.tag === 0x30 ? childrenOf(der, el) : [];
  if (algorithm === undefined || rest.length > 0) fail('bad AlgorithmIdentifier');
  const oid = oidAt(der, algorithm);
  return params === undefined || (params.tag === 0x05 && params.length === 0) ? { oid } : { oid, params };
}
