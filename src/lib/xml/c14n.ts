/**
 * XML canonicalization: Canonical XML 1.0 (W3C REC 2001-03-15), Canonical XML 1.1 (W3C REC
 * 2008-05-02) and Exclusive XML Canonicalization 1.0 (W3C REC 2002-07-18), each with or without
 * comments, over a whole document or a document subset: an element with its descendants (what an
 * XMLDSig same-document reference selects), or only its content, minus excluded subtrees (what the enveloped-signature
 * transform and the usual XPath filters remove). Internal.
 */
import { XML_NAMESPACE, inScopeNamespaces } from './dom.js';
import type { XmlAttribute, XmlDocument, XmlElement, XmlNode } from './dom.js';

/** The canonicalization algorithm. */
export type C14nMethod = 'c14n' | 'c14n11' | 'exc-c14n';

/** What to canonicalize and how. */
export interface C14nOptions {
  method: C14nMethod;
  /** Keep comments (the `#WithComments` variants). Default false. */
  withComments?: boolean;
  /** Exclusive C14N InclusiveNamespaces PrefixList (`#default` for the default namespace). */
  inclusivePrefixes?: readonly string[];
  /** Subtrees left out of the node-set (the enveloping ds:Signature, ...). */
  exclude?: (element: XmlElement) => boolean;
  /**
   * For an element: its content only, without the element itself, its attributes and namespace
   * nodes (the node-set XPath `id('x')/node()` selects, with each subtree). Default false.
   */
  contentOnly?: boolean;
}

interface Context {
  readonly options: C14nOptions;
  readonly out: string[];
  readonly inclusive: ReadonlySet<string>;
}

/**
 * Compares by Unicode code point (C14N §2.2 sorts "lexicographically" on code points, not UTF-16 units).
 *
 * @example
 * ```ts
 * compareCodePoints('\uFFFD', '\u{1F600}') < 0; // true: U+FFFD sorts before U+1F600
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate (astral code point) sorts after any BMP character
    return x - y;
  }
  return a.length - b.length;
}

function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' })[c]!);
}

function escapeAttribute(s: string): string {
  return s.replace(
    /[&<"\t\n\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!,
  );
}

/** The namespace declarations to render on `el` (C14N 1.0 §2.3 / Exc-C14N §3 "visibly utilizes"). */
function namespacesToRender(
  el: XmlElement,
  scope: ReadonlyMap<string, string>,
  rendered: ReadonlyMap<string, string>,
  ctx: Context,
): [string, string][] {
  const candidates = new Set<string>();
  if (ctx.options.method === 'exc-c14n') {
    candidates.add(el.prefix);
    for (const a of el.attributes) if (a.prefix !== '' && a.prefix !== 'xml') candidates.add(a.prefix);
    for (const p of ctx.inclusive) if (p === '' || scope.has(p)) candidates.add(p);
  } else {
    for (const p of scope.keys()) candidates.add(p);
  }
  const out: [string, string][] = [];
  for (const p of candidates) {
    if (p === 'xml') continue;
    const uri = scope.get(p) ?? '';
    // An empty default is rendered (xmlns="") only to undo a non-empty default rendered above.
    const before = rendered.get(p) ?? '';
    if (p === '' ? before !== uri : uri !== '' && rendered.get(p) !== uri) out.push([p, uri]);
  }
  return out.sort((a, b) => compareCodePoints(a[0], b[0]));
}

/**
 * C14N 1.0 §2.4: an apex element whose parent is left out inherits the xml:* attributes of its
 * ancestors; C14N 1.1 §2.4 only xml:lang and xml:space (xml:id is not inherited, and xml:base
 * fix-up is not implemented: it is left out); Exc-C14N inherits none.
 */
function inheritedXmlAttributes(el: XmlElement, method: C14nMethod): XmlAttribute[] {
  if (method === 'exc-c14n') return [];
  const found = new Map<string, XmlAttribute>();
  for (const a of el.attributes) if (a.namespaceUri === XML_NAMESPACE) found.set(a.localName, a);
  const inherited: XmlAttribute[] = [];
  for (let p = el.parent; p.type === 'element'; p = p.parent) {
    for (const a of p.attributes) {
      if (a.namespaceUri !== XML_NAMESPACE || found.has(a.localName)) continue;
      if (method === 'c14n11' && a.localName !== 'lang' && a.localName !== 'space') continue;
      found.set(a.localName, a);
      inherited.push(a);
    }
  }
  return inherited;
}

function sortedAttributes(attributes: readonly XmlAttribute[]): XmlAttribute[] {
  return [...attributes].sort(
    (a, b) =>
      compareCodePoints(a.namespaceUri, b.namespaceUri) || compareCodePoints(a.localName, b.localName),
  );
}

function renderElement(
  el: XmlElement,
  parentScope: ReadonlyMap<string, string>,
  rendered: ReadonlyMap<string, string>,
  ctx: Context,
  apex: boolean,
): void {
  let scope = parentScope;
  if (el.namespaceDeclarations.length > 0) {
    const next = new Map(parentScope);
    for (const d of el.namespaceDeclarations) next.set(d.prefix, d.uri);
    scope = next;
  }
  const namespaces = namespacesToRender(el, scope, rendered, ctx);
  let nowRendered = rendered;
  if (namespaces.length > 0) {
    const next = new Map(rendered);
    for (const [p, u] of namespaces) next.set(p, u);
    nowRendered = next;
  }
  const attributes = apex
    ? [...el.attributes, ...inheritedXmlAttributes(el, ctx.options.method)]
    : el.attributes;
  const out = ctx.out;
  out.push('<', el.name);
  for (const [p, u] of namespaces) out.push(p === '' ? ' xmlns="' : ` xmlns:${p}="`, escapeAttribute(u), '"');
  for (const a of sortedAttributes(attributes)) out.push(' ', a.name, '="', escapeAttribute(a.value), '"');
  out.push('>');
  for (const child of el.children) renderChild(child, scope, nowRendered, ctx);
  out.push('</', el.name, '>');
}

function renderChild(
  node: XmlNode,
  scope: ReadonlyMap<string, string>,
  rendered: ReadonlyMap<string, string>,
  ctx: Context,
): void {
  if (node.type === 'text') ctx.out.push(escapeText(node.value));
  else if (node.type === 'element') {
    if (!ctx.options.exclude?.(node)) renderElement(node, scope, rendered, ctx, false);
  } else ctx.out.push(renderOther(node, ctx) ?? '');
}

function renderOther(node: XmlNode, ctx: Context): string | undefined {
  if (node.type === 'comment') return ctx.options.withComments ? `<!--${node.value}-->` : undefined;
  if (node.type === 'pi') return `<?${node.target}${node.data === '' ? '' : ' ' + node.data}?>`;
  return undefined;
}

function renderDocument(doc: XmlDocument, ctx: Context): void {
  let afterRoot = false;
  for (const node of doc.children) {
    if (node.type === 'element') {
      if (!ctx.options.exclude?.(node)) renderElement(node, new Map(), new Map(), ctx, false);
      afterRoot = true;
      continue;
    }
    // C14N 1.0 §2.1: a line feed separates the nodes outside the document element from it.
    const text = renderOther(node, ctx);
    if (text !== undefined) ctx.out.push(afterRoot ? '\n' + text : text + '\n');
  }
}

/**
 * Canonicalizes a document or the subtree of an element (with its in-scope namespaces).
 *
 * @param node - the whole document, or the apex element of a same-document reference
 * @param options - algorithm, comments, exclusive prefix list, excluded subtrees, content only
 * @returns the canonical form, UTF-8
 * @example
 * ```ts
 * const doc = parseXml('<a xmlns:p="urn:p"><p:b z="1" a="2"/></a>');
 * canonicalize(doc.root.children[0] as XmlElement, { method: 'exc-c14n' }).toString();
 * // '<p:b xmlns:p="urn:p" a="2" z="1"></p:b>'
 * ```
 */
export function canonicalize(node: XmlDocument | XmlElement, options: C14nOptions): Buffer {
  const inclusive = new Set((options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)));
  const ctx: Context = { options, out: [], inclusive };
  if (node.type === 'document') renderDocument(node, ctx);
  else if (options.exclude?.(node)) {
    // the whole subtree is left out
  } else if (options.contentOnly) {
    // Each child element is an apex of its own: its parent is not in the node-set.
    const scope = inScopeNamespaces(node);
    for (const child of node.children) {
      if (child.type !== 'element') renderChild(child, scope, new Map(), ctx);
      else if (!options.exclude?.(child)) renderElement(child, scope, new Map(), ctx, true);
    }
  } else {
    const parentScope =
      node.parent.type === 'element' ? inScopeNamespaces(node.parent) : new Map<string, string>();
    renderElement(node, parentScope, new Map(), ctx, true);
  }
  return Buffer.from(ctx.out.join(''), 'utf8');
}
