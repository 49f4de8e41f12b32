/**
 * The identifier attributes of an XML document, by value: what same-document references
 * (`#id`) and the XPath `id()` function resolve. Internal to the XAdES module.
 */
import { XML_NAMESPACE } from '../../lib/xml/dom.js';
import type { XmlDocument, XmlElement } from '../../lib/xml/dom.js';
import { allElements } from '../../lib/xml/query.js';

/** Identifier value to the elements carrying it. */
export type IdIndex = ReadonlyMap<string, readonly XmlElement[]>;

const ID_NAMES = new Set(['Id', 'ID', 'id']);

/**
 * Indexes the identifier attributes of a document: unprefixed `Id`, `ID`, `id` (the XMLDSig,
 * XAdES and trust-list schemas declare these as xs:ID) and `xml:id`.
 *
 * @example
 * ```ts
 * buildIdIndex(parseXml('<a Id="x"><b Id="x"/></a>')).get('x')?.length; // 2
 * ```
 */
export function buildIdIndex(doc: XmlDocument): IdIndex {
  const index = new Map<string, XmlElement[]>();
  for (const el of allElements(doc)) {
    for (const a of el.attributes) {
      const isId =
        a.namespaceUri === ''
          ? ID_NAMES.has(a.localName)
          : a.namespaceUri === XML_NAMESPACE && a.localName === 'id';
      if (!isId) continue;
      const list = index.get(a.value) ?? [];
      if (!list.includes(el)) list.push(el);
      index.set(a.value, list);
    }
  }
  return index;
}
