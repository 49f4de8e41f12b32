/**
 * Adds to an existing CMS SignedData what later signature levels need: unsigned attributes of a
 * SignerInfo, certificates and revocation information. Everything signed (the encapsulated
 * content, the signed attributes, the signature value) is copied byte for byte: only the
 * containers around the additions are re-encoded, so every signature stays valid.
 */
import * as DER from '../../lib/der.js';
import { childrenOf, guarded, slice } from '../../lib/der_reader.js';
import type { DerElement } from '../../lib/der_reader.js';
import { CMS_OID, parseSignedData } from '../../pki/cms_signed_data.js';
import type { CmsAttribute } from '../../pki/cms_signed_data.js';
import { SignatureError } from '../errors.js';
import { CADES_OID } from './oids.js';

/** What {@link editSignedData} adds. */
export interface SignedDataAdditions {
  /** Index of the SignerInfo that gets `unsignedAttributes` (default 0). */
  signerIndex?: number;
  /** Unsigned attributes appended to the SignerInfo's (a type it already has is refused). */
  unsignedAttributes?: CmsAttribute[];
  /** Certificates (DER) appended to SignedData.certificates, unless already there. */
  certificates?: Buffer[];
  /** RevocationInfoChoice elements (DER) appended to SignedData.crls, unless already there. */
  revocationInfoChoices?: Buffer[];
}

/** The parts of a SignedData (RFC 5652 §5.1), as elements of the original bytes. */
interface SignedDataParts {
  der: Buffer;
  version: number;
  digestAlgorithms: DerElement;
  encapContentInfo: DerElement;
  certificates: DerElement[];
  crls: DerElement[];
  signerInfos: DerElement[];
}

function partsOf(cmsDer: Uint8Array): SignedDataParts {
  const parsed = parseSignedData(cmsDer);
  const der = parsed.raw.der;
  return guarded('PKI_CMS_MALFORMED', () => {
    const items = childrenOf(der, parsed.raw.signedData);
    const at = (tag: number): DerElement | undefined => items.find((i) => i.tag === tag);
    const certs = at(0xa0);
    const crls = at(0xa1);
    return {
      der,
      version: parsed.version,
      digestAlgorithms: items[1]!,
      encapContentInfo: parsed.raw.encapContentInfo,
      certificates: certs ? childrenOf(der, certs) : [],
      crls: crls ? childrenOf(der, crls) : [],
      signerInfos: childrenOf(der, items[items.length - 1]!),
    };
  });
}

function encodeAttribute(a: CmsAttribute): Buffer {
  return DER.seq(DER.oid(a.type), DER.setOf(...a.values));
}

/**
 * The SignerInfo with `attrs` appended to its unsignedAttrs [1]. Appended, not DER-sorted: later
 * archive time-stamps cover unsigned attributes in the order they appear (EN 319 122-1 §5.5.3).
 */
function withUnsignedAttributes(der: Buffer, si: DerElement, attrs: CmsAttribute[], index: number): Buffer {
  const parsed = parseSignedData(der).signerInfos[index]!;
  for (const a of attrs)
    if (parsed.unsignedAttributes.has(a.type))
      throw new SignatureError('USAGE_INVALID_ARGUMENT', `the SignerInfo already has an attribute ${a.type}`);
  const items = childrenOf(der, si);
  const kept = items.filter((i) => i.tag !== 0xa1).map((i) => slice(der, i));
  const old = items.find((i) => i.tag === 0xa1);
  const existing = old ? der.subarray(old.start, old.end) : Buffer.alloc(0);
  const unsigned = DER.implicitConstructed(1, Buffer.concat([existing, ...attrs.map(encodeAttribute)]));
  return DER.seq(...kept, unsigned);
}

function appendUnique(der: Buffer, existing: DerElement[], added: Buffer[] = []): Buffer[] {
  const out = existing.map((e) => slice(der, e));
  for (const a of added) if (!out.some((o) => o.equals(a))) out.push(a);
  return out;
}

/**
 * Re-encodes a ContentInfo with SignedData with additions, reusing the bytes of everything signed.
 * Adding a RevocationInfoChoice `other` raises the SignedData version to 5 (RFC 5652 §5.1).
 *
 * @param cmsDer - the ContentInfo DER
 * @param add - unsigned attributes for one SignerInfo, certificates, revocation information
 * @returns the new ContentInfo DER
 * @throws PkiError PKI_CMS_MALFORMED for input that is not a SignedData; SignatureError
 *   USAGE_INVALID_ARGUMENT for an unsigned attribute type the SignerInfo already has, or no such SignerInfo
 * @example
 * ```ts
 * const extended = editSignedData(p7s, { certificates: [eidCaDer], revocationInfoChoices: [ocspRevocationInfoChoice(ocspDer)] });
 * ```
 */
export function editSignedData(cmsDer: Uint8Array, add: SignedDataAdditions): Buffer {
  const p = partsOf(cmsDer);
  const index = add.signerIndex ?? 0;
  if (!p.signerInfos[index])
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `there is no SignerInfo number ${index}`);
  const signerInfos = p.signerInfos.map((si, i) =>
    i === index && add.unsignedAttributes?.length
      ? withUnsignedAttributes(p.der, si, add.unsignedAttributes, index)
      : slice(p.der, si),
  );
  const certs = appendUnique(p.der, p.certificates, add.certificates);
  const crls = appendUnique(p.der, p.crls, add.revocationInfoChoices);
  const other = crls.some((c) => c[0] === 0xa1) || certs.some((c) => c[0] === 0xa3);
  const signedData = DER.seq(
    DER.integer(other ? Math.max(p.version, 5) : p.version),
    slice(p.der, p.digestAlgorithms),
    slice(p.der, p.encapContentInfo),
    certs.length ? DER.implicitConstructed(0, Buffer.concat(certs)) : undefined,
    crls.length ? DER.implicitConstructed(1, Buffer.concat(crls)) : undefined,
    DER.tlv(0x31, Buffer.concat(signerInfos)),
  );
  return DER.seq(DER.oid(CMS_OID.signedData), DER.explicit(0, signedData));
}

/**
 * Adds one unsigned attribute to a SignerInfo (e.g. a signature time-stamp for B-T).
 *
 * @param cmsDer - the ContentInfo DER
 * @param attr - the attribute
 * @param signerIndex - which SignerInfo (default 0)
 * @returns the new ContentInfo DER; the signed attributes and signature are the original bytes
 * @throws as {@link editSignedData}
 * @example
 * ```ts
 * const bt = addUnsignedAttribute(bb, { type: CADES_OID.signatureTimeStampToken, values: [token] });
 * ```
 */
export function addUnsignedAttribute(cmsDer: Uint8Array, attr: CmsAttribute, signerIndex = 0): Buffer {
  return editSignedData(cmsDer, { signerIndex, unsignedAttributes: [attr] });
}

/**
 * A RevocationInfoChoice `other` holding an OCSP response (RFC 5940 §4.1):
 * `[1] IMPLICIT OtherRevocationInfoFormat { id-ri-ocsp-response, OCSPResponse }`.
 *
 * @param ocspResponseDer - the complete OCSPResponse DER
 * @returns the RevocationInfoChoice DER for {@link editSignedData}
 * @example
 * ```ts
 * editSignedData(p7s, { revocationInfoChoices: [ocspRevocationInfoChoice(ocspDer)] });
 * ```
 */
export function ocspRevocationInfoChoice(ocspResponseDer: Uint8Array): Buffer {
  return DER.implicitConstructed(
    1,
    Buffer.concat([DER.oid(CADES_OID.ocspResponseRevocationInfo), Buffer.from(ocspResponseDer)]),
  );
}
