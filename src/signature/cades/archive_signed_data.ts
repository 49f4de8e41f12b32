/**
 * A raw view of a CMS SignedData for the archive levels (EN 319 122-1 §5.5.3): every part as the
 * exact bytes it has in the input, and unsigned attributes as a list in order of appearance. A
 * B-LTA renewed once carries two archive-time-stamp-v3 attributes of the same type, which the
 * general CMS parser refuses; here they are kept apart, because each one is hashed on its own in
 * the ats-hash-index-v3 of the next archive time-stamp.
 */
import * as DER from '../../lib/der.js';
import { childrenOf, fail, guarded, slice, topElement } from '../../lib/der_reader.js';
import type { DerElement } from '../../lib/der_reader.js';
import { cursor, oidAt, smallIntAt } from '../../lib/der_cursor.js';
import { CMS_OID } from '../../pki/cms_signed_data.js';
import type { CmsAttribute } from '../../pki/cms_signed_data.js';
import { SignatureError } from '../errors.js';

/** One unsigned attribute (RFC 5652 §5.3): its type and each value, as exact DER. */
export interface RawAttribute {
  type: string;
  /** The attrType OBJECT IDENTIFIER TLV. */
  typeDer: Buffer;
  /** Each AttributeValue TLV of attrValues, in order. */
  values: Buffer[];
  /** The whole Attribute SEQUENCE. */
  der: Buffer;
}

/** A SignerInfo: its fields before unsignedAttrs, and its unsigned attributes in order. */
export interface RawSignerInfo {
  /** version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature: exact TLVs in order. */
  signedFields: Buffer[];
  unsigned: RawAttribute[];
  der: Buffer;
}

/** A ContentInfo with SignedData, part by part as exact DER. */
export interface RawSignedData {
  version: number;
  digestAlgorithms: Buffer;
  encapContentInfo: Buffer;
  /** The eContentType OBJECT IDENTIFIER TLV. */
  eContentTypeDer: Buffer;
  /** The eContent octets, absent for a detached signature. */
  eContent?: Buffer;
  /** Each CertificateChoices TLV of SignedData.certificates. */
  certificates: Buffer[];
  /** Each RevocationInfoChoice TLV of SignedData.crls. */
  crls: Buffer[];
  signerInfos: RawSignerInfo[];
}

/** Upper bounds that keep hostile input cheap (counts of certificates, CRLs, attributes). */
const MAX_ITEMS = 10_000;

function bounded<T>(items: T[], what: string): T[] {
  if (items.length > MAX_ITEMS) fail(`more than ${MAX_ITEMS} ${what}`);
  return items;
}

function attributeAt(der: Buffer, el: DerElement): RawAttribute {
  if (el.tag !== 0x30) fail('bad Attribute');
  const c = cursor(der, el);
  const typeEl = c.take(0x06, 'attrType');
  const values = bounded(childrenOf(der, c.take(0x31, 'attrValues')), 'attribute values');
  c.end('Attribute');
  return {
    type: oidAt(der, typeEl),
    typeDer: slice(der, typeEl),
    values: values.map((v) => slice(der, v)),
    der: slice(der, el),
  };
}

function signerInfoAt(der: Buffer, el: DerElement): RawSignerInfo {
  if (el.tag !== 0x30) fail('bad SignerInfo');
  const items = childrenOf(der, el);
  const unsigned = items.find((i) => i.tag === 0xa1);
  if (unsigned && unsigned !== items[items.length - 1]) fail('unsignedAttrs is not the last field');
  if (items.length < 5) fail('SignerInfo has too few fields');
  return {
    signedFields: items.filter((i) => i.tag !== 0xa1).map((i) => slice(der, i)),
    unsigned: unsigned
      ? bounded(childrenOf(der, unsigned), 'attributes').map((a) => attributeAt(der, a))
      : [],
    der: slice(der, el),
  };
}

function encapAt(der: Buffer, el: DerElement): { typeDer: Buffer; eContent?: Buffer } {
  const c = cursor(der, el);
  const typeEl = c.take(0x06, 'eContentType');
  oidAt(der, typeEl);
  const wrapped = c.optional(0xa0);
  c.end('EncapsulatedContentInfo');
  if (!wrapped) return { typeDer: slice(der, typeEl) };
  const [octets, extra] = childrenOf(der, wrapped);
  if (octets?.tag !== 0x04 || extra) fail('eContent is not one primitive OCTET STRING');
  return { typeDer: slice(der, typeEl), eContent: der.subarray(octets.start, octets.end) };
}

/**
 * Reads a ContentInfo with SignedData (DER) without interpreting it: unsigned attributes of the
 * same type may repeat (EN 319 122-1 §5.5.3: one archive-time-stamp-v3 attribute per renewal).
 *
 * @param input - the ContentInfo DER
 * @returns the parts as exact DER
 * @throws PkiError PKI_CMS_MALFORMED for anything but a well-formed SignedData
 * @example
 * ```ts
 * const { signerInfos } = readRawSignedData(p7m);
 * ```
 */
export function readRawSignedData(input: Uint8Array): RawSignedData {
  return guarded('PKI_CMS_MALFORMED', () => {
    const der = Buffer.from(input);
    const c = cursor(der, topElement(der, 0x30, 'ContentInfo'));
    if (oidAt(der, c.take(0x06, 'contentType')) !== CMS_OID.signedData) fail('not id-signedData');
    const wrapper = cursor(der, c.take(0xa0, 'content'));
    c.end('ContentInfo');
    const sd = cursor(der, wrapper.take(0x30, 'SignedData'));
    wrapper.end('content');
    const version = smallIntAt(der, sd.take(0x02, 'version'));
    const digestAlgorithms = sd.take(0x31, 'digestAlgorithms');
    const encap = sd.take(0x30, 'encapContentInfo');
    const certs = sd.optional(0xa0);
    const crls = sd.optional(0xa1);
    const signerInfos = bounded(childrenOf(der, sd.take(0x31, 'signerInfos')), 'SignerInfos');
    sd.end('SignedData');
    if (signerInfos.length === 0) fail('no SignerInfo');
    const { typeDer, eContent } = encapAt(der, encap);
    const list = (el?: DerElement): Buffer[] =>
      el ? bounded(childrenOf(der, el), 'certificates or CRLs').map((x) => slice(der, x)) : [];
    return {
      version,
      digestAlgorithms: slice(der, digestAlgorithms),
      encapContentInfo: slice(der, encap),
      eContentTypeDer: typeDer,
      ...(eContent ? { eContent } : {}),
      certificates: list(certs),
      crls: list(crls),
      signerInfos: signerInfos.map((s) => signerInfoAt(der, s)),
    };
  });
}

/** What {@link appendToSignedData} adds. */
export interface RawAdditions {
  /** The SignerInfo that gets `unsignedAttributes` (default 0). */
  signerIndex?: number;
  /** Appended after the existing unsigned attributes; a type may repeat. */
  unsignedAttributes?: CmsAttribute[];
  /** Certificates (DER) appended to SignedData.certificates unless already there. */
  certificates?: Buffer[];
  /** RevocationInfoChoice TLVs appended to SignedData.crls unless already there. */
  revocationInfoChoices?: Buffer[];
}

function appendUnique(existing: Buffer[], added: Buffer[] = []): Buffer[] {
  const out = [...existing];
  for (const a of added) if (!out.some((o) => o.equals(a))) out.push(a);
  return out;
}

function withUnsigned(si: RawSignerInfo, attrs: CmsAttribute[]): Buffer {
  // Appended, not DER-sorted: EN 319 122-1 §5.5.3 hashes unsigned attributes as they appear, and
  // the bytes of the earlier ones must stay those an earlier archive time-stamp indexed.
  const added = attrs.map((a) => DER.seq(DER.oid(a.type), DER.setOf(...a.values)));
  const unsigned = DER.implicitConstructed(1, Buffer.concat([...si.unsigned.map((u) => u.der), ...added]));
  return DER.seq(...si.signedFields, unsigned);
}

/**
 * Re-encodes a SignedData with additions; everything signed is copied byte for byte. Adding a
 * RevocationInfoChoice `other` raises the version to 5 (RFC 5652 §5.1).
 *
 * @param input - the ContentInfo DER
 * @param add - unsigned attributes (repeatable), certificates, revocation information
 * @returns the new ContentInfo DER
 * @throws PkiError PKI_CMS_MALFORMED for input that is not a SignedData; SignatureError
 *   USAGE_INVALID_ARGUMENT when there is no such SignerInfo
 * @example
 * ```ts
 * const lta = appendToSignedData(lt, { unsignedAttributes: [{ type: CADES_OID.archiveTimeStampV3, values: [token] }] });
 * ```
 */
export function appendToSignedData(input: Uint8Array, add: RawAdditions): Buffer {
  const raw = readRawSignedData(input);
  const index = add.signerIndex ?? 0;
  if (!raw.signerInfos[index])
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `there is no SignerInfo number ${index}`);
  const signerInfos = raw.signerInfos.map((si, i) =>
    i === index && add.unsignedAttributes?.length ? withUnsigned(si, add.unsignedAttributes) : si.der,
  );
  const certs = appendUnique(raw.certificates, add.certificates);
  const crls = appendUnique(raw.crls, add.revocationInfoChoices);
  const other = crls.some((c) => c[0] === 0xa1) || certs.some((c) => c[0] === 0xa3);
  const signedData = DER.seq(
    DER.integer(other ? Math.max(raw.version, 5) : raw.version),
    raw.digestAlgorithms,
    raw.encapContentInfo,
    certs.length ? DER.implicitConstructed(0, Buffer.concat(certs)) : undefined,
    crls.length ? DER.implicitConstructed(1, Buffer.concat(crls)) : undefined,
    DER.tlv(0x31, Buffer.concat(signerInfos)),
  );
  return DER.seq(DER.oid(CMS_OID.signedData), DER.explicit(0, signedData));
}
