/**
 * Dereferencing and digesting ds:Reference elements (xmldsig-core1 §4.4.3, §3.2.1). Same-document
 * references resolve through an index of Id / ID / id / xml:id attributes; an identifier carried
 * by more than one element is ambiguous and never resolved (the XML-signature-wrapping defence:
 * the verifier and the application could otherwise look at different elements). External URIs
 * are matched by name against the detached documents the caller supplies.
 */
import { createHash } from 'node:crypto';
import type { XmlDocument, XmlElement } from '../../lib/xml/dom.js';
import type { DetachedContent } from '../../lib/document_source.js';
import type { DigestName } from '../model.js';
import { digestAlgorithm } from './algorithms.js';
import { XadesError } from './errors.js';
import type { IdIndex } from './ids.js';
import type { ParsedReference } from './structure.js';
import { applyTransform, toOctets } from './transforms.js';
import type { TransformData } from './transforms.js';

export { buildIdIndex } from './ids.js';
export type { IdIndex } from './ids.js';

/** Everything reference processing needs besides the reference. */
export interface ReferenceContext {
  doc: XmlDocument;
  /** The ds:Signature the reference belongs to. */
  signature: XmlElement;
  ids: IdIndex;
  detached: readonly DetachedContent[];
  /**
   * How many external (detached) references the signature has, those without URI included, for
   * the single-document fallback.
   */
  externalCount: number;
}

/** A reference dereferenced, transformed and digested. */
export interface ProcessedReference {
  /** The element a same-document reference selects (undefined for "" and external URIs). */
  target?: XmlElement;
  /** The octets that were digested (EN 319 132-1 time-stamps cover these). */
  octets: Buffer;
  digestAlgorithm: DigestName;
  /** Computed digest equals ds:DigestValue. */
  intact: boolean;
}

function unresolved(detail: string): never {
  throw new XadesError('XADES_REFERENCE_UNRESOLVED', detail);
}

/**
 * The element a `#id` reference names; exactly one element must carry the identifier.
 *
 * @example
 * ```ts
 * resolveId(buildIdIndex(doc), 'xades-id-1').localName; // 'SignedProperties'
 * ```
 */
export function resolveId(ids: IdIndex, id: string): XmlElement {
  const found = ids.get(id) ?? [];
  if (found.length === 0) unresolved(`no element has the identifier '${id}'`);
  if (found.length > 1) unresolved(`${found.length} elements share the identifier '${id}'`);
  return found[0]!;
}

function detachedFor(uri: string, ctx: ReferenceContext): Buffer {
  let name = uri;
  try {
    name = decodeURIComponent(uri);
  } catch {
    // keep the URI as written
  }
  const base = name.replace(/^.*[/\\]/, '');
  const hit = ctx.detached.find(
    (d) => d.name === name || d.name === uri || (d.name !== undefined && d.name === base),
  );
  if (hit) return hit.bytes;
  // A single detached document given without a usable name serves a single external reference.
  if (ctx.detached.length === 1 && ctx.externalCount === 1) return ctx.detached[0]!.bytes;
  return unresolved(`detached document '${uri}' was not supplied`);
}

function dereference(
  ref: ParsedReference,
  ctx: ReferenceContext,
): { data: TransformData; target?: XmlElement } {
  const uri = ref.uri;
  if (uri === undefined) {
    // §4.4.3.1: without URI "the receiving application is expected to know the identity of the
    // object": the one detached document the caller supplies, for the one such reference.
    if (ctx.detached.length === 1 && ctx.externalCount === 1)
      return { data: { kind: 'octets', bytes: ctx.detached[0]!.bytes } };
    return unresolved('a Reference without URI (the data is not identified)');
  }
  const none = new Set<XmlElement>();
  // §4.4.3.3: "" is the whole document and "#id" the element, both without comments;
  // the XPointer forms keep comments.
  if (uri === '')
    return {
      data: { kind: 'nodes', apex: ctx.doc, comments: false, excluded: none, withoutSignatures: false },
    };
  if (uri === '#xpointer(/)') {
    return {
      data: { kind: 'nodes', apex: ctx.doc, comments: true, excluded: none, withoutSignatures: false },
    };
  }
  const xpointer = /^#xpointer\(id\((['"])([^'"]+)\1\)\)$/.exec(uri);
  if (xpointer || uri.startsWith('#')) {
    const target = resolveId(ctx.ids, xpointer ? xpointer[2]! : uri.slice(1));
    return {
      data: {
        kind: 'nodes',
        apex: target,
        comments: xpointer !== null,
        excluded: none,
        withoutSignatures: false,
      },
      target,
    };
  }
  return { data: { kind: 'octets', bytes: detachedFor(uri, ctx) } };
}

/**
 * Dereferences, transforms and digests one reference.
 *
 * @param ref - the reference
 * @param ctx - document, signature, identifiers and detached documents
 * @returns the digested octets and whether the digest matches
 * @throws XadesError XADES_REFERENCE_UNRESOLVED when the data cannot be found,
 *   XADES_ALGORITHM_UNSUPPORTED for an unsupported transform or digest
 * @example
 * ```ts
 * const r = processReference(sig.references[0]!, ctx);
 * if (!r.intact) console.log('HASH_FAILURE');
 * ```
 */
export function processReference(ref: ParsedReference, ctx: ReferenceContext): ProcessedReference {
  const algorithm = digestAlgorithm(ref.digestMethod);
  const { data, target } = dereference(ref, ctx);
  let current = data;
  // A Filter 2.0 intersect narrows the reference to one element: that is what it covers.
  let covered = target;
  for (const t of ref.transforms) {
    current = applyTransform(t, current, ctx.signature);
    if (current.kind === 'nodes' && current.apex.type === 'element' && current.contentOnly !== true)
      covered = current.apex;
  }
  const octets = toOctets(current);
  const digest = createHash(algorithm).update(octets).digest();
  return {
    ...(covered ? { target: covered } : {}),
    octets,
    digestAlgorithm: algorithm,
    intact: digest.length === ref.digestValue.length && digest.equals(ref.digestValue),
  };
}
