/**
 * Re-encoding of BER as DER where CMS needs it (X.690 §8 → §10): indefinite lengths become
 * definite ones (§10.1) and constructed OCTET STRINGs, BIT STRINGs and character strings become
 * one primitive string holding the concatenation of their segments (§10.2). `openssl cms -sign
 * -stream`, many PDF signers and other CAdES writers use these forms; RFC 5652 §5.4 still signs
 * the DER of the signed attributes, which is kept or rebuilt by the caller.
 *
 * Element order is kept: SET OF values are not re-sorted here.
 */
import * as DER from './der.js';

/** Deepest nesting and most elements converted. */
const MAX_DEPTH = 64;
const MAX_ELEMENTS = 1_000_000;

class BerError extends Error {}

interface State {
  elements: number;
  /** Whether anything was re-encoded (false: the input was DER-shaped already). */
  changed: boolean;
}

/** Universal string types that BER lets be constructed and DER does not (X.690 §8.21, §10.2). */
const STRING_TAGS = new Set([0x03, 0x04, 0x0c, 0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a, 0x1b, 0x1c, 0x1e]);

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** The primitive string that the converted segments of a constructed string make (§8.21.6, §8.6.4). */
function mergeSegments(tag: number, parts: Buffer[], st: State): Buffer {
  st.changed = true;
  const bodies: Buffer[] = [];
  let unused = 0;
  for (const [i, seg] of parts.entries()) {
    const h = DER.readHeader(seg, 0);
    if (h.tag !== tag) throw new BerError('a string segment has another type');
    const body = seg.subarray(h.start, h.end);
    if (tag !== 0x03) bodies.push(body);
    else {
      if (body.length === 0 || (i < parts.length - 1 && body[0] !== 0)) throw new BerError('bad BIT STRING');
      unused = body[0]!;
      bodies.push(body.subarray(1));
    }
  }
  const body = Buffer.concat(tag === 0x03 ? [Buffer.from([unused]), ...bodies] : bodies);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

/** Converts the element at `pos`; returns its DER encoding and where it ended. */
function convert(buf: Buffer, pos: number, depth: number, st: State): { out: Buffer; end: number } {
  if (depth > MAX_DEPTH || ++st.elements > MAX_ELEMENTS) throw new BerError('too deep or too many elements');
  let p = pos;
  if (p >= buf.length) throw new BerError('truncated');
  const constructed = (buf[p]! & 0x20) !== 0;
  if ((buf[p++]! & 0x1f) === 0x1f) while (p < buf.length && buf[p++]! & 0x80);
  const tag = buf.subarray(pos, p);
  if (p >= buf.length) throw new BerError('truncated');
  const first = buf[p++]!;
  const parts: Buffer[] = [];
  let end: number;
  if (first === 0x80) {
    if (!constructed) throw new BerError('indefinite length on a primitive element');
    st.changed = true;
    while (!(buf[p] === 0 && buf[p + 1] === 0)) {
      if (p + 2 > buf.length) throw new BerError('missing end-of-contents');
      const c = convert(buf, p, depth + 1, st);
      parts.push(c.out);
      p = c.end;
    }
    end = p + 2;
  } else {
    let len = first;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n === 0 || n > 4 || p + n > buf.length) throw new BerError('bad length');
      len = buf.readUIntBE(p, n);
      p += n;
    }
    end = p + len;
    if (end > buf.length) throw new BerError('truncated');
    if (!constructed) return { out: buf.subarray(pos, end), end };
    for (let q = p; q < end;) {
      const c = convert(buf, q, depth + 1, st);
      if (c.end > end) throw new BerError('element overruns its parent');
      parts.push(c.out);
      q = c.end;
    }
  }
  const universal = tag.length === 1 && (tag[0]! & 0xc0) === 0 ? tag[0]! & 0x1f : -1;
  if (STRING_TAGS.has(universal)) return { out: mergeSegments(universal, parts, st), end };
  const body = Buffer.concat(parts);
  return { out: Buffer.concat([tag, lengthBytes(body.length), body]), end };
}

/**
 * The first element of `bytes` in DER form (definite lengths, primitive strings; trailing bytes,
 * such as the zero padding of a PDF /Contents, ignored; `end` is where the element ended in
 * `bytes`), with whether it had to be re-encoded; undefined when it is not BER.
 *
 * @example `berToDer(Buffer.from('30802480040201020000' + '0000', 'hex'))?.der // 30 04 04 02 01 02`
 */
export function berToDer(bytes: Buffer): { der: Buffer; changed: boolean; end: number } | undefined {
  try {
    const st: State = { elements: 0, changed: false };
    const { out, end } = convert(bytes, 0, 0, st);
    DER.readHeader(out, 0);
    return { der: out, changed: st.changed, end };
  } catch (e) {
    if (e instanceof BerError || e instanceof RangeError) return undefined;
    throw e;
  }
}

/**
 * The first element of `bytes` with definite lengths and primitive strings; undefined when it is
 * not BER.
 *
 * @example `definiteLengths(Buffer.from('3080020101 0000'.replace(/ /g, ''), 'hex')) // 3003020101`
 */
export function definiteLengths(bytes: Buffer): Buffer | undefined {
  return berToDer(bytes)?.der;
}
