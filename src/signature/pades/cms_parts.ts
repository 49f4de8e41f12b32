/**
 * The parts of a CMS signature that validation needs, computed once (RFC 5652 §5.4, §5.6): the
 * SignerInfo, its digest and signature algorithms by policy name, the message-digest value, the
 * ESS signing-certificate reference, the embedded certificates and revocation data (SignedData,
 * RFC 5940 OCSP, Adobe revocationInfoArchival), and a signature check that runs once per key.
 */
import { createVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as DER from '../../lib/der.js';
import { childrenOf, elementAt, slice } from '../../lib/der_reader.js';
import { CMS_OID, parseSignedData } from '../../pki/cms_signed_data.js';
import type { ParsedSignedData, ParsedSignerInfo } from '../../pki/cms_signed_data.js';
import { decodeCertificate } from '../../x509/certificate.js';
import type { DigestName, SigningCertificateReference } from '../model.js';
import {
  DIGEST_OIDS,
  signatureAlgorithmOf,
  signatureAlgorithmName,
  verifySignatureWith,
} from '../algorithm_names.js';
import type { SignatureAlgorithmInfo } from '../algorithm_names.js';
import { otherRevocationOcsp, signingCertificateReference, signingTime } from '../cades/attributes.js';
import { CADES_OID } from '../cades/oids.js';

/** Adobe's signed attribute carrying CRLs and OCSP responses (ISO 32000-1 §12.8.3.3.2). */
const ADBE_REVOCATION_INFO_ARCHIVAL = '1.2.840.113583.1.1.8';

/** What {@link cmsSignatureParts} found; `problems` are format failures of the CMS. */
export interface CmsSignatureParts {
  signedData: ParsedSignedData;
  signerInfo: ParsedSignerInfo;
  /** The digest algorithm (sha256 when unknown, with a problem noted). */
  digestAlgorithm: DigestName;
  /** The signature algorithm's policy name (`ecdsa-with-SHA256`, ...), or its OID when unknown. */
  signatureAlgorithm: string;
  /** The message-digest attribute's value. */
  messageDigest?: Buffer;
  signingCertificateReference?: SigningCertificateReference;
  /** The signing-time attribute (not allowed in PAdES baseline signatures, EN 319 142-1 §6.3). */
  signingTime?: Date;
  /** signature-time-stamp tokens (unsigned attributes). */
  signatureTimeStamps: Buffer[];
  certificates: Buffer[];
  crls: Buffer[];
  ocspResponses: Buffer[];
  problems: string[];
  /** True when `certDer` is the certificate the SignerInfo's sid names. */
  namesSigner(certDer: Buffer): boolean;
  /**
   * Verifies the signature value with `key` (over the signed attributes, or over the content
   * streamed by `content` when there are none); the result is kept per key.
   */
  verify(key: KeyObject, content?: () => AsyncIterable<Buffer>): Promise<boolean>;
}

function attempt<T>(problems: string[], fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
    return fallback;
  }
}

/** RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRL, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse, ... } */
function adobeRevocation(si: ParsedSignerInfo): { crls: Buffer[]; ocsp: Buffer[] } {
  const out = { crls: [] as Buffer[], ocsp: [] as Buffer[] };
  for (const der of si.signedAttributes.get(ADBE_REVOCATION_INFO_ARCHIVAL) ?? []) {
    for (const field of childrenOf(der, elementAt(der, 0))) {
      const [list] = childrenOf(der, field);
      const items = list?.tag === 0x30 ? childrenOf(der, list).map((x) => slice(der, x)) : [];
      if (field.tag === 0xa0) out.crls.push(...items);
      if (field.tag === 0xa1) out.ocsp.push(...items);
    }
  }
  return out;
}

function namesSignerOf(si: ParsedSignerInfo, certDer: Buffer): boolean {
  try {
    const c = decodeCertificate(certDer);
    if (si.sidKeyIdentifier) {
      const ski = c.extensions.subjectKeyIdentifier?.keyId;
      return ski !== undefined && Buffer.from(ski).equals(si.sidKeyIdentifier);
    }
    return si.sidIssuerDer?.equals(c.issuer.der) === true && si.sidSerial === c.serialHex;
  } catch {
    return false;
  }
}

function messageDigestOf(si: ParsedSignerInfo): Buffer | undefined {
  const md = si.signedAttributes.get(CMS_OID.messageDigest);
  if (md?.length !== 1) return undefined;
  const el = elementAt(md[0]!, 0);
  return el.tag === 0x04 && el.end === md[0]!.length ? md[0]!.subarray(el.start) : undefined;
}

/** RFC 5652 §5.3: with signed attributes, content-type (= eContentType) and message-digest are required. */
function attributeProblems(
  sd: ParsedSignedData,
  si: ParsedSignerInfo,
  messageDigest: Buffer | undefined,
): string[] {
  if (!si.signedAttrsDer) return [];
  const out: string[] = [];
  if (!messageDigest) out.push('the message-digest attribute is missing or malformed');
  const type = si.signedAttributes.get(CMS_OID.contentType);
  if (type?.length !== 1 || !type[0]!.equals(DER.oid(sd.eContentType)))
    out.push('the content-type attribute is missing or differs from eContentType');
  return out;
}

async function verifyContent(
  alg: SignatureAlgorithmInfo,
  digest: DigestName,
  key: KeyObject,
  signature: Buffer,
  content: () => AsyncIterable<Buffer>,
): Promise<boolean> {
  if (alg.key !== 'ec' && alg.key !== 'rsa') return false;
  if (key.asymmetricKeyType !== alg.key) return false;
  const v = createVerify(alg.hash ?? digest);
  for await (const chunk of content()) v.update(chunk);
  try {
    return v.verify({ key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/**
 * Parses a CMS signature and computes what validation needs from it, once.
 *
 * @param der - the ContentInfo DER (a PDF /Contents without its zero padding)
 * @returns the parts; problems of single attributes are listed in `problems`
 * @throws PkiError PKI_CMS_MALFORMED when the bytes are not a SignedData with a SignerInfo
 * @example
 * ```ts
 * const parts = cmsSignatureParts(entry.der);
 * const ok = await parts.verify(signerPublicKey); // a second call with the same key is free
 * ```
 */
export function cmsSignatureParts(der: Buffer): CmsSignatureParts {
  const sd = parseSignedData(der);
  const si = sd.signerInfos[0]!;
  const problems: string[] = [];
  const digest = DIGEST_OIDS[si.digestAlgorithm];
  const alg = signatureAlgorithmOf(si.signatureAlgorithm, si.signatureAlgorithmParams);
  if (!digest) problems.push(`unsupported digest algorithm ${si.digestAlgorithm}`);
  if (!alg) problems.push(`unsupported signature algorithm ${si.signatureAlgorithm}`);
  const digestAlgorithm = digest ?? 'sha256';
  const messageDigest = si.signedAttrsDer ? messageDigestOf(si) : undefined;
  problems.push(...attributeProblems(sd, si, messageDigest));
  const reference = attempt(problems, undefined, () => signingCertificateReference(si.signedAttributes));
  const claimed = attempt(problems, undefined, () => signingTime(si.signedAttributes));
  const adobe = attempt(problems, { crls: [], ocsp: [] }, () => adobeRevocation(si));
  const other = attempt(problems, [] as Buffer[], () => otherRevocationOcsp(sd));
  const verified = new WeakMap<KeyObject, Promise<boolean>>();
  return {
    signedData: sd,
    signerInfo: si,
    digestAlgorithm,
    signatureAlgorithm: alg ? signatureAlgorithmName(alg, digestAlgorithm) : si.signatureAlgorithm,
    ...(messageDigest ? { messageDigest } : {}),
    ...(reference ? { signingCertificateReference: reference } : {}),
    ...(claimed ? { signingTime: claimed } : {}),
    signatureTimeStamps: si.unsignedAttributes.get(CADES_OID.signatureTimeStampToken) ?? [],
    certificates: sd.certificates,
    crls: [...sd.crls, ...adobe.crls],
    ocspResponses: [...other, ...adobe.ocsp],
    problems,
    namesSigner: (cert) => namesSignerOf(si, cert),
    verify(key, content) {
      let result = verified.get(key);
      if (!result) {
        // An unknown digestAlgorithm: the signed data cannot be digested, nothing verifies (DSS).
        result =
          !alg || !digest
            ? Promise.resolve(false)
            : si.signedAttrsDer
              ? Promise.resolve(
                  verifySignatureWith(alg, digestAlgorithm, key, si.signedAttrsDer, si.signature),
                )
              : content
                ? verifyContent(alg, digestAlgorithm, key, si.signature, content)
                : Promise.resolve(false);
        verified.set(key, result);
      }
      return result;
    },
  };
}
