/**
 * Writing a signature into a PDF (ISO 32000-1 §12.8.1): the update is laid out with a /Contents
 * hex string of zeros and a /ByteRange placeholder, the exact ByteRange is patched in, the bytes
 * it covers are digested, and the CMS (or time-stamp token) produced over that digest is written
 * into /Contents. Nothing before the update changes (EN 319 142-1 §5.5: incremental updates).
 */
import { createHash } from 'node:crypto';
import { PdfDocument } from '../../lib/pdf/document.js';
import { writeIncrementalUpdate } from '../../lib/pdf/writer.js';
import type { HashAlgorithm } from '../../pki/key_store.js';
import { bufferSource } from '../../lib/document_source.js';
import { PadesError } from './errors.js';
import { planSignatureField } from './field.js';

/** Width of each ByteRange number in the placeholder (files up to 10^10 bytes). */
const RANGE_DIGITS = 10;
const RANGE_PLACEHOLDER = `[0 ${'0'.repeat(RANGE_DIGITS)} ${'0'.repeat(RANGE_DIGITS)} ${'0'.repeat(RANGE_DIGITS)}]`;
/** Largest /Contents accepted (bytes of DER). */
const MAX_CONTENTS = 1024 * 1024;

/** What a signature revision carries. */
export interface SignatureSlot {
  /** Entries of the signature dictionary other than /ByteRange and /Contents, serialised. */
  entries: string;
  /** Bytes reserved for the DER in /Contents. */
  capacity: number;
  /** Hash of the ByteRange digest. */
  hash: HashAlgorithm;
  /** Produces the DER for the digest of the signed bytes. */
  produce(digest: Buffer): Promise<Buffer>;
  /** Field name prefix. */
  prefix?: string;
}

/** What {@link appendSignatureRevision} wrote. */
export interface WrittenSignature {
  bytes: Buffer;
  /** The DER written into /Contents. */
  der: Buffer;
  /** The whole /Contents value (DER and zero padding): what a DSS VRI key is computed over. */
  contents: Buffer;
  byteRange: [number, number, number, number];
  fieldName: string;
}

function sigBody(slot: SignatureSlot, capacity: number): Buffer {
  return Buffer.from(
    `<<${slot.entries} /ByteRange ${RANGE_PLACEHOLDER} /Contents <${'0'.repeat(2 * capacity)}>>>`,
    'latin1',
  );
}

async function attempt(
  pdf: Buffer,
  slot: SignatureSlot,
  capacity: number,
): Promise<WrittenSignature | number> {
  const doc = await PdfDocument.open(bufferSource(pdf));
  const plan = await planSignatureField(doc, sigBody(slot, capacity), slot.prefix);
  const { bytes, bodies } = writeIncrementalUpdate(pdf, doc, plan.objects);
  const body = bodies.get(plan.sigNum)!;
  const rangeAt = bytes.indexOf(`/ByteRange ${RANGE_PLACEHOLDER}`, body, 'latin1') + '/ByteRange '.length;
  const start = bytes.indexOf('/Contents <', body, 'latin1') + '/Contents '.length;
  const end = start + 2 + 2 * capacity;
  const range: [number, number, number, number] = [0, start, end, bytes.length - end];
  const text = `[${range.join(' ')}`;
  if (text.length + 1 > RANGE_PLACEHOLDER.length)
    throw new PadesError('PDF_UNSUPPORTED', 'the document is too large to sign');
  bytes.write(`${text}${' '.repeat(RANGE_PLACEHOLDER.length - text.length - 1)}]`, rangeAt, 'latin1');
  const digest = createHash(slot.hash).update(bytes.subarray(0, start)).update(bytes.subarray(end)).digest();
  const der = await slot.produce(digest);
  if (der.length > capacity) return der.length;
  bytes.write(der.toString('hex'), start + 1, 'latin1');
  const contents = Buffer.alloc(capacity);
  der.copy(contents);
  return { bytes, der, contents, byteRange: range, fieldName: plan.fieldName };
}

/**
 * Appends one incremental update with a new signature field whose dictionary holds `slot.entries`
 * and a /Contents filled by `slot.produce`. When the DER does not fit the reserved space, the
 * update is laid out again with enough room (and `produce` called again).
 *
 * @param pdf - the document
 * @param slot - the dictionary entries, room, hash and producer
 * @returns the new document, the DER and the ByteRange
 * @throws PadesError PDF_MALFORMED / PDF_UNSUPPORTED for documents that cannot be updated
 * @example
 * ```ts
 * const { bytes } = await appendSignatureRevision(pdf, { entries: '/Type /Sig', capacity: 8192, hash: 'sha256', produce });
 * ```
 */
export async function appendSignatureRevision(pdf: Buffer, slot: SignatureSlot): Promise<WrittenSignature> {
  let capacity = slot.capacity;
  for (let i = 0; i < 3; i++) {
    const r = await attempt(pdf, slot, capacity);
    if (typeof r !== 'number') return r;
    // Time-stamp tokens and ECDSA values vary in size: leave a margin.
    capacity = r + 2048;
    if (capacity > MAX_CONTENTS) break;
  }
  throw new PadesError('PADES_MALFORMED', 'the signature does not fit in /Contents');
}

/**
 * A PDF date string (ISO 32000-1 §7.9.4) in UTC: `D:YYYYMMDDHHmmSS+00'00'`.
 *
 * @example `pdfDate(new Date('2026-03-02T09:30:00Z')) // "D:20260302093000+00'00'"`
 */
export function pdfDate(d: Date): string {
  const iso = d.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+00'00'`;
}
