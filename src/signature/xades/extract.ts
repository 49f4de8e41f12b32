/**
 * The XAdES extractor (ETSI EN 319 132-1, W3C xmldsig-core1): one {@link ExtractedSignature} per
 * top-level ds:Signature of an XML document, enveloped, enveloping or detached. Structure problems
 * of a signature (duplicate identifiers, several QualifyingProperties, a missing SignedInfo part)
 * become its `formatFailure`; the document itself must be well-formed XML without a DTD.
 */
import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { parseXml } from '../../lib/xml/parser.js';
import type { XmlDocument, XmlElement } from '../../lib/xml/dom.js';
import { childElements, descendants, isWithin } from '../../lib/xml/query.js';
import { isTrustbridgeError } from '../../lib/errors.js';
import type { DocumentSource } from '../../lib/document_source.js';
import type {
  DigestName,
  ExtractOptions,
  ExtractedSignature,
  Extractor,
  IntegrityResult,
  SignatureLevel,
} from '../model.js';
import { NS, digestAlgorithm, signatureAlgorithm } from './algorithms.js';
import { notEtsiReasons } from './baseline.js';
import { XadesError } from './errors.js';
import { checkReferences, inspectSignature, targetOf } from './inspect.js';
import type { InspectedSignature, ReferenceResults } from './inspect.js';
import { keyInfoNames, matchesCertificateReference, readKeyInfo } from './key_info.js';
import type { KeyInfoData } from './key_info.js';
import { readKeyValue } from './key_value.js';
import { wrapOcspResponse } from './ocsp.js';
import { revocationCoversChains } from '../lt_coverage.js';
import type { CertificateReference, XadesProperties } from './properties.js';
import { buildIdIndex } from './references.js';
import type { IdIndex } from './references.js';
import { verifySignatureValue } from './signature_value.js';
import { parseSignature } from './structure.js';
import type { ParsedReference } from './structure.js';
import { xadesTimestamps } from './timestamps.js';
import { unreadable } from '../unreadable.js';

/** Largest XML document the extractor reads (it must be parsed whole). */
const MAX_XML_BYTES = 64 * 1024 * 1024;

/**
 * The top-level ds:Signature elements (counter-signatures nested in another signature are not separate).
 *
 * @example
 * ```ts
 * topLevelSignatures(parseXml(trustListXml)).length; // 1
 * ```
 */
export function topLevelSignatures(doc: XmlDocument): XmlElement[] {
  const all = descendants(doc, NS.ds, 'Signature');
  return all.filter((s) => !all.some((o) => o !== s && isWithin(s, o)));
}

/**
 * EN 319 132-1 clause 6: the level the unsigned properties show.
 *
 * @example
 * ```ts
 * detectLevel(readQualifyingProperties(qp)); // 'B-T' with a SignatureTimeStamp
 * ```
 */
export function detectLevel(props: XadesProperties | undefined): SignatureLevel {
  if (!props?.signedProperties) return 'NOT-ETSI';
  const has = (kind: 'signature' | 'archive') => props.timestamps.some((t) => t.type === kind);
  if (!has('signature')) return 'B-B';
  const usp = props.unsignedSignatureProperties;
  const validationData = usp?.children.some(
    (c) =>
      c.type === 'element' && (c.localName === 'CertificateValues' || c.localName === 'RevocationValues'),
  );
  if (!validationData) return 'B-T';
  return has('archive') ? 'B-LTA' : 'B-LT';
}

function uniqueBuffers(list: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const b of list) if (!out.some((o) => o.equals(b))) out.push(b);
  return out;
}

/** The signing-certificate reference to expose: the Cert naming a KeyInfo certificate, else the first. */
function chosenReference(
  refs: readonly CertificateReference[],
  keyInfo: KeyInfoData,
): CertificateReference | undefined {
  return refs.find((r) => keyInfo.certificates.some((c) => matchesCertificateReference(c, r))) ?? refs[0];
}

function memo<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}

function referenceDigest(refs: readonly ParsedReference[], warnings: string[]): DigestName {
  for (const r of refs) {
    try {
      return digestAlgorithm(r.digestMethod);
    } catch {
      warnings.push(`unsupported digest method ${r.digestMethod}`);
    }
  }
  return 'sha256';
}

interface Parts {
  ins: InspectedSignature;
  keyInfo: KeyInfoData;
  results: () => ReferenceResults;
  /** The signed properties count: a SignedProperties reference selects them and the structure is sound. */
  propertiesSigned: boolean;
}

function signerMatcher(parts: Parts, reference: CertificateReference | undefined): (cert: Buffer) => boolean {
  const { keyInfo, ins } = parts;
  const verifiedKeyInfoCert = memo(() =>
    keyInfo.certificates.find((c) => {
      try {
        return verifySignatureValue(ins.sig, new X509Certificate(c).publicKey);
      } catch {
        return false;
      }
    }),
  );
  return (cert) => {
    if (reference) return matchesCertificateReference(cert, reference);
    if (keyInfoNames(keyInfo, cert)) return true;
    if (keyInfo.issuerSerials.length + keyInfo.skis.length + keyInfo.subjectNames.length > 0) return false;
    // Plain XMLDSig naming only by X509Certificate: the one whose key verifies (else the first).
    const named = verifiedKeyInfoCert() ?? keyInfo.certificates[0];
    return named !== undefined && named.equals(cert);
  };
}

function integrityOf(parts: Parts): IntegrityResult {
  return parts.results().integrity;
}

function octetsGetter(parts: Parts): (ref: ParsedReference) => Buffer {
  return (ref) => {
    const p = parts.results().processed.get(ref);
    if (!p)
      throw new XadesError(
        'XADES_REFERENCE_UNRESOLVED',
        `the data of reference ${ref.uri ?? ''} is not available`,
      );
    return p.octets;
  };
}

function buildSignature(parts: Parts, index: number): ExtractedSignature {
  const { ins, keyInfo } = parts;
  const { sig, props } = ins;
  const warnings = [...ins.warnings, ...keyInfo.warnings];
  if (props?.signedProperties && !parts.propertiesSigned) {
    warnings.push('no SignedProperties reference covers the qualifying properties: they are ignored');
  }
  const signed = parts.propertiesSigned ? props : undefined;
  const reference = signed ? chosenReference(signed.signingCertificates, keyInfo) : undefined;
  const dataReferences = sig.references.filter((r) => ins.roles.get(r) === 'data');
  const method = signatureAlgorithm(sig.signatureMethod);
  const keyValue = readKeyValue(sig.keyInfo, warnings);
  const keyInfoSigned = sig.references.some((r) => ins.roles.get(r) === 'key-info');
  const notEtsi = signed ? notEtsiReasons(ins, keyInfoSigned) : [];
  warnings.push(...notEtsi.map((r) => `not an ETSI signature: ${r}`));
  const extracted: ExtractedSignature = {
    id: sig.id ?? `S-${index + 1}`,
    format: 'XAdES',
    level: notEtsi.length > 0 ? 'NOT-ETSI' : detectLevel(props),
    ...(ins.formatFailures.length > 0 ? { formatFailure: ins.formatFailures.join('; ') } : {}),
    certificates: uniqueBuffers([...keyInfo.certificates, ...(props?.certificates ?? [])]),
    namesSigner: signerMatcher(parts, reference),
    ...(keyValue ? { keyValue } : {}),
    ...(reference
      ? {
          signingCertificateReference: {
            digestAlgorithm: reference.digestAlgorithm,
            digest: reference.digest,
            ...issuerSerialOf(reference),
          },
        }
      : {}),
    signatureAlgorithm: method?.policyName ?? sig.signatureMethod,
    digestAlgorithm: referenceDigest(dataReferences.length > 0 ? dataReferences : sig.references, warnings),
    ...(signed?.signingTime ? { claimedSigningTime: signed.signingTime } : {}),
    checkIntegrity: async () => integrityOf(parts),
    verifySignatureValue: async (key: KeyObject) => verifySignatureValue(sig, key),
    timestamps: props ? xadesTimestamps({ sig, props, octetsOf: octetsGetter(parts), dataReferences }) : [],
    crls: props?.crls ?? [],
    ocspResponses: (props?.ocsps ?? []).map(wrapOcspResponse),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  // LT needs revocation values for the chains (DSS's minimalLTRequirement); LTA builds on LT.
  if ((extracted.level === 'B-LT' || extracted.level === 'B-LTA') && !revocationCoversChains(extracted)) {
    warnings.push('the revocation values do not cover every certificate of the chains: level B-T');
    extracted.level = 'B-T';
    if (!extracted.warnings) extracted.warnings = warnings;
  }
  return extracted;
}

function issuerSerialOf(r: CertificateReference): { issuerDer?: Buffer; serialHex?: string } {
  return {
    ...(r.issuerDer ? { issuerDer: r.issuerDer } : {}),
    ...(r.serialHex !== undefined ? { serialHex: r.serialHex } : {}),
  };
}

/** A signature whose structure cannot be read at all: a FORMAT_FAILURE with nothing to verify. */
function brokenSignature(el: XmlElement, index: number, reason: string): ExtractedSignature {
  const id = el.attributes.find((a) => a.localName === 'Id' && a.namespaceUri === '')?.value;
  return unreadable(id ?? `S-${index + 1}`, 'XAdES', reason, reason);
}

function extractOne(
  doc: XmlDocument,
  ids: IdIndex,
  el: XmlElement,
  index: number,
  options: ExtractOptions,
): ExtractedSignature {
  let ins: InspectedSignature;
  try {
    ins = inspectSignature(doc, ids, parseSignature(el), options.detached ?? []);
  } catch (e) {
    if (isTrustbridgeError(e)) return brokenSignature(el, index, e.message);
    throw e;
  }
  const results = memo(() => checkReferences(ins));
  // Decided on the structure alone, so that nothing is digested before the process asks.
  const spRefs = ins.sig.references.filter((r) => ins.roles.get(r) === 'signed-properties');
  const signedProperties = ins.props?.signedProperties;
  const propertiesSigned =
    signedProperties !== undefined &&
    spRefs.length > 0 &&
    spRefs.every((r) => targetOf(r, ids) === signedProperties);
  return buildSignature({ ins, keyInfo: readKeyInfo(ins.sig.keyInfo), results, propertiesSigned }, index);
}

/**
 * Reads every top-level ds:Signature of an XML document.
 *
 * @param source - the document
 * @param options - detached documents (matched by name to reference URIs)
 * @returns one extracted signature per ds:Signature (none for an unsigned document)
 * @throws XmlError XML_MALFORMED / XML_DTD_FORBIDDEN / XML_TOO_LARGE when the document cannot be parsed
 * @example
 * ```ts
 * const [sig] = await extractXades(bufferSource(xml), {});
 * (await sig!.checkIntegrity()).status; // 'intact'
 * ```
 */
export const extractXades: Extractor = async (source: DocumentSource, options: ExtractOptions) => {
  if (source.size > MAX_XML_BYTES)
    throw new XadesError('XADES_MALFORMED', `XML documents over ${MAX_XML_BYTES} bytes are not read`);
  const doc = parseXml(await source.read(0, source.size));
  const ids = buildIdIndex(doc);
  return topLevelSignatures(doc).flatMap((el, i) =>
    withCounterSignatures(doc, ids, el, extractOne(doc, ids, el, i, options), options),
  );
};

/** The ds:Signature elements of the xades:CounterSignature properties of a signature (EN 319 132-1 5.4.2). */
function counterSignatureElements(sig: XmlElement): XmlElement[] {
  return descendants(sig, NS.ds, 'Signature').filter((cs) => {
    const holder = cs.parent;
    if (holder?.type !== 'element' || holder.localName !== 'CounterSignature') return false;
    const owner = enclosingSignature(holder);
    return owner === sig;
  });
}

function enclosingSignature(el: XmlElement): XmlElement | undefined {
  for (let p = el.parent; p && p.type === 'element'; p = p.parent)
    if (p.localName === 'Signature' && p.namespaceUri === NS.ds) return p;
  return undefined;
}

/**
 * A signature followed by its counter-signatures (each, recursively, by its own). A
 * counter-signature is a signature of its own whose data is its parent's ds:SignatureValue: its
 * integrity also requires a reference selecting exactly that element.
 */
function withCounterSignatures(
  doc: XmlDocument,
  ids: IdIndex,
  el: XmlElement,
  parent: ExtractedSignature,
  options: ExtractOptions,
): ExtractedSignature[] {
  const value = childElements(el, NS.ds, 'SignatureValue')[0];
  return [
    parent,
    ...counterSignatureElements(el).flatMap((cs, k) => {
      const sig = extractOne(doc, ids, cs, k, options);
      const own = cs.attributes.some((a) => a.localName === 'Id' && a.namespaceUri === '');
      const counter: ExtractedSignature = {
        ...sig,
        id: own ? sig.id : `${parent.id}-CS-${k + 1}`,
        counterSignatureOf: parent.id,
        checkOwnReferences: () => sig.checkIntegrity(),
        checkIntegrity: async () => {
          const result = await sig.checkIntegrity();
          if (result.status !== 'intact' || (value && coversElement(cs, value, ids))) return result;
          return {
            status: 'hash-failure',
            detail: `the counter-signature does not sign the SignatureValue of ${parent.id}`,
          };
        },
      };
      return withCounterSignatures(doc, ids, cs, counter, options);
    }),
  ];
}

function coversElement(cs: XmlElement, target: XmlElement, ids: IdIndex): boolean {
  try {
    return parseSignature(cs).references.some((r) => targetOf(r, ids) === target);
  } catch {
    return false;
  }
}
