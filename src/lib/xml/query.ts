/** Small navigation helpers over the parsed tree (namespace-aware). Internal. */
import type { XmlDocument, XmlElement } from './dom.js';

/**
 * The element children of `el`, optionally only those named `{ns}local`.
 *
 * @example
 * ```ts
 * childElements(signature, NS.ds, 'Object').length;
 * ```
 */
export function childElements(el: XmlElement, ns?: string, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.type !== 'element') continue;
    if (ns !== undefined && c.namespaceUri !== ns) continue;
    if (local !== undefined && c.localName !== local) continue;
    out.push(c);
  }
  return out;
}

/**
 * The first element child named `{ns}local`, if any.
 *
 * @example
 * ```ts
 * childElement(signature, NS.ds, 'SignedInfo')?.localName; // 'SignedInfo'
 * ```
 */
export function childElement(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  for (const c of el.children) {
    if (c.type === 'element' && c.namespaceUri === ns && c.localName === local) return c;
  }
  return undefined;
}

/**
 * True when `el` is named `{ns}local`.
 *
 * @example
 * ```ts
 * isElement(doc.root, NS.ds, 'Signature'); // false for a trust list
 * ```
 */
export function isElement(el: XmlElement | undefined, ns: string, local: string): el is XmlElement {
  return el !== undefined && el.namespaceUri === ns && el.localName === local;
}

/**
 * The value of the unprefixed attribute `name` (or of `{ns}name`).
 *
 * @example
 * ```ts
 * attribute(parseXml('<a Id="x"/>').root, 'Id'); // 'x'
 * ```
 */
export function attribute(el: XmlElement, name: string, ns = ''): string | undefined {
  for (const a of el.attributes) if (a.localName === name && a.namespaceUri === ns) return a.value;
  return undefined;
}

/**
 * The XPath string-value of an element: all descendant text, in document order.
 *
 * @example
 * ```ts
 * textContent(parseXml('<a>x<b>y</b></a>').root); // 'xy'
 * ```
 */
export function textContent(el: XmlElement): string {
  const parts: string[] = [];
  const stack: XmlElement[] = [el];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.type === 'text') parts.push(c.value);
      else if (c.type === 'element') walk(c);
    }
  };
  walk(stack[0]!);
  return parts.join('');
}

/**
 * Every element of the document in document order (iterative, so depth is no concern).
 *
 * @example
 * ```ts
 * allElements(parseXml('<a><b/><c/></a>')).map((e) => e.name); // ['a', 'b', 'c']
 * ```
 */
export function allElements(root: XmlDocument | XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const start = root.type === 'document' ? root.root : root;
  const stack: XmlElement[] = [start];
  while (stack.length > 0) {
    const el = stack.pop()!;
    out.push(el);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (c.type === 'element') stack.push(c);
    }
  }
  return out;
}

/**
 * The elements named `{ns}local` below (and including) `root`, in document order.
 *
 * @example
 * ```ts
 * descendants(doc, 'http://www.w3.org/2000/09/xmldsig#', 'Signature').length;
 * ```
 */
export function descendants(root: XmlDocument | XmlElement, ns: string, local: string): XmlElement[] {
  return allElements(root).filter((e) => e.namespaceUri === ns && e.localName === local);
}

/**
 * True when `node` is `ancestor` or lies inside it.
 *
 * @example
 * ```ts
 * isWithin(signedInfo, signature); // true
 * ```
 */
export function isWithin(node: XmlElement, ancestor: XmlElement): boolean {
  for (let n: XmlElement | XmlDocument = node; n.type === 'element'; n = n.parent)
    if (n === ancestor) return true;
  return false;
}
