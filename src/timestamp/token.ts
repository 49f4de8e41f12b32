/** RFC 3161 time-stamp tokens: parsing and verification (RFC 3161 §2.4.2, RFC 5816, ETSI EN 319 422). */
import { createHash } from 'node:crypto';
import { childrenOf, fail, topElement } from '../lib/der_reader.js';
import { parseCertificate } from '../x509/certificate_info.js';
import { CMS_OID, parseSignedData, verifySignerInfo } from '../pki/cms_signed_data.js';
import type { ParsedSignedData, ParsedSignerInfo } from '../pki/cms_signed_data.js';
import type { HashAlgorithm } from '../pki/key_store.js';
import { algorithmAt, cursor, integerAt, serialHex } from '../lib/der_cursor.js';
import { TimestampError } from './errors.js';
import { IMPRINT_HASHES, TSP_OID, checkTimeStampingCertificate } from './tsp.js';
import { parseTstInfo } from './tst_info.js';
import type { TstInfo } from './tst_info.js';

/**
 * A parsed time-stamp token: the TSTInfo fields, the TSA certificate when the token carries it
 * (the one its SignerInfo names), the SignerInfo and SignedData, the exact TSTInfo DER, and `raw`,
 * the token DER.
 */
export interface TimeStampToken extends TstInfo {
  tsaCertificate?: Buffer;
  signerInfo: ParsedSignerInfo;
  signedData: ParsedSignedData;
  tstInfoDer: Buffer;
  raw: Buffer;
}

/** Options of {@link verifyTimeStampToken}. */
export interface VerifyTimeStampOptions {
  /** Digest of the time-stamped data. */
  digest: Uint8Array;
  /** Its hash algorithm. */
  hash: HashAlgorithm;
  /** The TSA certificate; by default the one the token carries. */
  tsaCertificate?: Buffer;
}

function detail(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function names(si: ParsedSignerInfo, certDer: Buffer): boolean {
  try {
    const { issuerDer, serial } = parseCertificate(certDer);
    return si.sidIssuerDer?.equals(issuerDer) === true && si.sidSerial === serial;
  } catch {
    return false;
  }
}

/**
 * Parses a TimeStampToken (a ContentInfo with SignedData over a TSTInfo). Nothing is verified.
 *
 * @param tokenDer - the token DER (as in a TimeStampResp, or a CAdES signature-time-stamp)
 * @returns the TSTInfo fields, the TSA certificate if carried, the SignerInfo and exact bytes
 * @throws TimestampError 'TSP_TOKEN_MALFORMED'
 * @example
 * ```ts
 * const { genTime, serialNumber, policy } = parseTimeStampToken(token);
 * ```
 */
export function parseTimeStampToken(tokenDer: Uint8Array): TimeStampToken {
  try {
    const signedData = parseSignedData(tokenDer);
    const tstInfoDer = signedData.eContent;
    if (signedData.eContentType !== TSP_OID.tstInfo || !tstInfoDer) return fail('content is not a TSTInfo');
    if (signedData.signerInfos.length !== 1) fail('a time-stamp token has exactly one SignerInfo');
    const tstInfo = parseTstInfo(tstInfoDer);
    if (tstInfo.version !== 1) fail(`TSTInfo version ${tstInfo.version}`);
    const signerInfo = signedData.signerInfos[0]!;
    const tsaCertificate = signedData.certificates.find((c) => names(signerInfo, c));
    return {
      ...tstInfo,
      ...(tsaCertificate ? { tsaCertificate } : {}),
      signerInfo,
      signedData,
      tstInfoDer,
      raw: signedData.raw.der,
    };
  } catch (e) {
    throw new TimestampError('TSP_TOKEN_MALFORMED', `not an RFC 3161 time-stamp token: ${detail(e)}`, {
      cause: e,
    });
  }
}

/** The first ESSCertID(v2) of the signingCertificateV2 (or, from older TSAs, signingCertificate) attribute. */
function essCertId(si: ParsedSignerInfo): { hash: string; certHash: Buffer; issuerSerial?: Buffer } {
  const v2 = si.signedAttributes.get(TSP_OID.signingCertificateV2);
  const values = v2 ?? si.signedAttributes.get(TSP_OID.signingCertificate);
  const value = values?.length === 1 ? values[0]! : undefined;
  if (!value)
    throw new TimestampError(
      'TSP_CERTIFICATE_INVALID',
      'no signingCertificateV2 attribute (EN 319 422 §5.2)',
    );
  try {
    const certs = cursor(value, topElement(value, 0x30, 'SigningCertificate')).take(0x30, 'certs');
    const c = cursor(value, cursor(value, certs).take(0x30, 'ESSCertID'));
    const alg = v2 ? c.optional(0x30) : undefined;
    const hashOid = alg ? algorithmAt(value, alg).oid : v2 ? CMS_OID.sha256 : '1.3.14.3.2.26';
    const certHash = c.take(0x04, 'certHash');
    const issuerSerial = c.optional(0x30);
    c.end('ESSCertID');
    const hash = IMPRINT_HASHES[hashOid]?.name ?? fail(`unsupported ESSCertID hash ${hashOid}`);
    return {
      hash,
      certHash: value.subarray(certHash.start, certHash.end),
      ...(issuerSerial ? { issuerSerial: value.subarray(issuerSerial.offset, issuerSerial.end) } : {}),
    };
  } catch (e) {
    throw new TimestampError('TSP_TOKEN_MALFORMED', `bad signingCertificate attribute: ${detail(e)}`, {
      cause: e,
    });
  }
}

/** Whether an IssuerSerial (GeneralNames with the directoryName, serialNumber) names the certificate. */
function issuerSerialNames(der: Buffer, certDer: Buffer): boolean {
  const { issuerDer, serial } = parseCertificate(certDer);
  try {
    const c = cursor(der, topElement(der, 0x30, 'IssuerSerial'));
    const generalNames = c.take(0x30, 'issuer');
    const sn = serialHex(integerAt(der, c.take(0x02, 'serialNumber')));
    const dirNames = childrenOf(der, generalNames).filter((n) => n.tag === 0xa4);
    return sn === serial && dirNames.some((n) => der.subarray(n.start, n.end).equals(issuerDer));
  } catch {
    return false;
  }
}

function checkSigningCertificate(si: ParsedSignerInfo, certDer: Buffer): void {
  const id = essCertId(si);
  const hashOk = createHash(id.hash).update(certDer).digest().equals(id.certHash);
  if (!hashOk || (id.issuerSerial !== undefined && !issuerSerialNames(id.issuerSerial, certDer)))
    throw new TimestampError('TSP_CERTIFICATE_INVALID', 'the ESSCertIDv2 does not match the TSA certificate');
}

/**
 * Verifies a time-stamp token over data: the message imprint is the data's digest, the TSA
 * certificate (given, or carried in the token) is the one the SignerInfo names, the signature and
 * messageDigest verify, the ESSCertIDv2 (or ESSCertID) matches the certificate, the certificate has
 * the critical id-kp-timeStamping extended key usage (RFC 3161 §2.3) and was valid at genTime.
 * Whether the certificate is trusted (its path, its revocation) is for the caller to check.
 *
 * @param tokenDer - the TimeStampToken DER
 * @param options - the data's digest and hash, and optionally the TSA certificate
 * @returns the parsed token
 * @throws TimestampError 'TSP_TOKEN_MALFORMED', imprintMismatch, certificateInvalid, signatureInvalid
 * @example
 * ```ts
 * const { genTime } = verifyTimeStampToken(token, { digest: createHash('sha256').update(doc).digest(), hash: 'sha256' });
 * ```
 */
export function verifyTimeStampToken(tokenDer: Uint8Array, options: VerifyTimeStampOptions): TimeStampToken {
  const token = parseTimeStampToken(tokenDer);
  const { hash, digest } = token.messageImprint;
  if (hash !== options.hash || !digest.equals(Buffer.from(options.digest)))
    throw new TimestampError('TSP_IMPRINT_MISMATCH', 'the time-stamp token is over other data');
  const cert = options.tsaCertificate ?? token.tsaCertificate;
  if (!cert) throw new TimestampError('TSP_CERTIFICATE_INVALID', 'no TSA certificate in the token or given');
  if (!names(token.signerInfo, cert))
    throw new TimestampError('TSP_CERTIFICATE_INVALID', 'the token is not signed with this TSA certificate');
  try {
    verifySignerInfo(token.signerInfo, cert, { content: token.tstInfoDer, eContentType: TSP_OID.tstInfo });
  } catch (e) {
    throw new TimestampError('TSP_SIGNATURE_INVALID', `the token does not verify: ${detail(e)}`, {
      cause: e,
    });
  }
  checkSigningCertificate(token.signerInfo, cert);
  checkTimeStampingCertificate(cert);
  const { notBefore, notAfter } = parseCertificate(cert);
  if (token.genTime < notBefore || token.genTime > notAfter)
    throw new TimestampError('TSP_CERTIFICATE_INVALID', 'genTime is outside the TSA certificate validity');
  return token;
}
