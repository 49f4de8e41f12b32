/**
 * The tree the XML parser builds: just what XMLDSig processing and canonicalization need
 * (W3C XML 1.0, Namespaces in XML 1.0, the XPath data model of C14N). Internal.
 */

/** The namespace bound to the `xml` prefix (Namespaces in XML 1.0 §3). */
export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** An attribute other than a namespace declaration. */
export interface XmlAttribute {
  /** The qualified name as written. */
  readonly name: string;
  readonly prefix: string;
  readonly localName: string;
  /** '' for an unprefixed attribute (no namespace, Namespaces in XML 1.0 §6.2). */
  readonly namespaceUri: string;
  /** The normalised value (XML 1.0 §3.3.3). */
  readonly value: string;
}

/** A namespace declaration (`xmlns` or `xmlns:p`) written on an element. */
export interface XmlNamespaceDeclaration {
  /** '' for the default namespace. */
  readonly prefix: string;
  /** '' undeclares the default namespace. */
  readonly uri: string;
}

/** An element. */
export interface XmlElement {
  readonly type: 'element';
  readonly name: string;
  readonly prefix: string;
  readonly localName: string;
  readonly namespaceUri: string;
  readonly attributes: XmlAttribute[];
  readonly namespaceDeclarations: XmlNamespaceDeclaration[];
  readonly children: XmlNode[];
  readonly parent: XmlElement | XmlDocument;
  /** Offset of `<` of the start tag in the source text. */
  readonly start: number;
  /** Offset of `<` of the end tag (of `/>` for an empty-element tag). */
  endTagStart: number;
  /** Offset just past the element. */
  end: number;
}

/** Character data (text and CDATA sections), line ends normalised, references replaced. */
export interface XmlText {
  readonly type: 'text';
  readonly value: string;
  readonly parent: XmlElement;
}

/** A comment. */
export interface XmlComment {
  readonly type: 'comment';
  readonly value: string;
  readonly parent: XmlElement | XmlDocument;
}

/** A processing instruction. */
export interface XmlProcessingInstruction {
  readonly type: 'pi';
  readonly target: string;
  readonly data: string;
  readonly parent: XmlElement | XmlDocument;
}

/** Any child of an element or of the document. */
export type XmlNode = XmlElement | XmlText | XmlComment | XmlProcessingInstruction;

/** A parsed document. */
export interface XmlDocument {
  readonly type: 'document';
  /** Comments, PIs and the root element, in order. */
  readonly children: XmlNode[];
  readonly root: XmlElement;
  /** The decoded source text (offsets of the elements refer to it). */
  readonly source: string;
}

/**
 * The document an element belongs to.
 *
 * @example
 * ```ts
 * ownerDocument(parseXml('<a><b/></a>').root).type; // 'document'
 * ```
 */
export function ownerDocument(node: XmlElement | XmlDocument): XmlDocument {
  let n: XmlElement | XmlDocument = node;
  while (n.type === 'element') n = n.parent;
  return n;
}

/**
 * The namespaces in scope on `element` (prefix to URI, '' for the default; an undeclared default
 * maps to ''), without the implicit `xml` binding.
 *
 * @example
 * ```ts
 * inScopeNamespaces(parseXml('<a xmlns:p="urn:p"/>').root).get('p'); // 'urn:p'
 * ```
 */
export function inScopeNamespaces(element: XmlElement): Map<string, string> {
  const chain: XmlElement[] = [];
  for (let n: XmlElement | XmlDocument = element; n.type === 'element'; n = n.parent) chain.push(n);
  const map = new Map<string, string>();
  for (let i = chain.length - 1; i >= 0; i--) {
    for (const d of chain[i]!.namespaceDeclarations) map.set(d.prefix, d.uri);
  }
  return map;
}
