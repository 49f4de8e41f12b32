/**
 * The archive-time-stamp-v3 message imprint of CAdES B-LTA (ETSI EN 319 122-1 §5.5.2, §5.5.3):
 * the ats-hash-index-v3 (hashes of every certificate, revocation value and unsigned attribute
 * value present when the time-stamp is requested) and the concatenation the time-stamp covers.
 * Also reads the older indexes (ats-hash-index of TS 101 733 v2.2.1, ats-hash-index-v2) so that
 * existing archive time-stamps can be checked.
 */
import { createHash } from 'node:crypto';
import * as DER from '../../lib/der.js';
import { childrenOf, fail, guarded, topElement } from '../../lib/der_reader.js';
import { algorithmAt } from '../../lib/der_cursor.js';
import { parseSignedData } from '../../pki/cms_signed_data.js';
import { parseTimeStampToken } from '../../timestamp/token.js';
import { IMPRINT_HASHES } from '../../timestamp/tsp.js';
import { SignatureError } from '../errors.js';
import { readRawSignedData } from './archive_signed_data.js';
import type { RawAttribute, RawSignedData, RawSignerInfo } from './archive_signed_data.js';
import { CADES_OID } from './oids.js';

/** The ats-hash-index attribute types, newest first. */
export const ATS_HASH_INDEX_OID = {
  /** id-aa-ATSHashIndexV3 (EN 319 122-1 §5.5.2): attribute values hashed one by one with their type. */
  v3: '0.4.0.19122.1.5',
  /** id-aa-ATSHashIndexV2 (EN 319 122-1 V1.0.0): whole attributes hashed. */
  v2: '0.4.0.19122.1.4',
  /** id-aa-ATSHashIndex (TS 101 733 V2.2.1 §6.4.2): whole attributes hashed, algorithm DEFAULT sha256. */
  v1: '0.4.0.1733.2.5',
} as const;

/** Which ats-hash-index an archive time-stamp carries. */
export type AtsHashIndexVersion = keyof typeof ATS_HASH_INDEX_OID;

/** The recomputed imprint of one archive-time-stamp-v3 and what is wrong with its index. */
export interface ArchiveTimestampImprint {
  /** The digest the token's message imprint must equal. */
  digest: Buffer;
  /** Its hash algorithm (node:crypto name). */
  hash: string;
  /** The ats-hash-index version found in the token. */
  version: AtsHashIndexVersion;
  /**
   * EN 319 122-1 §5.5.2: entries of the index naming nothing in the signature (the index is then
   * invalid even when the imprint matches). Empty when every entry is found.
   */
  problems: string[];
}

const HASH_OID: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(IMPRINT_HASHES).map(([oid, h]) => [h.name, oid]),
);

function digestOf(hash: string, ...parts: Buffer[]): Buffer {
  const h = createHash(hash);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** §5.5.2: one hash per value, over attrType || AttributeValue (v3); whole Attribute before (v1, v2). */
function attributeHashes(a: RawAttribute, hash: string, version: AtsHashIndexVersion): Buffer[] {
  return version === 'v3' ? a.values.map((v) => digestOf(hash, a.typeDer, v)) : [digestOf(hash, a.der)];
}

function signerOf(raw: RawSignedData, signerIndex: number): RawSignerInfo {
  const si = raw.signerInfos[signerIndex];
  if (!si) throw new SignatureError('USAGE_INVALID_ARGUMENT', `there is no SignerInfo number ${signerIndex}`);
  return si;
}

/**
 * Builds the ats-hash-index-v3 value (EN 319 122-1 §5.5.2) for the signature as it is now:
 * `hashIndAlgorithm` (always present in v3), the hash of each CertificateChoices of
 * SignedData.certificates, of each RevocationInfoChoice of SignedData.crls, and of each
 * attrType || AttributeValue of the SignerInfo's unsigned attributes, in order of appearance.
 *
 * @param raw - the SignedData read by `readRawSignedData`
 * @param signerIndex - which SignerInfo
 * @param hash - the hash of the archive time-stamp's message imprint (the index must use the same)
 * @returns the ATSHashIndexV3 DER
 * @throws SignatureError USAGE_INVALID_ARGUMENT for an unknown hash or SignerInfo
 * @example
 * ```ts
 * const index = buildAtsHashIndexV3(readRawSignedData(lt), 0, 'sha256');
 * ```
 */
export function buildAtsHashIndexV3(raw: RawSignedData, signerIndex: number, hash: string): Buffer {
  const oid = HASH_OID[hash];
  if (!oid) throw new SignatureError('USAGE_INVALID_ARGUMENT', `no hash algorithm ${hash}`);
  const si = signerOf(raw, signerIndex);
  const list = (digests: Buffer[]): Buffer => DER.seq(...digests.map((d) => DER.octets(d)));
  return DER.seq(
    DER.seq(DER.oid(oid)),
    list(raw.certificates.map((c) => digestOf(hash, c))),
    list(raw.crls.map((c) => digestOf(hash, c))),
    list(si.unsigned.flatMap((a) => attributeHashes(a, hash, 'v3'))),
  );
}

function contentDigest(raw: RawSignedData, hash: string, detachedContent?: Uint8Array): Buffer {
  if (raw.eContent) return digestOf(hash, raw.eContent);
  if (detachedContent) return digestOf(hash, Buffer.from(detachedContent));
  throw new SignatureError(
    'USAGE_INVALID_ARGUMENT',
    'the signature is detached: the archive time-stamp covers the document, give it',
  );
}

/**
 * The archive-time-stamp-v3 message imprint (EN 319 122-1 §5.5.3): the hash of the concatenation
 * of eContentType, the hash of the signed content, the SignerInfo fields version, sid,
 * digestAlgorithm, signedAttrs, signatureAlgorithm and signature (exact TLVs, in order), and the
 * ats-hash-index(-v3) value.
 *
 * @param raw - the SignedData read by `readRawSignedData`
 * @param signerIndex - which SignerInfo
 * @param indexDer - the ats-hash-index value DER
 * @param hash - the imprint hash
 * @param detachedContent - the document of a detached signature
 * @returns the digest to time-stamp
 * @throws SignatureError USAGE_INVALID_ARGUMENT for a detached signature without its document
 * @example
 * ```ts
 * const digest = archiveImprintDigest(raw, 0, buildAtsHashIndexV3(raw, 0, 'sha256'), 'sha256');
 * ```
 */
export function archiveImprintDigest(
  raw: RawSignedData,
  signerIndex: number,
  indexDer: Buffer,
  hash: string,
  detachedContent?: Uint8Array,
): Buffer {
  const si = signerOf(raw, signerIndex);
  const content = contentDigest(raw, hash, detachedContent);
  return digestOf(hash, raw.eContentTypeDer, content, ...si.signedFields, indexDer);
}

interface ParsedIndex {
  version: AtsHashIndexVersion;
  der: Buffer;
  hash: string;
  certificates: Buffer[];
  crls: Buffer[];
  unsigned: Buffer[];
}

function parseIndexValue(version: AtsHashIndexVersion, der: Buffer): ParsedIndex {
  return guarded('PKI_CMS_MALFORMED', () => {
    const items = childrenOf(der, topElement(der, 0x30, 'ATSHashIndex'));
    if (items.length !== 3 && items.length !== 4) fail('ATSHashIndex has neither 3 nor 4 fields');
    if (items.length === 3 && version !== 'v1') fail(`ats-hash-index-${version} needs hashIndAlgorithm`);
    const algOid = items.length === 4 ? algorithmAt(der, items[0]!).oid : HASH_OID['sha256']!;
    const hash = IMPRINT_HASHES[algOid]?.name ?? fail(`unsupported hashIndAlgorithm ${algOid}`);
    const lists = items.slice(-3).map((l) => {
      if (l.tag !== 0x30) fail('a hash index is not a SEQUENCE');
      return childrenOf(der, l).map((o) =>
        o.tag === 0x04 ? der.subarray(o.start, o.end) : fail('not OCTET STRING'),
      );
    });
    return { version, der, hash, certificates: lists[0]!, crls: lists[1]!, unsigned: lists[2]! };
  });
}

/** The ats-hash-index carried in the unsigned attributes of an archive time-stamp token. */
function indexOfToken(token: Buffer): ParsedIndex {
  const unsigned = parseTimeStampToken(token).signerInfo.unsignedAttributes;
  for (const version of ['v3', 'v2', 'v1'] as const) {
    const values = unsigned.get(ATS_HASH_INDEX_OID[version]);
    if (!values) continue;
    if (values.length !== 1)
      throw new SignatureError('PKI_CMS_MALFORMED', 'the ats-hash-index attribute has not one value');
    return parseIndexValue(version, values[0]!);
  }
  throw new SignatureError('PKI_CMS_MALFORMED', 'the archive time-stamp carries no ats-hash-index');
}

/** Certificates and revocation values of the time-stamp tokens (for the "outside" diagnosis). */
function tokenContents(si: RawSignerInfo): { certificates: Buffer[]; crls: Buffer[] } {
  const out = { certificates: [] as Buffer[], crls: [] as Buffer[] };
  const types = new Set<string>([CADES_OID.signatureTimeStampToken, CADES_OID.archiveTimeStampV3]);
  for (const a of si.unsigned.filter((u) => types.has(u.type)))
    for (const v of a.values) {
      try {
        const sd = parseSignedData(v);
        out.certificates.push(...sd.certificates);
        out.crls.push(...sd.crls);
      } catch {
        // an unreadable token is diagnosed by its own validation
      }
    }
  return out;
}

function missing(
  what: string,
  entries: Buffer[],
  present: Buffer[],
  elsewhere: Buffer[],
  hash: string,
): string[] {
  const inside = new Set(present.map((p) => digestOf(hash, p).toString('hex')));
  const outside = new Set(elsewhere.map((p) => digestOf(hash, p).toString('hex')));
  const problems: string[] = [];
  for (const e of entries) {
    const hex = e.toString('hex');
    if (inside.has(hex)) continue;
    problems.push(
      outside.has(hex)
        ? `the index names ${what} present outside of SignedData (${hex.slice(0, 16)}…)`
        : `the index names ${what} not found in the signature (${hex.slice(0, 16)}…)`,
    );
  }
  return problems;
}

function indexProblems(raw: RawSignedData, si: RawSignerInfo, index: ParsedIndex): string[] {
  const elsewhere = tokenContents(si);
  const hash = index.hash;
  const attributeDigests = new Set(
    si.unsigned.flatMap((a) => attributeHashes(a, hash, index.version)).map((d) => d.toString('hex')),
  );
  return [
    ...missing('a certificate', index.certificates, raw.certificates, elsewhere.certificates, hash),
    ...missing('revocation data', index.crls, raw.crls, elsewhere.crls, hash),
    ...index.unsigned
      .filter((u) => !attributeDigests.has(u.toString('hex')))
      .map((u) => `the index names an unsigned attribute not found (${u.toString('hex').slice(0, 16)}…)`),
  ];
}

/** The `atsIndex`-th archive-time-stamp-v3 token of a SignerInfo (counting from 0, in order). */
function archiveTokenOf(si: RawSignerInfo, atsIndex: number): Buffer {
  const tokens = si.unsigned.filter((a) => a.type === CADES_OID.archiveTimeStampV3).flatMap((a) => a.values);
  const token = tokens[atsIndex];
  if (!token)
    throw new SignatureError(
      'USAGE_INVALID_ARGUMENT',
      `there is no archive-time-stamp-v3 number ${atsIndex}`,
    );
  return token;
}

/**
 * Recomputes the message imprint of an existing archive-time-stamp-v3 (EN 319 122-1 §5.5.3) from
 * the ats-hash-index(-v3) its token carries, and checks that index (§5.5.2): every entry must
 * name a certificate of SignedData.certificates, a RevocationInfoChoice of SignedData.crls or an
 * unsigned attribute (value) of the SignerInfo. The validator compares `digest` with the token's
 * message imprint; `problems` non-empty means the index is invalid.
 *
 * @param cms - the ContentInfo DER
 * @param signerIndex - which SignerInfo
 * @param atsIndex - which archive-time-stamp-v3 of it, in order of appearance (0 = first)
 * @param hash - the imprint hash (default: the token's message imprint algorithm)
 * @param detachedContent - the document of a detached signature
 * @returns the digest, its hash, the index version and the index problems
 * @throws PkiError PKI_CMS_MALFORMED for input that is not a SignedData or a token without a
 *   readable index; TimestampError TSP_TOKEN_MALFORMED; SignatureError USAGE_INVALID_ARGUMENT
 *   when there is no such time-stamp or a detached document is missing
 * @example
 * ```ts
 * const { digest, problems } = archiveTimestampImprint(p7m, 0, 1);
 * ```
 */
export function archiveTimestampImprint(
  cms: Uint8Array,
  signerIndex: number,
  atsIndex: number,
  hash?: string,
  detachedContent?: Uint8Array,
): ArchiveTimestampImprint {
  const raw = readRawSignedData(cms);
  const si = signerOf(raw, signerIndex);
  const token = archiveTokenOf(si, atsIndex);
  const index = indexOfToken(token);
  const imprintHash = hash ?? parseTimeStampToken(token).messageImprint.hash;
  if (!HASH_OID[imprintHash])
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `no hash algorithm ${imprintHash}`);
  return {
    digest: archiveImprintDigest(raw, signerIndex, index.der, imprintHash, detachedContent),
    hash: imprintHash,
    version: index.version,
    problems: indexProblems(raw, si, index),
  };
}
