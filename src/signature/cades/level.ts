/** Which CAdES baseline level (ETSI EN 319 122-1 §6) an existing signature reaches, by what it holds. */
import { childrenOf, guarded } from '../../lib/der_reader.js';
import { parseSignedData } from '../../pki/cms_signed_data.js';
import type { ParsedSignedData } from '../../pki/cms_signed_data.js';
import { SignatureError } from '../errors.js';
import { CADES_OID } from './oids.js';
import type { CadesLevel } from './sign.js';

/** What {@link detectCadesLevel} found for one SignerInfo. */
export interface CadesLevelInfo {
  /** The highest baseline level whose ingredients are all present, or undefined when not even B-B. */
  level: CadesLevel | undefined;
  /** signing-certificate-v2 (or, older, signing-certificate) is a signed attribute. */
  signingCertificate: boolean;
  /** The signature-time-stamp tokens (DER). */
  signatureTimeStamps: Buffer[];
  /** Revocation data is embedded (SignedData.crls, or the revocation-values attribute). */
  revocationData: boolean;
  /** An archive-time-stamp (v3, or RFC 5126 v2) is present. */
  archiveTimeStamp: boolean;
}

/** Whether SignedData.crls holds anything, X.509 CRLs or RevocationInfoChoice `other` (RFC 5940). */
function hasCrlsField(sd: ParsedSignedData): boolean {
  const der = sd.raw.der;
  return guarded('PKI_CMS_MALFORMED', () => {
    const crls = childrenOf(der, sd.raw.signedData).find((e) => e.tag === 0xa1);
    return crls !== undefined && crls.length > 0;
  });
}

/**
 * Detects the CAdES baseline level of a SignerInfo by the attributes and data present
 * (EN 319 122-1 §6.2–§6.5): B-B needs signing-certificate(-v2) among the signed attributes; B-T
 * adds a signature-time-stamp; B-LT adds revocation data (SignedData.crls or revocation-values);
 * B-LTA adds an archive-time-stamp. Nothing is verified: the validation does that.
 *
 * @param input - the ContentInfo DER, or its parse
 * @param signerIndex - which SignerInfo (default 0)
 * @returns the level and the ingredients found
 * @throws PkiError PKI_CMS_MALFORMED for input that is not a SignedData; SignatureError
 *   USAGE_INVALID_ARGUMENT when there is no such SignerInfo
 * @example
 * ```ts
 * const { level } = detectCadesLevel(readFileSync('doc.p7s')); // 'B-T'
 * ```
 */
export function detectCadesLevel(input: Uint8Array | ParsedSignedData, signerIndex = 0): CadesLevelInfo {
  const sd = input instanceof Uint8Array ? parseSignedData(input) : input;
  const si = sd.signerInfos[signerIndex];
  if (!si) throw new SignatureError('USAGE_INVALID_ARGUMENT', `there is no SignerInfo number ${signerIndex}`);
  const signed = si.signedAttributes;
  const unsigned = si.unsignedAttributes;
  const signingCertificate =
    signed.has(CADES_OID.signingCertificateV2) || signed.has(CADES_OID.signingCertificate);
  const signatureTimeStamps = unsigned.get(CADES_OID.signatureTimeStampToken) ?? [];
  const revocationData = hasCrlsField(sd) || unsigned.has(CADES_OID.revocationValues);
  const archiveTimeStamp =
    unsigned.has(CADES_OID.archiveTimeStampV3) || unsigned.has(CADES_OID.archiveTimeStampV2);
  const steps: [CadesLevel, boolean][] = [
    ['B-B', signingCertificate],
    ['B-T', signatureTimeStamps.length > 0],
    ['B-LT', revocationData],
    ['B-LTA', archiveTimeStamp],
  ];
  let level: CadesLevel | undefined;
  for (const [name, present] of steps) {
    if (!present) break;
    level = name;
  }
  return { level, signingCertificate, signatureTimeStamps, revocationData, archiveTimeStamp };
}

/**
 * Why a CAdES signature that has a signing-certificate(-v2) attribute is not an ETSI one (EN 319
 * 122-1 §5.2.2 and EN 319 122-2 requirements (a)/(b), as EU DSS checks them before naming a
 * level): exactly one signing-certificate value, and the attribute matching its hash (the v1
 * attribute for SHA-1, v2 for any other). Empty when none applies; the level then is by content.
 *
 * @param signed - the signed attributes
 * @param referenceDigest - the hash of the signing-certificate reference, when one was read
 * @returns reasons, each making the level `NOT-ETSI` (a warning, not a failure)
 * @example
 * ```ts
 * cadesNotEtsiReasons(si.signedAttributes, 'sha1'); // ['signing-certificate-v2 with SHA-1 …'] for a v2 attribute
 * ```
 */
export function cadesNotEtsiReasons(
  signed: Map<string, Buffer[]>,
  referenceDigest: string | undefined,
): string[] {
  const v1 = signed.get(CADES_OID.signingCertificate)?.length ?? 0;
  const v2 = signed.get(CADES_OID.signingCertificateV2)?.length ?? 0;
  if (v1 + v2 === 0) return [];
  const out: string[] = [];
  if (v1 + v2 > 1) out.push('more than one signing-certificate(-v2) value');
  if (referenceDigest === 'sha1' && v1 === 0)
    out.push('signing-certificate-v2 with SHA-1: SHA-1 references use the signing-certificate attribute');
  if (referenceDigest !== undefined && referenceDigest !== 'sha1' && v2 === 0)
    out.push(`signing-certificate with ${referenceDigest}: only signing-certificate-v2 carries other hashes`);
  return out;
}
