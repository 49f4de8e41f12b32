/**
 * Decoding of the certificate extensions RFC 5280 §4.2 defines and path validation uses. A
 * malformed value is recorded in `problems` rather than thrown, so that a bad certificate in
 * the intermediate pool only fails the paths that actually use it.
 */
import { childrenOf, fail, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { booleanValue, contents, namedBitPositions, oidValue, smallInteger, topChildren } from './asn1.js';
import { decodeGeneralName, decodeGeneralNames } from './general_names.js';
import type { GeneralName } from './general_names.js';
import { OID } from './oids.js';

/** One extension as it appears in the certificate. */
export interface ExtensionEntry {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue contents (the DER of the extension value). */
  readonly value: Buffer;
}

/**
 * The key usages of RFC 5280 §4.2.1.3, in bit order.
 *
 * @example
 * ```ts
 * KEY_USAGES[5]; // 'keyCertSign'
 * ```
 */
export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

/** A key usage name (`contentCommitment` is accepted as an alias of `nonRepudiation`). */
export type KeyUsageName = (typeof KEY_USAGES)[number];

/** One permitted or excluded subtree (RFC 5280 §4.2.1.10). */
export interface GeneralSubtree {
  readonly base: GeneralName;
  readonly minimum: number;
  readonly maximum?: number;
}

/** A DistributionPoint (RFC 5280 §4.2.1.13) or the name part of an IssuingDistributionPoint. */
export interface DistributionPoint {
  readonly fullName?: GeneralName[];
  /** True when the point is named relative to the CRL issuer (not supported for matching). */
  readonly relativeName: boolean;
  readonly reasons?: Set<number>;
  readonly crlIssuer?: GeneralName[];
}

interface Critical {
  readonly critical: boolean;
}

/** The decoded extensions of a certificate. */
export interface CertificateExtensions {
  readonly all: readonly ExtensionEntry[];
  basicConstraints?: Critical & { ca: boolean; pathLen?: number };
  keyUsage?: Critical & { usages: Set<KeyUsageName> };
  extKeyUsage?: Critical & { purposes: string[] };
  subjectKeyIdentifier?: Critical & { keyId: Buffer };
  authorityKeyIdentifier?: Critical & { keyId?: Buffer; hasIssuerAndSerial: boolean };
  subjectAltName?: Critical & { names: GeneralName[] };
  nameConstraints?: Critical & { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] };
  certificatePolicies?: Critical & { policies: string[] };
  policyConstraints?: Critical & { requireExplicitPolicy?: number; inhibitPolicyMapping?: number };
  inhibitAnyPolicy?: Critical & { skipCerts: number };
  policyMappings?: Critical & { mappings: { issuerDomainPolicy: string; subjectDomainPolicy: string }[] };
  crlDistributionPoints?: Critical & { points: DistributionPoint[] };
  authorityInfoAccess?: Critical;
  subjectInfoAccess?: Critical;
  /** OIDs of critical extensions this module does not process (RFC 5280 §6.1.4 (o)). */
  readonly unrecognisedCritical: string[];
  /** Malformations found while decoding (duplicates, bad values). */
  readonly problems: string[];
}

type Decoder = (ext: CertificateExtensions, e: ExtensionEntry) => void;

function basicConstraints(v: Buffer): { ca: boolean; pathLen?: number } {
  const parts = topChildren(v, 0x30, 'BasicConstraints');
  let i = 0;
  const ca = parts[i]?.tag === 0x01 ? booleanValue(v, parts[i++]!) : false;
  const pathLen = parts[i] ? smallInteger(v, parts[i++]!) : undefined;
  if (i !== parts.length) fail('trailing data in BasicConstraints');
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

function keyIdentifiers(v: Buffer): { keyId?: Buffer; hasIssuerAndSerial: boolean } {
  const parts = topChildren(v, 0x30, 'AuthorityKeyIdentifier');
  const keyEl = parts.find((p) => p.tag === 0x80);
  const known = parts.every((p) => p.tag === 0x80 || p.tag === 0xa1 || p.tag === 0x82);
  if (!known) fail('unknown AuthorityKeyIdentifier field');
  const hasIssuerAndSerial = parts.some((p) => p.tag === 0xa1);
  if (hasIssuerAndSerial !== parts.some((p) => p.tag === 0x82)) fail('authorityCertIssuer without serial');
  return keyEl ? { keyId: contents(v, keyEl), hasIssuerAndSerial } : { hasIssuerAndSerial };
}

function subtrees(v: Buffer, el: DerElement): GeneralSubtree[] {
  const out = childrenOf(v, el).map((st) => {
    const [base, ...rest] = childrenOf(v, st);
    if (st.tag !== 0x30 || !base) fail('bad GeneralSubtree');
    const min = rest.find((r) => r.tag === 0x80);
    const max = rest.find((r) => r.tag === 0x81);
    const subtree: GeneralSubtree = {
      base: decodeGeneralName(v, base),
      minimum: min ? smallInteger(v, min, 0x80) : 0,
    };
    return max ? { ...subtree, maximum: smallInteger(v, max, 0x81) } : subtree;
  });
  if (out.length === 0) fail('empty GeneralSubtrees');
  return out;
}

function nameConstraints(v: Buffer): { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] } {
  const parts = topChildren(v, 0x30, 'NameConstraints');
  const permittedEl = parts.find((p) => p.tag === 0xa0);
  const excludedEl = parts.find((p) => p.tag === 0xa1);
  // RFC 5280 §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence".
  if (parts.length === 0 || parts.length !== Number(!!permittedEl) + Number(!!excludedEl)) {
    fail('NameConstraints is empty or has unknown fields');
  }
  return {
    ...(permittedEl ? { permitted: subtrees(v, permittedEl) } : {}),
    ...(excludedEl ? { excluded: subtrees(v, excludedEl) } : {}),
  };
}

function certificatePolicies(v: Buffer): string[] {
  const policies = topChildren(v, 0x30, 'CertificatePolicies').map((pi) => {
    const [id] = childrenOf(v, pi);
    if (pi.tag !== 0x30 || !id) fail('bad PolicyInformation');
    return oidValue(v, id);
  });
  if (policies.length === 0) fail('empty CertificatePolicies');
  return policies;
}

function policyConstraints(v: Buffer): { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } {
  const parts = topChildren(v, 0x30, 'PolicyConstraints');
  const rep = parts.find((p) => p.tag === 0x80);
  const ipm = parts.find((p) => p.tag === 0x81);
  // RFC 5280 §4.2.1.11: "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
  if (parts.length === 0 || parts.length !== Number(!!rep) + Number(!!ipm)) fail('bad PolicyConstraints');
  return {
    ...(rep ? { requireExplicitPolicy: smallInteger(v, rep, 0x80) } : {}),
    ...(ipm ? { inhibitPolicyMapping: smallInteger(v, ipm, 0x81) } : {}),
  };
}

function policyMappings(v: Buffer): { issuerDomainPolicy: string; subjectDomainPolicy: string }[] {
  const mappings = topChildren(v, 0x30, 'PolicyMappings').map((m) => {
    const [idp, sdp, extra] = childrenOf(v, m);
    if (m.tag !== 0x30 || !idp || !sdp || extra) fail('bad PolicyMapping');
    return { issuerDomainPolicy: oidValue(v, idp), subjectDomainPolicy: oidValue(v, sdp) };
  });
  if (mappings.length === 0) fail('empty PolicyMappings');
  return mappings;
}

/**
 * Decodes a DistributionPoint SEQUENCE body (also used for the IssuingDistributionPoint's name).
 *
 * @example
 * ```ts
 * decodeDistributionPointName(der, el); // { fullName: [{ type: 'uniformResourceIdentifier', … }] }
 * ```
 */
export function decodeDistributionPointName(
  der: Buffer,
  el: DerElement,
): Pick<DistributionPoint, 'fullName' | 'relativeName'> {
  const [choice, extra] = childrenOf(der, el);
  if (!choice || extra) fail('bad DistributionPointName');
  if (choice.tag === 0xa1) return { relativeName: true };
  if (choice.tag !== 0xa0) fail('bad DistributionPointName');
  const names = childrenOf(der, choice).map((n) => decodeGeneralName(der, n));
  return { fullName: names, relativeName: false };
}

function distributionPoints(v: Buffer): DistributionPoint[] {
  return topChildren(v, 0x30, 'CRLDistributionPoints').map((dp) => {
    const parts = childrenOf(v, dp);
    const name = parts.find((p) => p.tag === 0xa0);
    const reasons = parts.find((p) => p.tag === 0x81);
    const issuer = parts.find((p) => p.tag === 0xa2);
    return {
      ...(name ? decodeDistributionPointName(v, name) : { relativeName: false }),
      ...(reasons ? { reasons: namedBitPositions(v, reasons, 0x81) } : {}),
      ...(issuer ? { crlIssuer: childrenOf(v, issuer).map((n) => decodeGeneralName(v, n)) } : {}),
    };
  });
}

function usages(v: Buffer): Set<KeyUsageName> {
  const bits = namedBitPositions(v, topElement(v, 0x03, 'KeyUsage'));
  return new Set([...bits].filter((b) => b < KEY_USAGES.length).map((b) => KEY_USAGES[b]!));
}

function purposes(v: Buffer): string[] {
  const list = topChildren(v, 0x30, 'ExtKeyUsageSyntax').map((el) => oidValue(v, el));
  // RFC 5280 §4.2.1.12: ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId
  if (list.length === 0) fail('empty ExtKeyUsageSyntax');
  return list;
}

/** RFC 5280 §4.2.2.1/§4.2.2.2: SEQUENCE SIZE (1..MAX) OF AccessDescription { OID, GeneralName }. */
function infoAccess(v: Buffer): void {
  const list = topChildren(v, 0x30, 'InfoAccessSyntax');
  if (list.length === 0) fail('empty InfoAccessSyntax');
  for (const el of list) {
    const [method, location, extra] = el.tag === 0x30 ? childrenOf(v, el) : [];
    if (!method || method.tag !== 0x06 || !location || extra) fail('bad AccessDescription');
    oidValue(v, method);
    decodeGeneralName(v, location);
  }
}

function octetString(v: Buffer): Buffer {
  return contents(v, topElement(v, 0x04, 'KeyIdentifier'));
}

const DECODERS: Readonly<Record<string, Decoder>> = {
  [OID.basicConstraints]: (x, e) =>
    (x.basicConstraints = { critical: e.critical, ...basicConstraints(e.value) }),
  [OID.keyUsage]: (x, e) => (x.keyUsage = { critical: e.critical, usages: usages(e.value) }),
  [OID.extKeyUsage]: (x, e) => (x.extKeyUsage = { critical: e.critical, purposes: purposes(e.value) }),
  [OID.subjectKeyIdentifier]: (x, e) =>
    (x.subjectKeyIdentifier = { critical: e.critical, keyId: octetString(e.value) }),
  [OID.authorityKeyIdentifier]: (x, e) =>
    (x.authorityKeyIdentifier = { critical: e.critical, ...keyIdentifiers(e.value) }),
  [OID.subjectAltName]: (x, e) =>
    (x.subjectAltName = { critical: e.critical, names: decodeGeneralNames(e.value) }),
  [OID.issuerAltName]: (_x, e) => void decodeGeneralNames(e.value),
  [OID.nameConstraints]: (x, e) =>
    (x.nameConstraints = { critical: e.critical, ...nameConstraints(e.value) }),
  [OID.certificatePolicies]: (x, e) =>
    (x.certificatePolicies = { critical: e.critical, policies: certificatePolicies(e.value) }),
  [OID.policyConstraints]: (x, e) =>
    (x.policyConstraints = { critical: e.critical, ...policyConstraints(e.value) }),
  [OID.inhibitAnyPolicy]: (x, e) =>
    (x.inhibitAnyPolicy = {
      critical: e.critical,
      skipCerts: smallInteger(e.value, topElement(e.value, 0x02, 'SkipCerts')),
    }),
  [OID.policyMappings]: (x, e) =>
    (x.policyMappings = { critical: e.critical, mappings: policyMappings(e.value) }),
  [OID.crlDistributionPoints]: (x, e) =>
    (x.crlDistributionPoints = { critical: e.critical, points: distributionPoints(e.value) }),
  [OID.authorityInfoAccess]: (x, e) => {
    infoAccess(e.value);
    x.authorityInfoAccess = { critical: e.critical };
  },
  [OID.subjectInfoAccess]: (x, e) => {
    infoAccess(e.value);
    x.subjectInfoAccess = { critical: e.critical };
  },
  [OID.freshestCrl]: (_x, e) => void distributionPoints(e.value),
};

/**
 * Decodes the extensions of a certificate. Critical extensions this module does not decode are
 * listed in `unrecognisedCritical` (the validator lets callers declare some of them processed).
 *
 * @param all - the extensions in certificate order
 * @example
 * ```ts
 * const ext = decodeExtensions(entries);
 * if (ext.basicConstraints?.ca) console.log('CA, pathLen', ext.basicConstraints.pathLen);
 * ```
 */
export function decodeExtensions(all: ExtensionEntry[]): CertificateExtensions {
  const ext: CertificateExtensions = { all, unrecognisedCritical: [], problems: [] };
  const seen = new Set<string>();
  for (const e of all) {
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (seen.has(e.oid)) ext.problems.push(`duplicate extension ${e.oid}`);
    seen.add(e.oid);
    const decode = DECODERS[e.oid];
    if (!decode) {
      if (e.critical) ext.unrecognisedCritical.push(e.oid);
      continue;
    }
    try {
      decode(ext, e);
    } catch (err) {
      ext.problems.push(`extension ${e.oid}: ${(err as Error).message}`);
    }
  }
  return ext;
}
