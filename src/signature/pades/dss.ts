/**
 * PAdES B-LT (ETSI EN 319 142-1 §6.4, §5.4.2): the validation data of a signature in a Document
 * Security Store appended as an incremental update: /Certs, /OCSPs and /CRLs arrays of streams
 * (DER X.509 certificates, OCSPResponses, CRLs) and a /VRI entry keyed by the upper-case hex
 * SHA-1 of the signature's /Contents. An existing DSS is kept and extended.
 */
import { createHash } from 'node:crypto';
import { childrenOf, guarded, slice } from '../../lib/der_reader.js';
import { oidAt } from '../../lib/der_cursor.js';
import { PdfDocument } from '../../lib/pdf/document.js';
import { PdfDict, PdfRef, PdfStream, name } from '../../lib/pdf/objects.js';
import type { PdfObject } from '../../lib/pdf/objects.js';
import { writeIncrementalUpdate } from '../../lib/pdf/writer.js';
import type { UpdateObject } from '../../lib/pdf/writer.js';
import { parseSignedData } from '../../pki/cms_signed_data.js';
import { bufferSource } from '../../lib/document_source.js';
import { extendToLt } from '../cades/lt.js';
import type { CadesLtParams } from '../cades/lt.js';
import { CADES_OID } from '../cades/oids.js';
import { PadesError } from './errors.js';
import { derPrefix, signatureEntries } from './signatures.js';

/** Inputs of {@link addPadesValidationData}. */
export interface PadesLtParams extends CadesLtParams {
  /** The /Contents value of the signature to extend; by default the newest signature's. */
  signature?: Buffer;
}

/** Validation data to store. */
export interface DssAdditions {
  certificates: Buffer[];
  ocspResponses: Buffer[];
  crls: Buffer[];
  /** VRI key material: the signature's /Contents value. */
  signature?: Buffer;
}

/** The RFC 5940 OCSP responses and the CRLs of SignedData.crls. */
function revocationOf(cms: Buffer): { ocsp: Buffer[]; crls: Buffer[] } {
  const sd = parseSignedData(cms);
  const der = sd.raw.der;
  return guarded('PKI_CMS_MALFORMED', () => {
    const field = childrenOf(der, sd.raw.signedData).find((e) => e.tag === 0xa1);
    const ocsp: Buffer[] = [];
    for (const c of field ? childrenOf(der, field) : []) {
      if (c.tag !== 0xa1) continue;
      const [format, value] = childrenOf(der, c);
      if (format && value && oidAt(der, format) === CADES_OID.ocspResponseRevocationInfo)
        ocsp.push(slice(der, value));
    }
    return { ocsp, crls: sd.crls };
  });
}

/**
 * The VRI key of a signature (EN 319 142-1 §5.4.2.2): SHA-1 of its /Contents, upper-case hex.
 *
 * @example `vriKey(entry.contents!.bytes) // '3F1C...' (40 upper-case hex digits)`
 */
export function vriKey(contents: Buffer): string {
  return createHash('sha1').update(contents).digest('hex').toUpperCase();
}

interface Pool {
  refs: PdfObject[];
  data: Buffer[];
}

async function existingPool(doc: PdfDocument, v: PdfObject | undefined): Promise<Pool> {
  const refs = (await doc.array(v)) ?? [];
  const data: Buffer[] = [];
  for (const r of refs) {
    const s = await doc.resolve(r);
    data.push(s instanceof PdfStream ? await doc.streamData(s, 16 * 1024 * 1024) : Buffer.alloc(0));
  }
  return { refs: [...refs], data };
}

/** Adds `items` to a pool (reusing equal streams) and returns their references. */
function addToPool(pool: Pool, items: Buffer[], objects: UpdateObject[], next: () => number): PdfRef[] {
  const out: PdfRef[] = [];
  for (const item of items) {
    const i = pool.data.findIndex((d) => d.equals(item));
    if (i >= 0 && pool.refs[i] instanceof PdfRef) {
      out.push(pool.refs[i]);
      continue;
    }
    const num = next();
    objects.push({ num, gen: 0, body: { kind: 'new-stream', dict: new PdfDict(), data: item } });
    const ref = new PdfRef(num, 0);
    pool.refs.push(ref);
    pool.data.push(item);
    out.push(ref);
  }
  return out;
}

/**
 * Appends (or extends) the DSS with certificates, OCSP responses and CRLs, and a VRI entry for
 * the signature when given.
 *
 * @param pdf - the document
 * @param add - the validation data
 * @returns the updated document
 * @throws PdfError PDF_MALFORMED when the document cannot be read
 * @example `const lt = await appendDss(pdf, { certificates: [ca, root], ocspResponses: [ocsp], crls: [] })`
 */
export async function appendDss(pdf: Buffer, add: DssAdditions): Promise<Buffer> {
  const doc = await PdfDocument.open(bufferSource(pdf));
  const root = doc.trailerEntry('Root');
  if (!(root instanceof PdfRef))
    throw new PadesError('PDF_MALFORMED', 'the trailer /Root is not an indirect reference');
  const catalog = (await doc.catalog()).clone();
  const old = (await doc.dict(catalog.get('DSS'))) ?? new PdfDict();
  const objects: UpdateObject[] = [];
  let counter = doc.nextObjectNumber();
  const next = (): number => counter++;
  const dss = new PdfDict([['Type', name('DSS')]]);
  const lists: [string, string, Buffer[]][] = [
    ['Certs', 'Cert', add.certificates],
    ['OCSPs', 'OCSP', add.ocspResponses],
    ['CRLs', 'CRL', add.crls],
  ];
  const vri = new PdfDict();
  for (const [key, vriName, items] of lists) {
    const pool = await existingPool(doc, old.get(key));
    const refs = addToPool(pool, items, objects, next);
    if (pool.refs.length) dss.set(key, pool.refs);
    if (refs.length) vri.set(vriName, refs);
  }
  const vris = ((await doc.dict(old.get('VRI'))) ?? new PdfDict()).clone();
  if (add.signature) vris.set(vriKey(add.signature), vri);
  if (vris.map.size) dss.set('VRI', vris);
  const dssNum = next();
  objects.push({ num: dssNum, gen: 0, body: dss });
  catalog.set('DSS', new PdfRef(dssNum, 0));
  objects.push({ num: root.num, gen: root.gen, body: catalog });
  return writeIncrementalUpdate(pdf, doc, objects).bytes;
}

async function newestSignature(pdf: Buffer): Promise<{ contents: Buffer; der: Buffer }> {
  const doc = await PdfDocument.open(bufferSource(pdf));
  const sigs = (await signatureEntries(doc)).filter((s) => !s.documentTimeStamp && s.der && s.byteRange);
  sigs.sort((a, b) => a.byteRange![2]! + a.byteRange![3]! - (b.byteRange![2]! + b.byteRange![3]!));
  const last = sigs[sigs.length - 1];
  if (!last) throw new PadesError('PADES_MALFORMED', 'the document has no signature to extend');
  return { contents: last.contents!.bytes, der: last.der! };
}

/**
 * Extends a PAdES B-T to B-LT (EN 319 142-1 §6.4): gathers, as CAdES B-LT does, the chain up to
 * the root, the TSA certificates, OCSP responses (checked: good, authorised, current) and CRLs for
 * the signature (`p.signature`, else the newest one), and appends them as a DSS with a VRI entry.
 *
 * @param pdf - a PAdES B-T
 * @param p - the chain, revocation fetcher, time, and which signature
 * @returns the PAdES B-LT
 * @throws SignatureError USAGE_INVALID_ARGUMENT without a signature time-stamp, REV_* / PATH_*
 *   when revocation data cannot be obtained or says revoked; PadesError for unreadable PDFs
 * @example `const lt = await addPadesValidationData(bt, { chain: [eidCa, root], fetcher })`
 */
export async function addPadesValidationData(pdf: Buffer, p: PadesLtParams): Promise<Buffer> {
  const found = p.signature ? undefined : await newestSignature(pdf);
  const contents = p.signature ?? found!.contents;
  const der = found?.der ?? derPrefix(contents);
  if (!der) throw new PadesError('PADES_MALFORMED', 'the signature /Contents is not a DER CMS');
  const extended = await extendToLt(der, p);
  const { ocsp, crls } = revocationOf(extended);
  return appendDss(pdf, {
    certificates: parseSignedData(extended).certificates,
    ocspResponses: ocsp,
    crls,
    signature: contents,
  });
}
