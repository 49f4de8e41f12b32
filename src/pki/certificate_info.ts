import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, Name } from '@peculiar/asn1-x509';
import { readHeader } from '../lib/der.js';
import { PkiError } from '../lib/errors.js';
import { pemOrDer } from '../lib/pem.js';

/** What the node needs to know of a certificate, with the exact DER of its parts. */
export interface CertificateInfo {
  der: Buffer;
  /** Serial number, lower-case hex of the positive INTEGER value. */
  serial: string;
  /** Exact DER of the issuer Name. */
  issuerDer: Buffer;
  /** Exact DER of the subject Name. */
  subjectDer: Buffer;
  /** Exact DER of the SubjectPublicKeyInfo. */
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** RFC 4514-style rendering of the subject, for display and storage. */
  subject: string;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
};

/** Renders a Name DER as `CN=…, C=…` (most specific first, RFC 4514 order). */
export function nameToString(nameDer: Uint8Array): string {
  const name = AsnConvert.parse(nameDer, Name);
  return [...name]
    .reverse()
    .map((rdn) =>
      [...rdn]
        .map((atv) => `${SHORT_NAMES[atv.type] ?? atv.type}=${escapeRdn(atv.value.toString())}`)
        .join('+'),
    )
    .join(', ');
}

function escapeRdn(v: string): string {
  return v.replace(/([,+"\\<>;])/g, '\\$1');
}

/**
 * Parses a certificate (DER or PEM) into the fields the PKI uses.
 *
 * @param input - DER bytes or PEM text
 * @throws PkiError PKI_CERT_MALFORMED
 * @example
 * ```ts
 * const info = parseCertificate(readFileSync('ph/public/eid-ca.pem'));
 * console.log(info.subject, info.serial);
 * ```
 */
export function parseCertificate(input: Uint8Array | string): CertificateInfo {
  const der = pemOrDer(input, 'CERTIFICATE');
  if (!der) throw new PkiError('PKI_CERT_MALFORMED', 'no CERTIFICATE block in PEM input');
  try {
    const cert = AsnConvert.parse(der, Certificate);
    const parts = tbsParts(der);
    return {
      der,
      serial: Buffer.from(cert.tbsCertificate.serialNumber)
        .toString('hex')
        .replace(/^(00)+(?=[0-9a-f])/, ''),
      issuerDer: parts.issuer,
      subjectDer: parts.subject,
      spki: parts.spki,
      notBefore: cert.tbsCertificate.validity.notBefore.getTime(),
      notAfter: cert.tbsCertificate.validity.notAfter.getTime(),
      subject: nameToString(parts.subject),
    };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('PKI_CERT_MALFORMED', `malformed certificate: ${(e as Error).message}`, { cause: e });
  }
}

/** Slices the exact DER of issuer, subject and SubjectPublicKeyInfo out of a certificate. */
function tbsParts(der: Buffer): { issuer: Buffer; subject: Buffer; spki: Buffer } {
  const cert = readHeader(der, 0);
  const tbs = readHeader(der, cert.start);
  let p = tbs.start;
  const next = (): { start: number; end: number; tag: number } => {
    const h = readHeader(der, p);
    const r = { start: p, end: h.end, tag: h.tag };
    p = h.end;
    return r;
  };
  let first = next();
  if (first.tag === 0xa0) first = next(); // version [0] present; `first` is now the serial number
  next(); // signature AlgorithmIdentifier
  const issuer = next();
  next(); // validity
  const subject = next();
  const spki = next();
  return {
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
    spki: der.subarray(spki.start, spki.end),
  };
}
