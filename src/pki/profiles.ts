import { OID } from './algorithms.js';
import { encodeName, ext, randomSerial } from './certificate_builder.js';
import type { CertificateTemplate, Extension, NameAttribute } from './certificate_builder.js';

/** The identity of a country node, as its certificates and URLs carry it. */
export interface NodeIdentity {
  /** ISO 3166-1 alpha-2 country code. */
  country: string;
  /** Name of the national agency (organizationName of the CAs). */
  name: string;
  /** Public base URL of the node, without a trailing slash (CRL, OCSP and caIssuers URLs). */
  baseUrl: string;
}

/** The issuing CA of a certificate being built. */
export interface IssuerRef {
  /** `root` or `eid-ca`: names its CRL and certificate URLs. */
  caId: string;
  subjectDer: Buffer;
  spki: Buffer;
  notAfter: Date;
}

/** The person an eID certificate is for. */
export interface CertificateHolder {
  nationalId: string;
  givenNames: string;
  familyName: string;
}

/** The two eID certificates a citizen holds. */
export type EidUsage = 'authentication' | 'signature';

/** Certificate policy OIDs (ETSI EN 319 411-1/-2): NCP for authentication, QCP-n for signing. */
export const POLICY = { ncp: '0.4.0.2042.1.1', qcpNatural: '0.4.0.194112.1.0' } as const;

function validity(now: Date, years: number, cap?: Date): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  let notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  if (cap && notAfter > cap) notAfter = cap;
  return { notBefore, notAfter };
}

function urls(node: NodeIdentity, caId: string): { crl: string; caIssuers: string; ocsp: string } {
  return {
    crl: `${node.baseUrl}/crl/${caId}.crl`,
    caIssuers: `${node.baseUrl}/ca/${caId}.cer`,
    ocsp: `${node.baseUrl}/ocsp`,
  };
}

function agencyName(node: NodeIdentity, cn: string): Buffer {
  return encodeName([
    { type: OID.countryName, value: node.country },
    { type: OID.organizationName, value: node.name },
    { type: OID.commonName, value: cn },
  ]);
}

/** Subject of the root CA. */
export function rootSubject(node: NodeIdentity): Buffer {
  return agencyName(node, `${node.country} National Root CA`);
}

/**
 * Root CA: self-signed, basicConstraints cA, keyCertSign + cRLSign (RFC 5280 §4.2.1.9, EN 319 412-2).
 *
 * @param node - the node identity
 * @param spki - the root public key
 * @param now - issuance time
 */
export function rootCaTemplate(node: NodeIdentity, spki: Buffer, now: Date): CertificateTemplate {
  const subject = rootSubject(node);
  return {
    serial: randomSerial(),
    issuer: subject,
    subject,
    ...validity(now, 20),
    spki,
    extensions: [
      ext.basicConstraints(true),
      ext.keyUsage(['keyCertSign', 'cRLSign']),
      ext.subjectKeyIdentifier(spki),
    ],
  };
}

/** eID issuing CA under the root, path length 0: it issues end-entity certificates only. */
export function eidCaTemplate(
  node: NodeIdentity,
  root: IssuerRef,
  spki: Buffer,
  now: Date,
): CertificateTemplate {
  const u = urls(node, root.caId);
  return {
    serial: randomSerial(),
    issuer: root.subjectDer,
    subject: agencyName(node, `${node.country} eID Issuing CA`),
    ...validity(now, 10, root.notAfter),
    spki,
    extensions: [
      ext.basicConstraints(true, 0),
      ext.keyUsage(['keyCertSign', 'cRLSign']),
      ext.subjectKeyIdentifier(spki),
      ext.authorityKeyIdentifier(root.spki),
      ext.crlDistributionPoint(u.crl),
      ext.authorityInfoAccess({ caIssuers: u.caIssuers }),
      ext.certificatePolicies([{ oid: OID.anyPolicy }]),
    ],
  };
}

/**
 * Delegated OCSP responder (RFC 6960 §4.2.2.2): EKU id-kp-OCSPSigning and id-pkix-ocsp-nocheck,
 * so clients do not ask for the responder's own status; kept short-lived for that reason.
 */
export function ocspResponderTemplate(
  node: NodeIdentity,
  ca: IssuerRef,
  spki: Buffer,
  now: Date,
): CertificateTemplate {
  return {
    serial: randomSerial(),
    issuer: ca.subjectDer,
    subject: agencyName(node, `${node.country} eID OCSP Responder`),
    ...validity(now, 1, ca.notAfter),
    spki,
    extensions: [
      ext.keyUsage(['digitalSignature']),
      ext.extKeyUsage([OID.kpOcspSigning]),
      ext.ocspNoCheck(),
      ext.subjectKeyIdentifier(spki),
      ext.authorityKeyIdentifier(ca.spki),
    ],
  };
}

/** Time-stamping unit (ETSI EN 319 422 §7.1, RFC 3161 §2.3): critical EKU timeStamping only. */
export function tsaTemplate(node: NodeIdentity, ca: IssuerRef, spki: Buffer, now: Date): CertificateTemplate {
  const u = urls(node, ca.caId);
  return {
    serial: randomSerial(),
    issuer: ca.subjectDer,
    subject: agencyName(node, `${node.country} Time-Stamping Unit 1`),
    ...validity(now, 6, ca.notAfter),
    spki,
    extensions: [
      ext.keyUsage(['digitalSignature']),
      ext.extKeyUsage([OID.kpTimeStamping], true),
      ext.subjectKeyIdentifier(spki),
      ext.authorityKeyIdentifier(ca.spki),
      ext.crlDistributionPoint(u.crl),
      ext.authorityInfoAccess({ caIssuers: u.caIssuers }),
    ],
  };
}

/**
 * Subject of a citizen certificate (ETSI EN 319 412-2 §4.2.4): C, givenName, surname, CN and
 * serialNumber with the natural-person semantics identifier `PNO<CC>-<id>` (EN 319 412-1 §5.1.3).
 */
export function citizenSubject(node: NodeIdentity, holder: CertificateHolder): Buffer {
  const attrs: NameAttribute[] = [
    { type: OID.countryName, value: node.country },
    { type: OID.givenName, value: holder.givenNames },
    { type: OID.surname, value: holder.familyName },
    { type: OID.commonName, value: `${holder.givenNames} ${holder.familyName}` },
    { type: OID.serialNumber, value: `PNO${node.country}-${holder.nationalId}` },
  ];
  return encodeName(attrs);
}

/**
 * A citizen's authentication (digitalSignature, EKU clientAuth) or signature certificate
 * (nonRepudiation, QCStatements QcCompliance + QcType eSign, EN 319 412-2 §4.3.2 and -5).
 *
 * @param node - issuing node
 * @param ca - the eID CA
 * @param usage - `authentication` or `signature`
 * @param holder - the person
 * @param spki - the citizen's public key (from the proven CSR)
 * @param now - issuance time
 */
export function citizenTemplate(
  node: NodeIdentity,
  ca: IssuerRef,
  usage: EidUsage,
  holder: CertificateHolder,
  spki: Buffer,
  now: Date,
): CertificateTemplate {
  return {
    serial: randomSerial(),
    issuer: ca.subjectDer,
    subject: citizenSubject(node, holder),
    ...validity(now, 5, ca.notAfter),
    spki,
    extensions: [...citizenConstantExtensions(node, ca, usage), ext.subjectKeyIdentifier(spki)],
  };
}

const constantExtensions = new Map<string, Extension[]>();

/** The extensions every citizen certificate of one CA and usage shares, built once. */
function citizenConstantExtensions(node: NodeIdentity, ca: IssuerRef, usage: EidUsage): Extension[] {
  const key = [node.country, node.baseUrl, ca.caId, ca.spki.toString('base64'), usage].join('|');
  let exts = constantExtensions.get(key);
  if (exts) return exts;
  const u = urls(node, ca.caId);
  const specific =
    usage === 'authentication'
      ? [
          ext.keyUsage(['digitalSignature']),
          ext.extKeyUsage([OID.kpClientAuth]),
          ext.certificatePolicies([{ oid: POLICY.ncp }]),
          ext.qcStatements({ compliance: false, esign: false }),
        ]
      : [
          ext.keyUsage(['nonRepudiation']),
          ext.certificatePolicies([{ oid: POLICY.qcpNatural }]),
          ext.qcStatements({ compliance: true, esign: true, legislationCountry: node.country }),
        ];
  exts = [
    ...specific,
    ext.authorityKeyIdentifier(ca.spki),
    ext.crlDistributionPoint(u.crl),
    ext.authorityInfoAccess({ ocsp: u.ocsp, caIssuers: u.caIssuers }),
  ];
  constantExtensions.set(key, exts);
  return exts;
}

/** id-tsl-kp-tslSigning, the key purpose of a trusted-list signer (ETSI TS 119 612 clause 5.7.1). */
export const TSL_SIGNING_EKU = '0.4.0.2231.3.0';

/** The extensions every list signer carries (ETSI TS 119 612 clause 5.7.1): an end entity that signs lists. */
function listSignerExtensions(spki: Buffer): Extension[] {
  return [
    ext.basicConstraints(false),
    ext.keyUsage(['digitalSignature', 'nonRepudiation']),
    ext.extKeyUsage([TSL_SIGNING_EKU]),
    ext.subjectKeyIdentifier(spki),
  ];
}

/**
 * A node's trusted-list signing certificate (ETSI TS 119 612 clause 5.7.1): C and O equal to
 * SchemeTerritory and SchemeOperatorName, EKU id-tsl-kp-tslSigning, issued by the node root so
 * the root's CRL can revoke it; the hub pins this certificate itself in its list of trusted lists.
 *
 * @param node - the node identity
 * @param root - the node root CA
 * @param spki - the list signer's public key
 * @param now - issuance time
 */
export function trustListSignerTemplate(
  node: NodeIdentity,
  root: IssuerRef,
  spki: Buffer,
  now: Date,
): CertificateTemplate {
  const u = urls(node, root.caId);
  return {
    serial: randomSerial(),
    issuer: root.subjectDer,
    subject: agencyName(node, `${node.country} Trusted List Signer`),
    ...validity(now, 5, root.notAfter),
    spki,
    extensions: [
      ...listSignerExtensions(spki),
      ext.authorityKeyIdentifier(root.spki),
      ext.crlDistributionPoint(u.crl),
      ext.authorityInfoAccess({ caIssuers: u.caIssuers }),
    ],
  };
}

/**
 * The hub's self-signed list-of-trusted-lists signing certificate (ETSI TS 119 612 clause
 * 5.7.1): the regional body has no PKI of its own, so the certificate is its own anchor and is
 * published out of band (`/lotl-signer.pem`), as the EU publishes its LOTL signers.
 *
 * @param territory - the region's two-letter code (SchemeTerritory)
 * @param name - the hub's name (SchemeOperatorName)
 * @param spki - the signer's public key
 * @param now - issuance time
 */
export function lotlSignerTemplate(
  territory: string,
  name: string,
  spki: Buffer,
  now: Date,
): CertificateTemplate {
  const subject = encodeName([
    { type: OID.countryName, value: territory },
    { type: OID.organizationName, value: name },
    { type: OID.commonName, value: `${territory} List of Trusted Lists Signer` },
  ]);
  return {
    serial: randomSerial(),
    issuer: subject,
    subject,
    ...validity(now, 5),
    spki,
    extensions: listSignerExtensions(spki),
  };
}
