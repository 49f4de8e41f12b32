/**
 * Distinguished names for path validation: decoding, RFC 5280 §7.1 comparison and the
 * directoryName subtree test of §4.2.1.10.
 */
import { childrenOf, elementAt, fail, topElement } from '../lib/der_reader.js';
import { decodeOid } from '../lib/der_values.js';

/** One AttributeTypeAndValue: its type OID, the value's tag and content octets. */
export interface AttributeValue {
  readonly type: string;
  readonly tag: number;
  readonly value: Buffer;
}

/** A decoded Name with the keys used to compare it. */
export interface DistinguishedName {
  /** Exact DER of the Name. */
  readonly der: Buffer;
  /** The RDNs, most significant first; each RDN is a set of attributes. */
  readonly rdns: readonly (readonly AttributeValue[])[];
  /** Per RDN, a canonical key: equal keys mean equal RDNs under RFC 5280 §7.1. */
  readonly rdnKeys: readonly string[];
  /** Canonical key of the whole Name. */
  readonly key: string;
  readonly isEmpty: boolean;
}

// X.520 DirectoryString alternatives, plus IA5String (emailAddress, domainComponent), which
// RFC 5280 §7.3 and §4.1.2.6 also want compared without regard to case.
const TEXT_TAGS: Readonly<Record<number, (v: Buffer) => string>> = {
  0x0c: (v) => v.toString('utf8'),
  0x13: (v) => v.toString('latin1'),
  0x14: (v) => v.toString('latin1'),
  0x16: (v) => v.toString('latin1'),
  0x1a: (v) => v.toString('latin1'),
  0x1e: (v) => Buffer.from(v).swap16().toString('utf16le'),
  0x1c: (v) => decodeUcs4(v),
};

function decodeUcs4(v: Buffer): string {
  if (v.length % 4 !== 0) fail('UniversalString length is not a multiple of 4');
  const points: number[] = [];
  for (let i = 0; i < v.length; i += 4) points.push(v.readUInt32BE(i));
  return String.fromCodePoint(...points);
}

/**
 * RFC 5280 §7.1 (after RFC 4518, simplified): NFKC, case folded, leading and trailing
 * white space removed and inner runs of white space reduced to one space. Values of other
 * string types compare as exact tag and bytes.
 */
function preparedValue(tag: number, value: Buffer): string {
  const decode = TEXT_TAGS[tag];
  if (!decode) return `#${tag.toString(16)}:${value.toString('hex')}`;
  if (tag === 0x1e && value.length % 2 !== 0) fail('BMPString length is odd');
  return decode(value).normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

function attributeKey(a: AttributeValue): string {
  return `${a.type}=${JSON.stringify(preparedValue(a.tag, a.value))}`;
}

function decodeRdn(der: Buffer, offset: number): AttributeValue[] {
  const set = elementAt(der, offset);
  if (set.tag !== 0x31) fail('RDN is not a SET');
  const atvs = childrenOf(der, set);
  if (atvs.length === 0) fail('empty RDN');
  return atvs.map((atv) => {
    if (atv.tag !== 0x30) fail('AttributeTypeAndValue is not a SEQUENCE');
    const [type, value, extra] = childrenOf(der, atv);
    if (!type || type.tag !== 0x06 || !value || extra) fail('bad AttributeTypeAndValue');
    const oid = decodeOid(der.subarray(type.start, type.end));
    return { type: oid, tag: value.tag, value: der.subarray(value.start, value.end) };
  });
}

/**
 * Decodes a Name (exact DER) into RDNs and comparison keys.
 *
 * @param der - DER of a Name (a SEQUENCE OF RelativeDistinguishedName)
 * @throws DerSyntaxError when the DER is not a Name
 * @example
 * ```ts
 * const name = decodeName(info.subjectDer);
 * namesEqual(name, decodeName(other.issuerDer));
 * ```
 */
export function decodeName(der: Buffer): DistinguishedName {
  const top = topElement(der, 0x30, 'Name');
  const rdns = childrenOf(der, top).map((el) => decodeRdn(der, el.offset));
  const rdnKeys = rdns.map((rdn) => rdn.map(attributeKey).sort().join('+'));
  return { der, rdns, rdnKeys, key: JSON.stringify(rdnKeys), isEmpty: rdns.length === 0 };
}

/**
 * RFC 5280 §7.1 name equality: same RDNs in the same order, attribute values compared after
 * string preparation (case-insensitive, white space folded).
 *
 * @example
 * ```ts
 * namesEqual(child.issuer, parent.subject);
 * ```
 */
export function namesEqual(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.key === b.key;
}

/**
 * RFC 5280 §4.2.1.10 directoryName constraint: `name` lies in the subtree `base` when the RDNs
 * of `base` are the first RDNs of `name`.
 *
 * @example
 * ```ts
 * isWithinDirectorySubtree(decodeName(leafSubject), decodeName(constraintDer));
 * ```
 */
export function isWithinDirectorySubtree(name: DistinguishedName, base: DistinguishedName): boolean {
  if (base.rdnKeys.length > name.rdnKeys.length) return false;
  return base.rdnKeys.every((k, i) => name.rdnKeys[i] === k);
}

/**
 * The text of every attribute of the given type (commonName, emailAddress, …) in a name.
 *
 * @example
 * ```ts
 * attributeTexts(cert.subject, '2.5.4.3'); // ['www.example.org']
 * ```
 */
export function attributeTexts(name: DistinguishedName, type: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns) {
    for (const a of rdn) {
      const decode = TEXT_TAGS[a.tag];
      if (a.type === type && decode) out.push(decode(a.value));
    }
  }
  return out;
}
