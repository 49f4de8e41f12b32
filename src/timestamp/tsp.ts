/**
 * RFC 3161 building blocks shared by the TSA, the client and token verification: object
 * identifiers, failure codes, MessageImprint, GeneralizedTime with fractions, INTEGER ↔ bigint and
 * the extended-key-usage check of a time-stamping certificate. Internal to `src/timestamp/`.
 */
import { createHash } from 'node:crypto';
import * as DER from '../lib/der.js';
import { childrenOf, fail, guarded, slice, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { OID } from '../pki/algorithms.js';
import { CMS_OID, algorithmIdentifier } from '../pki/cms_signed_data.js';
import type { HashAlgorithm } from '../pki/key_store.js';
import { algorithmAt, cursor, integerAt, oidAt } from '../lib/der_cursor.js';
import { decodeCertificate } from '../x509/certificate.js';
import { TimestampError } from './errors.js';

/** Object identifiers of time-stamping (RFC 3161, RFC 2634, ETSI EN 319 421/422). */
export const TSP_OID = {
  tstInfo: CMS_OID.tstInfo,
  /** ETSI EN 319 421 §5.2.1 best-practices policy: itu-t(0) identified-organization(4) etsi(0) 2023 1 1. */
  baselinePolicy: '0.4.0.2023.1.1',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: CMS_OID.signingCertificateV2,
  extKeyUsage: OID.extKeyUsage,
  kpTimeStamping: OID.kpTimeStamping,
} as const;

/** Hash algorithms of message imprints and ESSCertIDs that are recognised, by OID. */
export const IMPRINT_HASHES: Readonly<Record<string, { name: string; length: number }>> = {
  '1.3.14.3.2.26': { name: 'sha1', length: 20 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', length: 28 },
  [CMS_OID.sha256]: { name: 'sha256', length: 32 },
  [CMS_OID.sha384]: { name: 'sha384', length: 48 },
  [CMS_OID.sha512]: { name: 'sha512', length: 64 },
};

/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
export const FAIL_INFO = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;

/** A PKIFailureInfo name. */
export type FailInfo = keyof typeof FAIL_INFO;

/** PKIStatus names by value (RFC 3161 §2.4.2). */
export const PKI_STATUS = [
  'granted',
  'grantedWithMods',
  'rejection',
  'waiting',
  'revocationWarning',
  'revocationNotification',
] as const;

/** A MessageImprint: hash name (or OID when unknown), hash OID, digest and the exact DER. */
export interface MessageImprint {
  hash: string;
  hashOid: string;
  digest: Buffer;
  raw: Buffer;
}

/** The byte length of a digest with `hash`. */
export function digestLength(hash: HashAlgorithm): number {
  return createHash(hash).digest().length;
}

/** MessageImprint DER (RFC 3161 §2.4.1): SHA-2 AlgorithmIdentifier without parameters, digest. */
export function encodeMessageImprint(hash: HashAlgorithm, digest: Uint8Array): Buffer {
  return DER.seq(algorithmIdentifier(CMS_OID[hash]), DER.octets(digest));
}

/** Reads a MessageImprint; `paramsOk` is false when the hash AlgorithmIdentifier has parameters. */
export function messageImprintAt(der: Buffer, el: DerElement): MessageImprint & { paramsOk: boolean } {
  if (el.tag !== 0x30) fail('bad MessageImprint');
  const c = cursor(der, el);
  const alg = algorithmAt(der, c.take(0x30, 'hashAlgorithm'));
  const digest = c.take(0x04, 'hashedMessage');
  c.end('MessageImprint');
  return {
    hash: IMPRINT_HASHES[alg.oid]?.name ?? alg.oid,
    hashOid: alg.oid,
    digest: der.subarray(digest.start, digest.end),
    raw: slice(der, el),
    paramsOk: alg.params === undefined,
  };
}

/** GeneralizedTime with the milliseconds as a fraction without trailing zeros (RFC 3161 §2.4.2). */
export function generalizedTimeMs(d: Date, withFraction: boolean): Buffer {
  const iso = d.toISOString();
  if (!withFraction || d.getUTCMilliseconds() === 0) return DER.generalizedTime(d);
  const text = `${iso.replace(/[-:T]/g, '').slice(0, 14)}.${iso.slice(20, 23).replace(/0+$/, '')}Z`;
  return DER.tlv(0x18, Buffer.from(text, 'latin1'));
}

/** Reads a GeneralizedTime in RFC 3161 form (`Z`, optional fraction without trailing zeros). */
export function generalizedTimeAt(der: Buffer, el: DerElement): Date {
  const text = el.tag === 0x18 ? der.subarray(el.start, el.end).toString('latin1') : '';
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d*[1-9]))?Z$/.exec(text);
  if (!m) return fail(`bad GeneralizedTime ${JSON.stringify(text)}`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7) as [string, string, string, string, string, string];
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms));
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s}`)
    fail(`bad GeneralizedTime ${text}`);
  return date;
}

/** The value of INTEGER content octets (two's complement). */
export function bigintOf(content: Uint8Array): bigint {
  const v = BigInt(`0x${Buffer.from(content).toString('hex') || '0'}`);
  return content.length > 0 && (content[0]! & 0x80) !== 0 ? v - (1n << BigInt(content.length * 8)) : v;
}

/** The value of an INTEGER element. */
export function bigintAt(der: Buffer, el: DerElement): bigint {
  return bigintOf(integerAt(der, el));
}

/** Extensions of a certificate by OID: criticality and extnValue contents. */
export function certificateExtensions(
  certDer: Uint8Array,
): Map<string, { critical: boolean; value: Buffer }> {
  return guarded('PKI_CERT_MALFORMED', () => {
    const { all } = decodeCertificate(certDer).extensions;
    return new Map(all.map((e) => [e.oid, { critical: e.critical, value: e.value }]));
  });
}

/**
 * Throws unless the certificate is a time-stamping certificate (RFC 3161 §2.3): one critical
 * extendedKeyUsage extension whose only purpose is id-kp-timeStamping.
 */
export function checkTimeStampingCertificate(certDer: Uint8Array): void {
  const eku = certificateExtensions(certDer).get(TSP_OID.extKeyUsage);
  const value = eku?.value ?? Buffer.alloc(0);
  const purposes = eku
    ? guarded('PKI_CERT_MALFORMED', () =>
        childrenOf(value, topElement(value, 0x30, 'EKU')).map((p) => oidAt(value, p)),
      )
    : [];
  if (!eku?.critical || purposes.length !== 1 || purposes[0] !== TSP_OID.kpTimeStamping) {
    throw new TimestampError(
      'TSP_CERTIFICATE_INVALID',
      'the TSA certificate must have a critical extendedKeyUsage of id-kp-timeStamping only (RFC 3161 §2.3)',
    );
  }
}
