import { randomBytes } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  ia5,
  integer,
  namedBits,
  nullValue,
  octets,
  oid,
  printable,
  seq,
  setOf,
  time,
  tlv,
  utf8,
} from '../lib/der.js';
import { OID, ecdsaSignatureOid, keyIdentifier } from './algorithms.js';
import type { HashAlgorithm, Signer } from './key_store.js';

/** One attribute of a distinguished name, in the order it appears. */
export interface NameAttribute {
  /** Attribute type OID (see {@link OID}). */
  type: string;
  value: string;
}

// X.520 / RFC 5280 Appendix A: countryName and serialNumber are PrintableString.
const PRINTABLE_TYPES = new Set<string>([OID.countryName, OID.serialNumber]);

/**
 * Encodes a distinguished name, one attribute per RDN. countryName and serialNumber are
 * PrintableString, every other attribute UTF8String (RFC 5280 §4.1.2.6).
 *
 * @param attributes - attributes from the most significant (C) to the least (CN)
 * @example
 * ```ts
 * const issuer = encodeName([{ type: OID.countryName, value: 'PH' }, { type: OID.commonName, value: 'PH Root' }]);
 * ```
 */
export function encodeName(attributes: NameAttribute[]): Buffer {
  return seq(
    ...attributes.map((a) =>
      setOf(seq(oid(a.type), PRINTABLE_TYPES.has(a.type) ? printable(a.value) : utf8(a.value))),
    ),
  );
}

/** One certificate extension, already encoded. */
export interface Extension {
  oid: string;
  critical: boolean;
  /** DER of the extension value (wrapped in the OCTET STRING by the builder). */
  value: Buffer;
}

const encodedExtensions = new WeakMap<Extension, Buffer>();

/** DER of an Extension (RFC 5280 §4.1); memoised, since profiles reuse their constant extensions. */
export function encodeExtension(e: Extension): Buffer {
  let der = encodedExtensions.get(e);
  if (!der) {
    der = seq(oid(e.oid), e.critical ? boolean(true) : undefined, octets(e.value));
    encodedExtensions.set(e, der);
  }
  return der;
}

/** Key usage bit numbers (RFC 5280 §4.2.1.3). */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

/** Extension builders for the profiles (RFC 5280 §4.2, RFC 6960 §4.2.2.2.1, ETSI EN 319 412-5). */
export const ext = {
  basicConstraints(ca: boolean, pathLen?: number): Extension {
    const value = ca ? seq(boolean(true), pathLen === undefined ? undefined : integer(pathLen)) : seq();
    return { oid: OID.basicConstraints, critical: true, value };
  },
  keyUsage(bits: (keyof typeof KeyUsageBit)[]): Extension {
    return { oid: OID.keyUsage, critical: true, value: namedBits(bits.map((b) => KeyUsageBit[b])) };
  },
  extKeyUsage(oids: string[], critical = false): Extension {
    return { oid: OID.extKeyUsage, critical, value: seq(...oids.map(oid)) };
  },
  subjectKeyIdentifier(spki: Buffer): Extension {
    return { oid: OID.subjectKeyIdentifier, critical: false, value: octets(keyIdentifier(spki)) };
  },
  authorityKeyIdentifier(issuerSpki: Buffer): Extension {
    return {
      oid: OID.authorityKeyIdentifier,
      critical: false,
      value: seq(tlv(0x80, keyIdentifier(issuerSpki))),
    };
  },
  crlDistributionPoint(url: string): Extension {
    // DistributionPoint { distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] } } }
    const value = seq(seq(tlv(0xa0, tlv(0xa0, tlv(0x86, Buffer.from(url, 'latin1'))))));
    return { oid: OID.crlDistributionPoints, critical: false, value };
  },
  authorityInfoAccess(entries: { ocsp?: string; caIssuers?: string }): Extension {
    const items: Buffer[] = [];
    if (entries.ocsp) items.push(seq(oid(OID.adOcsp), tlv(0x86, Buffer.from(entries.ocsp, 'latin1'))));
    if (entries.caIssuers)
      items.push(seq(oid(OID.adCaIssuers), tlv(0x86, Buffer.from(entries.caIssuers, 'latin1'))));
    return { oid: OID.authorityInfoAccess, critical: false, value: seq(...items) };
  },
  certificatePolicies(policies: { oid: string; cpsUri?: string }[]): Extension {
    const value = seq(
      ...policies.map((p) =>
        seq(oid(p.oid), p.cpsUri ? seq(seq(oid('1.3.6.1.5.5.7.2.1'), ia5(p.cpsUri))) : undefined),
      ),
    );
    return { oid: OID.certificatePolicies, critical: false, value };
  },
  ocspNoCheck(): Extension {
    return { oid: OID.ocspNoCheck, critical: false, value: nullValue() };
  },
  /**
   * QCStatements (RFC 3739, ETSI EN 319 412-5): QcCompliance, QcType eSign, the natural-person
   * semantics identifier (EN 319 412-1 §5.1.3) and, because the issuing country is outside the EU,
   * QcCClegislation naming it (EN 319 412-5 §4.2.4).
   */
  qcStatements(opts: { compliance: boolean; esign: boolean; legislationCountry?: string }): Extension {
    const statements: Buffer[] = [seq(oid('1.3.6.1.5.5.7.11.2'), seq(oid(OID.qcsSemanticsIdNatural)))];
    if (opts.compliance) statements.push(seq(oid(OID.qcCompliance)));
    if (opts.esign) statements.push(seq(oid(OID.qcType), seq(oid(OID.qctEsign))));
    if (opts.legislationCountry) {
      statements.push(seq(oid('0.4.0.1862.1.7'), seq(printable(opts.legislationCountry))));
    }
    return { oid: OID.qcStatements, critical: false, value: seq(...statements) };
  },
};

/** Everything that goes into a TBSCertificate. */
export interface CertificateTemplate {
  /** Positive serial number, big-endian, at most 20 octets. */
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: Extension[];
}

/** 16 random octets, positive and without a leading zero octet (RFC 5280 §4.1.2.2). */
export function randomSerial(): Buffer {
  const s = randomBytes(16);
  s[0] = (s[0]! & 0x7f) | 0x40;
  return s;
}

/** The AlgorithmIdentifier for ECDSA with the given hash; parameters absent (RFC 5758 §3.2). */
export function ecdsaAlgorithm(hash: HashAlgorithm): Buffer {
  return seq(oid(ecdsaSignatureOid(hash)));
}

/**
 * Builds and signs an X.509 v3 certificate.
 *
 * @param template - the to-be-signed content
 * @param signer - the issuer's key
 * @returns the certificate DER
 * @example
 * ```ts
 * const der = await signCertificate({ serial: randomSerial(), issuer, subject, notBefore, notAfter, spki, extensions: [] }, signer);
 * ```
 */
export async function signCertificate(template: CertificateTemplate, signer: Signer): Promise<Buffer> {
  const alg = ecdsaAlgorithm(signer.hash);
  const tbs = seq(
    explicit(0, integer(2)),
    integer(template.serial),
    alg,
    template.issuer,
    seq(time(template.notBefore), time(template.notAfter)),
    template.subject,
    template.spki,
    template.extensions.length > 0
      ? explicit(3, seq(...template.extensions.map(encodeExtension)))
      : undefined,
  );
  const signature = await signer.sign(tbs);
  return seq(tbs, alg, bitString(signature));
}
