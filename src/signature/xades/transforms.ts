/**
 * The XMLDSig transform chain (xmldsig-core1 §6.6) over the two data types of the reference
 * processing model: a node-set (a document or element subtree, less excluded subtrees, with or
 * without comments) and octets. Supported: the C14N family, enveloped-signature, base64, and the
 * XPath forms signers use to leave signatures out of a whole-document reference (XPath
 * `not(ancestor-or-self::ds:Signature)` and XPath Filter 2.0 `subtract` of `/descendant::ds:Signature`,
 * the document element's ds:Signature children, or `/descendant::*[name()='ds:Signature']`), and
 * the Filter 2.0 `intersect` forms of `./filter2_intersect.ts` that select one element or its content.
 * Any other transform is XADES_ALGORITHM_UNSUPPORTED: no general XPath engine is run on input.
 */
import { canonicalize } from '../../lib/xml/c14n.js';
import { ownerDocument } from '../../lib/xml/dom.js';
import type { XmlDocument, XmlElement } from '../../lib/xml/dom.js';
import { parseXml } from '../../lib/xml/parser.js';
import { allElements, attribute, childElements, isWithin, textContent } from '../../lib/xml/query.js';
import { NS, TRANSFORM } from './algorithms.js';
import { XadesError } from './errors.js';
import { intersectSelection } from './filter2_intersect.js';
import { canonicalizationOf, decodeBase64 } from './structure.js';
import type { ParsedTransform } from './structure.js';

/** An XPath node-set of the kinds references produce. */
export interface NodeSetData {
  kind: 'nodes';
  apex: XmlDocument | XmlElement;
  /** Comments are part of the set (only for `#xpointer(...)` and octets parsed back to XML). */
  comments: boolean;
  /** Subtrees removed from the set. */
  excluded: ReadonlySet<XmlElement>;
  /** Every ds:Signature subtree is removed (the XPath forms above). */
  withoutSignatures: boolean;
  /** Only the apex element's content is in the set, not the element itself (`id('x')/node()`). */
  contentOnly?: boolean;
}

/** Octets. */
export interface OctetData {
  kind: 'octets';
  bytes: Buffer;
}

/** What flows through the transform chain. */
export type TransformData = NodeSetData | OctetData;

function excludePredicate(data: NodeSetData): ((el: XmlElement) => boolean) | undefined {
  if (data.excluded.size === 0 && !data.withoutSignatures) return undefined;
  return (el) =>
    data.excluded.has(el) ||
    (data.withoutSignatures && el.namespaceUri === NS.ds && el.localName === 'Signature');
}

/** Octets to a node-set (§4.4.3.2: the input is parsed; comments stay in). */
function toNodeSet(data: TransformData): NodeSetData {
  if (data.kind === 'nodes') return data;
  return {
    kind: 'nodes',
    apex: parseXml(data.bytes),
    comments: true,
    excluded: new Set(),
    withoutSignatures: false,
  };
}

/**
 * A node-set to octets: Canonical XML 1.0 without comments (§4.4.3.2).
 *
 * @example
 * ```ts
 * toOctets({ kind: 'octets', bytes: Buffer.from('x') }).toString(); // 'x'
 * ```
 */
export function toOctets(data: TransformData): Buffer {
  if (data.kind === 'octets') return data.bytes;
  const exclude = excludePredicate(data);
  return canonicalize(data.apex, {
    method: 'c14n',
    withComments: false,
    ...(exclude ? { exclude } : {}),
    ...(data.contentOnly ? { contentOnly: true } : {}),
  });
}

function collapse(s: string): string {
  return s.replace(/\s+/g, '');
}

/** The `ds` prefix an XPath expression uses for the XMLDSig namespace, read from the XPath element's scope. */
function dsPrefixes(xpath: XmlElement): string[] {
  const prefixes: string[] = [];
  for (let n: XmlElement | XmlDocument = xpath; n.type === 'element'; n = n.parent) {
    for (const d of n.namespaceDeclarations) if (d.uri === NS.ds && d.prefix !== '') prefixes.push(d.prefix);
  }
  return prefixes;
}

/** True when `expression` is one of the recognised "all signatures" selections for the prefixes. */
function selectsAllSignatures(
  expression: string,
  prefixes: readonly string[],
  forms: readonly string[],
): boolean {
  const e = collapse(expression);
  return prefixes.some((p) => forms.some((f) => e === f.replaceAll('P', p)));
}

function xpathTransform(t: ParsedTransform, data: TransformData): NodeSetData {
  const nodes = toNodeSet(data);
  const [xpath] = childElements(t.element, NS.ds, 'XPath');
  if (
    xpath &&
    selectsAllSignatures(textContent(xpath), dsPrefixes(xpath), ['not(ancestor-or-self::P:Signature)'])
  ) {
    return { ...nodes, withoutSignatures: true };
  }
  throw new XadesError(
    'XADES_ALGORITHM_UNSUPPORTED',
    'XPath transform expression (only signature removal is supported)',
  );
}

/**
 * The elements two further signature-removal forms select, computed exactly (the Filter 2.0
 * expression is evaluated on the whole input document, §3.3 of xmldsig-filter2):
 * a child step from the document element to `P:Signature` (the ds:Signature children of the
 * document element only) and
 * `/descendant::*[name()='P:Signature']` — every element whose qualified name is literally
 * `P:Signature`, whatever its namespace (name() compares the prefixed name).
 */
function selectedSignatures(
  expression: string,
  prefixes: readonly string[],
  doc: XmlDocument,
): XmlElement[] | undefined {
  const e = collapse(expression);
  for (const p of prefixes) {
    if (e === `/*/${p}:Signature`)
      return childElements(doc.root).filter((c) => c.namespaceUri === NS.ds && c.localName === 'Signature');
    const named = new Set([
      `/descendant::*[name()='${p}:Signature']`,
      `/descendant::*[name()="${p}:Signature"]`,
    ]);
    if (named.has(e)) return allElements(doc).filter((el) => el.name === `${p}:Signature`);
  }
  return undefined;
}

/**
 * The input node-set intersected with what an `intersect` filter selects: the selected element
 * (or its content) must lie in the input, outside every removed subtree; exclusions inside it stay.
 */
function intersect(nodes: NodeSetData, xpath: XmlElement): NodeSetData | undefined {
  const selection = intersectSelection(textContent(xpath), xpath, ownerDocument(nodes.apex));
  if (!selection) return undefined;
  const { element } = selection;
  const apex = nodes.apex;
  const inside = apex.type === 'document' || isWithin(element, apex);
  const removed = excludePredicate(nodes);
  let kept = inside && !(nodes.contentOnly === true && element === apex && !selection.contentOnly);
  for (let n: XmlElement | XmlDocument = element; kept && n.type === 'element' && n !== apex; n = n.parent)
    if (removed?.(n)) kept = false;
  if (!kept || (apex.type === 'element' && removed?.(apex)))
    throw new XadesError(
      'XADES_REFERENCE_UNRESOLVED',
      'XPath Filter 2.0 intersect: the selected element is not in the input node-set',
    );
  return { ...nodes, apex: element, contentOnly: selection.contentOnly };
}

function filter2Transform(t: ParsedTransform, data: TransformData): NodeSetData {
  const nodes = toNodeSet(data);
  const filters = childElements(t.element, NS.filter2, 'XPath');
  const [only] = filters;
  if (filters.length === 1 && only && attribute(only, 'Filter') === 'intersect') {
    const result = intersect(nodes, only);
    if (result) return result;
  }
  const forms = ['/descendant::P:Signature', '//P:Signature', '/descendant-or-self::P:Signature'];
  if (filters.length === 1 && only && attribute(only, 'Filter') === 'subtract') {
    if (selectsAllSignatures(textContent(only), dsPrefixes(only), forms))
      return { ...nodes, withoutSignatures: true };
    const selected = selectedSignatures(textContent(only), dsPrefixes(only), ownerDocument(nodes.apex));
    if (selected) return { ...nodes, excluded: new Set([...nodes.excluded, ...selected]) };
  }
  throw new XadesError(
    'XADES_ALGORITHM_UNSUPPORTED',
    'XPath Filter 2.0 transform (only subtracting signatures and intersecting with one element are supported)',
  );
}

function canonicalizationTransform(t: ParsedTransform, data: TransformData): OctetData {
  const choice = canonicalizationOf(t.element);
  const nodes = toNodeSet(data);
  const exclude = excludePredicate(nodes);
  const bytes = canonicalize(nodes.apex, {
    method: choice.method,
    withComments: choice.withComments && nodes.comments,
    ...(choice.inclusivePrefixes ? { inclusivePrefixes: choice.inclusivePrefixes } : {}),
    ...(exclude ? { exclude } : {}),
    ...(nodes.contentOnly ? { contentOnly: true } : {}),
  });
  return { kind: 'octets', bytes };
}

function base64Transform(data: TransformData): OctetData {
  // §6.6.2: a node-set input is replaced by the string value of its text nodes.
  let text: string;
  if (data.kind === 'octets') text = data.bytes.toString('utf8');
  else text = data.apex.type === 'document' ? textContent(data.apex.root) : textContent(data.apex);
  return { kind: 'octets', bytes: decodeBase64(text, 'base64 transform input') };
}

/**
 * Applies one transform.
 *
 * @param t - the ds:Transform
 * @param data - its input
 * @param signature - the ds:Signature holding the transform (what enveloped-signature removes)
 * @returns the output
 * @throws XadesError XADES_ALGORITHM_UNSUPPORTED for a transform this module does not implement
 * @example
 * ```ts
 * const out = applyTransform(sig.references[0]!.transforms[0]!, data, sig.element);
 * ```
 */
export function applyTransform(
  t: ParsedTransform,
  data: TransformData,
  signature: XmlElement,
): TransformData {
  switch (t.algorithm) {
    case TRANSFORM.enveloped: {
      // §6.6.4: the node-set without the Signature element that contains this transform.
      const nodes = toNodeSet(data);
      return { ...nodes, excluded: new Set([...nodes.excluded, signature]) };
    }
    case TRANSFORM.base64:
      return base64Transform(data);
    case TRANSFORM.xpath:
      return xpathTransform(t, data);
    case TRANSFORM.xpathFilter2:
      return filter2Transform(t, data);
    default:
      return canonicalizationTransform(t, data);
  }
}
