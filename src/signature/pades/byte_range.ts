/**
 * The checks of a signature's /ByteRange (ISO 32000-1 §12.8.1, EN 319 142-1 §5.1 and §5.5): two
 * ranges from 0 whose gap is exactly the /Contents hex string, and which together end where a
 * revision ends, so every byte of the signed revision but the signature value is covered.
 */
import type { DocumentSource } from '../../lib/document_source.js';
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
  const out = rangeShapeProblems(entry, doc);
  const r = rangesOf(entry);
  if (!r || out.some((p) => p.includes('beyond the end'))) return out;
  if (!doc.revisionEnds().some((e) => e.eofEnd <= r.signedEnd && r.signedEnd <= e.end))
    out.push('the /ByteRange does not end where a revision ends');
  if (entry.objectOffset !== undefined && entry.objectOffset >= r.signedEnd)
    out.push('the signature dictionary is outside the revision it signs');
  return out;
}

/**
 * The reasons the bytes a signature's ByteRange selects are not "the document but the signature
 * value" (empty when they are): not two ranges from 0, overlapping, beyond the file, or a gap that
 * does not hold the signature's /Contents value as one hex string. Such ranges sign something
 * else than the document (a signature wrapping attack moves the signed bytes around), so the
 * signed data is not intact whatever the message-digest says (DSS: the signed content is then
 * empty). A gap holding the same value elsewhere than the dictionary's own /Contents (a signature
 * dictionary replaced by a later revision) is a format matter: {@link byteRangeProblems}.
 *
 * @param entry - the signature
 * @param doc - the document
 * @param source - the document bytes
 * @returns the problems
 * @example `await signedContentProblems(entry, doc, source) // ['the two /ByteRange ranges overlap']`
 */
export async function signedContentProblems(
  entry: PdfSignatureEntry,
  doc: PdfDocument,
  source: DocumentSource,
): Promise<string[]> {
  const out = rangeShapeProblems(entry, doc).filter((p) => p !== GAP_NOT_CONTENTS);
  const r = rangesOf(entry);
  if (out.length > 0 || !r || !entry.contents) return out;
  const [[, gapStart], [gapEnd]] = r.ranges as [[number, number], [number, number]];
  if (gapStart === entry.contents.start && gapEnd === entry.contents.end) return out;
  if (gapEnd - gapStart > MAX_GAP || !(await holdsHexString(source, gapStart, gapEnd, entry.contents.bytes)))
    out.push('the gap in the /ByteRange does not hold the /Contents value');
  return out;
}

/** Largest /ByteRange gap compared with the /Contents value (hex, so twice the value). */
const MAX_GAP = 64 * 1024 * 1024;

async function holdsHexString(
  source: DocumentSource,
  start: number,
  end: number,
  value: Buffer,
): Promise<boolean> {
  const text = (await source.read(start, end - start)).toString('latin1');
  const m = /^<([0-9A-Fa-f\s]*)>$/.exec(text);
  if (!m) return false;
  const hex = m[1]!.replace(/\s+/g, '');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex').equals(value);
}

const GAP_NOT_CONTENTS = 'the gap in the /ByteRange is not exactly the /Contents string';

function rangeShapeProblems(entry: PdfSignatureEntry, doc: PdfDocument): string[] {
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
  else if (e0 !== c.start || s1 !== c.end) out.push(GAP_NOT_CONTENTS);
  if (e1 > doc.size) out.push('the /ByteRange goes beyond the end of the file');
  return out;
}
