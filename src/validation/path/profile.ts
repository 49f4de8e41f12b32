/**
 * Certificate well-formedness (always checked) and the RFC 5280 §4 rules for conforming CAs
 * (checked in the strict profile, the default): the "MUST" rules that are not steps of the
 * §6.1 algorithm but that a certificate issued under RFC 5280 always satisfies.
 */
import { pathError } from '../errors.js';
import type { PathValidationCode } from '../errors.js';
import type { Certificate } from '../../x509/certificate.js';
import { isValidDnsName, isValidMailbox } from '../../x509/general_names.js';
import type { GeneralName } from '../../x509/general_names.js';
import { ecCurveForm, signedBy } from '../../x509/signature.js';

/** The part a certificate plays in the path. */
export type CertificateRole = 'target' | 'intermediate' | 'anchor';

function reject(code: PathValidationCode, cert: Certificate, index: number, detail: string): never {
  throw pathError(code, `${cert.subjectText}: ${detail}`, {
    certificateIndex: index,
    subject: cert.subjectText,
  });
}

/**
 * Structure rules that hold in every mode: decoding problems (duplicate or malformed
 * extensions), the two signature algorithm fields being equal (§4.1.1.2), well-formed
 * subjectAltName iPAddress entries and EC keys on a named curve (RFC 5480 §2.1.1).
 *
 * @throws PathValidationError PATH_MALFORMED, or PATH_ALGORITHM_UNSUPPORTED for an explicit curve
 * @example
 * ```ts
 * checkWellFormed(cert, 0);
 * ```
 */
export function checkWellFormed(cert: Certificate, index: number): void {
  if (cert.problems.length > 0) reject('PATH_MALFORMED', cert, index, cert.problems.join('; '));
  if (!cert.signatureAlgorithm.equals(cert.tbsSignatureAlgorithm)) {
    reject(
      'PATH_MALFORMED',
      cert,
      index,
      'signatureAlgorithm differs from the TBSCertificate signature field',
    );
  }
  for (const n of cert.extensions.subjectAltName?.names ?? []) {
    if (n.type === 'iPAddress' && n.bytes.length !== 4 && n.bytes.length !== 16) {
      reject('PATH_MALFORMED', cert, index, 'subjectAltName iPAddress is not 4 or 16 octets');
    }
  }
  // RFC 5480 §2.1.1: "specifiedCurve … MUST NOT be used", nor implicitCurve; only namedCurve.
  if (ecCurveForm(cert.spki) === 'explicit') {
    reject('PATH_ALGORITHM_UNSUPPORTED', cert, index, 'EC public key with explicit curve parameters');
  }
}

/**
 * True when the certificate is self-issued and its signature verifies with its own key.
 *
 * @example
 * ```ts
 * isSelfSigned(decodeCertificate(rootPem)); // true
 * ```
 */
export function isSelfSigned(cert: Certificate): boolean {
  return cert.selfIssued && signedBy(cert, cert.spki) === 'valid';
}

function serialRule(cert: Certificate): string | undefined {
  const s = cert.serial;
  // §4.1.2.2: "no longer than 20 octets". The same clause asks certificate users to "gracefully
  // handle" the zero and negative serial numbers of non-conforming CAs (Starfield Root G2 has
  // serial 0), so those are accepted.
  const significant = s[0] === 0 && s.length > 1 ? s.length - 1 : s.length;
  return significant > 20 ? 'serialNumber longer than 20 octets' : undefined;
}

function sanNameRule(n: GeneralName): string | undefined {
  // §4.2.1.6: dNSName in preferred name syntax, rfc822Name a Mailbox; empty names are not allowed.
  if (n.type === 'dNSName' && !isValidDnsName(n.value, { wildcard: true })) {
    return `subjectAltName dNSName ${JSON.stringify(n.value)} is not in preferred name syntax`;
  }
  if (n.type === 'rfc822Name' && !isValidMailbox(n.value)) {
    return `subjectAltName rfc822Name ${JSON.stringify(n.value)} is not a mailbox`;
  }
  if (n.type === 'uniformResourceIdentifier' && !/^[A-Za-z][A-Za-z0-9+.-]*:./.test(n.value)) {
    return `subjectAltName URI ${JSON.stringify(n.value)} is not an absolute URI`;
  }
  return undefined;
}

function nameRules(cert: Certificate): string | undefined {
  const x = cert.extensions;
  if (cert.issuer.isEmpty) return 'empty issuer name'; // §4.1.2.4
  if (x.basicConstraints?.ca && cert.subject.isEmpty) return 'CA certificate with an empty subject'; // §4.1.2.6
  // §4.2.1.6: "If the subject field contains an empty sequence, … subjectAltName … marked as critical"
  if (cert.subject.isEmpty && !x.subjectAltName?.critical)
    return 'empty subject without a critical subjectAltName';
  for (const n of x.subjectAltName?.names ?? []) {
    const problem = sanNameRule(n);
    if (problem) return problem;
  }
  return undefined;
}

function keyIdRules(cert: Certificate, role: CertificateRole): string | undefined {
  const x = cert.extensions;
  if (cert.version !== 3) return undefined;
  if (x.authorityKeyIdentifier?.critical) return 'critical authorityKeyIdentifier'; // §4.2.1.1
  // §4.2.1.1: keyIdentifier MUST be present, except in a self-signed certificate. It serves to
  // find the issuer while building the path, which never happens above a trust anchor, so an
  // anchor (even one that some other CA cross-certified) is not held to it.
  if (role !== 'anchor' && !x.authorityKeyIdentifier?.keyId && !isSelfSigned(cert)) {
    return 'no authorityKeyIdentifier keyIdentifier';
  }
  if (x.subjectKeyIdentifier?.critical) return 'critical subjectKeyIdentifier'; // §4.2.1.2
  if (x.basicConstraints?.ca && !x.subjectKeyIdentifier) return 'CA certificate without subjectKeyIdentifier';
  return undefined;
}

function caRules(cert: Certificate, role: CertificateRole): string | undefined {
  const x = cert.extensions;
  const bc = x.basicConstraints;
  const ku = x.keyUsage?.usages;
  // §4.2.1.9: CA certificates that verify certificate signatures MUST mark basicConstraints critical.
  if (role !== 'target' && bc?.ca && !bc.critical)
    return 'basicConstraints of a CA certificate is not critical';
  if (bc?.pathLen !== undefined && (!bc.ca || (ku && !ku.has('keyCertSign')))) {
    return 'pathLenConstraint without cA and keyCertSign';
  }
  if (ku?.has('keyCertSign') && !bc?.ca) return 'keyCertSign without basicConstraints cA'; // §4.2.1.3
  if (x.nameConstraints && !bc?.ca) return 'nameConstraints in a certificate that is not a CA'; // §4.2.1.10
  if (x.nameConstraints && !x.nameConstraints.critical) return 'nameConstraints not critical';
  if (x.policyConstraints && !x.policyConstraints.critical) return 'policyConstraints not critical'; // §4.2.1.11
  if (x.inhibitAnyPolicy && !x.inhibitAnyPolicy.critical) return 'inhibitAnyPolicy not critical'; // §4.2.1.14
  if (x.authorityInfoAccess?.critical) return 'critical authorityInfoAccess'; // §4.2.2.1
  if (x.subjectInfoAccess?.critical) return 'critical subjectInfoAccess'; // §4.2.2.2
  const policies = x.certificatePolicies?.policies ?? [];
  if (new Set(policies).size !== policies.length) return 'a policy appears twice in certificatePolicies'; // §4.2.1.4
  return undefined;
}

/**
 * The RFC 5280 §4 profile rules for a certificate in the given role.
 *
 * @param cert - the certificate
 * @param role - target, intermediate or trust anchor
 * @param index - its position in the path (0 is the target)
 * @throws PathValidationError PATH_PROFILE_VIOLATION
 * @example
 * ```ts
 * checkProfile(anchor, 'anchor', path.length - 1);
 * ```
 */
export function checkProfile(cert: Certificate, role: CertificateRole, index: number): void {
  const problem = serialRule(cert) ?? nameRules(cert) ?? keyIdRules(cert, role) ?? caRules(cert, role);
  if (problem) reject('PATH_PROFILE_VIOLATION', cert, index, problem);
}
