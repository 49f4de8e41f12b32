/**
 * Finding the signatures of a PDF (ISO 32000-1 §12.8, EN 319 142-1 §5): every signature field
 * with a value, its signature or document time-stamp dictionary, /ByteRange and /Contents (with
 * the string's position in the file), and the DER inside /Contents.
 */
import type { PdfDocument } from '../../lib/pdf/document.js';
import { PdfDict, PdfRef, PdfString } from '../../lib/pdf/objects.js';
import { PdfError } from '../../lib/pdf/errors.js';
import { formFields } from '../../lib/pdf/structure.js';
import * as DER from '../../lib/der.js';
import { definiteLengths } from '../../lib/ber.js';

/** One signature field's value as found in the document. */
export interface PdfSignatureEntry {
  /** The field's full name. */
  fieldName: string;
  /** The signature dictionary. */
  dict: PdfDict;
  /** Its reference, when indirect. */
  ref?: PdfRef;
  /** Offset of the signature dictionary object in the file (undefined when compressed or direct). */
  objectOffset?: number;
  /** /SubFilter (`ETSI.CAdES.detached`, `ETSI.RFC3161`, `adbe.pkcs7.detached`, ...). */
  subFilter?: string;
  /** A document time-stamp (/Type /DocTimeStamp or SubFilter ETSI.RFC3161, EN 319 142-1 §5.4.3). */
  documentTimeStamp: boolean;
  /** /Contents, with its position. */
  contents?: PdfString;
  /** /ByteRange when it is an array of integers. */
  byteRange?: number[];
  /** The DER in /Contents, trailing zero padding cut off (undefined when it is not one DER element). */
  der?: Buffer;
  /** Why the signature dictionary could not be read. */
  unreadable?: string;
}

/**
 * The first DER element of `bytes` (a CMS padded with zeros in /Contents).
 *
 * @example `derPrefix(Buffer.from('3003020101000000', 'hex')) // <30 03 02 01 01>`
 */
export function derPrefix(bytes: Buffer): Buffer | undefined {
  // X.690 §8.1.3.6: an indefinite outer length (0x80) is re-encoded with definite ones.
  if (bytes[1] === 0x80) return definiteLengths(bytes);
  try {
    const h = DER.readHeader(bytes, 0);
    return h.end <= bytes.length ? bytes.subarray(0, h.end) : undefined;
  } catch {
    return undefined;
  }
}

function byteRangeOf(v: unknown): number[] | undefined {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isSafeInteger(x)))
    return undefined;
  return v as number[];
}

/**
 * The signature fields that have a value, in AcroForm order.
 *
 * @param doc - the document
 * @returns one entry per signed field (signatures and document time-stamps)
 * @throws PdfError PDF_MALFORMED when the structure cannot be read
 * @example `const sigs = (await signatureEntries(doc)).filter((s) => !s.documentTimeStamp)`
 */
export async function signatureEntries(doc: PdfDocument): Promise<PdfSignatureEntry[]> {
  const out: PdfSignatureEntry[] = [];
  const seen = new Set<string>();
  for (const field of await formFields(doc)) {
    if (field.type !== 'Sig' || field.value === undefined) continue;
    let dict: PdfDict | undefined;
    try {
      dict = await doc.dict(field.value);
    } catch (e) {
      if (!(e instanceof PdfError)) throw e;
      // One unreadable signature dictionary is that signature's format failure, not the document's.
      out.push({
        fieldName: field.name,
        dict: new PdfDict(),
        documentTimeStamp: false,
        unreadable: e.message,
      });
      continue;
    }
    if (!dict) continue;
    const ref = field.value instanceof PdfRef ? field.value : undefined;
    // Two fields pointing at one dictionary are one signature.
    if (ref && seen.has(ref.key)) continue;
    if (ref) seen.add(ref.key);
    const e = ref ? doc.entry(ref.num) : undefined;
    const subFilter = dict.name('SubFilter');
    const contents = dict.get('Contents');
    const byteRange = byteRangeOf(dict.get('ByteRange'));
    const der = contents instanceof PdfString ? derPrefix(contents.bytes) : undefined;
    out.push({
      fieldName: field.name,
      dict,
      ...(ref ? { ref } : {}),
      ...(e?.type === 'n' ? { objectOffset: e.offset } : {}),
      ...(subFilter ? { subFilter } : {}),
      documentTimeStamp: dict.name('Type') === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161',
      ...(contents instanceof PdfString ? { contents } : {}),
      ...(byteRange ? { byteRange } : {}),
      ...(der ? { der } : {}),
    });
  }
  return out;
}
