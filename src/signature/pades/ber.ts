/**
 * Re-encoding of BER indefinite lengths as definite ones (X.690 §8.1.3.6 → §10.1). Some PDF
 * signers write the outer CMS layers with indefinite lengths; the signed attributes inside are
 * DER (RFC 5652 §5.3) and are copied byte for byte, so the signature still verifies.
 */
import * as DER from '../../lib/der.js';

/** Deepest nesting and most elements converted. */
const MAX_DEPTH = 64;
const MAX_ELEMENTS = 1_000_000;

class BerError extends Error {}

interface State {
  elements: number;
}

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Converts the element at `pos`; returns its definite encoding and where it ended. */
function convert(buf: Buffer, pos: number, depth: number, st: State): { out: Buffer; end: number } {
  if (depth > MAX_DEPTH || ++st.elements > MAX_ELEMENTS) throw new BerError('too deep or too many elements');
  let p = pos;
  if (p >= buf.length) throw new BerError('truncated');
  const constructed = (buf[p]! & 0x20) !== 0;
  if ((buf[p++]! & 0x1f) === 0x1f) while (p < buf.length && buf[p++]! & 0x80);
  const tag = buf.subarray(pos, p);
  if (p >= buf.length) throw new BerError('truncated');
  const first = buf[p++]!;
  if (first === 0x80) {
    if (!constructed) throw new BerError('indefinite length on a primitive element');
    const parts: Buffer[] = [];
    while (!(buf[p] === 0 && buf[p + 1] === 0)) {
      if (p + 2 > buf.length) throw new BerError('missing end-of-contents');
      const c = convert(buf, p, depth + 1, st);
      parts.push(c.out);
      p = c.end;
    }
    const body = Buffer.concat(parts);
    return { out: Buffer.concat([tag, lengthBytes(body.length), body]), end: p + 2 };
  }
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4 || p + n > buf.length) throw new BerError('bad length');
    len = buf.readUIntBE(p, n);
    p += n;
  }
  const end = p + len;
  if (end > buf.length) throw new BerError('truncated');
  if (!constructed) return { out: buf.subarray(pos, end), end };
  const parts: Buffer[] = [];
  for (let q = p; q < end;) {
    const c = convert(buf, q, depth + 1, st);
    if (c.end > end) throw new BerError('element overruns its parent');
    parts.push(c.out);
    q = c.end;
  }
  const body = Buffer.concat(parts);
  return { out: Buffer.concat([tag, lengthBytes(body.length), body]), end };
}

/**
 * The first element of `bytes` with definite lengths (trailing bytes, such as the zero padding of
 * a PDF /Contents, ignored); undefined when it is not BER.
 *
 * @example `definiteLengths(Buffer.from('3080020101 0000'.replace(/ /g, ''), 'hex')) // 3003020101`
 */
export function definiteLengths(bytes: Buffer): Buffer | undefined {
  try {
    const { out } = convert(bytes, 0, 0, { elements: 0 });
    DER.readHeader(out, 0);
    return out;
  } catch (e) {
    if (e instanceof BerError || e instanceof RangeError) return undefined;
    throw e;
  }
}
