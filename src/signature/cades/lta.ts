/**
 * CAdES baseline B-LTA (ETSI EN 319 122-1 §6.5, §5.5.3): a B-LT whose validation material is
 * protected by an archive-time-stamp-v3 with its ats-hash-index-v3, renewable by adding further
 * archive time-stamps over the previous ones. Also the step to B-LT from any lower level that
 * `trustbridge extend` needs. The core does no I/O: TSA transport and revocation fetcher are passed in.
 */
import { createHash } from 'node:crypto';
import * as DER from '../../lib/der.js';
import { issuerAndSerialOf } from '../../pki/cms_signed_data.js';
import type { HashAlgorithm } from '../../pki/key_store.js';
import { requestTimeStamp } from '../../timestamp/client.js';
import { parseTimeStampToken } from '../../timestamp/token.js';
import { SignatureError } from '../errors.js';
import { ATS_HASH_INDEX_OID, archiveImprintDigest, buildAtsHashIndexV3 } from './archive_hash_index.js';
import { appendToSignedData, readRawSignedData } from './archive_signed_data.js';
import type { RawSignedData, RawSignerInfo } from './archive_signed_data.js';
import { gatherValidationData } from './archive_validation_data.js';
import type { ValidationData, ValidationTarget } from './archive_validation_data.js';
import type { ValidationDataParams } from './collect_validation_data.js';
import { CADES_OID } from './oids.js';
import type { TsaEndpoint } from './sign.js';
import { addUnsignedAttribute, ocspRevocationInfoChoice } from './signed_data_editor.js';

/** Inputs of {@link extendToLta} and {@link completeToLt}. */
export interface CadesLtaParams extends ValidationDataParams {
  /** The TSA of the archive time-stamp (and of a missing signature time-stamp). */
  tsa?: TsaEndpoint;
  /** The document of a detached signature: the archive time-stamp covers its hash (§5.5.3 item 2). */
  detachedContent?: Uint8Array;
  /** More certificates to build paths from (e.g. the signer's chain when the CMS lacks it). */
  chain?: Buffer[];
  /** Which SignerInfo (default 0). */
  signerIndex?: number;
  /** Hash of the time-stamp message imprints and of the ats-hash-index-v3 (default sha256). */
  imprintHash?: HashAlgorithm;
}

const OCSP_RI_OID_DER = DER.oid(CADES_OID.ocspResponseRevocationInfo);

function signerOf(raw: RawSignedData, index: number): RawSignerInfo {
  const si = raw.signerInfos[index];
  if (!si) throw new SignatureError('USAGE_INVALID_ARGUMENT', `there is no SignerInfo number ${index}`);
  return si;
}

/** The certificate named by the SignerInfo's IssuerAndSerialNumber sid (RFC 5652 §5.3). */
function signerCertificate(raw: RawSignedData, si: RawSignerInfo): Buffer {
  const sid = si.signedFields[1]!;
  const found = raw.certificates.find((c) => {
    if (c[0] !== 0x30) return false;
    try {
      const { issuerDer, serialDer } = issuerAndSerialOf(c);
      return DER.seq(issuerDer, serialDer).equals(sid);
    } catch {
      return false;
    }
  });
  if (!found)
    throw new SignatureError('PKI_CMS_MALFORMED', 'the SignedData does not carry the signer certificate');
  return found;
}

/** What SignedData.certificates and .crls hold already (RFC 5940 OCSP responses unwrapped). */
function embedded(raw: RawSignedData): ValidationData {
  const ocspResponses = raw.crls
    .filter((c) => c[0] === 0xa1)
    .map((c) => c.subarray(c.length - DER.readHeader(c).length))
    .filter((body) => body.subarray(0, OCSP_RI_OID_DER.length).equals(OCSP_RI_OID_DER))
    .map((body) => body.subarray(OCSP_RI_OID_DER.length));
  return {
    certificates: raw.certificates.filter((c) => c[0] === 0x30),
    ocspResponses,
    crls: raw.crls.filter((c) => c[0] === 0x30),
  };
}

function tokensOf(si: RawSignerInfo, type: string): Buffer[] {
  return si.unsigned.filter((a) => a.type === type).flatMap((a) => a.values);
}

/** Validation-data targets: the signer, each signature time-stamp's TSA, the last archive one's TSA. */
function targetsOf(raw: RawSignedData, si: RawSignerInfo): { targets: ValidationTarget[]; pool: Buffer[] } {
  const targets: ValidationTarget[] = [{ leaf: signerCertificate(raw, si), required: true }];
  const pool: Buffer[] = [];
  const add = (token: Buffer, after?: Date): void => {
    const t = parseTimeStampToken(token);
    pool.push(...t.signedData.certificates);
    if (t.tsaCertificate)
      targets.push({ leaf: t.tsaCertificate, required: false, ...(after ? { after } : {}) });
  };
  for (const token of tokensOf(si, CADES_OID.signatureTimeStampToken)) add(token);
  const archives = tokensOf(si, CADES_OID.archiveTimeStampV3);
  for (const token of archives.slice(0, -1)) add(token);
  // EN 319 122-1 §5.5.3: before renewing, the previous archive time-stamp's validation data is
  // added, issued after it (so it shows the TSA certificate was good when it time-stamped).
  const last = archives[archives.length - 1];
  if (last) add(last, parseTimeStampToken(last).genTime);
  return { targets, pool };
}

async function addSignatureTimeStamp(cms: Buffer, p: CadesLtaParams, index: number): Promise<Buffer> {
  if (!p.tsa)
    throw new SignatureError(
      'USAGE_INVALID_ARGUMENT',
      'the signature has no signature time-stamp (it is B-B): a time-stamping authority is needed',
    );
  const signatureTlv = signerOf(readRawSignedData(cms), index).signedFields.at(-1)!;
  const value = signatureTlv.subarray(signatureTlv.length - DER.readHeader(signatureTlv).length);
  const hash = p.imprintHash ?? 'sha256';
  const token = await requestTimeStamp(
    p.tsa.url,
    createHash(hash).update(value).digest(),
    hash,
    p.tsa.transport,
    {
      ...(p.tsa.certificate ? { tsaCertificate: p.tsa.certificate } : {}),
    },
  );
  return appendToSignedData(cms, {
    signerIndex: index,
    unsignedAttributes: [{ type: CADES_OID.signatureTimeStampToken, values: [token] }],
  });
}

/**
 * Brings a CAdES signature to B-LT (EN 319 122-1 §6.4) whatever its level: adds a signature
 * time-stamp when there is none (needs `tsa`), then the certificate paths of the signer and of
 * every time-stamping unit and revocation data for each certificate not yet covered; for a B-LTA,
 * fresh validation data for its last archive time-stamp. Signed bytes are never touched.
 *
 * @param cms - a CAdES B-B, B-T, B-LT or B-LTA (ContentInfo DER)
 * @param p - fetcher and OCSP options, TSA, extra chain certificates, SignerInfo index
 * @returns the CAdES with its validation data
 * @throws SignatureError USAGE_INVALID_ARGUMENT for a B-B without `tsa`, REV_* / PATH_REVOKED when
 *   revocation data cannot be obtained or says revoked; PkiError PKI_CMS_MALFORMED for input that is
 *   not a CMS SignedData with its signer certificate; TimestampError TSP_*
 * @example
 * ```ts
 * const lt = await completeToLt(bb, { tsa: { url, transport }, fetcher: httpRevocationFetcher() });
 * ```
 */
export async function completeToLt(cms: Uint8Array, p: CadesLtaParams): Promise<Buffer> {
  const index = p.signerIndex ?? 0;
  let current: Buffer = Buffer.from(cms);
  if (tokensOf(signerOf(readRawSignedData(current), index), CADES_OID.signatureTimeStampToken).length === 0)
    current = await addSignatureTimeStamp(current, p, index);
  const raw = readRawSignedData(current);
  const have = embedded(raw);
  const { targets, pool } = targetsOf(raw, signerOf(raw, index));
  const added = await gatherValidationData(
    targets,
    [...have.certificates, ...(p.chain ?? []), ...pool],
    have,
    p,
  );
  return appendToSignedData(current, {
    certificates: [...(p.chain ?? []), ...added.certificates, ...pool],
    revocationInfoChoices: [...added.ocspResponses.map(ocspRevocationInfoChoice), ...added.crls],
  });
}

/**
 * Extends a CAdES signature to B-LTA (EN 319 122-1 §6.5): {@link completeToLt}, then an
 * archive-time-stamp-v3 (§5.5.3) over eContentType, the content hash, the SignerInfo's signed
 * fields and a fresh ats-hash-index-v3 (§5.5.2, put in the time-stamp token's unsigned
 * attributes). On a B-LTA it renews: the new archive time-stamp covers the previous ones.
 *
 * @param cms - a CAdES at any level (ContentInfo DER)
 * @param p - TSA (required), fetcher, the document when detached, extra chain, imprint hash
 * @returns the CAdES B-LTA
 * @throws SignatureError USAGE_INVALID_ARGUMENT without a TSA or for a detached signature
 *   without its document; as {@link completeToLt}
 * @example
 * ```ts
 * const lta = await extendToLta(lt, { tsa: { url, transport }, fetcher: httpRevocationFetcher() });
 * const renewed = await extendToLta(lta, { tsa: { url, transport }, fetcher: httpRevocationFetcher() });
 * ```
 */
export async function extendToLta(cms: Uint8Array, p: CadesLtaParams): Promise<Buffer> {
  const tsa = p.tsa;
  if (!tsa) throw new SignatureError('USAGE_INVALID_ARGUMENT', 'CAdES B-LTA needs a time-stamping authority');
  const index = p.signerIndex ?? 0;
  const first = readRawSignedData(cms);
  if (!first.eContent && !p.detachedContent)
    throw new SignatureError(
      'USAGE_INVALID_ARGUMENT',
      'the signature is detached: the archive time-stamp covers the document, give it',
    );
  const lt = await completeToLt(cms, p);
  const raw = readRawSignedData(lt);
  const hash = p.imprintHash ?? 'sha256';
  const indexDer = buildAtsHashIndexV3(raw, index, hash);
  const digest = archiveImprintDigest(raw, index, indexDer, hash, p.detachedContent);
  const token = await requestTimeStamp(tsa.url, digest, hash, tsa.transport, {
    ...(tsa.certificate ? { tsaCertificate: tsa.certificate } : {}),
  });
  // §5.5.3: the ats-hash-index-v3 travels as an unsigned attribute of the time-stamp token.
  const archived = addUnsignedAttribute(token, { type: ATS_HASH_INDEX_OID.v3, values: [indexDer] });
  return appendToSignedData(lt, {
    signerIndex: index,
    unsignedAttributes: [{ type: CADES_OID.archiveTimeStampV3, values: [archived] }],
  });
}
