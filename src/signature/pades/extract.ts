/**
 * Reads the signatures of a PDF (ETSI EN 319 142-1, ISO 32000-1 §12.8) into the format-neutral
 * {@link ExtractedSignature}s of the EN 319 102-1 process: one per signed signature field, with
 * the document time-stamps that cover it, the DSS validation data, the ByteRange and
 * page-change checks as format failures, and a streamed digest of the signed bytes.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PdfDocument } from '../../lib/pdf/document.js';
import { PdfError } from '../../lib/pdf/errors.js';
import { PdfString } from '../../lib/pdf/objects.js';
import { pageRefs } from '../../lib/pdf/structure.js';
import { TrustbridgeError } from '../../lib/errors.js';
import type { DocumentSource } from '../../lib/document_source.js';
import type {
  DigestName,
  ExtractedSignature,
  ExtractedTimestamp,
  Extractor,
  IntegrityResult,
  SignatureLevel,
} from '../model.js';
import { byteRangeProblems, rangesOf, signedContentProblems } from './byte_range.js';
import type { SignedRanges } from './byte_range.js';
import { cmsSignatureParts } from './cms_parts.js';
import type { CmsSignatureParts } from './cms_parts.js';
import { dssRevisionEnds, readDss } from './dss_reader.js';
import type { DssContents } from './dss_reader.js';
import { parsePdfDate } from './pdf_date.js';
import { signatureEntries } from './signatures.js';
import { unreadable } from '../unreadable.js';
import type { PdfSignatureEntry } from './signatures.js';

/** SubFilters of CMS signatures read here (ISO 32000-1 §12.8.3.3, EN 319 142-1 §5.1). */
const CMS_SUBFILTERS = ['ETSI.CAdES.detached', 'adbe.pkcs7.detached', 'adbe.pkcs7.sha1'];

/** What the extractor knows of the whole document. */
interface DocumentFacts {
  doc: PdfDocument;
  source: DocumentSource;
  dss?: DssContents;
  dssEnds: number[];
  finalPages: string[];
  /** Page lists of earlier revisions, by revision end (several signatures may share one). */
  pagesAt: Map<number, Promise<string[]>>;
  docTimestamps: { entry: PdfSignatureEntry; ranges: SignedRanges; ts: ExtractedTimestamp }[];
}

/**
 * Streams the ranges through `hash`, reading the next chunk while the current one is hashed:
 * memory stays flat (two chunks) whatever the file size, and I/O overlaps hashing.
 */
async function digestRanges(source: DocumentSource, r: SignedRanges, hash: DigestName): Promise<Buffer> {
  const h = createHash(hash);
  // Streamed: the source reads ahead into reused buffers while this digests (memory stays flat).
  for (const [start, end] of r.ranges) for await (const chunk of source.stream(start, end)) h.update(chunk);
  return h.digest();
}

/** Memoised digests of one set of ranges, by hash. */
function rangeDigester(
  source: DocumentSource,
  r: SignedRanges | undefined,
): (hash: DigestName) => Promise<Buffer> {
  const memo = new Map<DigestName, Promise<Buffer>>();
  return (hash) => {
    if (!r) return Promise.reject(new PdfError('PDF_MALFORMED', 'the signature has no usable /ByteRange'));
    let p = memo.get(hash);
    if (!p) memo.set(hash, (p = digestRanges(source, r, hash)));
    return p;
  };
}

/** Problems of pages added or removed after the signed revision (DSS: BBB_FC_DSFREAP). */
async function pageProblems(f: DocumentFacts, signedEnd: number): Promise<string[]> {
  const view = f.doc.viewAt(signedEnd);
  if (view.sections.length === f.doc.sections.length) return [];
  try {
    let pending = f.pagesAt.get(signedEnd);
    if (!pending) f.pagesAt.set(signedEnd, (pending = pageRefs(f.doc, view)));
    const signed = await pending;
    if (signed.length !== f.finalPages.length)
      return [
        `pages were ${signed.length < f.finalPages.length ? 'added' : 'removed'} after signing (${signed.length} signed, ${f.finalPages.length} now)`,
      ];
    if (signed.some((p, i) => p !== f.finalPages[i])) return ['pages were replaced after signing'];
    return [];
  } catch (e) {
    if (!(e instanceof PdfError)) throw e;
    return [`the signed revision cannot be read: ${e.message}`];
  }
}

function levelOf(
  entry: PdfSignatureEntry,
  parts: CmsSignatureParts,
  f: DocumentFacts,
  signedEnd: number | undefined,
): SignatureLevel {
  if (entry.subFilter !== 'ETSI.CAdES.detached' || !parts.signingCertificateReference) return 'NOT-ETSI';
  const end = signedEnd ?? Infinity;
  const covering = f.docTimestamps.filter((d) => d.ranges.ranges[0]![1] >= end);
  if (parts.signatureTimeStamps.length === 0 && covering.length === 0) return 'B-B';
  // §6.4: validation data in a DSS added after the signature.
  const dssEnd = f.dssEnds.find((e) => e > end);
  if (dssEnd === undefined) return 'B-T';
  // §6.5: a document time-stamp after that DSS.
  return covering.some((d) => d.ranges.ranges[0]![1] >= dssEnd) ? 'B-LTA' : 'B-LT';
}

/**
 * Why a signature that is otherwise valid is not a PAdES baseline signature (EN 319 142-1 §6.3):
 * a level matter, reported as a warning, never a failure (older PAdES-BES / CMS profiles carry
 * a signing-time attribute; DSS and pdfsig validate them).
 */
/** id-aa-ets-commitmentType (RFC 5126 §5.11.1). */
const COMMITMENT_TYPE_INDICATION = '1.2.840.113549.1.9.16.2.16';

function notBaselineReasons(entry: PdfSignatureEntry, parts: CmsSignatureParts): string[] {
  if (entry.subFilter !== 'ETSI.CAdES.detached') return [];
  const out: string[] = [];
  if (parts.signingTime)
    out.push(
      'not a PAdES baseline signature: the CMS has a signing-time attribute (EN 319 142-1 §6.3); the /M entry or a time-stamp gives the time instead',
    );
  if (parts.signedData.eContent !== undefined)
    out.push(
      'not a PAdES baseline signature: the CMS encapsulates content, even empty (EN 319 142-1 §6.3 b)',
    );
  // A signer's commitment is given once: by a commitment-type-indication attribute or by /Reason,
  // not both (EN 319 142-1 §5.4 / PAdES-BES; DSS: not a PAdES signature).
  if (entry.dict.has('Reason') && parts.signerInfo.signedAttributes.has(COMMITMENT_TYPE_INDICATION))
    out.push(
      'not a PAdES baseline signature: the signature dictionary has a /Reason entry and the CMS a commitment-type-indication attribute',
    );
  if (parts.signedData.signerInfos.length !== 1)
    out.push(
      `not a PAdES baseline signature: the CMS has ${parts.signedData.signerInfos.length} SignerInfos, not one (EN 319 142-1 §6.3); the first is validated`,
    );
  return out;
}

function integrityOf(
  entry: PdfSignatureEntry,
  parts: CmsSignatureParts,
  r: SignedRanges | undefined,
  f: DocumentFacts,
) {
  const digest = rangeDigester(f.source, r);
  return async (): Promise<IntegrityResult> => {
    if (!r || r.signedEnd > f.doc.size)
      return { status: 'hash-failure', detail: 'the /ByteRange does not lie within the document' };
    const misplaced = await signedContentProblems(entry, f.doc, f.source);
    if (misplaced.length > 0)
      return {
        status: 'hash-failure',
        detail: `the /ByteRange does not select the document but its signature value: ${misplaced.join('; ')}`,
      };
    if (entry.subFilter === 'adbe.pkcs7.sha1') {
      // ISO 32000-1 §12.8.3.3.1: the SHA-1 digest of the ranges is the encapsulated content.
      const ok = parts.signedData.eContent?.equals(await digest('sha1'));
      return ok
        ? { status: 'intact' }
        : { status: 'hash-failure', detail: 'the encapsulated SHA-1 digest does not match the document' };
    }
    if (parts.signedData.eContent)
      // ISO 32000-1 §12.8.3.3.1, EN 319 142-1 §6.3 a): the CMS of a detached SubFilter signs the
      // ByteRange, and no content may be encapsulated (DSS: the signed data is not intact).
      return {
        status: 'hash-failure',
        detail: `the CMS of a ${entry.subFilter ?? 'detached'} signature encapsulates content instead of signing the document's /ByteRange`,
      };
    if (!parts.messageDigest) return { status: 'intact' };
    return parts.messageDigest.equals(await digest(parts.digestAlgorithm))
      ? { status: 'intact' }
      : {
          status: 'hash-failure',
          detail: 'the message-digest attribute does not match the signed bytes of the document',
        };
  };
}

function timestampsOf(
  parts: CmsSignatureParts,
  f: DocumentFacts,
  signedEnd: number | undefined,
): ExtractedTimestamp[] {
  const signature = parts.signerInfo.signature;
  // EN 319 122-1 §5.3: the signature-time-stamp is over the SignerInfo's signature value.
  const out: ExtractedTimestamp[] = parts.signatureTimeStamps.map((token) => ({
    type: 'signature',
    token,
    coveredDigest: (h: DigestName) => Promise.resolve(createHash(h).update(signature).digest()),
  }));
  for (const d of f.docTimestamps)
    if (signedEnd !== undefined && d.ranges.ranges[0]![1] >= signedEnd) out.push(d.ts);
  return out;
}

async function signatureOf(
  entry: PdfSignatureEntry,
  f: DocumentFacts,
  id: string,
): Promise<ExtractedSignature> {
  if (entry.unreadable)
    return brokenSignature(entry, id, [`the signature dictionary cannot be read: ${entry.unreadable}`]);
  const problems = byteRangeProblems(entry, f.doc);
  const r = rangesOf(entry);
  if (r && problems.length === 0) problems.push(...(await pageProblems(f, r.signedEnd)));
  if (!CMS_SUBFILTERS.includes(entry.subFilter ?? ''))
    problems.push(`unsupported /SubFilter ${entry.subFilter ?? '(none)'}`);
  let parts: CmsSignatureParts | undefined;
  try {
    if (entry.der) parts = cmsSignatureParts(entry.der);
  } catch (e) {
    if (!(e instanceof TrustbridgeError)) throw e;
    problems.push(e.message);
  }
  if (!parts) return brokenSignature(entry, id, problems.length ? problems : ['/Contents holds no DER CMS']);
  problems.push(...parts.problems);
  const notBaseline = notBaselineReasons(entry, parts);
  const m = entry.dict.get('M');
  const claimed = parts.signingTime ?? (m instanceof PdfString ? parsePdfDate(m.text) : undefined);
  const dss = f.dss;
  const encapsulated = parts.signedData.eContent;
  // ISO 32000-1 §12.8.3.3.1: an adbe.pkcs7.sha1 CMS signs its encapsulated content (the SHA-1
  // digest of the ranges), which the integrity check compares with the document.
  const content =
    entry.subFilter === 'adbe.pkcs7.sha1' && encapsulated
      ? () => bytesOnce(encapsulated)
      : r
        ? () => streamRanges(f.source, r)
        : undefined;
  return {
    id,
    format: 'PAdES',
    level: notBaseline.length ? 'NOT-ETSI' : levelOf(entry, parts, f, r?.signedEnd),
    ...(problems.length ? { formatFailure: problems.join('; ') } : {}),
    certificates: [...parts.certificates, ...(dss?.certificates ?? [])],
    namesSigner: parts.namesSigner,
    ...(parts.signingCertificateReference
      ? { signingCertificateReference: parts.signingCertificateReference }
      : {}),
    signatureAlgorithm: parts.signatureAlgorithm,
    digestAlgorithm: parts.digestAlgorithm,
    ...(claimed ? { claimedSigningTime: claimed } : {}),
    checkIntegrity: integrityOf(entry, parts, r, f),
    verifySignatureValue: (key: KeyObject) => parts.verify(key, content),
    timestamps: timestampsOf(parts, f, r?.signedEnd),
    crls: [...parts.crls, ...(dss?.crls ?? [])],
    ocspResponses: [...parts.ocspResponses, ...(dss?.ocspResponses ?? [])],
    ...(notBaseline.length || dss?.problems.length
      ? { warnings: [...notBaseline, ...(dss?.problems ?? [])] }
      : {}),
  };
}

async function* bytesOnce(bytes: Buffer): AsyncIterable<Buffer> {
  yield await Promise.resolve(bytes);
}

async function* streamRanges(source: DocumentSource, r: SignedRanges): AsyncIterable<Buffer> {
  for (const [start, end] of r.ranges) yield* source.stream(start, end);
}

/** A signature whose CMS cannot be read: only its format failure is known. */
function brokenSignature(entry: PdfSignatureEntry, id: string, problems: string[]): ExtractedSignature {
  return unreadable(id, 'PAdES', problems.join('; '), `${entry.fieldName}: no readable CMS signature`);
}

async function documentFacts(
  doc: PdfDocument,
  source: DocumentSource,
  entries: PdfSignatureEntry[],
): Promise<DocumentFacts> {
  const dss = await readDss(doc).catch((e: unknown) => {
    if (!(e instanceof PdfError)) throw e;
    return {
      certificates: [],
      ocspResponses: [],
      crls: [],
      vriKeys: new Set<string>(),
      problems: [`the DSS cannot be read: ${e.message}`],
    };
  });
  const f: DocumentFacts = {
    doc,
    source,
    dssEnds: await dssRevisionEnds(doc),
    finalPages: await pageRefs(doc),
    pagesAt: new Map(),
    docTimestamps: [],
    ...(dss ? { dss } : {}),
  };
  for (const entry of entries) {
    const ranges = rangesOf(entry);
    if (!entry.documentTimeStamp || !entry.der || !ranges) continue;
    const coveredDigest = rangeDigester(source, ranges);
    f.docTimestamps.push({
      entry,
      ranges,
      ts: {
        type: 'document',
        token: entry.der,
        coveredDigest,
        ...(dss ? { certificates: dss.certificates } : {}),
      },
    });
  }
  f.docTimestamps.sort((a, b) => a.ranges.signedEnd - b.ranges.signedEnd);
  return f;
}

/**
 * Reads every signature of a PDF: one {@link ExtractedSignature} per signed signature field
 * (format `PAdES`, id the field name), document time-stamps attached to the signatures they
 * cover. An invalid ByteRange, a signature dictionary outside its revision, pages added or
 * removed after signing, or an unreadable CMS are format failures of that signature.
 *
 * @throws PdfError PDF_MALFORMED when the PDF cannot be parsed, PDF_UNSUPPORTED when encrypted
 * @example
 * ```ts
 * const src = await fileSource('contract.pdf');
 * const [sig] = await extractPades(src, {});
 * (await sig!.checkIntegrity()).status; // 'intact'
 * ```
 */
export const extractPades: Extractor = async (source) => {
  const doc = await PdfDocument.open(source);
  const entries = await signatureEntries(doc);
  const f = await documentFacts(doc, source, entries);
  const out: ExtractedSignature[] = [];
  const ids = new Set<string>();
  for (const entry of entries) {
    if (entry.documentTimeStamp) continue;
    let id = entry.fieldName || `S-${out.length + 1}`;
    while (ids.has(id)) id = `${id}'`;
    ids.add(id);
    out.push(await signatureOf(entry, f, id));
  }
  return out;
};
