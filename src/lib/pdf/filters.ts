/**
 * Stream filters needed to read the structure of a PDF (ISO 32000-1 §7.4): FlateDecode with the
 * PNG and TIFF predictors (§7.4.4.4), which cross-reference streams and object streams use, and
 * ASCIIHexDecode. Decoded sizes are bounded (a "zip bomb" stops at the limit).
 */
import { constants, inflateSync } from 'node:zlib';
import { malformed, unsupported } from './errors.js';
import { PdfDict, PdfName } from './objects.js';
import type { PdfObject } from './objects.js';

/**
 * Largest decoded stream accepted by default.
 *
 * @example `decodeStream(dict, raw, MAX_DECODED)`
 */
export const MAX_DECODED = 256 * 1024 * 1024;

function inflate(data: Buffer, max: number): Buffer {
  try {
    // Z_SYNC_FLUSH: accept streams whose zlib trailer is missing, as many writers produce.
    return inflateSync(data, { maxOutputLength: max, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      return malformed(`a stream decodes to more than ${max} bytes`);
    return malformed(`FlateDecode failed: ${(e as Error).message}`);
  }
}

function asciiHex(data: Buffer): Buffer {
  const text = data.toString('latin1').replace(/\s+/g, '');
  const end = text.indexOf('>');
  const hex = end >= 0 ? text.slice(0, end) : text;
  if (!/^[0-9a-fA-F]*$/.test(hex)) return malformed('bad ASCIIHexDecode data');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}

function param(parms: PdfDict | undefined, key: string, dflt: number): number {
  const v = parms?.num(key);
  return v !== undefined && Number.isInteger(v) && v >= 0 && v < 1 << 24 ? v : dflt;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the PNG predictors (RFC 2083 §6): each row starts with its filter type byte. */
function pngPredictor(data: Buffer, bpp: number, rowLength: number): Buffer {
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const x = data[src + i]!;
      const a = i >= bpp ? out[dst + i - bpp]! : 0;
      const b = r > 0 ? out[dst - rowLength + i]! : 0;
      const c = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      let v: number;
      if (type === 0) v = x;
      else if (type === 1) v = x + a;
      else if (type === 2) v = x + b;
      else if (type === 3) v = x + ((a + b) >> 1);
      else if (type === 4) v = x + paeth(a, b, c);
      else return malformed(`unknown PNG predictor ${type}`);
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

/** The TIFF predictor 2 (horizontal differencing) for 8-bit components. */
function tiffPredictor(data: Buffer, bpp: number, rowLength: number, bits: number): Buffer {
  if (bits !== 8) return unsupported('TIFF predictor with other than 8 bits per component');
  const out = Buffer.from(data);
  for (let r = 0; r + rowLength <= out.length; r += rowLength)
    for (let i = bpp; i < rowLength; i++) out[r + i] = (out[r + i]! + out[r + i - bpp]!) & 0xff;
  return out;
}

function predict(data: Buffer, parms: PdfDict | undefined): Buffer {
  const predictor = param(parms, 'Predictor', 1);
  if (predictor === 1) return data;
  const colors = param(parms, 'Colors', 1);
  const bits = param(parms, 'BitsPerComponent', 8);
  const columns = param(parms, 'Columns', 1);
  const bpp = Math.max(1, Math.ceil((colors * bits) / 8));
  const rowLength = Math.ceil((colors * bits * columns) / 8);
  if (rowLength === 0 || rowLength > 1 << 20) return malformed('bad predictor parameters');
  if (predictor === 2) return tiffPredictor(data, bpp, rowLength, bits);
  if (predictor >= 10) return pngPredictor(data, bpp, rowLength);
  return unsupported(`predictor ${predictor}`);
}

function list<T>(v: PdfObject | undefined, is: (x: PdfObject) => x is T & PdfObject): (T | undefined)[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.map((x) => (is(x) ? x : undefined));
  return [is(v) ? v : undefined];
}

/**
 * Decodes a stream's data through its /Filter chain (direct names and parameter dictionaries;
 * the caller resolves indirect ones first).
 *
 * @param dict - the stream dictionary
 * @param data - the encoded bytes
 * @param max - largest decoded size accepted
 * @returns the decoded bytes
 * @throws PdfError PDF_MALFORMED for corrupt data, PDF_UNSUPPORTED for other filters
 * @example `decodeStream(xref.dict, raw)`
 */
export function decodeStream(dict: PdfDict, data: Buffer, max = MAX_DECODED): Buffer {
  const filters = list(dict.get('Filter'), (x): x is PdfName => x instanceof PdfName);
  const parms = list(dict.get('DecodeParms'), (x): x is PdfDict => x instanceof PdfDict);
  if (filters.length > 8) return unsupported('more than 8 filters');
  let out = data;
  filters.forEach((f, i) => {
    if (!f) return malformed('a /Filter entry is not a name');
    if (f.name === 'FlateDecode' || f.name === 'Fl') out = predict(inflate(out, max), parms[i]);
    else if (f.name === 'ASCIIHexDecode' || f.name === 'AHx') out = asciiHex(out);
    else unsupported(`filter ${f.name}`);
  });
  return out;
}
