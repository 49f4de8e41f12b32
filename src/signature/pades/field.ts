/**
 * The objects an incremental update needs to add a signature field (ISO 32000-1 §12.7.4.5,
 * §12.8): the signature (or document time-stamp) dictionary, a field that is also its invisible
 * widget annotation on the first page, the AcroForm with /SigFlags 3 (SignaturesExist |
 * AppendOnly, Table 219) and the page's /Annots. Objects that change keep their numbers.
 */
import type { PdfDocument } from '../../lib/pdf/document.js';
import { PdfDict, PdfRef, PdfString, name } from '../../lib/pdf/objects.js';
import type { PdfObject } from '../../lib/pdf/objects.js';
import { formFields, pageRefs } from '../../lib/pdf/structure.js';
import type { UpdateObject } from '../../lib/pdf/writer.js';
import { PadesError } from './errors.js';

/** The objects of an update adding one signature field. */
export interface FieldPlan {
  objects: UpdateObject[];
  /** Object number of the signature dictionary. */
  sigNum: number;
  /** The field's name. */
  fieldName: string;
  /** The catalog as rewritten (callers may add entries before writing). */
  catalog: PdfDict;
  /** The next free object number after the plan. */
  next: number;
}

function refOf(key: string): PdfRef | undefined {
  const m = /^(\d+) (\d+)$/.exec(key);
  return m ? new PdfRef(Number(m[1]), Number(m[2])) : undefined;
}

async function uniqueName(doc: PdfDocument, prefix: string): Promise<string> {
  const names = new Set((await formFields(doc)).map((f) => f.name));
  for (let i = 1; ; i++) if (!names.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

/** The AcroForm dictionary to write, wherever the catalog keeps it. */
async function acroForm(
  doc: PdfDocument,
  catalog: PdfDict,
  objects: UpdateObject[],
  next: () => number,
): Promise<PdfDict> {
  const current = catalog.get('AcroForm');
  if (current instanceof PdfRef) {
    const dict = ((await doc.dict(current)) ?? new PdfDict()).clone();
    objects.push({ num: current.num, gen: current.gen, body: dict });
    return dict;
  }
  if (current instanceof PdfDict) {
    const dict = current.clone();
    catalog.set('AcroForm', dict);
    return dict;
  }
  const num = next();
  const dict = new PdfDict();
  objects.push({ num, gen: 0, body: dict });
  catalog.set('AcroForm', new PdfRef(num, 0));
  return dict;
}

/**
 * Plans the objects that add a signature field whose value is `sigBody` (pre-serialised, so that
 * the caller can find its /ByteRange and /Contents placeholders).
 *
 * @param doc - the document to update
 * @param sigBody - the signature dictionary's bytes
 * @param prefix - field name prefix (`Signature` gives Signature1, Signature2, ...)
 * @returns the objects and numbers
 * @throws PadesError PDF_MALFORMED when the document has no indirect catalog or no page
 * @example `const plan = await planSignatureField(doc, Buffer.from('<</Type /Sig ...>>'))`
 */
export async function planSignatureField(
  doc: PdfDocument,
  sigBody: Buffer,
  prefix = 'Signature',
): Promise<FieldPlan> {
  const root = doc.trailerEntry('Root');
  if (!(root instanceof PdfRef))
    throw new PadesError('PDF_MALFORMED', 'the trailer /Root is not an indirect reference');
  const catalog = (await doc.catalog()).clone();
  let counter = doc.nextObjectNumber();
  const next = (): number => counter++;
  const sigNum = next();
  const widgetNum = next();
  const widgetRef = new PdfRef(widgetNum, 0);
  const pageRef = refOf((await pageRefs(doc))[0] ?? '');
  if (!pageRef)
    throw new PadesError(
      'PDF_MALFORMED',
      'the document has no page (by reference) to hold the signature field',
    );
  const fieldName = await uniqueName(doc, prefix);
  const objects: UpdateObject[] = [{ num: sigNum, gen: 0, body: sigBody }];
  // §12.7.4.5 and §12.5.6.19: a signature field merged with its widget; Rect [0 0 0 0] is
  // invisible, /F 132 = Print | Locked.
  const widget = new PdfDict([
    ['Type', name('Annot')],
    ['Subtype', name('Widget')],
    ['FT', name('Sig')],
    ['T', new PdfString(Buffer.from(fieldName, 'latin1'))],
    ['V', new PdfRef(sigNum, 0)],
    ['F', 132],
    ['Rect', [0, 0, 0, 0]],
    ['P', pageRef],
  ]);
  objects.push({ num: widgetNum, gen: 0, body: widget });
  const form = await acroForm(doc, catalog, objects, next);
  const fields: PdfObject[] = (await doc.array(form.get('Fields'))) ?? [];
  form.set('Fields', [...fields, widgetRef]).set('SigFlags', 3);
  const page = ((await doc.dict(pageRef)) ?? new PdfDict()).clone();
  const annots: PdfObject[] = (await doc.array(page.get('Annots'))) ?? [];
  page.set('Annots', [...annots, widgetRef]);
  objects.push({ num: pageRef.num, gen: pageRef.gen, body: page });
  objects.push({ num: root.num, gen: root.gen, body: catalog });
  return { objects, sigNum, fieldName, catalog, next: counter };
}
