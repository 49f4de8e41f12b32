/**
 * The document structure a signature cares about: the page tree (ISO 32000-1 §7.7.3) and the
 * interactive form's fields (§12.7.3), with field-name and /FT inheritance. Walks are iterative
 * and bounded (depth, node count, cycles).
 */
import type { PdfDocument, PdfView } from './document.js';
import { malformed } from './errors.js';
import { PdfDict, PdfRef, PdfString } from './objects.js';
import type { PdfObject } from './objects.js';

/** Deepest page tree or field hierarchy walked. */
const MAX_TREE_DEPTH = 256;
/** Most pages or fields visited. */
const MAX_NODES = 1_000_000;

/**
 * The page objects in order, as `"num gen"` reference keys (§7.7.3.2). Two revisions with the same
 * list have the same pages: content changes of a page keep its object.
 *
 * @param doc - the document
 * @param view - the revision
 * @returns the reference key of each page
 * @throws PdfError PDF_MALFORMED for a broken page tree
 * @example `(await pageRefs(doc)).length // page count`
 */
export async function pageRefs(doc: PdfDocument, view: PdfView = doc.latest): Promise<string[]> {
  const catalog = await doc.catalog(view);
  const root = catalog.get('Pages');
  const out: string[] = [];
  const seen = new Set<string>();
  const stack: { node: PdfObject | undefined; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_TREE_DEPTH || seen.size > MAX_NODES) return malformed('page tree too deep or too large');
    if (node instanceof PdfRef) {
      if (seen.has(node.key)) return malformed('the page tree has a cycle');
      seen.add(node.key);
    }
    const dict = await doc.dict(node, view);
    if (!dict) return malformed('a page tree node is not a dictionary');
    const kids = dict.get('Kids');
    if (dict.name('Type') === 'Pages' || (dict.name('Type') !== 'Page' && kids !== undefined)) {
      const list = await doc.array(kids, view);
      if (!list) return malformed('a /Pages node without /Kids');
      for (let i = list.length - 1; i >= 0; i--) stack.push({ node: list[i], depth: depth + 1 });
    } else out.push(node instanceof PdfRef ? node.key : `direct:${out.length}`);
  }
  return out;
}

/** A terminal form field (§12.7.3.1) with its inherited type and full name. */
export interface FormField {
  /** Fully qualified name (§12.7.3.2): the partial names joined with dots. */
  name: string;
  /** The field type (/FT), inherited from ancestors (§12.7.3.1 Table 220). */
  type?: string;
  /** The field dictionary. */
  dict: PdfDict;
  /** Its reference, when indirect. */
  ref?: PdfRef;
  /** The value /V (inherited), unresolved. */
  value?: PdfObject;
}

interface FieldNode {
  node: PdfObject | undefined;
  depth: number;
  prefix: string;
  type?: string;
  value?: PdfObject;
}

function partialName(d: PdfDict): string | undefined {
  const t = d.get('T');
  return t instanceof PdfString ? t.text : undefined;
}

/**
 * The terminal fields of the AcroForm (§12.7.2), depth first in /Fields order.
 *
 * @param doc - the document
 * @param view - the revision
 * @returns the fields (empty without an AcroForm)
 * @throws PdfError PDF_MALFORMED for a broken field tree
 * @example `(await formFields(doc)).filter((f) => f.type === 'Sig')`
 */
export async function formFields(doc: PdfDocument, view: PdfView = doc.latest): Promise<FormField[]> {
  const form = await doc.dict((await doc.catalog(view)).get('AcroForm'), view);
  const roots = form && (await doc.array(form.get('Fields'), view));
  if (!roots) return [];
  const out: FormField[] = [];
  const seen = new Set<string>();
  const stack: FieldNode[] = roots.map((node) => ({ node, depth: 0, prefix: '' })).reverse();
  while (stack.length) {
    const f = stack.pop()!;
    if (f.depth > MAX_TREE_DEPTH || seen.size > MAX_NODES)
      return malformed('field tree too deep or too large');
    if (f.node instanceof PdfRef) {
      if (seen.has(f.node.key)) continue;
      seen.add(f.node.key);
    }
    const dict = await doc.dict(f.node, view);
    if (!dict) continue;
    const partial = partialName(dict);
    const name = partial === undefined ? f.prefix : f.prefix ? `${f.prefix}.${partial}` : partial;
    const type = dict.name('FT') ?? f.type;
    const value = dict.get('V') ?? f.value;
    const kids = await doc.array(dict.get('Kids'), view);
    // Kids without /T are widget annotations of this field, not fields (§12.7.3.1).
    const childFields: PdfObject[] = [];
    for (const k of kids ?? [])
      if (partialName((await doc.dict(k, view)) ?? new PdfDict()) !== undefined) childFields.push(k);
    if (childFields.length === 0)
      out.push({
        name,
        dict,
        ...(type ? { type } : {}),
        ...(f.node instanceof PdfRef ? { ref: f.node } : {}),
        ...(value !== undefined ? { value } : {}),
      });
    for (let i = childFields.length - 1; i >= 0; i--)
      stack.push({
        node: childFields[i],
        depth: f.depth + 1,
        prefix: name,
        ...(type ? { type } : {}),
        ...(value !== undefined ? { value } : {}),
      });
  }
  return out;
}
