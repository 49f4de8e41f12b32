/**
 * Reads the syntax of one ds:Signature (W3C xmldsig-core1 §4): SignedInfo with its
 * canonicalization, signature method and references, SignatureValue, KeyInfo and the Objects.
 * Nothing is verified here; a missing or repeated mandatory element is XADES_MALFORMED.
 */
import type { XmlElement } from '../../lib/xml/dom.js';
import { attribute, childElements, textContent } from '../../lib/xml/query.js';
import { NS, canonicalizationAlgorithm } from './algorithms.js';
import type { CanonicalizationAlgorithm } from './algorithms.js';
import { XadesError } from './errors.js';

/** A ds:Transform. */
export interface ParsedTransform {
  algorithm: string;
  element: XmlElement;
}

/** A ds:Reference (§4.4.3). */
export interface ParsedReference {
  element: XmlElement;
  id?: string;
  /** The URI attribute; undefined when absent (the application supplies the data). */
  uri?: string;
  type?: string;
  transforms: ParsedTransform[];
  digestMethod: string;
  /** Empty when the DigestValue text is not base64 (then it can match nothing: HASH_FAILURE). */
  digestValue: Buffer;
}

/** Canonicalization with the exclusive prefix list, when any. */
export interface CanonicalizationChoice extends CanonicalizationAlgorithm {
  uri: string;
  inclusivePrefixes?: string[];
}

/** One ds:Signature. */
export interface ParsedSignature {
  element: XmlElement;
  id?: string;
  signedInfo: XmlElement;
  canonicalization: CanonicalizationChoice;
  signatureMethod: string;
  references: ParsedReference[];
  signatureValueElement: XmlElement;
  signatureValue: Buffer;
  keyInfo?: XmlElement;
  /** The ds:Object children of the signature, in order. */
  objects: XmlElement[];
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes xs:base64Binary text (white space allowed between characters).
 *
 * @throws XadesError XADES_MALFORMED when the text is not base64
 * @example
 * ```ts
 * decodeBase64('SGVs\nbG8=', 'value').toString(); // 'Hello'
 * ```
 */
export function decodeBase64(text: string, what: string): Buffer {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new XadesError('XADES_MALFORMED', `${what} is not base64`);
  }
  return Buffer.from(compact, 'base64');
}

/**
 * The single `{ds}local` child of `el`; absent or repeated is malformed.
 *
 * @example
 * ```ts
 * onlyChild(signatureEl, 'SignedInfo');
 * ```
 */
export function onlyChild(el: XmlElement, local: string, ns: string = NS.ds): XmlElement {
  const found = childElements(el, ns, local);
  if (found.length !== 1) {
    throw new XadesError(
      'XADES_MALFORMED',
      `${el.localName} must have exactly one ${local} (has ${found.length})`,
    );
  }
  return found[0]!;
}

function requiredAttribute(el: XmlElement, name: string): string {
  const v = attribute(el, name);
  if (v === undefined) throw new XadesError('XADES_MALFORMED', `${el.localName} has no ${name} attribute`);
  return v;
}

/**
 * The CanonicalizationMethod (or an exclusive C14N Transform) with its InclusiveNamespaces.
 *
 * @example
 * ```ts
 * canonicalizationOf(onlyChild(signedInfo, 'CanonicalizationMethod')).method; // 'exc-c14n'
 * ```
 */
export function canonicalizationOf(el: XmlElement): CanonicalizationChoice {
  const uri = requiredAttribute(el, 'Algorithm');
  const algorithm = canonicalizationAlgorithm(uri);
  if (!algorithm) throw new XadesError('XADES_ALGORITHM_UNSUPPORTED', `canonicalization ${uri}`);
  const inclusive = childElements(el, NS.exc, 'InclusiveNamespaces')[0];
  const list = inclusive ? attribute(inclusive, 'PrefixList') : undefined;
  return {
    uri,
    ...algorithm,
    ...(list !== undefined && algorithm.method === 'exc-c14n'
      ? { inclusivePrefixes: list.split(/\s+/).filter(Boolean) }
      : {}),
  };
}

function parseReference(el: XmlElement): ParsedReference {
  const transformsEl = childElements(el, NS.ds, 'Transforms');
  if (transformsEl.length > 1)
    throw new XadesError('XADES_MALFORMED', 'Reference has more than one Transforms');
  const transforms = transformsEl[0]
    ? childElements(transformsEl[0], NS.ds, 'Transform').map((t) => ({
        algorithm: requiredAttribute(t, 'Algorithm'),
        element: t,
      }))
    : [];
  const id = attribute(el, 'Id');
  const uri = attribute(el, 'URI');
  const type = attribute(el, 'Type');
  return {
    element: el,
    ...(id !== undefined ? { id } : {}),
    ...(uri !== undefined ? { uri } : {}),
    ...(type !== undefined ? { type } : {}),
    transforms,
    digestMethod: requiredAttribute(onlyChild(el, 'DigestMethod'), 'Algorithm'),
    digestValue: lenientBase64(textContent(onlyChild(el, 'DigestValue'))),
  };
}

/** A DigestValue that is not base64 is a changed digest, not an unreadable signature. */
function lenientBase64(text: string): Buffer {
  try {
    return decodeBase64(text, 'DigestValue');
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * Reads a ds:Signature element.
 *
 * @param element - the ds:Signature
 * @returns its parts
 * @throws XadesError XADES_MALFORMED when a mandatory part is missing or repeated
 * @example
 * ```ts
 * const sig = parseSignature(descendants(doc, NS.ds, 'Signature')[0]!);
 * sig.references.length;
 * ```
 */
export function parseSignature(element: XmlElement): ParsedSignature {
  const signedInfo = onlyChild(element, 'SignedInfo');
  const signatureValueElement = onlyChild(element, 'SignatureValue');
  const keyInfos = childElements(element, NS.ds, 'KeyInfo');
  if (keyInfos.length > 1) throw new XadesError('XADES_MALFORMED', 'Signature has more than one KeyInfo');
  const references = childElements(signedInfo, NS.ds, 'Reference').map(parseReference);
  if (references.length === 0) throw new XadesError('XADES_MALFORMED', 'SignedInfo has no Reference');
  const id = attribute(element, 'Id');
  return {
    element,
    ...(id !== undefined ? { id } : {}),
    signedInfo,
    canonicalization: canonicalizationOf(onlyChild(signedInfo, 'CanonicalizationMethod')),
    signatureMethod: requiredAttribute(onlyChild(signedInfo, 'SignatureMethod'), 'Algorithm'),
    references,
    signatureValueElement,
    signatureValue: decodeBase64(textContent(signatureValueElement), 'SignatureValue'),
    ...(keyInfos[0] ? { keyInfo: keyInfos[0] } : {}),
    objects: childElements(element, NS.ds, 'Object'),
  };
}
