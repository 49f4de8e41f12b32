/**
 * Reading the Document Security Store (ETSI EN 319 142-1 §5.4.2): the certificates, OCSP
 * responses and CRLs of /Certs, /OCSPs and /CRLs, the /VRI keys, and the revisions in which the
 * DSS was added or changed (what makes a signature before them B-LT).
 */
import type { PdfDocument, PdfView } from '../../lib/pdf/document.js';
import { PdfError } from '../../lib/pdf/errors.js';
import { PdfDict, PdfRef, PdfStream } from '../../lib/pdf/objects.js';
import type { PdfObject } from '../../lib/pdf/objects.js';
import { ocspResponseOfBasic } from '../cades/attributes.js';

/** Largest DSS item read. */
const MAX_ITEM = 16 * 1024 * 1024;
/** Most items read from one DSS array. */
const MAX_ITEMS = 10_000;

/** What a DSS holds. */
export interface DssContents {
  certificates: Buffer[];
  ocspResponses: Buffer[];
  crls: Buffer[];
  /** The VRI keys (upper-case hex SHA-1 of signatures' /Contents). */
  vriKeys: Set<string>;
  /** Items that could not be read. */
  problems: string[];
}

async function items(
  doc: PdfDocument,
  v: PdfObject | undefined,
  view: PdfView,
  problems: string[],
): Promise<Buffer[]> {
  const list = (await doc.array(v, view)) ?? [];
  const out: Buffer[] = [];
  for (const item of list.slice(0, MAX_ITEMS)) {
    try {
      const s = await doc.resolve(item, view);
      if (s instanceof PdfStream) out.push(await doc.streamData(s, MAX_ITEM, view));
    } catch (e) {
      if (!(e instanceof PdfError)) throw e;
      problems.push(`a DSS item cannot be read: ${e.message}`);
    }
  }
  return out;
}

/** An OCSPResponse as is; a BasicOCSPResponse (first element a SEQUENCE) wrapped into one. */
function asOcspResponse(der: Buffer): Buffer {
  return der[0] === 0x30 && der.length > 4 && der[der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2] === 0x30
    ? ocspResponseOfBasic(der)
    : der;
}

/**
 * The DSS of a revision.
 *
 * @param doc - the document
 * @param view - the revision (default the whole document)
 * @returns its contents, or undefined without a DSS
 * @example `const dss = await readDss(doc); dss?.certificates.length`
 */
export async function readDss(
  doc: PdfDocument,
  view: PdfView = doc.latest,
): Promise<DssContents | undefined> {
  const dss = await doc.dict((await doc.catalog(view)).get('DSS'), view);
  if (!dss) return undefined;
  const problems: string[] = [];
  const vri = await doc.dict(dss.get('VRI'), view);
  return {
    certificates: await items(doc, dss.get('Certs'), view, problems),
    ocspResponses: (await items(doc, dss.get('OCSPs'), view, problems)).map(asOcspResponse),
    crls: await items(doc, dss.get('CRLs'), view, problems),
    vriKeys: new Set(vri ? [...vri.map.keys()].map((k) => k.toUpperCase()) : []),
    problems,
  };
}

/**
 * The ends of the revisions that added or changed the DSS, oldest first.
 *
 * @example `(await dssRevisionEnds(doc)).some((end) => end > signedEnd) // B-LT data after the signature`
 */
export async function dssRevisionEnds(doc: PdfDocument): Promise<number[]> {
  const out: number[] = [];
  let previous: string | undefined;
  for (let i = doc.sections.length - 1; i >= 0; i--) {
    const end = doc.sections[i]!.end;
    if (end === undefined) continue;
    const view = { sections: doc.sections.slice(i) };
    let identity: string | undefined;
    try {
      const root = doc.trailerEntry('Root', view);
      const catalog = await doc.catalog(view);
      const dss = catalog.get('DSS');
      if (dss instanceof PdfRef) identity = doc.locationKey(dss.num, view);
      else if (dss instanceof PdfDict)
        identity = `direct@${root instanceof PdfRef ? doc.locationKey(root.num, view) : ''}`;
    } catch (e) {
      if (!(e instanceof PdfError)) throw e;
      continue;
    }
    if (identity !== undefined && identity !== previous) out.push(end);
    previous = identity;
  }
  return out;
}
