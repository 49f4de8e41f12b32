/**
 * The data each XAdES time-stamp covers (ETSI EN 319 132-1 clause 5): the message imprint of the
 * token is compared by the validation process with the digest computed here.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../../lib/xml/c14n.js';
import type { XmlElement } from '../../lib/xml/dom.js';
import { attribute, childElements } from '../../lib/xml/query.js';
import type { DigestName, ExtractedTimestamp } from '../model.js';
import { DEFAULT_C14N_URI, canonicalizationAlgorithm } from './algorithms.js';
import { XadesError } from './errors.js';
import type { TimestampProperty, XadesProperties } from './properties.js';
import type { ParsedReference, ParsedSignature } from './structure.js';

/** Lazily processed references of the signature: the digested octets, or an error. */
export type ReferenceOctets = (ref: ParsedReference) => Buffer;

/** What the coverage computations need. */
export interface CoverageContext {
  sig: ParsedSignature;
  props: XadesProperties;
  octetsOf: ReferenceOctets;
  /** The references to signed data (not SignedProperties, not KeyInfo). */
  dataReferences: readonly ParsedReference[];
}

function c14nOf(prop: TimestampProperty): (el: XmlElement) => Buffer {
  const uri = prop.canonicalization ?? DEFAULT_C14N_URI;
  const algorithm = canonicalizationAlgorithm(uri);
  if (!algorithm) throw new XadesError('XADES_ALGORITHM_UNSUPPORTED', `time-stamp canonicalization ${uri}`);
  return (el) => canonicalize(el, { method: algorithm.method, withComments: algorithm.withComments });
}

/** EN 319 132-1 5.2.8.1 / 5.2.8.2: the processed data objects (all, or those the Include elements name). */
function contentInput(prop: TimestampProperty, ctx: CoverageContext): Buffer[] {
  if (prop.element.localName === 'AllDataObjectsTimeStamp') return ctx.dataReferences.map(ctx.octetsOf);
  const included = childElements(prop.element)
    .filter((e) => e.localName === 'Include')
    .map((e) => attribute(e, 'URI') ?? '');
  return included.map((uri) => {
    const ref = ctx.sig.references.find((r) => r.id !== undefined && `#${r.id}` === uri);
    if (!ref)
      throw new XadesError('XADES_REFERENCE_UNRESOLVED', `time-stamp Include ${uri} names no Reference`);
    return ctx.octetsOf(ref);
  });
}

/**
 * EN 319 132-1 5.5.2.2 (xadesv141:ArchiveTimeStamp): all references' processed data, then
 * SignedInfo, SignatureValue and KeyInfo, then the unsigned signature properties before this
 * time-stamp, then the ds:Object elements other than the one with the QualifyingProperties.
 */
function archiveInput(prop: TimestampProperty, ctx: CoverageContext): Buffer[] {
  const c14n = c14nOf(prop);
  const parts = ctx.sig.references.map(ctx.octetsOf);
  parts.push(c14n(ctx.sig.signedInfo), c14n(ctx.sig.signatureValueElement));
  if (ctx.sig.keyInfo) parts.push(c14n(ctx.sig.keyInfo));
  for (const el of childElements(ctx.props.unsignedSignatureProperties!)) {
    if (el === prop.element) break;
    parts.push(c14n(el));
  }
  for (const o of ctx.sig.objects) {
    if (!childElements(o).includes(ctx.props.qualifyingProperties)) parts.push(c14n(o));
  }
  return parts;
}

function coveredInput(prop: TimestampProperty, ctx: CoverageContext): Buffer[] {
  if (prop.type === 'signature') return [c14nOf(prop)(ctx.sig.signatureValueElement)];
  if (prop.type === 'content') return contentInput(prop, ctx);
  return archiveInput(prop, ctx);
}

/**
 * The time-stamps of the signature with the digest of what each covers.
 *
 * @param ctx - signature, properties and reference processing
 * @returns one entry per EncapsulatedTimeStamp, in document order
 * @example
 * ```ts
 * const [t] = xadesTimestamps(ctx);
 * const imprint = await t!.coveredDigest('sha256');
 * ```
 */
export function xadesTimestamps(ctx: CoverageContext): ExtractedTimestamp[] {
  const out: ExtractedTimestamp[] = [];
  for (const prop of ctx.props.timestamps) {
    for (const token of prop.tokens) {
      out.push({
        type: prop.type,
        token,
        coveredDigest: (hash: DigestName) => {
          try {
            const h = createHash(hash);
            for (const part of coveredInput(prop, ctx)) h.update(part);
            return Promise.resolve(h.digest());
          } catch (e) {
            return Promise.reject(e instanceof Error ? e : new Error(String(e)));
          }
        },
      });
    }
  }
  return out;
}
