/**
 * A tiny deterministic XML serialiser for the lists we publish: elements with ordered
 * attributes, text-only elements on one line, two-space indentation, UTF-8. The same input
 * always gives the same bytes, so a list is reproducible from its state (TS 119 612 asks for
 * nothing more, and reproducibility makes the signed bytes testable).
 */
import { TrustListPublishError } from './errors.js';

/** An element to serialise. */
export interface XmlOut {
  name: string;
  attrs: readonly (readonly [string, string])[];
  children: readonly (XmlOut | string)[];
}

/** Elements nest at most this deep (our lists need about 12 levels). */
const MAX_DEPTH = 64;

/**
 * Builds an element; `children` are elements, text, or `undefined`/`false` (skipped, so optional
 * parts read naturally).
 *
 * @example
 * ```ts
 * serializeXml(el('a', [['x', '1']], el('b', [], 'text'))); // '<a x="1">\n  <b>text</b>\n</a>\n'
 * ```
 */
export function el(
  name: string,
  attrs: readonly (readonly [string, string])[] = [],
  ...children: (XmlOut | string | undefined | false)[]
): XmlOut {
  return {
    name,
    attrs,
    children: children.filter((c): c is XmlOut | string => c !== undefined && c !== false),
  };
}

// XML 1.0 Char production: refuse what no parser would read back (controls, lone surrogates).
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function checked(s: string): string {
  if (INVALID_CHAR.test(s)) {
    throw new TrustListPublishError('TL_INPUT_INVALID', `a value holds a character XML 1.0 cannot carry`);
  }
  return s;
}

function escapeText(s: string): string {
  return checked(s).replace(
    /[&<>\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' })[c]!,
  );
}

function escapeAttr(s: string): string {
  return checked(s).replace(
    /[&<"\t\n\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!,
  );
}

function write(node: XmlOut, indent: string, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) throw new TrustListPublishError('TL_INPUT_INVALID', 'the list nests too deeply');
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  if (node.children.length === 0) {
    out.push(`${indent}<${node.name}${attrs}/>\n`);
  } else if (node.children.every((c) => typeof c === 'string')) {
    out.push(
      `${indent}<${node.name}${attrs}>${(node.children as string[]).map(escapeText).join('')}</${node.name}>\n`,
    );
  } else {
    out.push(`${indent}<${node.name}${attrs}>\n`);
    for (const c of node.children) {
      if (typeof c === 'string') out.push(`${indent}  ${escapeText(c)}\n`);
      else write(c, `${indent}  `, depth + 1, out);
    }
    out.push(`${indent}</${node.name}>\n`);
  }
}

/**
 * Serialises a document: XML declaration, then the root element.
 *
 * @param root - the root element
 * @returns the document text (encode as UTF-8)
 * @throws TrustListPublishError TL_INPUT_INVALID for characters XML cannot carry
 * @example
 * ```ts
 * const text = serializeXml(el('TrustServiceStatusList', [['xmlns', NS.tsl]]));
 * ```
 */
export function serializeXml(root: XmlOut): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write(root, '', 0, out);
  return out.join('');
}

/** xsd:dateTime in UTC without fractional seconds, as TS 119 612 clause 5.1.4 examples show. */
export function xmlDateTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new TrustListPublishError('TL_INPUT_INVALID', 'an invalid date');
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
