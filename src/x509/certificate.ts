/**
 * The one decoded certificate model (RFC 5280 §4.1) of issuance, validation, trust lists and
 * login: the exact bytes that are signed and compared, the decoded names and extensions. Each
 * certificate is decoded once and cached, by buffer and by SHA-256 fingerprint, because schema
 * parsing costs about a millisecond; certificates of the common shape skip it
 * (plain_certificate.ts).
 */
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import { childrenOf, fail, slice, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { timeValue } from '../lib/der_values.js';
import { pemOrDer } from '../lib/pem.js';
import { contents, octetAlignedBits } from './asn1.js';
import { X509Error } from './errors.js';
import { decodeExtensions } from './extensions.js';
import type { CertificateExtensions, ExtensionEntry } from './extensions.js';
import { decodeName, namesEqual } from './name.js';
import type { DistinguishedName } from './name.js';
import { nameToString } from './name_string.js';
import { plainExtensionEntries } from './plain_certificate.js';

/** A decoded X.509 certificate. `CertificateInfo` (certificate_info.ts) is a view of it. */
export interface Certificate {
  readonly der: Buffer;
  /** SHA-256 of the DER, lower-case hex: the certificate's identity in paths and caches. */
  readonly fingerprint: string;
  /** Exact DER of the TBSCertificate (what the issuer signed). */
  readonly tbs: Buffer;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Content octets of the serialNumber INTEGER (two's complement, as encoded). */
  readonly serial: Buffer;
  /** Serial number as lower-case hex without leading zero octets. */
  readonly serialHex: string;
  /** DER of the outer signatureAlgorithm. */
  readonly signatureAlgorithm: Buffer;
  /** DER of the TBSCertificate's signature field (RFC 5280 §4.1.2.3: must equal the outer one). */
  readonly tbsSignatureAlgorithm: Buffer;
  /** The signature value (BIT STRING contents without the unused-bits octet). */
  readonly signatureValue: Buffer;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  /** RFC 4514 rendering of the subject, for messages and reports. */
  readonly subjectText: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Exact DER of the SubjectPublicKeyInfo. */
  readonly spki: Buffer;
  readonly extensions: CertificateExtensions;
  /** Issuer and subject are the same name (RFC 5280 §6.1: "self-issued"). */
  readonly selfIssued: boolean;
  /** Problems found while decoding that fail any path using this certificate. */
  readonly problems: readonly string[];
}

interface TbsParts {
  version: number;
  serial: DerElement;
  signature: DerElement;
  issuer: DerElement;
  validity: DerElement;
  subject: DerElement;
  spki: DerElement;
  extensions?: DerElement;
}

function tbsParts(der: Buffer, tbs: DerElement): TbsParts {
  const parts = childrenOf(der, tbs);
  let i = 0;
  let version = 1;
  if (parts[0]?.tag === 0xa0) {
    const [v] = childrenOf(der, parts[i++]!);
    if (!v || v.tag !== 0x02 || v.length !== 1 || der[v.start]! > 2) fail('bad version');
    version = der[v.start]! + 1;
  }
  const [serial, signature, issuer, validity, subject, spki] = parts.slice(i, i + 6);
  if (
    !spki ||
    [serial, signature, issuer, validity, subject, spki].some((p, k) => p!.tag !== (k ? 0x30 : 0x02))
  ) {
    fail('TBSCertificate fields missing or of the wrong type');
  }
  const rest = parts.slice(i + 6);
  const extensions = rest.find((p) => p.tag === 0xa3);
  if (rest.some((p) => p.tag !== 0x81 && p.tag !== 0x82 && p.tag !== 0xa3))
    fail('unknown TBSCertificate field');
  return {
    version,
    serial: serial!,
    signature: signature!,
    issuer: issuer!,
    validity: validity!,
    subject: subject!,
    spki: spki!,
    extensions,
  };
}

function extensionEntries(schema: AsnCertificate): ExtensionEntry[] {
  return (schema.tbsCertificate.extensions ?? []).map((e) => ({
    oid: e.extnID,
    critical: e.critical,
    value: Buffer.from(e.extnValue.buffer),
  }));
}

function serialProblems(serial: Buffer): string[] {
  return serial.length === 0 ? ['empty serialNumber'] : [];
}

function decodeDer(der: Buffer, fingerprint: string): Certificate {
  const top = topElement(der, 0x30, 'Certificate');
  const [tbsEl, algEl, sigEl, extra] = childrenOf(der, top);
  if (!tbsEl || tbsEl.tag !== 0x30 || !algEl || algEl.tag !== 0x30 || !sigEl || extra) {
    fail('not TBSCertificate, signatureAlgorithm, signatureValue');
  }
  // The schema parse only for what the plain walk does not read (and at the same point, so that
  // a certificate it refuses fails with the same message as ever).
  const entries =
    plainExtensionEntries(der, tbsEl, algEl, sigEl) ??
    extensionEntries(AsnConvert.parse(der, AsnCertificate));
  const p = tbsParts(der, tbsEl);
  const [nb, na, more] = childrenOf(der, p.validity);
  if (!nb || !na || more) fail('bad Validity');
  const issuer = decodeName(slice(der, p.issuer));
  const subject = decodeName(slice(der, p.subject));
  const extensions = decodeExtensions(entries);
  const serial = contents(der, p.serial);
  const problems = [...serialProblems(serial), ...extensions.problems];
  // RFC 5280 §4.1.2.9: extensions only in version 3 certificates.
  if (p.extensions && p.version !== 3) problems.push(`extensions in a version ${p.version} certificate`);
  if (p.extensions && extensions.all.length === 0) problems.push('empty extensions');
  return {
    der,
    fingerprint,
    tbs: slice(der, tbsEl),
    version: p.version,
    serial,
    serialHex: serial.toString('hex').replace(/^(00)+(?=.)/, ''),
    signatureAlgorithm: slice(der, algEl),
    tbsSignatureAlgorithm: slice(der, p.signature),
    signatureValue: octetAlignedBits(der, sigEl),
    issuer,
    subject,
    subjectText: nameToString(subject.der),
    notBefore: timeValue(der, nb),
    notAfter: timeValue(der, na),
    spki: slice(der, p.spki),
    extensions,
    selfIssued: namesEqual(issuer, subject),
    problems,
  };
}

const byInput = new WeakMap<object, Certificate>();
const byFingerprint = new Map<string, Certificate>();
const FINGERPRINT_CACHE_SIZE = 4096;

function remember(input: object, cert: Certificate): Certificate {
  byInput.set(input, cert);
  if (byFingerprint.size >= FINGERPRINT_CACHE_SIZE) {
    byFingerprint.delete(byFingerprint.keys().next().value!);
  }
  byFingerprint.set(cert.fingerprint, cert);
  return cert;
}

/**
 * Decodes a certificate (DER or PEM) once; later calls with the same buffer or the same bytes
 * return the cached model.
 *
 * @param input - DER bytes or PEM text
 * @throws X509Error X509_CERTIFICATE_MALFORMED when the certificate cannot be decoded
 * @example
 * ```ts
 * const cert = decodeCertificate(readFileSync('leaf.pem'));
 * console.log(cert.subjectText, cert.extensions.basicConstraints?.ca);
 * ```
 */
export function decodeCertificate(input: Uint8Array | string): Certificate {
  const key = typeof input === 'string' ? undefined : input;
  const cached = key && byInput.get(key);
  if (cached) return cached;
  const der = pemOrDer(input, 'CERTIFICATE');
  if (!der) throw new X509Error('X509_CERTIFICATE_MALFORMED', 'no CERTIFICATE block in the PEM input');
  const fingerprint = createHash('sha256').update(der).digest('hex');
  const known = byFingerprint.get(fingerprint);
  if (known) return key ? remember(key, known) : known;
  try {
    const cert = decodeDer(der, fingerprint);
    return remember(key ?? cert, cert);
  } catch (e) {
    throw new X509Error('X509_CERTIFICATE_MALFORMED', `certificate: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
