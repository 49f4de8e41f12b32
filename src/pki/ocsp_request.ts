/**
 * RFC 6960 OCSP requests, client side: an unsigned OCSPRequest for one certificate, and the
 * URLs a certificate publishes for its revocation status (AIA id-ad-ocsp, CRL distribution points).
 */
import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityInfoAccessSyntax, CRLDistributionPoints } from '@peculiar/asn1-x509';
import type { GeneralName } from '@peculiar/asn1-x509';
import * as DER from '../lib/der.js';
import { guarded } from '../lib/der_reader.js';
import { PkiError } from '../lib/errors.js';
import { OID, subjectPublicKeyBits } from './algorithms.js';
import { decodeCertificate } from '../x509/certificate.js';
import { parseCertificate } from '../x509/certificate_info.js';
import { NONCE_OID } from './ocsp.js';

/** Hash algorithms of a CertID this client writes. */
export type OcspRequestHash = 'sha1' | 'sha256';

/** Options of {@link buildOcspRequest}. */
export interface OcspRequestOptions {
  /** CertID hash: SHA-1 by default (what RFC 5019 responders expect), or SHA-256. */
  hash?: OcspRequestHash;
  /** A nonce (RFC 8954, 1 to 32 octets) to send, or `true` for 32 random octets; none by default. */
  nonce?: Buffer | true;
}

/** What {@link buildOcspRequest} returns. */
export interface BuiltOcspRequest {
  /** The OCSPRequest DER (unsigned). */
  der: Buffer;
  /** The CertID DER sent. */
  certId: Buffer;
  /** The nonce sent, if any (the OCTET STRING value). */
  nonce?: Buffer;
}

const HASH_OIDS: Readonly<Record<OcspRequestHash, string>> = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
};

/**
 * The CertID (RFC 6960 §4.1.1) of a certificate: hashes of its issuer's subject Name DER and of
 * the issuer's subjectPublicKey BIT STRING value, and its serial number.
 *
 * @param certDer - the certificate asked about
 * @param issuerDer - its issuer's certificate
 * @param hash - sha1 (default) or sha256
 * @returns the CertID DER
 * @throws PkiError PKI_CERT_MALFORMED for certificates that do not parse
 * @example
 * ```ts
 * const id = ocspCertId(citizenDer, eidCaDer);
 * ```
 */
export function ocspCertId(
  certDer: Uint8Array,
  issuerDer: Uint8Array,
  hash: OcspRequestHash = 'sha1',
): Buffer {
  const cert = parseCertificate(certDer);
  const issuer = parseCertificate(issuerDer);
  const serialHex = cert.serial.length % 2 === 1 ? `0${cert.serial}` : cert.serial;
  return DER.seq(
    DER.seq(DER.oid(HASH_OIDS[hash]), DER.nullValue()),
    DER.octets(createHash(hash).update(issuer.subjectDer).digest()),
    DER.octets(createHash(hash).update(subjectPublicKeyBits(issuer.spki)).digest()),
    DER.integer(Buffer.from(serialHex, 'hex')),
  );
}

/**
 * Builds an unsigned OCSPRequest (RFC 6960 §4.1.1) for one certificate, optionally with a nonce
 * extension (RFC 8954: extnValue is the DER OCTET STRING of the nonce).
 *
 * @param certDer - the certificate whose status is asked
 * @param issuerDer - the certificate of its issuer
 * @param options - CertID hash (sha1 default, sha256) and nonce
 * @returns the request DER, the CertID sent and the nonce
 * @throws PkiError PKI_CERT_MALFORMED for certificates that do not parse; INTERNAL for a bad nonce
 * @example
 * ```ts
 * const { der } = buildOcspRequest(citizenDer, eidCaDer, { nonce: true });
 * ```
 */
export function buildOcspRequest(
  certDer: Uint8Array,
  issuerDer: Uint8Array,
  options: OcspRequestOptions = {},
): BuiltOcspRequest {
  const certId = ocspCertId(certDer, issuerDer, options.hash ?? 'sha1');
  const nonce = options.nonce === true ? randomBytes(32) : options.nonce;
  if (nonce !== undefined && (nonce.length < 1 || nonce.length > 32))
    throw new PkiError('INTERNAL', 'an OCSP nonce has 1 to 32 octets');
  const extensions =
    nonce === undefined
      ? undefined
      : DER.explicit(2, DER.seq(DER.seq(DER.oid(NONCE_OID), DER.octets(DER.octets(nonce)))));
  const der = DER.seq(DER.seq(DER.seq(DER.seq(certId)), extensions));
  return { der, certId, ...(nonce === undefined ? {} : { nonce }) };
}

function certificateExtension(certDer: Uint8Array, oid: string): Buffer | undefined {
  return guarded(
    'PKI_CERT_MALFORMED',
    () => decodeCertificate(certDer).extensions.all.find((e) => e.oid === oid)?.value,
  );
}

function httpUri(names: GeneralName[] | undefined): string | undefined {
  return names
    ?.map((n) => n.uniformResourceIdentifier)
    .find((u) => u !== undefined && /^https?:\/\//i.test(u));
}

/**
 * The first http(s) OCSP responder URL of a certificate's Authority Information Access
 * extension (RFC 5280 §4.2.2.1, accessMethod id-ad-ocsp).
 *
 * @param certDer - the certificate
 * @returns the URL, or undefined when the certificate names no OCSP responder
 * @throws PkiError PKI_CERT_MALFORMED for a certificate or extension that does not parse
 * @example
 * ```ts
 * ocspUrlOf(citizenDer); // 'http://127.0.0.1:8080/ocsp'
 * ```
 */
export function ocspUrlOf(certDer: Uint8Array): string | undefined {
  const value = certificateExtension(certDer, OID.authorityInfoAccess);
  if (value === undefined) return undefined;
  return guarded('PKI_CERT_MALFORMED', () => {
    const aia = AsnConvert.parse(value, AuthorityInfoAccessSyntax);
    return httpUri(aia.filter((d) => d.accessMethod === OID.adOcsp).map((d) => d.accessLocation));
  });
}

/**
 * The first http(s) full-name URL of a certificate's CRL distribution points (RFC 5280 §4.2.1.13).
 *
 * @param certDer - the certificate
 * @returns the URL, or undefined when there is none
 * @throws PkiError PKI_CERT_MALFORMED for a certificate or extension that does not parse
 * @example
 * ```ts
 * crlUrlOf(eidCaDer); // 'http://127.0.0.1:8080/crl/root.crl'
 * ```
 */
export function crlUrlOf(certDer: Uint8Array): string | undefined {
  const value = certificateExtension(certDer, OID.crlDistributionPoints);
  if (value === undefined) return undefined;
  return guarded('PKI_CERT_MALFORMED', () => {
    const dps = AsnConvert.parse(value, CRLDistributionPoints);
    return httpUri(dps.flatMap((dp) => dp.distributionPoint?.fullName ?? []));
  });
}
