/**
 * ds:KeyInfo (xmldsig-core1 §4.5.4 X509Data) and the matching of a certificate against what the
 * signature names: X509Certificate, X509IssuerSerial, X509SKI, X509SubjectName, and the XAdES
 * signing-certificate reference (EN 319 132-1 5.2.2: the digest of the certificate).
 */
import { X509Certificate, createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectKeyIdentifier } from '@peculiar/asn1-x509';
import type { Name } from '@peculiar/asn1-x509';
import type { XmlElement } from '../../lib/xml/dom.js';
import { childElement, childElements, textContent } from '../../lib/xml/query.js';
import { NS } from './algorithms.js';
import type { CertificateReference } from './properties.js';
import { decodeBase64 } from './structure.js';

/** What a ds:KeyInfo holds. */
export interface KeyInfoData {
  certificates: Buffer[];
  issuerSerials: { issuerName: string; serialHex: string }[];
  skis: Buffer[];
  subjectNames: string[];
  warnings: string[];
}

function decimalHex(text: string): string | undefined {
  const t = text.trim();
  return /^\d{1,200}$/.test(t) ? BigInt(t).toString(16) : undefined;
}

/** Like DSS (KeyInfo certificates), one that does not decode is skipped with a warning. */
function readCertificate(der: Buffer, out: KeyInfoData): void {
  try {
    new X509Certificate(der);
    out.certificates.push(der);
  } catch {
    out.warnings.push('KeyInfo X509Certificate is not an X.509 certificate and was ignored');
  }
}

function readX509Data(data: XmlElement, out: KeyInfoData): void {
  for (const el of childElements(data, NS.ds)) {
    const text = textContent(el);
    try {
      if (el.localName === 'X509Certificate') readCertificate(decodeBase64(text, 'X509Certificate'), out);
      else if (el.localName === 'X509SKI') out.skis.push(decodeBase64(text, 'X509SKI'));
      else if (el.localName === 'X509SubjectName') out.subjectNames.push(text.trim());
      else if (el.localName === 'X509IssuerSerial') {
        const name = childElement(el, NS.ds, 'X509IssuerName');
        const serial = childElement(el, NS.ds, 'X509SerialNumber');
        const serialHex = serial ? decimalHex(textContent(serial)) : undefined;
        if (name && serialHex !== undefined)
          out.issuerSerials.push({ issuerName: textContent(name).trim(), serialHex });
      }
    } catch {
      out.warnings.push(`KeyInfo ${el.localName} is not base64 and was ignored`);
    }
  }
}

/**
 * Reads the X509Data of a ds:KeyInfo.
 *
 * @example
 * ```ts
 * readKeyInfo(sig.keyInfo).certificates.length;
 * ```
 */
export function readKeyInfo(keyInfo: XmlElement | undefined): KeyInfoData {
  const out: KeyInfoData = { certificates: [], issuerSerials: [], skis: [], subjectNames: [], warnings: [] };
  for (const data of keyInfo ? childElements(keyInfo, NS.ds, 'X509Data') : []) readX509Data(data, out);
  return out;
}

interface CertificateIdentity {
  serialHex: string;
  issuerValues: string[];
  subjectValues: string[];
  ski?: Buffer;
}

function nameValues(name: Name): string[] {
  return name.flatMap((rdn) => rdn.map((atv) => normalizeValue(atv.value.toString())));
}

function normalizeValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ').toLowerCase();
}

function identity(der: Buffer): CertificateIdentity | undefined {
  try {
    const tbs = AsnConvert.parse(der, Certificate).tbsCertificate;
    const skiExt = tbs.extensions?.find((e) => e.extnID === '2.5.29.14');
    const ski = skiExt
      ? Buffer.from(AsnConvert.parse(skiExt.extnValue, SubjectKeyIdentifier).buffer)
      : undefined;
    return {
      serialHex: Buffer.from(tbs.serialNumber)
        .toString('hex')
        .replace(/^(00)+(?=[0-9a-f])/, ''),
      issuerValues: nameValues(tbs.issuer),
      subjectValues: nameValues(tbs.subject),
      ...(ski ? { ski } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The attribute values of an RFC 4514 / RFC 2253 distinguished-name string, unescaped and
 * normalised. Attribute type names differ between producers (`E`, `EMAILADDRESS`, `OID.2.5.4.97`),
 * so names are compared by their values as a multiset.
 *
 * @example
 * ```ts
 * dnValues('CN=Test\\, Inc.,O=Org'); // ['test, inc.', 'org']
 * ```
 */
export function dnValues(dn: string): string[] {
  const values: string[] = [];
  let current = '';
  let escaped = false;
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (escaped) {
      const hex = /^[0-9a-fA-F]{2}/.exec(dn.slice(i, i + 2));
      current += hex ? String.fromCharCode(parseInt(hex[0], 16)) : c;
      if (hex) i++;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === ',' || c === '+' || c === ';') {
      values.push(current);
      current = '';
    } else current += c;
  }
  values.push(current);
  return values.map((v) => normalizeValue(v.slice(v.indexOf('=') + 1).replace(/^\s*"(.*)"\s*$/, '$1')));
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

/**
 * True when `certDer` is the certificate an IssuerSerial (v1, RFC 4514 issuer) names.
 *
 * @example
 * ```ts
 * matchesIssuerSerial(certDer, 'CN=CA,C=LU', '0a'); // true for serial 10 issued by CN=CA,C=LU
 * ```
 */
export function matchesIssuerSerial(certDer: Buffer, issuerName: string, serialHex: string): boolean {
  const id = identity(certDer);
  return id !== undefined && id.serialHex === serialHex && sameValues(id.issuerValues, dnValues(issuerName));
}

/**
 * True when the certificate's digest is the one of the signing-certificate reference.
 *
 * @example
 * ```ts
 * matchesCertificateReference(certDer, props.signingCertificates[0]!);
 * ```
 */
export function matchesCertificateReference(certDer: Buffer, ref: CertificateReference): boolean {
  return createHash(ref.digestAlgorithm).update(certDer).digest().equals(ref.digest);
}

/**
 * True when the KeyInfo's X509IssuerSerial, X509SKI or X509SubjectName names `certDer`.
 *
 * @example
 * ```ts
 * keyInfoNames(readKeyInfo(sig.keyInfo), certDer);
 * ```
 */
export function keyInfoNames(info: KeyInfoData, certDer: Buffer): boolean {
  const id = identity(certDer);
  if (!id) return false;
  if (
    info.issuerSerials.some(
      (s) => s.serialHex === id.serialHex && sameValues(id.issuerValues, dnValues(s.issuerName)),
    )
  ) {
    return true;
  }
  if (id.ski && info.skis.some((s) => s.equals(id.ski!))) return true;
  return info.subjectNames.some((n) => sameValues(id.subjectValues, dnValues(n)));
}
