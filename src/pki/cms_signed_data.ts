/**
 * CMS SignedData (RFC 5652 §5), shared by the time-stamping authority and CAdES. Written with
 * `lib/der.ts`, so what is signed is exactly what is emitted; parsed with the bounds-checked DER
 * walker, so signed attributes and content are verified on their original bytes.
 */
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import * as DER from '../lib/der.js';
import { childrenOf, elementAt, fail, guarded, slice, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { PkiError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';
import { ecdsaSignatureOid } from './algorithms.js';
import { decodeOid, parseCertificate } from './certificate_info.js';
import type { HashAlgorithm, Signer } from './key_store.js';

/**
 * Error codes of this module. The right-hand values stand in until the `PKI_CMS_*` codes named
 * in the comments are in the catalogue; then each value becomes its comment.
 */
export const CMS_ERROR = {
  malformed: 'INPUT_MALFORMED', // PKI_CMS_MALFORMED
  algorithm: 'KEY_ALGORITHM_UNSUPPORTED', // PKI_CMS_ALGORITHM_UNSUPPORTED
  signerMismatch: 'INPUT_MALFORMED', // PKI_CMS_SIGNER_MISMATCH
  digestMismatch: 'INPUT_MALFORMED', // PKI_CMS_DIGEST_MISMATCH
  signatureInvalid: 'INPUT_MALFORMED', // PKI_CMS_SIGNATURE_INVALID
} as const satisfies Record<string, ErrorCode>;

/** Object identifiers of CMS (RFC 5652, RFC 5035, RFC 3161) and of the SHA-2 hashes (RFC 5754). */
export const CMS_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

const HASH_LENGTH: Record<HashAlgorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { key: 'ec' | 'rsa'; hash?: HashAlgorithm }>> = {
  '1.2.840.10045.4.3.2': { key: 'ec', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', hash: 'sha512' },
  '1.2.840.10045.2.1': { key: 'ec' }, // id-ecPublicKey: the digestAlgorithm's hash
  '1.2.840.113549.1.1.1': { key: 'rsa' }, // rsaEncryption: the digestAlgorithm's hash
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512' },
};

/** An attribute (RFC 5652 §5.3): its type and the DER of each value. */
export interface CmsAttribute {
  type: string;
  values: Buffer[];
}

/** Where a DER element lies in the parsed input: `input.subarray(offset, end)` is its TLV. */
export interface DerRange {
  offset: number;
  end: number;
}

/** Inputs of {@link buildSignedData}. */
export interface SignedDataParams {
  /** eContentType OID (id-data, id-ct-TSTInfo, …). */
  eContentType: string;
  /** The content, encapsulated; omit for detached content and give `contentDigest`. */
  eContent?: Buffer;
  /** Digest of detached content with `digestAlgorithm`. */
  contentDigest?: Buffer;
  signer: Signer;
  /** The certificate of `signer`'s key: the SignerInfo names its issuer and serial number. */
  signerCertificate: Buffer;
  /** The `certificates` field; default `[signerCertificate]`, `[]` leaves the field out. */
  certificates?: Buffer[];
  /** Attributes signed besides contentType and messageDigest, which the builder adds. */
  signedAttributes?: CmsAttribute[];
  unsignedAttributes?: CmsAttribute[];
  /** Must be the signer's hash (RFC 5753 §2.1.1), its default. */
  digestAlgorithm?: HashAlgorithm;
}

/** A parsed SignerInfo (RFC 5652 §5.3). Buffers are views of the parser's copy of the input. */
export interface ParsedSignerInfo {
  version: number;
  /** IssuerAndSerialNumber signer identifier: exact issuer Name DER and serial (lower-case hex). */
  sidIssuerDer?: Buffer;
  sidSerial?: string;
  /** SubjectKeyIdentifier signer identifier. */
  sidKeyIdentifier?: Buffer;
  /** digestAlgorithm OID. */
  digestAlgorithm: string;
  /** Exact signed attributes DER, re-tagged as SET OF (0x31): the bytes the signature covers. */
  signedAttrsDer?: Buffer;
  signedAttributes: Map<string, Buffer[]>;
  signatureAlgorithm: string;
  signature: Buffer;
  unsignedAttributes: Map<string, Buffer[]>;
  raw: DerRange;
}

/** A parsed ContentInfo carrying SignedData. */
export interface ParsedSignedData {
  version: number;
  digestAlgorithms: string[];
  eContentType: string;
  /** Encapsulated content, absent when detached. */
  eContent?: Buffer;
  /** DER of each X.509 certificate of `certificates` (other choices are skipped). */
  certificates: Buffer[];
  /** DER of each CertificateList of `crls`. */
  crls: Buffer[];
  signerInfos: ParsedSignerInfo[];
  raw: { der: Buffer; signedData: DerRange; encapContentInfo: DerRange; eContent?: DerRange };
}

/** Content a SignerInfo is verified against: the content or its digest, and optionally its type. */
export type SignedContent = ({ content: Uint8Array } | { digest: Uint8Array }) & { eContentType?: string };

/** @internal Reads the children of a constructed element in order. */
export class DerCursor {
  readonly #der: Buffer;
  readonly #items: DerElement[];
  #i = 0;

  /** @param der - the input; @param parent - constructed element whose children are read */
  constructor(der: Buffer, parent: DerElement) {
    this.#der = der;
    this.#items = childrenOf(der, parent);
  }

  /** The next child when it has `tag`, else undefined (nothing consumed). */
  optional(tag: number): DerElement | undefined {
    const el = this.#items[this.#i];
    if (el === undefined || el.tag !== tag) return undefined;
    this.#i++;
    return el;
  }

  /** The next child, which must exist (and have `tag` when given). */
  take(tag: number | undefined, what: string): DerElement {
    const el = this.#items[this.#i++];
    if (el === undefined || (tag !== undefined && el.tag !== tag)) return fail(`missing or bad ${what}`);
    return el;
  }

  /** Fails when children are left. */
  end(what: string): void {
    if (this.#i !== this.#items.length) fail(`unexpected element in ${what}`);
  }
}

/** @internal Dotted OID of an OBJECT IDENTIFIER element. */
export function oidAt(der: Buffer, el: DerElement): string {
  if (el.tag !== 0x06 || el.length === 0 || (der[el.end - 1]! & 0x80) !== 0) fail('bad OBJECT IDENTIFIER');
  return decodeOid(der.subarray(el.start, el.end));
}

/** @internal Content octets of an INTEGER element. */
export function integerAt(der: Buffer, el: DerElement): Buffer {
  if (el.tag !== 0x02 || el.length === 0) fail('bad INTEGER');
  return der.subarray(el.start, el.end);
}

/** @internal A non-negative INTEGER below 2^31. */
export function smallIntAt(der: Buffer, el: DerElement): number {
  const v = integerAt(der, el);
  if (v.length > 4 || (v[0]! & 0x80) !== 0) fail('INTEGER out of range');
  return v.readUIntBE(0, v.length);
}

/** @internal Serial number hex as {@link parseCertificate} renders it. */
export function serialHex(content: Uint8Array): string {
  return Buffer.from(content)
    .toString('hex')
    .replace(/^(00)+(?=[0-9a-f])/, '');
}

/** @internal AlgorithmIdentifier: OID and the parameters DER, if any. */
export function algorithmAt(der: Buffer, el: DerElement): { oid: string; params?: Buffer } {
  if (el.tag !== 0x30) fail('bad AlgorithmIdentifier');
  const c = new DerCursor(der, el);
  const oid = oidAt(der, c.take(0x06, 'algorithm'));
  const p = c.optional(0x05) ?? c.optional(0x30) ?? c.optional(0x06);
  c.end('AlgorithmIdentifier');
  return p && p.tag !== 0x05 ? { oid, params: slice(der, p) } : { oid };
}

/** The hash name of a SHA-2 AlgorithmIdentifier OID, or undefined. */
export function hashOfOid(oid: string): HashAlgorithm | undefined {
  return (['sha256', 'sha384', 'sha512'] as const).find((h) => CMS_OID[h] === oid);
}

function algorithmIdentifier(oid: string): Buffer {
  return DER.seq(DER.oid(oid)); // SHA-2 and ECDSA: parameters absent (RFC 5754 §2, RFC 5758 §3.2)
}

/** @internal Exact issuer Name DER and serialNumber INTEGER TLV of a certificate. */
export function issuerAndSerialOf(certDer: Uint8Array): { issuerDer: Buffer; serialDer: Buffer } {
  return guarded('PKI_CERT_MALFORMED', () => {
    const der = Buffer.from(certDer);
    const tbs = new DerCursor(der, topElement(der, 0x30, 'Certificate')).take(0x30, 'TBSCertificate');
    const c = new DerCursor(der, tbs);
    c.optional(0xa0);
    const serial = c.take(0x02, 'serialNumber');
    c.take(0x30, 'signature');
    return { issuerDer: slice(der, c.take(0x30, 'issuer')), serialDer: slice(der, serial) };
  });
}

/**
 * The contentType attribute (RFC 5652 §11.1).
 *
 * @param oid - the eContentType
 * @example
 * ```ts
 * contentTypeAttribute(CMS_OID.tstInfo);
 * ```
 */
export function contentTypeAttribute(oid: string): CmsAttribute {
  return { type: CMS_OID.contentType, values: [DER.oid(oid)] };
}

/**
 * The messageDigest attribute (RFC 5652 §11.2).
 *
 * @param digest - digest of the content
 * @example
 * ```ts
 * messageDigestAttribute(createHash('sha256').update(content).digest());
 * ```
 */
export function messageDigestAttribute(digest: Uint8Array): CmsAttribute {
  return { type: CMS_OID.messageDigest, values: [DER.octets(digest)] };
}

/**
 * The signingTime attribute (RFC 5652 §11.3): UTCTime through 2049, GeneralizedTime after.
 *
 * @param date - the claimed signing time (seconds precision)
 * @example
 * ```ts
 * signingTimeAttribute(new Date());
 * ```
 */
export function signingTimeAttribute(date: Date): CmsAttribute {
  return { type: CMS_OID.signingTime, values: [DER.time(date)] };
}

/**
 * The signingCertificateV2 attribute (RFC 5035 §3): one ESSCertIDv2 with the certificate hash and
 * issuerSerial (GeneralNames { directoryName issuer }, serialNumber); hashAlgorithm is omitted for
 * SHA-256, its DEFAULT.
 *
 * @param certDer - the signer's certificate
 * @param hash - hash of the certificate
 * @example
 * ```ts
 * signingCertificateV2Attribute(node.tsa.certificate.der);
 * ```
 */
export function signingCertificateV2Attribute(certDer: Uint8Array, hash: HashAlgorithm = 'sha256'): CmsAttribute {
  const { issuerDer, serialDer } = issuerAndSerialOf(certDer);
  const essCertId = DER.seq(
    hash === 'sha256' ? undefined : algorithmIdentifier(CMS_OID[hash]),
    DER.octets(createHash(hash).update(certDer).digest()),
    DER.seq(DER.seq(DER.explicit(4, issuerDer)), serialDer),
  );
  return { type: CMS_OID.signingCertificateV2, values: [DER.seq(DER.seq(essCertId))] };
}

function encodeAttributes(attrs: CmsAttribute[]): Buffer {
  const types = new Set(attrs.map((a) => a.type));
  if (types.size !== attrs.length) throw new PkiError('INTERNAL', 'an attribute type appears twice');
  return DER.setOf(...attrs.map((a) => DER.seq(DER.oid(a.type), DER.setOf(...a.values))));
}

function contentOf(set: Buffer): Buffer {
  return set.subarray(DER.readHeader(set).start);
}

function contentDigestOf(p: SignedDataParams, hash: HashAlgorithm): Buffer {
  const digest = p.eContent ? createHash(hash).update(p.eContent).digest() : p.contentDigest;
  if (digest === undefined || digest.length !== HASH_LENGTH[hash] || !digest.equals(p.contentDigest ?? digest))
    throw new PkiError('INTERNAL', `detached content needs its ${hash} digest (and no other)`);
  return digest;
}

async function signerInfoOf(p: SignedDataParams, hash: HashAlgorithm, digest: Buffer): Promise<Buffer> {
  const certKey = createPublicKey(parseCertificate(p.signerCertificate).der.length ? p.signerCertificate : '');
  const signerKey = createPublicKey({ key: p.signer.spki, format: 'der', type: 'spki' });
  if (!certKey.equals(signerKey))
    throw new PkiError('INTERNAL', 'the signer certificate does not certify the signer key');
  const { issuerDer, serialDer } = issuerAndSerialOf(p.signerCertificate);
  const attrs = [contentTypeAttribute(p.eContentType), messageDigestAttribute(digest)];
  const signedAttrs = encodeAttributes([...attrs, ...(p.signedAttributes ?? [])]);
  const signature = await p.signer.sign(signedAttrs);
  const unsigned = p.unsignedAttributes?.length ? encodeAttributes(p.unsignedAttributes) : undefined;
  return DER.seq(
    DER.integer(1),
    DER.seq(issuerDer, serialDer),
    algorithmIdentifier(CMS_OID[hash]),
    DER.implicitConstructed(0, contentOf(signedAttrs)),
    algorithmIdentifier(ecdsaSignatureOid(p.signer.hash)),
    DER.octets(signature),
    unsigned && DER.implicitConstructed(1, contentOf(unsigned)),
  );
}

/**
 * Builds and signs a ContentInfo with SignedData (RFC 5652 §5): one SignerInfo v1 naming the
 * signer certificate by IssuerAndSerialNumber, signed attributes contentType, messageDigest and
 * `signedAttributes` (a DER SET OF, the bytes signed), ecdsa-with-SHA256/384/512 after the
 * signer's hash. Version 3 unless the content is id-data (then 1); `certificates` [0] IMPLICIT.
 *
 * @param p - content (or its digest when detached), signer, certificates, attributes
 * @returns the ContentInfo DER
 * @throws PkiError INTERNAL for inconsistent inputs, CMS_ERROR.algorithm for a digest other than the signer's
 * @example
 * ```ts
 * const p7 = await buildSignedData({ eContentType: CMS_OID.data, eContent: doc, signer, signerCertificate: cert });
 * ```
 */
export async function buildSignedData(p: SignedDataParams): Promise<Buffer> {
  const hash = p.digestAlgorithm ?? p.signer.hash;
  if (hash !== p.signer.hash)
    throw new PkiError(CMS_ERROR.algorithm, `digest ${hash} differs from the signer's ${p.signer.hash}`);
  const signerInfo = await signerInfoOf(p, hash, contentDigestOf(p, hash));
  const certs = p.certificates ?? [p.signerCertificate];
  for (const c of certs) guarded('INTERNAL', () => topElement(c, 0x30, 'certificate'));
  const encap = DER.seq(
    DER.oid(p.eContentType),
    p.eContent && DER.explicit(0, DER.octets(p.eContent)),
  );
  const signedData = DER.seq(
    DER.integer(p.eContentType === CMS_OID.data ? 1 : 3),
    DER.setOf(algorithmIdentifier(CMS_OID[hash])),
    encap,
    certs.length > 0 ? DER.implicitConstructed(0, Buffer.concat(certs)) : undefined,
    DER.setOf(signerInfo),
  );
  return DER.seq(DER.oid(CMS_OID.signedData), DER.explicit(0, signedData));
}

function attributesAt(der: Buffer, set: DerElement | undefined): Map<string, Buffer[]> {
  const map = new Map<string, Buffer[]>();
  for (const a of set ? childrenOf(der, set) : []) {
    if (a.tag !== 0x30) fail('bad Attribute');
    const c = new DerCursor(der, a);
    const type = oidAt(der, c.take(0x06, 'attrType'));
    const values = childrenOf(der, c.take(0x31, 'attrValues')).map((v) => slice(der, v));
    c.end('Attribute');
    if (map.has(type)) fail(`attribute ${type} appears twice`);
    map.set(type, values);
  }
  return map;
}

function signerInfoAt(der: Buffer, el: DerElement): ParsedSignerInfo {
  if (el.tag !== 0x30) fail('bad SignerInfo');
  const c = new DerCursor(der, el);
  const version = smallIntAt(der, c.take(0x02, 'SignerInfo version'));
  const sid = c.take(undefined, 'sid');
  const sidFields: Partial<ParsedSignerInfo> = {};
  if (sid.tag === 0x80) sidFields.sidKeyIdentifier = der.subarray(sid.start, sid.end);
  else if (sid.tag === 0x30) {
    const s = new DerCursor(der, sid);
    sidFields.sidIssuerDer = slice(der, s.take(0x30, 'issuer'));
    sidFields.sidSerial = serialHex(integerAt(der, s.take(0x02, 'serialNumber')));
    s.end('IssuerAndSerialNumber');
  } else fail('bad SignerIdentifier');
  const digestAlgorithm = algorithmAt(der, c.take(0x30, 'digestAlgorithm')).oid;
  const signed = c.optional(0xa0);
  const signatureAlgorithm = algorithmAt(der, c.take(0x30, 'signatureAlgorithm')).oid;
  const sig = c.take(0x04, 'signature');
  const unsigned = c.optional(0xa1);
  c.end('SignerInfo');
  const signedAttrsDer = signed && Buffer.concat([Buffer.from([0x31]), der.subarray(signed.offset + 1, signed.end)]);
  return {
    version,
    ...sidFields,
    digestAlgorithm,
    ...(signedAttrsDer ? { signedAttrsDer } : {}),
    signedAttributes: attributesAt(der, signed),
    signatureAlgorithm,
    signature: der.subarray(sig.start, sig.end),
    unsignedAttributes: attributesAt(der, unsigned),
    raw: { offset: el.offset, end: el.end },
  };
}

/** eContent of an EncapsulatedContentInfo ([0] EXPLICIT OCTET STRING, primitive or constructed). */
function eContentAt(der: Buffer, el: DerElement | undefined): DerElement | undefined {
  if (!el) return undefined;
  const c = new DerCursor(der, el);
  const octets = c.take(undefined, 'eContent');
  c.end('eContent');
  if (octets.tag === 0x04) return octets;
  if (octets.tag !== 0x24) fail('eContent is not an OCTET STRING');
  return octets;
}

function octetsValue(der: Buffer, el: DerElement): Buffer {
  if (el.tag === 0x04) return der.subarray(el.start, el.end);
  return Buffer.concat(childrenOf(der, el).map((p) => octetsValue(der, p)));
}

function signedDataAt(der: Buffer, sd: DerElement): ParsedSignedData {
  const c = new DerCursor(der, sd);
  const version = smallIntAt(der, c.take(0x02, 'SignedData version'));
  const digestAlgorithms = childrenOf(der, c.take(0x31, 'digestAlgorithms')).map((a) => algorithmAt(der, a).oid);
  const encap = c.take(0x30, 'encapContentInfo');
  const certs = c.optional(0xa0);
  const crls = c.optional(0xa1);
  const signerInfos = childrenOf(der, c.take(0x31, 'signerInfos')).map((s) => signerInfoAt(der, s));
  c.end('SignedData');
  const e = new DerCursor(der, encap);
  const eContentType = oidAt(der, e.take(0x06, 'eContentType'));
  const eContent = eContentAt(der, e.optional(0xa0));
  e.end('EncapsulatedContentInfo');
  const x509 = (set?: DerElement): Buffer[] =>
    (set ? childrenOf(der, set) : []).filter((x) => x.tag === 0x30).map((x) => slice(der, x));
  return {
    version,
    digestAlgorithms,
    eContentType,
    ...(eContent ? { eContent: octetsValue(der, eContent) } : {}),
    certificates: x509(certs),
    crls: x509(crls),
    signerInfos,
    raw: {
      der,
      signedData: { offset: sd.offset, end: sd.end },
      encapContentInfo: { offset: encap.offset, end: encap.end },
      ...(eContent ? { eContent: { offset: eContent.offset, end: eContent.end } } : {}),
    },
  };
}

/**
 * Parses a ContentInfo with SignedData (DER, definite lengths) on its exact bytes. Nothing is
 * verified: see {@link verifySignerInfo}.
 *
 * @param input - the ContentInfo DER (copied; the result's buffers are views of the copy)
 * @returns content type and content, certificates, CRLs and SignerInfos with exact signed bytes
 * @throws PkiError CMS_ERROR.malformed for anything else
 * @example
 * ```ts
 * const sd = parseSignedData(p7);
 * verifySignerInfo(sd.signerInfos[0]!, sd.certificates[0]!, { content: sd.eContent! });
 * ```
 */
export function parseSignedData(input: Uint8Array): ParsedSignedData {
  return guarded(CMS_ERROR.malformed, () => {
    const der = Buffer.from(input);
    const c = new DerCursor(der, topElement(der, 0x30, 'ContentInfo'));
    if (oidAt(der, c.take(0x06, 'contentType')) !== CMS_OID.signedData) fail('not id-signedData');
    const wrapper = new DerCursor(der, c.take(0xa0, 'content'));
    c.end('ContentInfo');
    const sd = wrapper.take(0x30, 'SignedData');
    wrapper.end('content');
    const parsed = signedDataAt(der, sd);
    if (parsed.signerInfos.length === 0) fail('no SignerInfo');
    return parsed;
  });
}

function checkSigner(si: ParsedSignerInfo, certDer: Uint8Array): void {
  const { issuerDer, serialDer } = issuerAndSerialOf(certDer);
  const serial = serialHex(serialDer.subarray(DER.readHeader(serialDer).start));
  if (si.sidKeyIdentifier) throw new PkiError(CMS_ERROR.signerMismatch, 'subjectKeyIdentifier sid is not supported');
  if (!si.sidIssuerDer?.equals(issuerDer) || si.sidSerial !== serial)
    throw new PkiError(CMS_ERROR.signerMismatch, 'the SignerInfo does not name this certificate');
}

function checkAttributes(si: ParsedSignerInfo, hash: HashAlgorithm, data: SignedContent): void {
  const type = si.signedAttributes.get(CMS_OID.contentType);
  const md = si.signedAttributes.get(CMS_OID.messageDigest);
  if (type?.length !== 1 || md?.length !== 1) fail('contentType and messageDigest must have one value each');
  if (data.eContentType !== undefined && !type[0]!.equals(DER.oid(data.eContentType)))
    throw new PkiError(CMS_ERROR.digestMismatch, 'the contentType attribute differs from eContentType');
  const digest =
    'content' in data ? createHash(hash).update(data.content).digest() : Buffer.from(data.digest);
  const el = elementAt(md[0]!, 0);
  if (el.tag !== 0x04 || el.end !== md[0]!.length) fail('messageDigest is not an OCTET STRING');
  if (!md[0]!.subarray(el.start).equals(digest))
    throw new PkiError(CMS_ERROR.digestMismatch, 'the messageDigest attribute does not match the content');
}

/**
 * Verifies a SignerInfo with a certificate: the certificate is the one the SignerInfo names, the
 * contentType and messageDigest attributes match the content, and the signature over the signed
 * attributes (or, without them, over the content) verifies with the certificate's key
 * (ECDSA with SHA-2, or RSA PKCS#1 v1.5). Trust in the certificate is not checked.
 *
 * @param si - from {@link parseSignedData}
 * @param certDer - the signer's certificate
 * @param data - the content or its digest (digestAlgorithm), and optionally eContentType to match
 * @throws PkiError CMS_ERROR.* (malformed, algorithm, signerMismatch, digestMismatch, signatureInvalid)
 * @example
 * ```ts
 * verifySignerInfo(sd.signerInfos[0]!, cert, { digest: sha256(document), eContentType: CMS_OID.data });
 * ```
 */
export function verifySignerInfo(si: ParsedSignerInfo, certDer: Uint8Array, data: SignedContent): void {
  checkSigner(si, certDer);
  const hash = hashOfOid(si.digestAlgorithm);
  const alg = SIGNATURE_ALGORITHMS[si.signatureAlgorithm];
  const key = createPublicKey({ key: Buffer.from(certDer), format: 'der', type: 'spki' === 'spki' ? 'spki' : 'spki' });
  void key;
  if (!hash || !alg || (alg.hash && alg.hash !== hash))
    throw new PkiError(CMS_ERROR.algorithm, `unsupported algorithms ${si.digestAlgorithm} / ${si.signatureAlgorithm}`);
  let signed: Uint8Array;
  if (si.signedAttrsDer) {
    guarded(CMS_ERROR.malformed, () => checkAttributes(si, hash, data));
    signed = si.signedAttrsDer;
  } else if ('content' in data) signed = data.content;
  else throw new PkiError(CMS_ERROR.malformed, 'without signed attributes the content itself is needed');
  const publicKey = createPublicKey(parseCertificate(certDer).spki.length ? { key: parseCertificate(certDer).spki, format: 'der', type: 'spki' } : '');
  if (publicKey.asymmetricKeyType !== alg.key)
    throw new PkiError(CMS_ERROR.algorithm, `a ${publicKey.asymmetricKeyType ?? ''} key cannot verify ${si.signatureAlgorithm}`);
  let ok = false;
  try {
    ok = cryptoVerify(hash, signed, { key: publicKey, dsaEncoding: 'der' }, si.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new PkiError(CMS_ERROR.signatureInvalid, 'the SignerInfo signature does not verify');
}
