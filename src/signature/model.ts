/**
 * The format-neutral description of one signature that the ETSI EN 319 102-1 validation process
 * works on. Each format (CAdES, PAdES, JAdES, XAdES, ASiC) has an extractor under
 * `src/signature/<format>/extract.ts` that reads its bytes into {@link ExtractedSignature}s; the
 * process in `src/validation/process.ts` never looks at the format's syntax again.
 *
 * Everything that costs (digesting the signed data, verifying the signature value, hashing the
 * data a time-stamp covers) is a function, so the process calls it once and only when needed,
 * and a PDF of any size is digested by streaming.
 */
import type { KeyObject } from 'node:crypto';
import type { DetachedContent, DocumentSource } from '../lib/document_source.js';

/** The signature formats (EN 319 122, 142, 182, 132; ASiC wraps CAdES or XAdES). */
export type SignatureFormat = 'CAdES' | 'PAdES' | 'JAdES' | 'XAdES';

/** Baseline levels (EN 319 1x2-1 clause 6); `NOT-ETSI` for plain CMS / XMLDSig / JWS. */
export type SignatureLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' | 'NOT-ETSI';

/** Hash algorithms by node:crypto name. */
export type DigestName =
  'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha3-224' | 'sha3-256' | 'sha3-384' | 'sha3-512';

/**
 * The signing-certificate reference of the signed attributes / header (ESS signing-certificate-v2,
 * xades:SigningCertificateV2, JAdES x5t#S256 / x5t#o): what identifies the signer's certificate
 * under the signature (EN 319 102-1 clause 5.2.3.4).
 */
export interface SigningCertificateReference {
  /** Digest algorithm of the reference. */
  digestAlgorithm: DigestName;
  /** Digest of the certificate DER. */
  digest: Buffer;
  /** IssuerSerial, when the reference carries it: issuer Name DER and serial (hex, lower case). */
  issuerDer?: Buffer;
  serialHex?: string;
}

/** What the signature says about the data it signs (EN 319 102-1 clause 5.2.7). */
export type IntegrityResult =
  | { status: 'intact' }
  /** A digest differs: the document was changed (HASH_FAILURE). */
  | { status: 'hash-failure'; detail: string }
  /** The signed data is not available (detached content not given, reference unresolved). */
  | { status: 'not-found'; detail: string };

/** A time-stamp on or in the signature. */
export interface ExtractedTimestamp {
  /**
   * `content`: over the data before signing (content-time-stamp, AllDataObjectsTimeStamp,
   * adoTst); `signature`: over the signature value (B-T); `archive`: over the signature and its
   * validation data (B-LTA); `document`: a PAdES document time-stamp.
   */
  type: 'content' | 'signature' | 'archive' | 'document';
  /** The RFC 3161 TimeStampToken (a ContentInfo with SignedData) DER. */
  token: Buffer;
  /**
   * The digest of the data this time-stamp covers, with the hash its imprint uses. The process
   * compares it with the token's messageImprint.
   */
  coveredDigest(hash: DigestName): Promise<Buffer>;
  /** Extra certificates / CRLs / OCSP responses that came with this time-stamp (PAdES DSS, ...). */
  certificates?: Buffer[];
}

/** One signature as found in a document. */
export interface ExtractedSignature {
  /** Stable identifier within the document (`S-1`, the XML Id, the PDF field name, ...). */
  id: string;
  format: SignatureFormat;
  /** The level the structure shows (not yet whether it holds). */
  level: SignatureLevel;
  /**
   * A violation of the format's rules (EN 319 102-1 clause 5.2.2, FORMAT_FAILURE): an invalid
   * ByteRange, an ASiC manifest that does not match, a duplicated XML Id, ...
   */
  formatFailure?: string;
  /** Certificates carried by the signature (and its container), DER, in any order. */
  certificates: Buffer[];
  /**
   * True when `certDer` is the certificate the signature's signer identifier names (CMS sid,
   * JWS x5t#S256 / kid, ds:KeyInfo). Used to pick the signing certificate out of the pools.
   */
  namesSigner(certDer: Buffer): boolean;
  /**
   * The signer's public key as the signature gives it without a certificate (XMLDSig ds:KeyValue):
   * when no certificate is found, the signature value is still verified with it.
   */
  keyValue?: KeyObject;
  /** The signed reference to the signing certificate, when the format has one. */
  signingCertificateReference?: SigningCertificateReference;
  /** The signature value algorithm, as a name the crypto policy knows (`ecdsa-with-SHA256`, `sha256WithRSAEncryption`, ...). */
  signatureAlgorithm: string;
  /** The digest algorithm of the signed data references. */
  digestAlgorithm: DigestName;
  /** The claimed signing time (signing-time attribute, xades:SigningTime, JAdES sigT). */
  claimedSigningTime?: Date;
  /** Digests the signed data and compares with what was signed. */
  checkIntegrity(): Promise<IntegrityResult>;
  /** Verifies the signature value with the signer's public key (false: SIG_CRYPTO_FAILURE). */
  verifySignatureValue(publicKey: KeyObject): Promise<boolean>;
  /** Time-stamps found, in document order. */
  timestamps: ExtractedTimestamp[];
  /** Embedded revocation values (CAdES RevocationInfoChoices, PAdES DSS, JAdES rVals, XAdES). */
  crls: Buffer[];
  /** Embedded OCSPResponse DERs (a BasicOCSPResponse is wrapped by the extractor). */
  ocspResponses: Buffer[];
  /** Human-readable notes of the extractor (ignored attributes, ...), copied to the report. */
  warnings?: string[];
  /**
   * For a counter-signature (XAdES CounterSignature): the id of the signature whose signature
   * value it signs. Its {@link checkIntegrity} includes covering that signature value.
   */
  counterSignatureOf?: string;
  /**
   * For a counter-signature: its own references alone (XMLDSig core validation), without the
   * requirement that one selects the parent's signature value.
   */
  checkOwnReferences?(): Promise<IntegrityResult>;
  /**
   * The signature's own signed data alone, where the format checks further data separately: for
   * a CAdES signature of an ASiC-E container, the message-digest over the signed ASiCManifest,
   * whose file entries {@link checkIntegrity} checks in addition. For diagnostics (what a
   * signature value and its message-digest prove); the validation process uses checkIntegrity.
   */
  checkSignedData?(): Promise<IntegrityResult>;
}

/** Inputs other than the document bytes. */
export interface ExtractOptions {
  /** Detached content(s): for CAdES / JAdES the signed bytes; for XAdES matched by name to the reference URI. */
  detached?: readonly DetachedContent[];
  /** Signing certificates supplied out of band (DSS "signing-certificate source"). */
  signingCertificates?: readonly Buffer[];
}

/**
 * A format's extractor: reads every signature of a document. Throws a TrustbridgeError with a
 * stable code when the document is not of its format or cannot be parsed at all; problems of one
 * signature are reported through {@link ExtractedSignature.formatFailure} and the result functions.
 */
export type Extractor = (source: DocumentSource, options: ExtractOptions) => Promise<ExtractedSignature[]>;
