/**
 * The extensions of a certificate of the plain, common shape, read straight from the DER. The
 * ASN.1 schema parse of a whole certificate costs about a millisecond, more than the signature
 * checks a validation makes, and a relying party meets a new citizen certificate in each
 * signature. The walk below accepts only a strict subset of what the schema parse accepts
 * (exact tags, definite lengths, AlgorithmIdentifier parameters absent, NULL or an OID, names of
 * UTF8String, PrintableString or IA5String values, times in their fixed Z forms, no unique
 * identifiers), so that for every certificate it accepts the schema parse would have succeeded
 * with the same extensions; anything else returns undefined and goes to the schema parse, which
 * decides as it always has.
 */
import { childrenOf, fail } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { decodeOid, timeValue } from '../lib/der_values.js';
import type { ExtensionEntry } from './extensions.js';

/** A well-formed OBJECT IDENTIFIER: content present, every subidentifier minimal and complete. */
function checkOid(der: Buffer, el: DerElement | undefined): string {
  if (el?.tag !== 0x06 || el.length === 0 || der[el.end - 1]! & 0x80) fail('not plain');
  for (let i = el.start; i < el.end; i++) {
    if (der[i] === 0x80 && (i === el.start || !(der[i - 1]! & 0x80))) fail('not plain');
  }
  return decodeOid(der.subarray(el.start, el.end));
}

/** AlgorithmIdentifier { OID, parameters absent, NULL or an OID (a named curve) }. */
function checkAlgorithm(der: Buffer, el: DerElement | undefined): void {
  if (el?.tag !== 0x30) fail('not plain');
  const [oid, params, extra] = childrenOf(der, el);
  checkOid(der, oid);
  if (extra) fail('not plain');
  if (params && !(params.tag === 0x05 && params.length === 0)) checkOid(der, params);
}

/** An octet-aligned BIT STRING (signature value, subjectPublicKey). */
function checkBits(der: Buffer, el: DerElement | undefined): void {
  if (el?.tag !== 0x03 || el.length === 0 || der[el.start] !== 0) fail('not plain');
}

const PLAIN_STRING_TAGS = new Set([0x0c, 0x13, 0x16]);

/** Name: SEQUENCE OF SET OF { OID, UTF8String | PrintableString | IA5String }. */
/**
 * At most this many attributes in a name and this many extensions in the plain walk: with them a
 * plain certificate stays far below the schema parser's node budget (asn1js: 10,000 nodes), so a
 * pathological certificate (thousands of names) still meets that budget and its refusal.
 */
const PLAIN_MAX_ITEMS = 256;

function checkName(der: Buffer, el: DerElement | undefined): void {
  if (el?.tag !== 0x30) fail('not plain');
  let attributes = 0;
  for (const rdn of childrenOf(der, el)) {
    if (rdn.tag !== 0x31) fail('not plain');
    const atvs = childrenOf(der, rdn);
    attributes += atvs.length;
    if (atvs.length === 0 || attributes > PLAIN_MAX_ITEMS) fail('not plain');
    for (const atv of atvs) {
      if (atv.tag !== 0x30) fail('not plain');
      const [type, value, extra] = childrenOf(der, atv);
      checkOid(der, type);
      if (!value || extra || !PLAIN_STRING_TAGS.has(value.tag)) fail('not plain');
    }
  }
}

/** UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, a real date. */
function checkTime(der: Buffer, el: DerElement | undefined): void {
  const size = el?.tag === 0x17 ? 13 : el?.tag === 0x18 ? 15 : 0;
  if (!el || el.length !== size || !/^\d+Z$/.test(der.toString('latin1', el.start, el.end)))
    fail('not plain');
  timeValue(der, el);
}

function checkExtension(der: Buffer, el: DerElement): ExtensionEntry {
  if (el.tag !== 0x30) fail('not plain');
  const parts = childrenOf(der, el);
  const oid = checkOid(der, parts[0]);
  const flag = parts.length === 3 ? parts[1]! : undefined;
  const value = parts[parts.length - 1];
  if (parts.length < 2 || parts.length > 3 || value?.tag !== 0x04) fail('not plain');
  if (flag && (flag.tag !== 0x01 || flag.length !== 1)) fail('not plain');
  return {
    oid,
    critical: flag !== undefined && der[flag.start] !== 0,
    value: Buffer.from(der.subarray(value.start, value.end)),
  };
}

function plainEntries(der: Buffer, tbs: DerElement, alg: DerElement, sig: DerElement): ExtensionEntry[] {
  checkAlgorithm(der, alg);
  checkBits(der, sig);
  const parts = childrenOf(der, tbs);
  const version = parts[0]?.tag === 0xa0 ? parts.shift()! : undefined;
  if (version) {
    const [v, extra] = childrenOf(der, version);
    if (v?.tag !== 0x02 || v.length !== 1 || extra) fail('not plain');
  }
  const [serial, signature, issuer, validity, subject, spki, exts, extra] = parts;
  if (serial?.tag !== 0x02 || serial.length === 0 || extra) fail('not plain');
  checkAlgorithm(der, signature);
  checkName(der, issuer);
  checkName(der, subject);
  if (validity?.tag !== 0x30) fail('not plain');
  const [notBefore, notAfter, more] = childrenOf(der, validity);
  checkTime(der, notBefore);
  checkTime(der, notAfter);
  if (more || spki?.tag !== 0x30) fail('not plain');
  const [keyAlg, key, rest] = childrenOf(der, spki);
  checkAlgorithm(der, keyAlg);
  checkBits(der, key);
  if (rest) fail('not plain');
  if (!exts) return [];
  if (exts.tag !== 0xa3) fail('not plain');
  const [list, after] = childrenOf(der, exts);
  if (list?.tag !== 0x30 || after) fail('not plain');
  const items = childrenOf(der, list);
  if (items.length === 0 || items.length > PLAIN_MAX_ITEMS) fail('not plain');
  const entries = items.map((e) => checkExtension(der, e));
  return entries;
}

/**
 * The extension entries of a certificate of the plain shape (see the file comment), or
 * undefined for any other, which the caller reads with the ASN.1 schema parse.
 *
 * @param der - the certificate DER
 * @param tbs - its TBSCertificate element; `alg` and `sig` the outer signatureAlgorithm and value
 * @example `const entries = plainExtensionEntries(der, tbsEl, algEl, sigEl) ?? schemaEntries(der)`
 */
export function plainExtensionEntries(
  der: Buffer,
  tbs: DerElement,
  alg: DerElement,
  sig: DerElement,
): ExtensionEntry[] | undefined {
  try {
    return plainEntries(der, tbs, alg, sig);
  } catch {
    return undefined;
  }
}
