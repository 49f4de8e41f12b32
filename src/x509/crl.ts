/**
 * Decoding of X.509 v2 CRLs (RFC 5280 §5) for revocation checking: the exact signed bytes,
 * the entries by serial number, and the CRL extensions that decide whether a CRL may be used.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { childrenOf, fail, slice, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { timeValue } from '../lib/der_values.js';
import { pemOrDer } from '../lib/pem.js';
import { REVOCATION_REASON_CODES } from './revocation_reason.js';
import type { RevocationReasonName } from './revocation_reason.js';
import { contents, namedBitPositions, octetAlignedBits } from './asn1.js';
import { X509Error } from './errors.js';
import { decodeDistributionPointName } from './extensions.js';
import type { DistributionPoint } from './extensions.js';
import { decodeName } from './name.js';
import type { DistinguishedName } from './name.js';
import { OID } from './oids.js';

/** One revokedCertificates entry. */
export interface CrlEntry {
  readonly revocationDate: Date;
  readonly reason?: RevocationReasonName;
}

/** The IssuingDistributionPoint extension (RFC 5280 §5.2.5). */
export interface IssuingDistributionPoint extends Pick<DistributionPoint, 'fullName' | 'relativeName'> {
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  readonly onlySomeReasons?: Set<number>;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

/** A decoded CRL. */
export interface Crl {
  readonly der: Buffer;
  readonly tbs: Buffer;
  readonly signatureAlgorithm: Buffer;
  readonly tbsSignatureAlgorithm: Buffer;
  readonly signatureValue: Buffer;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** Entries by serial number (lower-case hex without leading zero octets). */
  readonly entries: ReadonlyMap<string, CrlEntry>;
  readonly crlNumber?: { critical: boolean };
  readonly issuingDistributionPoint?: IssuingDistributionPoint;
  /** True for a delta CRL (deltaCRLIndicator present). */
  readonly delta: boolean;
  /** Critical CRL or CRL-entry extensions that are not processed, and indirect-CRL entries. */
  readonly unsupported: readonly string[];
  /** Structure problems: a CRL with problems is never used. */
  readonly problems: readonly string[];
}

const REASON_NAMES = new Map<number, RevocationReasonName>(
  Object.entries(REVOCATION_REASON_CODES).map(([name, code]) => [code, name as RevocationReasonName]),
);

/** The CRL extensions that are processed; any other critical one makes the CRL unusable (§6.3.3 (g)). */
const KNOWN_CRL_EXTENSIONS = new Set<string>([
  OID.crlNumber,
  OID.authorityKeyIdentifier,
  OID.issuingDistributionPoint,
  OID.deltaCrlIndicator,
  OID.freshestCrl,
  OID.issuerAltName,
  OID.authorityInfoAccess,
]);

function implicitBoolean(der: Buffer, el: DerElement): boolean {
  if (el.length !== 1) fail('bad BOOLEAN');
  return der[el.start] !== 0;
}

function issuingDistributionPoint(v: Buffer): IssuingDistributionPoint {
  const parts = childrenOf(v, topElement(v, 0x30, 'IssuingDistributionPoint'));
  const flag = (tag: number): boolean => {
    const el = parts.find((p) => p.tag === tag);
    return el ? implicitBoolean(v, el) : false;
  };
  const name = parts.find((p) => p.tag === 0xa0);
  const reasons = parts.find((p) => p.tag === 0x83);
  return {
    ...(name ? decodeDistributionPointName(v, name) : { relativeName: false }),
    onlyContainsUserCerts: flag(0x81),
    onlyContainsCACerts: flag(0x82),
    ...(reasons ? { onlySomeReasons: namedBitPositions(v, reasons, 0x83) } : {}),
    indirectCRL: flag(0x84),
    onlyContainsAttributeCerts: flag(0x85),
  };
}

function entryOf(
  e: NonNullable<CertificateList['tbsCertList']['revokedCertificates']>[number],
  unsupported: string[],
): CrlEntry {
  let reason: RevocationReasonName | undefined;
  for (const x of e.crlEntryExtensions ?? []) {
    const value = Buffer.from(x.extnValue.buffer);
    if (x.extnID === OID.crlReason) {
      const el = topElement(value, 0x0a, 'CRLReason');
      reason = REASON_NAMES.get(value[el.start]!) ?? fail('unknown CRLReason');
    } else if (x.extnID === OID.certificateIssuer) {
      unsupported.push('certificateIssuer entry extension (indirect CRL)');
    } else if (x.critical && x.extnID !== OID.invalidityDate) {
      unsupported.push(`critical entry extension ${x.extnID}`);
    }
  }
  const revocationDate = e.revocationDate.getTime();
  if (Number.isNaN(revocationDate.getTime())) fail('bad revocationDate');
  return reason ? { revocationDate, reason } : { revocationDate };
}

interface CrlExtensions {
  crlNumber?: { critical: boolean };
  issuingDistributionPoint?: IssuingDistributionPoint;
  delta: boolean;
}

function crlExtensions(
  list: CertificateList['tbsCertList']['crlExtensions'],
  unsupported: string[],
): CrlExtensions {
  const out: CrlExtensions = { delta: false };
  const seen = new Set<string>();
  for (const x of list ?? []) {
    if (seen.has(x.extnID)) fail(`duplicate CRL extension ${x.extnID}`);
    seen.add(x.extnID);
    const value = Buffer.from(x.extnValue.buffer);
    if (x.extnID === OID.crlNumber) {
      const el = topElement(value, 0x02, 'CRLNumber');
      if (el.length === 0 || el.length > 21 || (value[el.start]! & 0x80) !== 0) fail('bad CRLNumber');
      out.crlNumber = { critical: x.critical };
    } else if (x.extnID === OID.issuingDistributionPoint) {
      out.issuingDistributionPoint = issuingDistributionPoint(value);
    } else if (x.extnID === OID.deltaCrlIndicator) {
      out.delta = true;
    } else if (x.critical && !KNOWN_CRL_EXTENSIONS.has(x.extnID)) {
      unsupported.push(`critical CRL extension ${x.extnID}`);
    }
  }
  return out;
}

function decodeCrlDer(der: Buffer): Crl {
  const top = topElement(der, 0x30, 'CertificateList');
  const [tbsEl, algEl, sigEl, extra] = childrenOf(der, top);
  if (!tbsEl || !algEl || !sigEl || extra) fail('not TBSCertList, signatureAlgorithm, signatureValue');
  const crl = AsnConvert.parse(der, CertificateList);
  const parts = childrenOf(der, tbsEl);
  const offset = parts[0]?.tag === 0x02 ? 1 : 0;
  const [sigAlg, issuerEl, thisEl, nextEl] = parts.slice(offset);
  if (!sigAlg || !issuerEl || !thisEl) fail('TBSCertList fields missing');
  const unsupported: string[] = [];
  const entries = new Map<string, CrlEntry>();
  for (const e of crl.tbsCertList.revokedCertificates ?? []) {
    const serial = Buffer.from(e.userCertificate)
      .toString('hex')
      .replace(/^(00)+(?=.)/, '');
    entries.set(serial, entryOf(e, unsupported));
  }
  const hasNext = nextEl?.tag === 0x17 || nextEl?.tag === 0x18;
  return {
    der,
    tbs: slice(der, tbsEl),
    signatureAlgorithm: slice(der, algEl),
    tbsSignatureAlgorithm: slice(der, sigAlg),
    signatureValue: octetAlignedBits(der, sigEl),
    issuer: decodeName(slice(der, issuerEl)),
    thisUpdate: timeValue(der, thisEl),
    ...(hasNext ? { nextUpdate: timeValue(der, nextEl) } : {}),
    entries,
    ...crlExtensions(crl.tbsCertList.crlExtensions, unsupported),
    unsupported,
    problems:
      offset === 1 && contents(der, parts[0]!).toString('hex') !== '01' ? ['CRL version is not v2'] : [],
  };
}

const cache = new WeakMap<object, Crl>();

/**
 * Decodes a CRL (DER or PEM), once per buffer.
 *
 * @param input - DER bytes or PEM text (`X509 CRL`)
 * @throws X509Error X509_CRL_MALFORMED
 * @example
 * ```ts
 * const crl = decodeCrl(readFileSync('eid-ca.crl'));
 * crl.entries.get('4a5b6c')?.reason; // 'keyCompromise'
 * ```
 */
export function decodeCrl(input: Uint8Array | string): Crl {
  const cached = typeof input === 'string' ? undefined : cache.get(input);
  if (cached) return cached;
  const der = pemOrDer(input, 'X509 CRL');
  if (!der) throw new X509Error('X509_CRL_MALFORMED', 'no X509 CRL block in the PEM input');
  try {
    const crl = decodeCrlDer(der);
    if (typeof input !== 'string') cache.set(input, crl);
    return crl;
  } catch (e) {
    throw new X509Error('X509_CRL_MALFORMED', `CRL: ${(e as Error).message}`, { cause: e });
  }
}
