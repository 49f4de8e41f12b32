/**
 * Strict verification of a whole-document enveloped signature, as trust lists carry (ETSI TS 119
 * 612 clause 5.7: one XAdES B-B enveloped signature whose reference covers the whole list): the
 * trust-list loader verifies with the certificate the list of trusted lists announces, and only
 * then reads the list.
 */
import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { XmlElement } from '../../lib/xml/dom.js';
import { parseXml } from '../../lib/xml/parser.js';
import type { XmlLimits } from '../../lib/xml/parser.js';
import { attribute } from '../../lib/xml/query.js';
import { TRANSFORM } from './algorithms.js';
import { XadesError } from './errors.js';
import { topLevelSignatures } from './extract.js';
import { checkReferences, inspectSignature } from './inspect.js';
import { buildIdIndex } from './references.js';
import { verifySignatureValue } from './signature_value.js';
import { parseSignature } from './structure.js';
import type { ParsedReference, ParsedSignature } from './structure.js';

/** What {@link verifyEnvelopedSignature} returns. */
export interface EnvelopedVerification {
  /** The signed root element (its document is `root.parent`). */
  root: XmlElement;
  /** The ds:Signature element. */
  signature: XmlElement;
}

const REMOVES_SIGNATURE = new Set<string>([TRANSFORM.enveloped, TRANSFORM.xpath, TRANSFORM.xpathFilter2]);

/** True when the reference covers the whole document: "" or the root's Id, with the signature removed. */
function coversWholeDocument(ref: ParsedReference, root: XmlElement): boolean {
  const rootId = attribute(root, 'Id') ?? attribute(root, 'ID') ?? attribute(root, 'id');
  const selectsRoot = ref.uri === '' || (rootId !== undefined && ref.uri === `#${rootId}`);
  return selectsRoot && ref.transforms.some((t) => REMOVES_SIGNATURE.has(t.algorithm));
}

function publicKeyOf(certificate: Buffer | KeyObject): KeyObject {
  if (!Buffer.isBuffer(certificate)) return certificate;
  try {
    return new X509Certificate(certificate).publicKey;
  } catch (e) {
    throw new XadesError('XADES_MALFORMED', 'the verification certificate is not X.509', { cause: e });
  }
}

function theSignature(root: XmlElement): ParsedSignature {
  const doc = root.parent;
  const signatures = doc.type === 'document' ? topLevelSignatures(doc) : [];
  if (signatures.length !== 1) {
    throw new XadesError(
      'XADES_MALFORMED',
      `the document must carry exactly one signature (it has ${signatures.length})`,
    );
  }
  if (signatures[0]!.parent !== root)
    throw new XadesError('XADES_MALFORMED', 'the signature is not a child of the root element');
  return parseSignature(signatures[0]!);
}

/**
 * Verifies the one enveloped signature of a document with a given certificate (or key) and returns
 * the signed root element. Every reference must resolve to exactly one element and digest
 * correctly, one must cover the whole document, and the signature value must verify.
 *
 * @param xml - the signed document
 * @param certificate - the expected signer's certificate (DER) or public key
 * @param limits - parser limits
 * @returns the root element and the signature element
 * @throws XmlError when the document is not well-formed XML (or has a DTD);
 *   XadesError XADES_MALFORMED (no / several signatures, structure, wrapping),
 *   XADES_REFERENCE_UNRESOLVED, XADES_DIGEST_MISMATCH, XADES_SIGNATURE_INVALID, XADES_ALGORITHM_UNSUPPORTED
 * @example
 * ```ts
 * const { root } = verifyEnvelopedSignature(trustListXml, lotlAnnouncedCertDer);
 * root.localName; // 'TrustServiceStatusList'
 * ```
 */
export function verifyEnvelopedSignature(
  xml: Uint8Array | string,
  certificate: Buffer | KeyObject,
  limits?: XmlLimits,
): EnvelopedVerification {
  const doc = parseXml(xml, limits);
  const sig = theSignature(doc.root);
  const ins = inspectSignature(doc, buildIdIndex(doc), sig, []);
  if (ins.formatFailures.length > 0) throw new XadesError('XADES_MALFORMED', ins.formatFailures.join('; '));
  if (!sig.references.some((r) => coversWholeDocument(r, doc.root))) {
    throw new XadesError(
      'XADES_REFERENCE_UNRESOLVED',
      'no reference covers the whole document with the signature removed',
    );
  }
  const { integrity } = checkReferences(ins);
  if (integrity.status === 'not-found') throw new XadesError('XADES_REFERENCE_UNRESOLVED', integrity.detail);
  if (integrity.status === 'hash-failure') throw new XadesError('XADES_DIGEST_MISMATCH', integrity.detail);
  if (!verifySignatureValue(sig, publicKeyOf(certificate))) {
    throw new XadesError(
      'XADES_SIGNATURE_INVALID',
      'the signature value does not verify with the given certificate',
    );
  }
  return { root: doc.root, signature: sig.element };
}
