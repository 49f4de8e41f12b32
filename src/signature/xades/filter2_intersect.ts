/**
 * The XPath Filter 2.0 `intersect` selections signers use to sign one element of a document, or
 * an element's content, computed exactly without an XPath engine. Two forms are recognised
 * (whitespace outside the string literal aside):
 *
 * - `id('X')` followed by child steps `/P:Name`, optionally ending with `/node()`;
 * - `//*[@Id='X']` followed by the same.
 *
 * `id('X')` is the element the document's identifier index gives for X (the identifiers the
 * verifier registers: Id / ID / id / xml:id); `//*[@Id='X']` every element whose unqualified `Id`
 * attribute is X. A child step `P:Name` selects the child elements named `{uri of P}Name`, with P
 * resolved in the scope of the filter's XPath element (no prefix: no namespace, as in XPath 1.0).
 * `/node()` keeps the element's content without the element itself (its attributes and namespace
 * nodes are not its children). The expression is evaluated on the whole input document
 * (xmldsig-filter2 §3.3). Anything else is not recognised. A recognised expression must select
 * exactly one element: several (two elements carrying the identifier, the wrapping attack) or
 * none are refused, never unioned. Internal to the XAdES module.
 */
import { inScopeNamespaces } from '../../lib/xml/dom.js';
import type { XmlDocument, XmlElement } from '../../lib/xml/dom.js';
import { allElements, attribute, childElements } from '../../lib/xml/query.js';
import { XadesError } from './errors.js';
import { buildIdIndex } from './ids.js';

/** What an `intersect` filter selects: one element, or its content. */
export interface IntersectSelection {
  element: XmlElement;
  contentOnly: boolean;
}

const BY_ID_FUNCTION = /^id\(\s*(['"])([^'"\s]+)\1\s*\)/;
const BY_ID_ATTRIBUTE = /^\/\/\*\[\s*@Id\s*=\s*(['"])([^'"\s]+)\1\s*\]/;
const STEP = /^(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)$/;

interface Parsed {
  base: 'function' | 'attribute';
  id: string;
  steps: { uri: string; local: string }[];
  contentOnly: boolean;
}

function parse(expression: string, xpath: XmlElement): Parsed | undefined {
  const e = expression.trim();
  const fn = BY_ID_FUNCTION.exec(e);
  const at = fn ? null : BY_ID_ATTRIBUTE.exec(e);
  const m = fn ?? at;
  if (!m) return undefined;
  const rest = e.slice(m[0].length).replace(/\s+/g, '');
  const parts = rest === '' ? [] : rest.startsWith('/') ? rest.slice(1).split('/') : undefined;
  if (!parts) return undefined;
  const contentOnly = parts.at(-1) === 'node()';
  if (contentOnly) parts.pop();
  const scope = inScopeNamespaces(xpath);
  const steps: Parsed['steps'] = [];
  for (const part of parts) {
    const step = STEP.exec(part);
    if (!step) return undefined;
    const uri = step[1] === undefined ? '' : scope.get(step[1]);
    if (uri === undefined) return undefined;
    steps.push({ uri, local: step[2]! });
  }
  return { base: fn ? 'function' : 'attribute', id: m[2]!, steps, contentOnly };
}

function unresolved(detail: string): never {
  throw new XadesError('XADES_REFERENCE_UNRESOLVED', `XPath Filter 2.0 intersect: ${detail}`);
}

/**
 * Evaluates a recognised `intersect` expression.
 *
 * @param expression - the text of the filter's XPath element
 * @param xpath - that element (for its namespace prefixes)
 * @param doc - the input document
 * @returns the selection, or undefined when the expression is not one of the recognised forms
 * @throws XadesError XADES_REFERENCE_UNRESOLVED when it selects no element or several
 * @example
 * ```ts
 * intersectSelection("id('data')/node()", xpathElement, doc); // { element: <… Id="data">, contentOnly: true }
 * ```
 */
export function intersectSelection(
  expression: string,
  xpath: XmlElement,
  doc: XmlDocument,
): IntersectSelection | undefined {
  const parsed = parse(expression, xpath);
  if (!parsed) return undefined;
  let selected: XmlElement[] =
    parsed.base === 'function'
      ? [...(buildIdIndex(doc).get(parsed.id) ?? [])]
      : allElements(doc).filter((el) => attribute(el, 'Id') === parsed.id);
  if (selected.length > 1) unresolved(`${selected.length} elements carry the identifier '${parsed.id}'`);
  for (const step of parsed.steps)
    selected = selected.flatMap((el) => childElements(el, step.uri, step.local));
  if (selected.length !== 1) unresolved(`the expression selects ${selected.length} elements, not one`);
  return { element: selected[0]!, contentOnly: parsed.contentOnly };
}
