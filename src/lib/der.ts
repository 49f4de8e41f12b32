/**
 * A minimal DER (X.690) writer for the structures trustbridge signs on hot paths
 * (certificates, CRLs). Parsing goes through the PeculiarVentures ASN.1 schemas; writing
 * with these helpers keeps issuance cheap and the encodings exactly as the profiles say
 * (PrintableString for C and serialNumber, UTF8String elsewhere, RFC 5280 §4.1.2.5 times).
 * Internal: not exported from the package.
 */

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Tag-length-value with a one-byte tag. */
export function tlv(tag: number, value: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

/** SEQUENCE of already-encoded elements (undefined entries are skipped). */
export function seq(...items: (Uint8Array | undefined)[]): Buffer {
  return tlv(0x30, Buffer.concat(items.filter((i): i is Uint8Array => i !== undefined)));
}

/** SET OF, sorted as DER requires (X.690 §11.6). */
export function setOf(...items: Uint8Array[]): Buffer {
  const sorted = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return tlv(0x31, Buffer.concat(sorted));
}

/** Context-specific constructed [n] (explicit tagging). */
export function explicit(n: number, inner: Uint8Array): Buffer {
  return tlv(0xa0 | n, inner);
}

/** Context-specific primitive [n] (implicit tagging of a primitive value). */
export function implicitPrimitive(n: number, value: Uint8Array): Buffer {
  return tlv(0x80 | n, value);
}

/** Context-specific constructed [n] replacing a SEQUENCE tag (implicit tagging of a constructed value). */
export function implicitConstructed(n: number, content: Uint8Array): Buffer {
  return tlv(0xa0 | n, content);
}

/** INTEGER from a non-negative number or a big-endian unsigned byte string. */
export function integer(value: number | bigint | Uint8Array): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number' || typeof value === 'bigint') {
    let v = BigInt(value);
    const out: number[] = [];
    do {
      out.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    bytes = Buffer.from(out);
  } else {
    bytes = Buffer.from(value);
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    bytes = bytes.subarray(i);
  }
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** BOOLEAN. */
export function boolean(v: boolean): Buffer {
  return tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
}

/** NULL. */
export function nullValue(): Buffer {
  return Buffer.from([0x05, 0x00]);
}

const oidCache = new Map<string, Buffer>();

/** OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const body: number[] = [];
  const push = (v: bigint): void => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  const out = tlv(0x06, Buffer.from(body));
  oidCache.set(dotted, out);
  return out;
}

/** OCTET STRING. */
export function octets(v: Uint8Array): Buffer {
  return tlv(0x04, v);
}

/** BIT STRING with zero unused bits (keys, signatures). */
export function bitString(v: Uint8Array): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), v]));
}

/**
 * Named BIT STRING (KeyUsage, ReasonFlags) from the set bit positions, with trailing zero
 * bits removed as DER requires (X.690 §11.2.2).
 */
export function namedBits(bits: number[]): Buffer {
  if (bits.length === 0) return Buffer.from([0x03, 0x01, 0x00]);
  const max = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[Math.floor(b / 8)]! |= 0x80 >> (b % 8);
  const unused = 7 - (max % 8);
  return tlv(0x03, Buffer.concat([Buffer.from([unused]), bytes]));
}

/** UTF8String. */
export function utf8(s: string): Buffer {
  return tlv(0x0c, Buffer.from(s, 'utf8'));
}

/** PrintableString (caller guarantees the character set). */
export function printable(s: string): Buffer {
  return tlv(0x13, Buffer.from(s, 'latin1'));
}

/** IA5String. */
export function ia5(s: string): Buffer {
  return tlv(0x16, Buffer.from(s, 'latin1'));
}

/** GeneralizedTime YYYYMMDDHHMMSSZ. */
export function generalizedTime(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return tlv(0x18, Buffer.from(s, 'latin1'));
}

/** RFC 5280 §4.1.2.5 Time: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(d: Date): Buffer {
  if (d.getUTCFullYear() >= 2050 || d.getUTCFullYear() < 1950) return generalizedTime(d);
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(s, 'latin1'));
}

/** Reads the header of the DER element at `offset`: where its value starts and how long it is. */
export function readHeader(
  der: Uint8Array,
  offset = 0,
): { tag: number; start: number; length: number; end: number } {
  if (offset + 2 > der.length) throw new RangeError('truncated DER');
  const tag = der[offset]!;
  let len = der[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > der.length) throw new RangeError('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    start += n;
  }
  if (start + len > der.length) throw new RangeError('truncated DER');
  return { tag, start, length: len, end: start + len };
}
