/**
 * Namespaces in XML 1.0 (Third Edition) for the parser: splitting qualified names, reading the
 * declarations of a start tag and resolving element and attribute names. Internal.
 */
import { XML_NAMESPACE } from './dom.js';
import type { XmlAttribute, XmlNamespaceDeclaration } from './dom.js';
import { XmlError } from './errors.js';

const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** An attribute as written in a start tag, before namespace processing. */
export interface RawAttribute {
  name: string;
  value: string;
}

/**
 * Splits a QName (§4); a name with more than one colon or an empty part is not namespace-well-formed.
 *
 * @example
 * ```ts
 * splitQName('ds:Signature', 0); // { prefix: 'ds', localName: 'Signature' }
 * ```
 */
export function splitQName(name: string, offset: number): { prefix: string; localName: string } {
  const colon = name.indexOf(':');
  if (colon < 0) return { prefix: '', localName: name };
  if (colon === 0 || colon === name.length - 1 || name.indexOf(':', colon + 1) >= 0) {
    throw new XmlError('XML_MALFORMED', `'${name}' is not a qualified name near offset ${offset}`);
  }
  return { prefix: name.slice(0, colon), localName: name.slice(colon + 1) };
}

function checkDeclaration(prefix: string, uri: string, offset: number): void {
  // §3 "Reserved Prefixes and Namespace Names" and §5 (no undeclaring of a prefix in 1.0).
  const bad =
    prefix === 'xmlns' ||
    (prefix === 'xml' && uri !== XML_NAMESPACE) ||
    (prefix !== 'xml' && uri === XML_NAMESPACE) ||
    uri === XMLNS_NAMESPACE ||
    (prefix !== '' && uri === '');
  if (bad)
    throw new XmlError('XML_MALFORMED', `illegal namespace declaration of '${prefix}' near offset ${offset}`);
}

/**
 * Separates the namespace declarations from the other attributes of a start tag.
 *
 * @example
 * ```ts
 * namespaceDeclarations([{ name: 'xmlns:p', value: 'urn:p' }], 0).declarations; // [{ prefix: 'p', uri: 'urn:p' }]
 * ```
 */
export function namespaceDeclarations(
  raw: readonly RawAttribute[],
  offset: number,
): { declarations: XmlNamespaceDeclaration[]; others: RawAttribute[] } {
  const declarations: XmlNamespaceDeclaration[] = [];
  const others: RawAttribute[] = [];
  for (const a of raw) {
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) {
      const prefix = a.name === 'xmlns' ? '' : splitQName(a.name, offset).localName;
      checkDeclaration(prefix, a.value, offset);
      if (declarations.some((d) => d.prefix === prefix)) {
        throw new XmlError('XML_MALFORMED', `namespace '${prefix}' declared twice near offset ${offset}`);
      }
      declarations.push({ prefix, uri: a.value });
    } else {
      others.push(a);
    }
  }
  return { declarations, others };
}

/**
 * The namespace URI of `prefix` (the default namespace for ''), or an error when unbound.
 *
 * @example
 * ```ts
 * resolvePrefix(new Map([['p', 'urn:p']]), 'p', 0); // 'urn:p'
 * ```
 */
export function resolvePrefix(scope: ReadonlyMap<string, string>, prefix: string, offset: number): string {
  if (prefix === 'xml') return XML_NAMESPACE;
  const uri = scope.get(prefix);
  if (uri === undefined) {
    if (prefix === '') return '';
    throw new XmlError('XML_MALFORMED', `unbound namespace prefix '${prefix}' near offset ${offset}`);
  }
  return uri;
}

/**
 * Resolves attribute names; a repeated name or expanded name is an error (XML 1.0 §3.1, NS §6.3).
 *
 * @example
 * ```ts
 * resolveAttributes(new Map(), [{ name: 'Id', value: 'x' }], 0)[0]!.namespaceUri; // ''
 * ```
 */
export function resolveAttributes(
  scope: ReadonlyMap<string, string>,
  raw: readonly RawAttribute[],
  offset: number,
): XmlAttribute[] {
  const out: XmlAttribute[] = [];
  const seen = new Set<string>();
  for (const a of raw) {
    const { prefix, localName } = splitQName(a.name, offset);
    // NS §6.2: an unprefixed attribute is in no namespace, whatever the default namespace.
    const namespaceUri = prefix === '' ? '' : resolvePrefix(scope, prefix, offset);
    const key = `${namespaceUri}\u0000${localName}`;
    if (seen.has(key))
      throw new XmlError('XML_MALFORMED', `attribute '${a.name}' repeated near offset ${offset}`);
    seen.add(key);
    out.push({ name: a.name, prefix, localName, namespaceUri, value: a.value });
  }
  return out;
}
