/**
 * The XAdES profile requirements whose violation makes a signature not an ETSI one (level
 * `NOT-ETSI`, with the reasons as warnings; never a failure): the cardinalities of the signed
 * signature properties and the DataObjectFormat rules of EN 319 132-1 clause 5.2.4 (at least one
 * of Description / ObjectIdentifier / MimeType; an ObjectReference to a ds:Reference of the
 * signature; MimeType and Encoding equal to those of the signed ds:Object), and a signing
 * certificate either referenced by the signed properties or in a signed ds:KeyInfo. These are the
 * checks EU DSS applies before it names a level at all (its XAdES-BES profile check).
 */
import type { XmlElement } from '../../lib/xml/dom.js';
import { attribute, childElement, childElements, descendants, textContent } from '../../lib/xml/query.js';
import { NS } from './algorithms.js';
import type { InspectedSignature } from './inspect.js';

function children(el: XmlElement | undefined, local: string): XmlElement[] {
  return el ? childElements(el, el.namespaceUri, local) : [];
}

function countOf(el: XmlElement | undefined, ...locals: string[]): number {
  return locals.reduce((n, l) => n + children(el, l).length, 0);
}

/** The ds:Reference elements of the signature, by Id (SignedInfo and signed ds:Manifest ones). */
function referencesById(sig: XmlElement): Map<string, XmlElement> {
  const out = new Map<string, XmlElement>();
  for (const r of descendants(sig, NS.ds, 'Reference')) {
    const id = attribute(r, 'Id');
    if (id !== undefined && !out.has(id)) out.set(id, r);
  }
  return out;
}

/** The ds:Object child of the signature a `#id` reference URI names. */
function objectOf(ins: InspectedSignature, uri: string | undefined): XmlElement | undefined {
  if (!uri?.startsWith('#') || uri.startsWith('#xpointer(')) return undefined;
  const id = uri.slice(1);
  return ins.sig.objects.find((o) => attribute(o, 'Id') === id);
}

function sameValue(dof: XmlElement, local: string, object: XmlElement | undefined, attr: string): boolean {
  const el = children(dof, local)[0];
  const declared = object ? attribute(object, attr) : undefined;
  return !el || !declared || declared === textContent(el);
}

function dataObjectFormatProblem(
  ins: InspectedSignature,
  dof: XmlElement,
  refs: Map<string, XmlElement>,
): string | undefined {
  const one = (l: string) => children(dof, l).length === 1;
  if (!one('Description') && !one('ObjectIdentifier') && !one('MimeType'))
    return 'a DataObjectFormat has none of Description, ObjectIdentifier and MimeType';
  const target = attribute(dof, 'ObjectReference');
  if (!target) return 'a DataObjectFormat has no ObjectReference';
  if (!target.startsWith('#') || target.startsWith('#xpointer('))
    return `DataObjectFormat ObjectReference '${target}' is not a same-document reference`;
  const ref = refs.get(target.slice(1));
  if (!ref) return `DataObjectFormat ObjectReference '${target}' names no ds:Reference of the signature`;
  const object = objectOf(ins, attribute(ref, 'URI'));
  if (!sameValue(dof, 'MimeType', object, 'MimeType'))
    return `DataObjectFormat ${target} MimeType differs from the one of the signed ds:Object`;
  if (!sameValue(dof, 'Encoding', object, 'Encoding'))
    return `DataObjectFormat ${target} Encoding differs from the one of the signed ds:Object`;
  return undefined;
}

/**
 * Why a XAdES signature with signed properties is not an ETSI signature (empty when it is one).
 *
 * @param ins - the inspected signature (its qualifying properties are signed)
 * @param keyInfoSigned - a ds:Reference of SignedInfo covers the ds:KeyInfo
 * @returns human-readable reasons, each a profile violation
 * @example
 * ```ts
 * notEtsiReasons(ins, false); // ['a DataObjectFormat has no ObjectReference']
 * ```
 */
export function notEtsiReasons(ins: InspectedSignature, keyInfoSigned: boolean): string[] {
  const signed = ins.props?.signedProperties;
  if (!signed) return [];
  const out: string[] = [];
  const ssp = childElement(signed, signed.namespaceUri, 'SignedSignatureProperties');
  const sdop = childElement(signed, signed.namespaceUri, 'SignedDataObjectProperties');
  if (countOf(ssp, 'SigningTime') > 1) out.push('more than one SigningTime');
  const certRefs = countOf(ssp, 'SigningCertificate', 'SigningCertificateV2');
  if (certRefs > 1) out.push('more than one SigningCertificate(V2)');
  if (countOf(ssp, 'SignatureProductionPlace', 'SignatureProductionPlaceV2') > 1)
    out.push('more than one SignatureProductionPlace(V2)');
  if (countOf(ssp, 'SignerRole', 'SignerRoleV2') > 1) out.push('more than one SignerRole(V2)');
  const refs = referencesById(ins.sig.element);
  for (const dof of children(sdop, 'DataObjectFormat')) {
    const problem = dataObjectFormatProblem(ins, dof, refs);
    if (problem) out.push(problem);
  }
  if (certRefs === 0 && !keyInfoSigned)
    out.push('no SigningCertificate(V2) and no signed ds:KeyInfo identify the signing certificate');
  return out;
}
