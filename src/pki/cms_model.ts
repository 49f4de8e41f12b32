/**
 * The CMS SignedData model (RFC 5652 §5): object identifiers, the inputs of building and the parsed
 * shapes. Written and read by `cms_signed_data.ts`, which re-exports all of it.
 */
import type { DerElement } from '../lib/der_reader.js';
import type { HashAlgorithm, Signer } from './key_store.js';

/** Object identifiers of CMS (RFC 5652, RFC 5035, RFC 3161) and of the SHA-2 hashes (RFC 5754). */
export const CMS_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** An attribute (RFC 5652 §5.3): its type OID and the DER of each value. */
export interface CmsAttribute {
  type: string;
  values: Buffer[];
}

/**
 * Inputs of {@link buildSignedData}. Detached content: no `eContent`, give `contentDigest`.
 * `certificates` defaults to `[signerCertificate]` (`[]`: none). `digestAlgorithm` must be the signer's hash.
 */
export interface SignedDataParams {
  eContentType: string;
  eContent?: Buffer;
  contentDigest?: Buffer;
  signer: Signer;
  signerCertificate: Buffer;
  certificates?: Buffer[];
  signedAttributes?: CmsAttribute[];
  unsignedAttributes?: CmsAttribute[];
  digestAlgorithm?: HashAlgorithm;
}

/**
 * A parsed SignerInfo (RFC 5652 §5.3): sid (issuer DER and serial hex, or key identifier), algorithm OIDs,
 * `signedAttrsDer` (exact bytes re-tagged SET OF 0x31, what is signed), attributes as type → value DERs.
 */
export interface ParsedSignerInfo {
  version: number;
  sidIssuerDer?: Buffer;
  sidSerial?: string;
  sidKeyIdentifier?: Buffer;
  digestAlgorithm: string;
  signedAttrsDer?: Buffer;
  signedAttributes: Map<string, Buffer[]>;
  signatureAlgorithm: string;
  /** The signatureAlgorithm parameters DER, when present and not NULL (RSASSA-PSS-params). */
  signatureAlgorithmParams?: Buffer;
  signature: Buffer;
  unsignedAttributes: Map<string, Buffer[]>;
  raw: DerElement;
}

/**
 * A parsed ContentInfo with SignedData: X.509 certificates and CRLs as DER (other choices skipped); `raw`
 * locates parts in `raw.der`, the copy of the input that every buffer here is a view of.
 */
export interface ParsedSignedData {
  version: number;
  digestAlgorithms: string[];
  eContentType: string;
  eContent?: Buffer;
  certificates: Buffer[];
  crls: Buffer[];
  signerInfos: ParsedSignerInfo[];
  raw: { der: Buffer; signedData: DerElement; encapContentInfo: DerElement; eContent?: DerElement };
}

/** What a SignerInfo is verified against: the content or its digest, and optionally its type. */
export type SignedContent = ({ content: Uint8Array } | { digest: Uint8Array }) & { eContentType?: string };
