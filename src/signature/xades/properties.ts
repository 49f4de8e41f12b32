/**
 * XAdES qualifying properties (ETSI EN 319 132-1 clause 5): the signed SigningTime and
 * SigningCertificate(V2), the time-stamps, and the validation data (CertificateValues,
 * RevocationValues, TimeStampValidationData). Unsigned validation data that cannot be decoded is
 * skipped with a warning: it is evidence, not signed content (EN 319 132-1 5.5.1).
 */
import type { XmlElement } from '../../lib/xml/dom.js';
import { attribute, childElement, childElements, textContent } from '../../lib/xml/query.js';
import { childrenOf, topElement } from '../../lib/der_reader.js';
import { serialHex } from '../../lib/der_cursor.js';
import type { DigestName } from '../model.js';
import { NS, digestAlgorithm } from './algorithms.js';
import { XadesError } from './errors.js';
import { decodeBase64, onlyChild } from './structure.js';
import type { ParsedSignature } from './structure.js';

/** One xades:Cert of a SigningCertificate(V2). */
export interface CertificateReference {
  digestAlgorithm: DigestName;
  digest: Buffer;
  /** IssuerSerialV2: the issuer Name DER. */
  issuerDer?: Buffer;
  serialHex?: string;
  /** IssuerSerial (v1): the issuer as an RFC 4514 string. */
  issuerName?: string;
}

/** A time-stamp property. */
export interface TimestampProperty {
  type: 'content' | 'signature' | 'archive';
  element: XmlElement;
  /** Canonicalization URI of the property (EN 319 132-1 5.3; absent means Canonical XML 1.0). */
  canonicalization?: string;
  tokens: Buffer[];
}

/** What the qualifying properties of one signature hold. */
export interface XadesProperties {
  qualifyingProperties: XmlElement;
  signedProperties?: XmlElement;
  signingTime?: Date;
  signingCertificates: CertificateReference[];
  unsignedSignatureProperties?: XmlElement;
  timestamps: TimestampProperty[];
  certificates: Buffer[];
  crls: Buffer[];
  ocsps: Buffer[];
  warnings: string[];
}

const XADES_NAMESPACES: readonly string[] = [NS.xades, NS.xades122, NS.xades111];
const XSD_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function xadesChild(el: XmlElement, local: string): XmlElement | undefined {
  return childElement(el, el.namespaceUri, local);
}

/**
 * The QualifyingProperties elements in the ds:Object children of the signature (EN 319 132-1 4.3).
 *
 * @example
 * ```ts
 * findQualifyingProperties(parseSignature(el)).length; // 1 for XAdES, 0 for plain XMLDSig
 * ```
 */
export function findQualifyingProperties(sig: ParsedSignature): XmlElement[] {
  return sig.objects.flatMap((o) =>
    childElements(o).filter(
      (c) => XADES_NAMESPACES.includes(c.namespaceUri) && c.localName === 'QualifyingProperties',
    ),
  );
}

function parseDateTime(text: string): Date {
  const t = text.trim();
  const m = XSD_DATE_TIME.exec(t);
  const d = m ? new Date(m[1] ? t : `${t}Z`) : new Date(NaN);
  if (Number.isNaN(d.getTime()))
    throw new XadesError('XADES_MALFORMED', `SigningTime '${t}' is not an xs:dateTime`);
  return d;
}

function decimalToHex(text: string): string {
  const t = text.trim();
  if (!/^\d{1,200}$/.test(t))
    throw new XadesError('XADES_MALFORMED', 'X509SerialNumber is not a decimal integer');
  return BigInt(t).toString(16);
}

/** IssuerSerialV2 (EN 319 132-1 5.2.2.2): DER IssuerSerial of RFC 5035, GeneralNames with one directoryName. */
function parseIssuerSerialV2(der: Buffer): { issuerDer?: Buffer; serialHex: string } {
  try {
    const top = topElement(der, 0x30, 'IssuerSerial');
    const [names, serial] = childrenOf(der, top);
    if (!names || names.tag !== 0x30 || !serial || serial.tag !== 0x02)
      throw new XadesError('XADES_MALFORMED', 'bad IssuerSerial');
    const directory = childrenOf(der, names).find((n) => n.tag === 0xa4);
    const name = directory ? childrenOf(der, directory)[0] : undefined;
    return {
      ...(name ? { issuerDer: der.subarray(name.offset, name.end) } : {}),
      serialHex: serialHex(der.subarray(serial.start, serial.end)),
    };
  } catch (e) {
    throw new XadesError('XADES_MALFORMED', 'IssuerSerialV2 is not a DER IssuerSerial', { cause: e });
  }
}

function parseCert(cert: XmlElement): CertificateReference {
  const certDigest = onlyChild(cert, 'CertDigest', cert.namespaceUri);
  // XAdES 1.1.1 (ETSI TS 101 903 v1.1.1) puts DigestMethod / DigestValue in its own namespace.
  const ns =
    cert.namespaceUri === NS.xades111 && childElements(certDigest, NS.ds, 'DigestMethod').length === 0
      ? NS.xades111
      : NS.ds;
  const method = attribute(onlyChild(certDigest, 'DigestMethod', ns), 'Algorithm');
  const ref: CertificateReference = {
    digestAlgorithm: digestAlgorithm(method),
    digest: decodeBase64(textContent(onlyChild(certDigest, 'DigestValue', ns)), 'CertDigest'),
  };
  const v2 = xadesChild(cert, 'IssuerSerialV2');
  if (v2) return { ...ref, ...parseIssuerSerialV2(decodeBase64(textContent(v2), 'IssuerSerialV2')) };
  const v1 = xadesChild(cert, 'IssuerSerial');
  if (!v1) return ref;
  const name = childElement(v1, NS.ds, 'X509IssuerName');
  const serial = childElement(v1, NS.ds, 'X509SerialNumber');
  return {
    ...ref,
    ...(name ? { issuerName: textContent(name).trim() } : {}),
    ...(serial ? { serialHex: decimalToHex(textContent(serial)) } : {}),
  };
}

function readSignedProperties(signed: XmlElement, out: XadesProperties): void {
  const ssp = xadesChild(signed, 'SignedSignatureProperties');
  if (ssp) {
    const time = xadesChild(ssp, 'SigningTime');
    if (time) out.signingTime = parseDateTime(textContent(time));
    const sc = xadesChild(ssp, 'SigningCertificateV2') ?? xadesChild(ssp, 'SigningCertificate');
    if (sc) out.signingCertificates = childElements(sc, sc.namespaceUri, 'Cert').map(parseCert);
  }
  const sdop = xadesChild(signed, 'SignedDataObjectProperties');
  for (const el of sdop ? childElements(sdop, sdop.namespaceUri) : []) {
    if (el.localName === 'AllDataObjectsTimeStamp' || el.localName === 'IndividualDataObjectsTimeStamp') {
      out.timestamps.push(timestampProperty(el, 'content', out.warnings));
    }
  }
}

function timestampProperty(
  el: XmlElement,
  type: TimestampProperty['type'],
  warnings: string[],
): TimestampProperty {
  const c14n = childElement(el, NS.ds, 'CanonicalizationMethod');
  const uri = c14n ? attribute(c14n, 'Algorithm') : undefined;
  const tokens: Buffer[] = [];
  for (const t of childElements(
    el,
    el.namespaceUri === NS.xades141 ? NS.xades : el.namespaceUri,
    'EncapsulatedTimeStamp',
  )) {
    try {
      tokens.push(decodeBase64(textContent(t), 'EncapsulatedTimeStamp'));
    } catch {
      warnings.push(`${el.localName}: an EncapsulatedTimeStamp is not base64 and was ignored`);
    }
  }
  return { type, element: el, ...(uri !== undefined ? { canonicalization: uri } : {}), tokens };
}

function encapsulated(
  parent: XmlElement | undefined,
  local: string,
  into: Buffer[],
  warnings: string[],
): void {
  if (!parent) return;
  for (const el of childElements(parent)) {
    if (el.localName !== local) continue;
    try {
      into.push(decodeBase64(textContent(el), local));
    } catch {
      warnings.push(`${local}: a value is not base64 and was ignored`);
    }
  }
}

/** CertificateValues and RevocationValues children of `container` (EN 319 132-1 5.5.1, 5.5.2). */
function readValidationData(container: XmlElement, out: XadesProperties): void {
  for (const el of childElements(container)) {
    if (el.localName === 'CertificateValues') {
      encapsulated(el, 'EncapsulatedX509Certificate', out.certificates, out.warnings);
    } else if (el.localName === 'RevocationValues') {
      for (const r of childElements(el)) {
        if (r.localName === 'CRLValues') encapsulated(r, 'EncapsulatedCRLValue', out.crls, out.warnings);
        if (r.localName === 'OCSPValues') encapsulated(r, 'EncapsulatedOCSPValue', out.ocsps, out.warnings);
      }
    }
  }
}

function readUnsignedProperties(usp: XmlElement, out: XadesProperties): void {
  for (const el of childElements(usp)) {
    if (el.localName === 'SignatureTimeStamp')
      out.timestamps.push(timestampProperty(el, 'signature', out.warnings));
    else if (el.localName === 'ArchiveTimeStamp')
      out.timestamps.push(timestampProperty(el, 'archive', out.warnings));
    else if (el.localName === 'TimeStampValidationData') readValidationData(el, out);
  }
  readValidationData(usp, out);
}

/**
 * Reads a xades:QualifyingProperties element.
 *
 * @param qp - the QualifyingProperties
 * @returns the properties (signed ones are reported even when no reference covers them: the
 *   caller decides whether they count)
 * @throws XadesError XADES_MALFORMED for a signed property that cannot be read
 * @example
 * ```ts
 * const props = readQualifyingProperties(findQualifyingProperties(sig)[0]!);
 * props.signingTime?.toISOString();
 * ```
 */
export function readQualifyingProperties(qp: XmlElement): XadesProperties {
  const out: XadesProperties = {
    qualifyingProperties: qp,
    signingCertificates: [],
    timestamps: [],
    certificates: [],
    crls: [],
    ocsps: [],
    warnings: [],
  };
  const signed = xadesChild(qp, 'SignedProperties');
  if (signed) {
    out.signedProperties = signed;
    readSignedProperties(signed, out);
  }
  const unsigned = xadesChild(qp, 'UnsignedProperties');
  const usp = unsigned ? xadesChild(unsigned, 'UnsignedSignatureProperties') : undefined;
  if (usp) {
    out.unsignedSignatureProperties = usp;
    readUnsignedProperties(usp, out);
  }
  return out;
}
