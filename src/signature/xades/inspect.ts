/**
 * XMLDSig core validation of one ds:Signature with the XAdES structure rules that defeat XML
 * signature wrapping (XSW): each reference must resolve to exactly one element, and the element
 * must be the one the signature's structure says it covers. A SignedProperties reference must
 * select the SignedProperties of this signature's own QualifyingProperties (EN 319 132-1 4.3,
 * 5.1); a reference to a ds:Object must select a ds:Object child of this ds:Signature, and one to
 * a ds:Manifest a Manifest inside such an Object (xmldsig-core1 §4.4.3.1, §5.1) — a copy
 * wrapped elsewhere in the tree is not signed data.
 */
import type { XmlDocument, XmlElement } from '../../lib/xml/dom.js';
import { attribute, isElement } from '../../lib/xml/query.js';
import { isTrustbridgeError } from '../../lib/errors.js';
import type { DetachedContent } from '../../lib/document_source.js';
import type { IntegrityResult } from '../model.js';
import { NS, REFERENCE_TYPE } from './algorithms.js';
import { findQualifyingProperties, readQualifyingProperties } from './properties.js';
import type { XadesProperties } from './properties.js';
import { processReference } from './references.js';
import type { IdIndex, ProcessedReference, ReferenceContext } from './references.js';
import type { ParsedReference, ParsedSignature } from './structure.js';

/** The role of a reference in the signature. */
export type ReferenceRole = 'data' | 'signed-properties' | 'key-info';

/** One signature with everything found about its structure (nothing verified yet). */
export interface InspectedSignature {
  sig: ParsedSignature;
  props?: XadesProperties;
  context: ReferenceContext;
  roles: Map<ParsedReference, ReferenceRole>;
  /** FORMAT_FAILURE reasons (EN 319 102-1 5.2.2). */
  formatFailures: string[];
  warnings: string[];
}

function sameDocumentId(uri: string | undefined): string | undefined {
  if (uri === undefined || !uri.startsWith('#')) return undefined;
  const xp = /^#xpointer\(id\((['"])([^'"]+)\1\)\)$/.exec(uri);
  return xp ? xp[2] : uri === '#xpointer(/)' ? undefined : uri.slice(1);
}

/** The element a same-document reference selects, when exactly one carries its identifier. */
export function targetOf(ref: ParsedReference, ids: IdIndex): XmlElement | undefined {
  const id = sameDocumentId(ref.uri);
  const found = id === undefined ? undefined : ids.get(id);
  return found?.length === 1 ? found[0] : undefined;
}

function roleOf(ref: ParsedReference, target: XmlElement | undefined, sig: ParsedSignature): ReferenceRole {
  const spType = ref.type === REFERENCE_TYPE.signedProperties || ref.type?.endsWith('#SignedProperties');
  if (spType || (target && target.localName === 'SignedProperties' && target.namespaceUri !== NS.ds)) {
    return 'signed-properties';
  }
  if (target && isElement(target, NS.ds, 'KeyInfo') && target.parent === sig.element) return 'key-info';
  return 'data';
}

function duplicateIdFailures(sig: ParsedSignature, ids: IdIndex): string[] {
  const out: string[] = [];
  const names = sig.references.map((r) => sameDocumentId(r.uri)).filter((x): x is string => x !== undefined);
  if (sig.id !== undefined) names.push(sig.id);
  for (const id of new Set(names)) {
    const n = ids.get(id)?.length ?? 0;
    if (n > 1) out.push(`${n} elements carry the identifier '${id}' (XML signature wrapping)`);
  }
  return out;
}

function readProperties(
  sig: ParsedSignature,
  failures: string[],
  warnings: string[],
): XadesProperties | undefined {
  const qps = findQualifyingProperties(sig);
  if (qps.length > 1) failures.push(`${qps.length} QualifyingProperties in one signature`);
  const qp = qps[0];
  if (!qp) return undefined;
  const target = attribute(qp, 'Target');
  if (sig.id === undefined || target !== `#${sig.id}`) {
    failures.push(`QualifyingProperties Target '${target ?? ''}' does not name this signature`);
  }
  try {
    const props = readQualifyingProperties(qp);
    warnings.push(...props.warnings);
    return props;
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

/**
 * Reads one signature's structure, its properties, and the role of each reference.
 *
 * @param doc - the document
 * @param ids - its identifier index
 * @param sig - the parsed ds:Signature
 * @param detached - detached documents supplied by the caller
 * @returns the inspected signature
 * @example
 * ```ts
 * const inspected = inspectSignature(doc, buildIdIndex(doc), parseSignature(el), []);
 * inspected.formatFailures; // [] when the structure is sound
 * ```
 */
export function inspectSignature(
  doc: XmlDocument,
  ids: IdIndex,
  sig: ParsedSignature,
  detached: readonly DetachedContent[],
): InspectedSignature {
  const formatFailures = duplicateIdFailures(sig, ids);
  const warnings: string[] = [];
  const props = readProperties(sig, formatFailures, warnings);
  const roles = new Map<ParsedReference, ReferenceRole>();
  for (const ref of sig.references) roles.set(ref, roleOf(ref, targetOf(ref, ids), sig));
  const externalCount = sig.references.filter(
    (r) => r.uri === undefined || (r.uri !== '' && !r.uri.startsWith('#')),
  ).length;
  const context: ReferenceContext = { doc, signature: sig.element, ids, detached, externalCount };
  return { sig, ...(props ? { props } : {}), context, roles, formatFailures, warnings };
}

/** Why `target` is not the element the signature structure says the reference covers, if it is not. */
function misplaced(
  ins: InspectedSignature,
  ref: ParsedReference,
  target: XmlElement | undefined,
): string | undefined {
  const sigEl = ins.sig.element;
  const role = ins.roles.get(ref);
  // Without QualifyingProperties that this module reads (plain XMLDSig, DigiDoc's properties in
  // the ds namespace), nothing is taken from a SignedProperties-typed reference: it is an
  // ordinary same-document reference, resolved (uniquely) like the others.
  if (role === 'signed-properties' && ins.props !== undefined) {
    return target !== undefined && target === ins.props.signedProperties
      ? undefined
      : `the SignedProperties reference ${ref.uri ?? ''} does not select this signature's SignedProperties`;
  }
  // This signature's own ds:KeyInfo, whatever the (advisory, §4.4.3.1) Type says: signers
  // commonly type that reference as an Object.
  if (!target || role === 'key-info') return undefined;
  const wantsObject = ref.type === REFERENCE_TYPE.object || isElement(target, NS.ds, 'Object');
  if (wantsObject && !(isElement(target, NS.ds, 'Object') && target.parent === sigEl)) {
    return `reference ${ref.uri ?? ''} selects a ds:Object that is not a child of this signature`;
  }
  const wantsManifest = ref.type === REFERENCE_TYPE.manifest || isElement(target, NS.ds, 'Manifest');
  const parent = target.parent;
  const manifestOk =
    isElement(target, NS.ds, 'Manifest') &&
    parent.type === 'element' &&
    isElement(parent, NS.ds, 'Object') &&
    parent.parent === sigEl;
  if (wantsManifest && !manifestOk)
    return `reference ${ref.uri ?? ''} selects a ds:Manifest outside this signature's Objects`;
  return undefined;
}

/** The outcome of processing every reference. */
export interface ReferenceResults {
  integrity: IntegrityResult;
  processed: Map<ParsedReference, ProcessedReference>;
}

function label(ref: ParsedReference): string {
  return ref.uri === undefined ? '(no URI)' : ref.uri === '' ? '"" (whole document)' : ref.uri;
}

function outcomeOf(ins: InspectedSignature, ref: ParsedReference): ProcessedReference | string {
  try {
    const result = processReference(ref, ins.context);
    return misplaced(ins, ref, result.target) ?? result;
  } catch (e) {
    if (isTrustbridgeError(e)) return `reference ${label(ref)}: ${e.message}`;
    throw e;
  }
}

/**
 * Dereferences, transforms and digests every reference (EN 319 102-1 5.2.7): SIGNED_DATA_NOT_FOUND
 * when one cannot be obtained, is misplaced (XSW), or when no reference covers data; HASH_FAILURE
 * when a digest differs.
 *
 * @example
 * ```ts
 * checkReferences(inspected).integrity.status; // 'intact'
 * ```
 */
export function checkReferences(ins: InspectedSignature): ReferenceResults {
  const processed = new Map<ParsedReference, ProcessedReference>();
  const missing: string[] = [];
  const changed: string[] = [];
  for (const ref of ins.sig.references) {
    const outcome = outcomeOf(ins, ref);
    if (typeof outcome === 'string') missing.push(outcome);
    else {
      processed.set(ref, outcome);
      if (!outcome.intact) changed.push(`the digest of reference ${label(ref)} does not match`);
    }
  }
  const dataRefs = ins.sig.references.filter((r) => ins.roles.get(r) === 'data');
  let integrity: IntegrityResult = { status: 'intact' };
  if (missing.length > 0) integrity = { status: 'not-found', detail: missing.join('; ') };
  else if (changed.length > 0) integrity = { status: 'hash-failure', detail: changed.join('; ') };
  else if (dataRefs.length === 0)
    integrity = { status: 'not-found', detail: 'no reference covers signed data' };
  return { integrity, processed };
}
