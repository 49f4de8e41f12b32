/**
 * CAdES baseline signatures (ETSI EN 319 122-1 §6): B-B and B-T. The core does no I/O: the
 * time-stamping authority is reached through an injected RFC 3161 transport.
 */
import { createHash } from 'node:crypto';
import {
  CMS_OID,
  buildSignedData,
  parseSignedData,
  signingCertificateV2Attribute,
  signingTimeAttribute,
} from '../../pki/cms_signed_data.js';
import type { CmsAttribute } from '../../pki/cms_signed_data.js';
import type { HashAlgorithm, Signer } from '../../pki/key_store.js';
import { requestTimeStamp } from '../../timestamp/client.js';
import type { TspTransport } from '../../timestamp/client.js';
import { SignatureError } from '../errors.js';
import { CADES_OID } from './oids.js';
import { addUnsignedAttribute } from './signed_data_editor.js';

/** The CAdES baseline levels (EN 319 122-1 §6). */
export type CadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** The levels {@link signCades} creates. */
export type CadesSignLevel = 'B-B' | 'B-T';

/** A time-stamping authority: its URL and the HTTP POST to reach it (`fetch`, a test double). */
export interface TsaEndpoint {
  url: string;
  transport: TspTransport;
  /** The TSA certificate, when known in advance; otherwise the one the token carries is checked. */
  certificate?: Buffer;
}

/** Inputs of {@link signCades}. */
export interface CadesSignParams {
  /** The document. */
  content: Buffer;
  /** Detached: the SignedData leaves the document out (a `.p7s` beside it); else it is enveloped. */
  detached: boolean;
  /** The citizen's signature key (see `keyObjectSigner`). */
  signer: Signer;
  /** Its certificate (DER). */
  signerCertificate: Buffer;
  /** The CA certificates above it (DER), embedded after it. */
  chain: Buffer[];
  /** The claimed signing time (seconds precision). */
  signingTime: Date;
  /** B-B, or B-T (needs `tsa`). */
  level: CadesSignLevel;
  /** The TSA for B-T. */
  tsa?: TsaEndpoint;
  /** eContentType; id-data by default. */
  contentType?: string;
}

function baselineAttributes(p: CadesSignParams, hash: HashAlgorithm): CmsAttribute[] {
  // EN 319 122-1 §6.2.1: signing-certificate-v2 (ESSCertIDv2 with issuerSerial) is mandatory;
  // the claimed signing-time is allowed (content-type and message-digest come with the builder).
  return [signingCertificateV2Attribute(p.signerCertificate, hash), signingTimeAttribute(p.signingTime)];
}

function checkParams(p: CadesSignParams): void {
  if ((p.level as string) !== 'B-B' && (p.level as string) !== 'B-T')
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `CAdES ${p.level} is not built yet (B-B and B-T are)`);
  if (p.level === 'B-T' && !p.tsa)
    throw new SignatureError('USAGE_INVALID_ARGUMENT', 'CAdES B-T needs a time-stamping authority');
  if (Number.isNaN(p.signingTime.getTime()))
    throw new SignatureError('INTERNAL', 'the signing time is not a valid date');
}

/**
 * Time-stamps the signature value of the first SignerInfo (RFC 3161 Appendix A, EN 319 122-1
 * §5.3: the message imprint is the hash of the `signature` OCTET STRING's value) and adds the
 * token as the unsigned attribute id-aa-signatureTimeStampToken.
 *
 * @param cmsDer - a CAdES B-B (ContentInfo DER)
 * @param tsa - the TSA URL and transport
 * @param hash - the message imprint hash (default SHA-256)
 * @returns the CAdES B-T; the signed attributes and signature are the original bytes
 * @throws TimestampError TSP_* when the TSA fails or answers wrongly; SignatureError when the
 *   SignerInfo already has a signature time-stamp
 * @example
 * ```ts
 * const bt = await addSignatureTimeStamp(bb, { url: 'http://127.0.0.1:8080/tsa', transport });
 * ```
 */
export async function addSignatureTimeStamp(
  cmsDer: Buffer,
  tsa: TsaEndpoint,
  hash: HashAlgorithm = 'sha256',
): Promise<Buffer> {
  const signature = parseSignedData(cmsDer).signerInfos[0]!.signature;
  const digest = createHash(hash).update(signature).digest();
  const token = await requestTimeStamp(tsa.url, digest, hash, tsa.transport, {
    ...(tsa.certificate ? { tsaCertificate: tsa.certificate } : {}),
  });
  return addUnsignedAttribute(cmsDer, { type: CADES_OID.signatureTimeStampToken, values: [token] });
}

/**
 * Creates a CAdES baseline signature (ETSI EN 319 122-1): a CMS SignedData with one SignerInfo
 * signed with the signer's hash (SHA-256 on P-256) over content-type, message-digest,
 * signing-certificate-v2 and signing-time, the signer's certificate and chain in
 * `certificates`; for B-T also a signature time-stamp from `tsa`.
 *
 * @param p - content, detached or enveloping, key and certificates, signing time, level, TSA
 * @returns the ContentInfo DER (a `.p7s` / `.p7m`)
 * @throws SignatureError USAGE_INVALID_ARGUMENT for a level not built or B-T without a TSA;
 *   PkiError INTERNAL when the certificate does not certify the key; TimestampError TSP_*
 * @example
 * ```ts
 * const p7s = await signCades({
 *   content: doc, detached: true, signer: keyObjectSigner(wallet.keys.signature.privateKey),
 *   signerCertificate: wallet.keys.signature.certificate!, chain: wallet.caCertificates,
 *   signingTime: new Date(), level: 'B-T', tsa: { url: 'http://127.0.0.1:8080/tsa', transport },
 * });
 * ```
 */
export async function signCades(p: CadesSignParams): Promise<Buffer> {
  checkParams(p);
  const hash = p.signer.hash;
  const contentType = p.contentType ?? CMS_OID.data;
  const bb = await buildSignedData({
    eContentType: contentType,
    ...(p.detached
      ? { contentDigest: createHash(hash).update(p.content).digest() }
      : { eContent: p.content }),
    signer: p.signer,
    signerCertificate: p.signerCertificate,
    certificates: [p.signerCertificate, ...p.chain],
    signedAttributes: baselineAttributes(p, hash),
    digestAlgorithm: hash,
  });
  return p.level === 'B-T' ? addSignatureTimeStamp(bb, p.tsa!, hash) : bb;
}
