/**
 * Log entries for certificates, built from the certificate's DER alone, so every producer
 * (issuance, lifecycle, node set-up) writes the same facts the same way and none can add the
 * subject of a citizen's certificate.
 */
import { createHash } from 'node:crypto';
import { decodeCertificate } from '../x509/certificate.js';
import { nameToString } from '../x509/name_string.js';
import type {
  CertificateFacts,
  EidCertificateEntry,
  EidCertificateRenewedEntry,
  EidCertificateRevokedEntry,
  ServiceCertificateEntry,
} from './entry.js';

/**
 * The public facts of a certificate: SHA-256 of the DER, serial, issuer, validity, and the
 * profile it was issued under.
 *
 * @param der - the certificate
 * @param profile - `authentication`, `signature`, `root-ca`, `eid-ca`, `ocsp`, `tsa`, `tl-signer`
 * @example
 * ```ts
 * certificateFacts(der, 'signature').sha256;
 * ```
 */
export function certificateFacts(der: Uint8Array, profile: string): CertificateFacts {
  const c = decodeCertificate(Buffer.from(der));
  return {
    sha256: createHash('sha256').update(der).digest('hex'),
    serial: c.serialHex,
    issuer: nameToString(c.issuer.der),
    profile,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
  };
}

/** What happened to a citizen's certificate. */
export type EidCertificateEvent =
  | { type: 'eid-cert-issued' | 'eid-cert-suspended' | 'eid-cert-resumed' }
  | { type: 'eid-cert-revoked'; reason: string }
  | { type: 'eid-cert-renewed'; replaces: { sha256: string; serial: string }[] };

/**
 * The entry for a citizen certificate's issuance or status change. It carries no subject: the
 * holder's name and national identifier never reach the log.
 *
 * @param der - the certificate
 * @param profile - `authentication` or `signature`
 * @param event - the type, with the revocation reason or the replaced certificates
 * @param time - when the change happened
 * @example
 * ```ts
 * eidCertificateEntry(der, 'signature', { type: 'eid-cert-revoked', reason: 'keyCompromise' }, now);
 * ```
 */
export function eidCertificateEntry(
  der: Uint8Array,
  profile: string,
  event: EidCertificateEvent,
  time: Date,
): EidCertificateEntry | EidCertificateRevokedEntry | EidCertificateRenewedEntry {
  const base = { v: 1 as const, time: time.toISOString(), ...certificateFacts(der, profile) };
  if (event.type === 'eid-cert-renewed')
    return {
      ...base,
      type: event.type,
      replaces: [...event.replaces].sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0)),
    };
  if (event.type === 'eid-cert-revoked') return { ...base, type: event.type, reason: event.reason };
  return { ...base, type: event.type };
}

/** The entry type of a node service certificate by its profile (the register's usage). */
const SERVICE_TYPES: Record<string, ServiceCertificateEntry['type']> = {
  'root-ca': 'ca-cert',
  'eid-ca': 'ca-cert',
  ocsp: 'ocsp-cert',
  tsa: 'tsa-cert',
  'tl-signer': 'tl-signer-cert',
};

/**
 * The entry for a certificate of the node's own services (CA, OCSP responder, time-stamping
 * unit, trusted-list signer), with its subject (a service's name).
 *
 * @param der - the certificate
 * @param profile - `root-ca`, `eid-ca`, `ocsp`, `tsa` or `tl-signer`
 * @param time - when it was recorded
 * @returns the entry, or undefined for a profile that is not a service's
 * @example
 * ```ts
 * serviceCertificateEntry(der, 'ocsp', now);
 * ```
 */
export function serviceCertificateEntry(
  der: Uint8Array,
  profile: string,
  time: Date,
): ServiceCertificateEntry | undefined {
  const type = SERVICE_TYPES[profile];
  if (!type) return undefined;
  const subject = decodeCertificate(Buffer.from(der)).subjectText;
  return { v: 1, type, time: time.toISOString(), ...certificateFacts(der, profile), subject };
}
