/**
 * The checks of a signature's /ByteRange (ISO 32000-1 §12.8.1, EN 319 142-1 §5.1 and §5.5): two
 * ranges from 0 whose gap is exactly the /Contents hex string, and which together end where a
 * revision ends, so every byte of the signed revision but the signature value is covered.
 */
import type { PdfDocument } from '../../lib/pdf/document.js';
import type { PdfSignatureEntry } from './signatures.js';

/** A well-formed ByteRange: `[0, start, end, length]` as two absolute ranges. */
export interface SignedRanges {
  ranges: [number, number][];
  /** Where the signed revision ends (`end + length`). */
  signedEnd: number;
}

/**
 * The ranges of an entry's ByteRange (whatever their problems), or undefined when it is not four
 * non-negative integers.
 *
 * @example `rangesOf(entry)?.signedEnd`
 */
export function rangesOf(entry: PdfSignatureEntry): SignedRanges | undefined {
  const br = entry.byteRange;
  if (br?.length !== 4 || br.some((x) => x < 0)) return undefined;
  const [a, la, b, lb] = br as [number, number, number, number];
  return {
    ranges: [
      [a, a + la],
      [b, b + lb],
    ],
    signedEnd: b + lb,
  };
}

/**
 * The reasons a signature's ByteRange is not valid (empty when it is).
 *
 * @param entry - the signature
 * @param doc - the document
 * @returns the problems, for a FORMAT_FAILURE
 * @example `byteRangeProblems(entry, doc) // ['the ByteRange does not start at 0']`
 */
export function byteRangeProblems(entry: PdfSignatureEntry, doc: PdfDocument): string[] {
  const br = entry.byteRange;
  if (!br) return ['the signature has no /ByteRange array of integers'];
  if (br.length !== 4) return [`the /ByteRange has ${br.length / 2} ranges, not two`];
  const r = rangesOf(entry);
  if (!r) return ['the /ByteRange has negative values'];
  const out: string[] = [];
  const [[s0, e0], [s1, e1]] = r.ranges as [[number, number], [number, number]];
  if (s0 !== 0) out.push('the /ByteRange does not start at 0');
  if (s1 < e0) out.push('the two /ByteRange ranges overlap');
  const c = entry.contents;
  if (!c) out.push('the signature has no /Contents string');
  else if (c.start < 0) out.push('the /Contents string is not in the file itself (compressed object)');
  else if (e0 !== c.start || s1 !== c.end)
    out.push('the gap in the /ByteRange is not exactly the /Contents string');
  if (e1 > doc.size) out.push('the /ByteRange goes beyond the end of the file');
  else if (!doc.revisionEnds().some((e) => e.eofEnd <= e1 && e1 <= e.end))
    out.push('the /ByteRange does not end where a revision ends');
  if (entry.objectOffset !== undefined && entry.objectOffset >= e1)
    out.push('the signature dictionary is outside the revision it signs');
  return out;
}
