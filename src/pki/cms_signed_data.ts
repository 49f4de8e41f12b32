/**
 * CMS SignedData (RFC 5652 §5) for the TSA and CAdES: written with `lib/der.ts` (what is signed is what is
 * emitted), parsed with the bounds-checked DER walker (signatures are checked on the original bytes).
 */
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { berToDer } from '../lib/ber.js';
import * as DER from '../lib/der.js';
import { childrenOf, elementAt, fail, guarded, slice, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { PkiError } from '../lib/errors.js';
import { algorithmAt, cursor, integerAt, oidAt, serialHex, smallIntAt } from '../lib/der_cursor.js';
import { ecdsaSignatureOid } from './algorithms.js';
import { parseCertificate } from '../x509/certificate_info.js';
import type { HashAlgorithm } from './key_store.js';
import { CMS_OID } from './cms_model.js';
import type {
  CmsAttribute,
  ParsedSignedData,
  ParsedSignerInfo,
  SignedContent,
  SignedDataParams,
} from './cms_model.js';

export { CMS_OID } from './cms_model.js';
export type {
  CmsAttribute,
  ParsedSignedData,
  ParsedSignerInfo,
  SignedContent,
  SignedDataParams,
} from './cms_model.js';

// Signature algorithms verified (ECDSA, RSA PKCS#1 v1.5), with their hash.
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { key: 'ec' | 'rsa'; hash: HashAlgorithm }>> = {
  '1.2.840.10045.4.3.2': { key: 'ec', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', hash: 'sha512' },
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512' },
};

/**
 * The hash name of a SHA-2 AlgorithmIdentifier OID, or undefined.
 *
 * @param oid - dotted OID
 * @example `hashOfOid(si.digestAlgorithm) // 'sha256'`
 */
export function hashOfOid(oid: string): HashAlgorithm | undefined {
  return (['sha256', 'sha384', 'sha512'] as const).find((h) => CMS_OID[h] === oid);
}

/** @internal AlgorithmIdentifier with parameters absent, as for SHA-2 and ECDSA (RFC 5754, RFC 5758). */
export function algorithmIdentifier(oid: string): Buffer {
  return DER.seq(DER.oid(oid));
}

/** @internal Exact issuer Name DER and serialNumber INTEGER DER (minimal, positive) of a certificate. */
export function issuerAndSerialOf(certDer: Uint8Array): { issuerDer: Buffer; serialDer: Buffer } {
  const { issuerDer, serial } = parseCertificate(certDer);
  return { issuerDer, serialDer: DER.integer(Buffer.from(serial.length % 2 ? `0${serial}` : serial, 'hex')) };
}

/**
 * The contentType attribute (RFC 5652 §11.1); {@link buildSignedData} adds it.
 *
 * @param oid - the eContentType
 * @example `contentTypeAttribute(CMS_OID.tstInfo)`
 */
export function contentTypeAttribute(oid: string): CmsAttribute {
  return { type: CMS_OID.contentType, values: [DER.oid(oid)] };
}

/**
 * The messageDigest attribute (RFC 5652 §11.2); {@link buildSignedData} adds it.
 *
 * @param digest - digest of the content
 * @example `messageDigestAttribute(createHash('sha256').update(content).digest())`
 */
export function messageDigestAttribute(digest: Uint8Array): CmsAttribute {
  return { type: CMS_OID.messageDigest, values: [DER.octets(digest)] };
}

/**
 * The signingTime attribute (RFC 5652 §11.3): UTCTime through 2049, GeneralizedTime after.
 *
 * @param date - the claimed signing time (seconds precision)
 * @example `signingTimeAttribute(new Date())`
 */
export function signingTimeAttribute(date: Date): CmsAttribute {
  return { type: CMS_OID.signingTime, values: [DER.time(date)] };
}

/**
 * The signingCertificateV2 attribute (RFC 5035 §3): one ESSCertIDv2 with the certificate hash and
 * issuerSerial (GeneralNames { directoryName issuer }, serialNumber); hashAlgorithm is left out
 * for SHA-256, its DEFAULT.
 *
 * @param cert - the signer's certificate (DER)
 * @param hash - hash of the certificate
 * @example `signingCertificateV2Attribute(node.tsa.certificate.der)`
 */
export function signingCertificateV2Attribute(
  cert: Uint8Array,
  hash: HashAlgorithm = 'sha256',
): CmsAttribute {
  const { issuerDer, serialDer } = issuerAndSerialOf(cert);
  const essCertId = DER.seq(
    hash === 'sha256' ? undefined : algorithmIdentifier(CMS_OID[hash]),
    DER.octets(createHash(hash).update(cert).digest()),
    DER.seq(DER.seq(DER.explicit(4, issuerDer)), serialDer),
  );
  return { type: CMS_OID.signingCertificateV2, values: [DER.seq(DER.seq(essCertId))] };
}

function encodeAttributes(attrs: CmsAttribute[]): Buffer {
  if (new Set(attrs.map((a) => a.type)).size !== attrs.length)
    throw new PkiError('INTERNAL', 'an attribute type appears twice');
  return DER.setOf(...attrs.map((a) => DER.seq(DER.oid(a.type), DER.setOf(...a.values))));
}

const contentOf = (tlv: Buffer): Buffer => tlv.subarray(DER.readHeader(tlv).start);

function publicKeyOf(certDer: Uint8Array): KeyObject {
  const { spki } = parseCertificate(certDer);
  return guarded('PKI_CERT_MALFORMED', () => createPublicKey({ key: spki, format: 'der', type: 'spki' }));
}

function contentDigestOf(p: SignedDataParams, hash: HashAlgorithm): Buffer {
  const digest = p.eContent ? createHash(hash).update(p.eContent).digest() : p.contentDigest;
  if (digest?.length !== createHash(hash).digest().length || !digest.equals(p.contentDigest ?? digest))
    throw new PkiError('INTERNAL', `detached content needs its ${hash} digest (and no other)`);
  return digest;
}

async function signerInfoOf(p: SignedDataParams, hash: HashAlgorithm, digest: Buffer): Promise<Buffer> {
  if (
    !publicKeyOf(p.signerCertificate).equals(
      createPublicKey({ key: p.signer.spki, format: 'der', type: 'spki' }),
    )
  )
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
 * Builds and signs a ContentInfo with SignedData (RFC 5652 §5): one SignerInfo v1 (IssuerAndSerialNumber),
 * signed attributes contentType, messageDigest and `signedAttributes` (a DER SET OF: the bytes signed),
 * ecdsa-with-SHAxxx after the signer's hash; version 3 unless the content is id-data (then 1).
 *
 * @param p - content (or its digest when detached), signer, certificates, attributes
 * @returns the ContentInfo DER
 * @throws PkiError INTERNAL for inconsistent inputs, 'PKI_CMS_ALGORITHM_UNSUPPORTED' for a digest other than the signer's
 * @example `await buildSignedData({ eContentType: CMS_OID.data, eContent: doc, signer, signerCertificate })`
 */
export async function buildSignedData(p: SignedDataParams): Promise<Buffer> {
  const hash = p.digestAlgorithm ?? p.signer.hash;
  if (hash !== p.signer.hash)
    throw new PkiError(
      'PKI_CMS_ALGORITHM_UNSUPPORTED',
      `digest ${hash} differs from the signer's ${p.signer.hash}`,
    );
  const signerInfo = await signerInfoOf(p, hash, contentDigestOf(p, hash));
  const certs = p.certificates ?? [p.signerCertificate];
  for (const c of certs) guarded('INTERNAL', () => topElement(c, 0x30, 'certificate'));
  const encap = DER.seq(DER.oid(p.eContentType), p.eContent && DER.explicit(0, DER.octets(p.eContent)));
  const signedData = DER.seq(
    DER.integer(p.eContentType === CMS_OID.data ? 1 : 3),
    DER.setOf(algorithmIdentifier(CMS_OID[hash])),
    encap,
    certs.length > 0 ? DER.implicitConstructed(0, Buffer.concat(certs)) : undefined,
    DER.setOf(signerInfo),
  );
  return DER.seq(DER.oid(CMS_OID.signedData), DER.explicit(0, signedData));
}

/**
 * RFC 5652 §5.3: a signed attribute type appears once; unsigned ones may repeat (a renewed
 * CAdES B-LTA carries one archive-time-stamp attribute per renewal, EN 319 122-1 §5.5.3), so
 * their values are appended in order.
 */
/**
 * Signed attributes that may occur more than once: the content-time-stamp (EN 319 122-1 §5.2.8,
 * one per time-stamping authority). Any other repeated signed attribute is malformed (RFC 5652
 * §11: content-type, message-digest and signing-time MUST NOT be repeated).
 */
const REPEATABLE_SIGNED = new Set(['1.2.840.113549.1.9.16.2.20']);

function attributesAt(der: Buffer, set: DerElement | undefined, repeatable = false): Map<string, Buffer[]> {
  const map = new Map<string, Buffer[]>();
  for (const a of set ? childrenOf(der, set) : []) {
    if (a.tag !== 0x30) fail('bad Attribute');
    const c = cursor(der, a);
    const type = oidAt(der, c.take(0x06, 'attrType'));
    const values = childrenOf(der, c.take(0x31, 'attrValues')).map((v) => slice(der, v));
    c.end('Attribute');
    if (map.has(type) && !repeatable && !REPEATABLE_SIGNED.has(type)) fail(`attribute ${type} appears twice`);
    map.set(type, [...(map.get(type) ?? []), ...values]);
  }
  return map;
}

/** Whether the encodings are in DER SET OF order (X.690 §11.6: ascending as octet strings). */
function inDerOrder(items: readonly Buffer[]): boolean {
  return items.every((x, i) => i === 0 || Buffer.compare(items[i - 1]!, x) <= 0);
}

function signerInfoAt(der: Buffer, el: DerElement, fromBer: boolean): ParsedSignerInfo {
  if (el.tag !== 0x30) fail('bad SignerInfo');
  const c = cursor(der, el);
  const version = smallIntAt(der, c.take(0x02, 'SignerInfo version'));
  const sid = c.optional(0x80) ?? c.take(0x30, 'sid');
  const s = sid.tag === 0x30 ? cursor(der, sid) : undefined;
  const sidFields = s
    ? {
        sidIssuerDer: slice(der, s.take(0x30, 'issuer')),
        sidSerial: serialHex(integerAt(der, s.take(0x02, 'sn'))),
      }
    : { sidKeyIdentifier: der.subarray(sid.start, sid.end) };
  s?.end('IssuerAndSerialNumber');
  const digestAlgorithm = algorithmAt(der, c.take(0x30, 'digestAlgorithm')).oid;
  const signed = c.optional(0xa0);
  const sigAlg = algorithmAt(der, c.take(0x30, 'signatureAlgorithm'));
  const signatureAlgorithm = sigAlg.oid;
  const sig = c.take(0x04, 'signature');
  const unsigned = c.optional(0xa1);
  c.end('SignerInfo');
  // RFC 5652 §5.4: the DER encoding of the SET OF is signed; attributes of a BER input, or not
  // in DER order, are put in DER order (as BouncyCastle does: a signature over another order fails).
  const attrs = signed ? childrenOf(der, signed).map((a) => slice(der, a)) : [];
  const signedAttrsDer =
    signed &&
    (fromBer || !inDerOrder(attrs)
      ? DER.setOf(...attrs)
      : Buffer.concat([Buffer.from([0x31]), der.subarray(signed.offset + 1, signed.end)]));
  return {
    version,
    ...sidFields,
    digestAlgorithm,
    ...(signedAttrsDer ? { signedAttrsDer } : {}),
    signedAttributes: attributesAt(der, signed),
    signatureAlgorithm,
    ...(sigAlg.params ? { signatureAlgorithmParams: slice(der, sigAlg.params) } : {}),
    signature: der.subarray(sig.start, sig.end),
    unsignedAttributes: attributesAt(der, unsigned, true),
    raw: el,
  };
}

function signedDataAt(der: Buffer, sd: DerElement, fromBer: boolean): ParsedSignedData {
  const c = cursor(der, sd);
  const version = smallIntAt(der, c.take(0x02, 'SignedData version'));
  const digestAlgorithms = childrenOf(der, c.take(0x31, 'digestAlgs')).map((a) => algorithmAt(der, a).oid);
  const encap = c.take(0x30, 'encapContentInfo');
  const certs = c.optional(0xa0);
  const crls = c.optional(0xa1);
  const signerInfos = childrenOf(der, c.take(0x31, 'signerInfos')).map((s) => signerInfoAt(der, s, fromBer));
  c.end('SignedData');
  if (signerInfos.length === 0) fail('no SignerInfo');
  const e = cursor(der, encap);
  const eContentType = oidAt(der, e.take(0x06, 'eContentType'));
  const wrapped = e.optional(0xa0);
  e.end('EncapsulatedContentInfo');
  const [eContent, extra] = wrapped ? childrenOf(der, wrapped) : [];
  if (wrapped && (eContent?.tag !== 0x04 || extra)) fail('eContent is not one primitive OCTET STRING');
  const x509 = (set?: DerElement): Buffer[] =>
    (set ? childrenOf(der, set) : []).filter((x) => x.tag === 0x30).map((x) => slice(der, x));
  return {
    version,
    digestAlgorithms,
    eContentType,
    ...(eContent ? { eContent: der.subarray(eContent.start, eContent.end) } : {}),
    certificates: x509(certs),
    crls: x509(crls),
    signerInfos,
    raw: { der, signedData: sd, encapContentInfo: encap, ...(eContent ? { eContent } : {}) },
  };
}

function contentInfoAt(der: Buffer, fromBer: boolean): ParsedSignedData {
  return guarded('PKI_CMS_MALFORMED', () => {
    const c = cursor(der, topElement(der, 0x30, 'ContentInfo'));
    if (oidAt(der, c.take(0x06, 'contentType')) !== CMS_OID.signedData) fail('not id-signedData');
    const wrapper = cursor(der, c.take(0xa0, 'content'));
    c.end('ContentInfo');
    const sd = wrapper.take(0x30, 'SignedData');
    wrapper.end('content');
    return signedDataAt(der, sd, fromBer);
  });
}

/**
 * Parses a ContentInfo with SignedData on its exact bytes. BER (indefinite lengths, constructed
 * OCTET STRINGs: `openssl cms -sign -stream`) is read as its DER re-encoding, the eContent being
 * the concatenation of its segments and the signed attributes their DER SET (RFC 5652 §5.4).
 * Nothing is verified: see {@link verifySignerInfo}.
 *
 * @param input - the ContentInfo DER or BER (copied; the result's buffers are views of the copy)
 * @returns content type and content, certificates, CRLs and SignerInfos with exact signed bytes
 * @throws PkiError 'PKI_CMS_MALFORMED' for anything else
 * @example `const { eContent, signerInfos, certificates } = parseSignedData(p7)`
 */
export function parseSignedData(input: Uint8Array): ParsedSignedData {
  const bytes = Buffer.from(input);
  try {
    return contentInfoAt(bytes, false);
  } catch (e) {
    const ber = berToDer(bytes);
    if (!ber?.changed || ber.end !== bytes.length) throw e;
    return contentInfoAt(ber.der, true);
  }
}

/**
 * Parses one DER SignerInfo on its own: the value of a countersignature attribute (RFC 5652
 * §11.4), which is a SignerInfo signing the parent's signature value.
 *
 * @param input - the SignerInfo DER (copied; the result's buffers are views of the copy)
 * @returns the SignerInfo with its exact signed-attribute bytes
 * @throws PkiError 'PKI_CMS_MALFORMED' when it is not one DER SignerInfo
 * @example `const cs = parseSignerInfo(si.unsignedAttributes.get(CMS_OID.counterSignature)![0]!)`
 */
export function parseSignerInfo(input: Uint8Array): ParsedSignerInfo {
  const der = Buffer.from(input);
  return guarded('PKI_CMS_MALFORMED', () => signerInfoAt(der, topElement(der, 0x30, 'SignerInfo'), false));
}

function verifies(hash: HashAlgorithm, data: Uint8Array, key: KeyObject, signature: Buffer): boolean {
  try {
    return cryptoVerify(hash, data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

function checkAttributes(si: ParsedSignerInfo, hash: HashAlgorithm, data: SignedContent): void {
  const type = si.signedAttributes.get(CMS_OID.contentType);
  const md = si.signedAttributes.get(CMS_OID.messageDigest);
  if (type?.length !== 1 || md?.length !== 1) fail('contentType and messageDigest must have one value each');
  if (data.eContentType !== undefined && !type[0]!.equals(DER.oid(data.eContentType)))
    throw new PkiError('PKI_CMS_SIGNATURE_INVALID', 'the contentType attribute differs from eContentType');
  const digest =
    'content' in data ? createHash(hash).update(data.content).digest() : Buffer.from(data.digest);
  const el = elementAt(md[0]!, 0);
  if (el.tag !== 0x04 || el.end !== md[0]!.length) fail('messageDigest is not an OCTET STRING');
  if (!md[0]!.subarray(el.start).equals(digest))
    throw new PkiError('PKI_CMS_DIGEST_MISMATCH', 'the messageDigest attribute does not match the content');
}

/**
 * Verifies a SignerInfo with a certificate: it is the one the SignerInfo names, the contentType and
 * messageDigest attributes match, the signature over the signed attributes (or, without them, the content)
 * verifies with its key (ECDSA with SHA-2, RSA PKCS#1 v1.5). Trust in the certificate is not checked.
 *
 * @param si - from {@link parseSignedData}
 * @param certDer - the signer's certificate
 * @param data - the content or its digest (digestAlgorithm), and optionally eContentType to match
 * @throws PkiError PKI_CMS_MALFORMED, PKI_CMS_ALGORITHM_UNSUPPORTED, PKI_CMS_SIGNER_MISMATCH, PKI_CMS_DIGEST_MISMATCH, PKI_CMS_SIGNATURE_INVALID
 * @example `verifySignerInfo(sd.signerInfos[0]!, cert, { content: sd.eContent!, eContentType: sd.eContentType })`
 */
export function verifySignerInfo(si: ParsedSignerInfo, certDer: Uint8Array, data: SignedContent): void {
  const { issuerDer, serial } = parseCertificate(certDer);
  if (!si.sidIssuerDer?.equals(issuerDer) || si.sidSerial !== serial)
    throw new PkiError('PKI_CMS_SIGNER_MISMATCH', 'the SignerInfo does not name this certificate');
  const hash = hashOfOid(si.digestAlgorithm);
  const alg = SIGNATURE_ALGORITHMS[si.signatureAlgorithm];
  if (!hash || alg?.hash !== hash)
    throw new PkiError(
      'PKI_CMS_ALGORITHM_UNSUPPORTED',
      `unsupported ${si.signatureAlgorithm} (${si.digestAlgorithm})`,
    );
  const key = publicKeyOf(certDer);
  if (key.asymmetricKeyType !== alg.key)
    throw new PkiError('PKI_CMS_ALGORITHM_UNSUPPORTED', `${si.signatureAlgorithm} needs an ${alg.key} key`);
  if (si.signedAttrsDer) guarded('PKI_CMS_MALFORMED', () => checkAttributes(si, hash, data));
  else if (!('content' in data)) throw new PkiError('PKI_CMS_MALFORMED', 'no signed attributes');
  if (!verifies(hash, si.signedAttrsDer ?? (data as { content: Uint8Array }).content, key, si.signature))
    throw new PkiError('PKI_CMS_SIGNATURE_INVALID', 'the SignerInfo signature does not verify');
}
