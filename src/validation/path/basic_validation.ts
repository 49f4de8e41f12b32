/**
 * RFC 5280 §6.1 basic path validation over one built path (target first, trust anchor last),
 * processed from the anchor down as the RFC describes. The trust anchor is a certificate here
 * and is checked as one: validity, profile, unknown critical extensions, basicConstraints and
 * keyUsage as an issuer; its nameConstraints, pathLenConstraint and policy constraints become
 * the initial state (RFC 5937 §3).
 */
import { pathError } from '../errors.js';
import type { PathValidationCode } from '../errors.js';
import type { Certificate } from '../../x509/certificate.js';
import type { Crl } from '../../x509/crl.js';
import type { KeyUsageName } from '../../x509/extensions.js';
import { namesEqual } from '../../x509/name.js';
import { NO_NAME_CONSTRAINTS, addNameConstraints, checkNameConstraints } from './name_constraints.js';
import type { NameConstraintState } from './name_constraints.js';
import { OID } from '../../x509/oids.js';
import {
  applyPolicyConstraints,
  initialPolicyState,
  preparePolicyForNext,
  processCertificatePolicies,
  wrapUpPolicy,
} from './policy.js';
import type { PolicyInputs, PolicyState } from './policy.js';
import { checkProfile, checkWellFormed } from './profile.js';
import type { CertificateRole } from './profile.js';
import { crlStatus } from './revocation.js';
import type { RevocationStatus } from './revocation.js';
import { algorithmName, signedBy } from '../../x509/signature.js';
import { checkValidityPeriod } from './time.js';

/** Settings of one validation run, already normalised. */
export interface ProcessingOptions {
  time: Date;
  /** Apply the RFC 5280 §4 profile rules (see profile.ts). */
  strict: boolean;
  crls: readonly Crl[];
  requireRevocation: boolean;
  /** EKU OIDs the target must allow. */
  requiredEku: readonly string[];
  requiredKeyUsage: readonly KeyUsageName[];
  policy: PolicyInputs;
  /** Critical extensions the caller processes itself (RFC 5280 §6.1.4 (o)). */
  knownCriticalExtensions: ReadonlySet<string>;
  /** Check the trust anchor certificate's validity period (RFC 5280 §6.1 itself does not). */
  checkAnchorValidity: boolean;
}

/** What a successful validation establishes besides validity. */
export interface PathOutcome {
  /** Valid policies at the end of the path (RFC 5280 §6.1.6); empty when none was required. */
  policies: string[];
  /** Revocation status of each non-anchor certificate, aligned with the path (index 0 = target). */
  revocation: RevocationStatus[];
}

interface State {
  workingKey: Buffer;
  workingIssuerName: Certificate['subject'];
  maxPathLength: number;
  names: NameConstraintState;
  policy: PolicyState;
  revocation: RevocationStatus[];
}

function reject(code: PathValidationCode, cert: Certificate, index: number, detail: string): never {
  throw pathError(code, `${cert.subjectText}: ${detail}`, {
    certificateIndex: index,
    subject: cert.subjectText,
  });
}

/** The checks every certificate gets, the anchor included. */
function checkCertificate(
  cert: Certificate,
  role: CertificateRole,
  index: number,
  o: ProcessingOptions,
  isAnchor = false,
): void {
  checkWellFormed(cert, index);
  if (o.strict) checkProfile(cert, role, index);
  // A target that is itself a trust anchor is the anchor: its validity follows the same option.
  if (!isAnchor || o.checkAnchorValidity) checkValidityPeriod(cert, o.time, index);
}

function checkCriticalExtensions(cert: Certificate, index: number, o: ProcessingOptions): void {
  const unknown = cert.extensions.unrecognisedCritical.filter((x) => !o.knownCriticalExtensions.has(x));
  if (unknown.length > 0) reject('PATH_UNKNOWN_CRITICAL_EXTENSION', cert, index, unknown.join(', '));
}

/** §6.1.4 (k), (n), (o): what an issuing certificate must be. */
function checkIssuer(cert: Certificate, index: number, o: ProcessingOptions, isAnchor: boolean): void {
  const bc = cert.extensions.basicConstraints;
  // (k): a v1/v2 anchor is a CA "through out-of-band means"; an intermediate must be a v3 CA.
  if ((cert.version === 3 || !isAnchor) && !bc?.ca) {
    reject('PATH_NOT_A_CA', cert, index, bc ? 'basicConstraints cA is false' : 'no basicConstraints');
  }
  const ku = cert.extensions.keyUsage;
  if (ku && !ku.usages.has('keyCertSign'))
    reject('PATH_KEY_USAGE', cert, index, 'keyUsage lacks keyCertSign');
  checkCriticalExtensions(cert, index, o);
}

function initialState(anchor: Certificate, n: number, o: ProcessingOptions): State {
  const pathLen = anchor.extensions.basicConstraints?.pathLen;
  const state: State = {
    workingKey: anchor.spki,
    workingIssuerName: anchor.subject,
    maxPathLength: Math.min(n, pathLen ?? n),
    names: addNameConstraints(NO_NAME_CONSTRAINTS, anchor, n),
    policy: initialPolicyState(n, o.policy),
    revocation: [],
  };
  applyPolicyConstraints(state.policy, anchor);
  return state;
}

function checkRevocation(
  cert: Certificate,
  issuer: Certificate,
  index: number,
  s: State,
  o: ProcessingOptions,
): void {
  const status: RevocationStatus =
    o.crls.length > 0
      ? crlStatus(cert, issuer, o.crls, { time: o.time, strict: o.strict })
      : { status: 'not-checked' };
  s.revocation[index] = status;
  const context = { certificateIndex: index, subject: cert.subjectText };
  if (status.status === 'revoked') {
    const code = index === 0 ? 'PATH_REVOKED' : 'PATH_CA_REVOKED';
    const detail = `${cert.subjectText}: revoked ${status.revocationTime.toISOString()} (${status.reason ?? 'no reason code'})`;
    throw pathError(code, detail, {
      ...context,
      revocationTime: status.revocationTime,
      revocationReason: status.reason,
    });
  }
  if (status.status === 'unknown') reject('PATH_REVOCATION_UNKNOWN', cert, index, status.detail);
  if (status.status === 'not-checked' && o.requireRevocation) {
    reject('PATH_REVOCATION_UNKNOWN', cert, index, 'no CRL from its issuer was supplied');
  }
}

/** §6.1.3: basic certificate processing of certificate i (1-based from the anchor). */
function processCertificate(
  path: Certificate[],
  index: number,
  i: number,
  s: State,
  o: ProcessingOptions,
): void {
  const cert = path[index]!;
  const n = path.length - 1;
  checkCertificate(cert, index === 0 ? 'target' : 'intermediate', index, o);
  if (!namesEqual(cert.issuer, s.workingIssuerName)) {
    reject(
      'PATH_NO_CHAIN_FOUND',
      cert,
      index,
      'issuer name does not match the subject of the next certificate',
    );
  }
  const sig = signedBy(cert, s.workingKey);
  if (sig === 'unsupported') {
    const alg = algorithmName(cert.signatureAlgorithm);
    reject(
      'PATH_ALGORITHM_UNSUPPORTED',
      cert,
      index,
      `signature algorithm ${alg} or the issuer key is not supported`,
    );
  }
  if (sig === 'invalid')
    reject('PATH_SIGNATURE_INVALID', cert, index, 'signature does not verify with the issuer key');
  checkRevocation(cert, path[index + 1]!, index, s, o);
  // (b)-(c): "unless certificate i is self-issued and it is not the final certificate in the path"
  if (!cert.selfIssued || index === 0) checkNameConstraints(s.names, cert, index);
  processCertificatePolicies(s.policy, cert, i, n, index);
}

/** §6.1.4: preparation for certificate i+1. */
function prepareForNext(cert: Certificate, index: number, i: number, s: State, o: ProcessingOptions): void {
  preparePolicyForNext(s.policy, cert, i, index);
  s.workingKey = cert.spki;
  s.workingIssuerName = cert.subject;
  s.names = addNameConstraints(s.names, cert, index);
  checkIssuer(cert, index, o, false);
  if (!cert.selfIssued) {
    if (s.maxPathLength <= 0)
      reject('PATH_LENGTH_EXCEEDED', cert, index, 'a pathLenConstraint above forbids another CA');
    s.maxPathLength--;
  }
  const pathLen = cert.extensions.basicConstraints?.pathLen;
  if (pathLen !== undefined && pathLen < s.maxPathLength) s.maxPathLength = pathLen;
}

/** The target's purpose: requested extended key usages and key usages. */
function checkPurpose(cert: Certificate, o: ProcessingOptions): void {
  const eku = cert.extensions.extKeyUsage?.purposes;
  // RFC 5280 §4.2.1.12: without the extension the key may be used for any purpose.
  const missingEku = o.requiredEku.filter(
    (p) => eku && !eku.includes(p) && !eku.includes(OID.anyExtendedKeyUsage),
  );
  if (missingEku.length > 0)
    reject('PATH_EKU', cert, 0, `extKeyUsage does not allow ${missingEku.join(', ')}`);
  const ku = cert.extensions.keyUsage?.usages;
  const missingKu = o.requiredKeyUsage.filter((u) => ku && !ku.has(u));
  if (missingKu.length > 0) reject('PATH_KEY_USAGE', cert, 0, `keyUsage lacks ${missingKu.join(', ')}`);
}

/**
 * Validates one path per RFC 5280 §6.1, plus the strict profile, revocation (§6.3) and the
 * target's purpose.
 *
 * @param path - target first, trust anchor last; each certificate issued by the next
 * @param o - processing options
 * @throws PathValidationError with the first failure found
 * @example
 * ```ts
 * const { policies } = validateCertificationPath([leaf, ca, root], options);
 * ```
 */
export function validateCertificationPath(path: Certificate[], o: ProcessingOptions): PathOutcome {
  const n = path.length - 1;
  const anchor = path[n]!;
  checkCertificate(anchor, n === 0 ? 'target' : 'anchor', n, o, true);
  if (n === 0) {
    checkCriticalExtensions(anchor, 0, o);
    checkPurpose(anchor, o);
    return { policies: [], revocation: [] };
  }
  checkIssuer(anchor, n, o, true);
  const s = initialState(anchor, n, o);
  for (let index = n - 1; index >= 0; index--) {
    const i = n - index;
    processCertificate(path, index, i, s, o);
    if (index > 0) prepareForNext(path[index]!, index, i, s, o);
  }
  // §6.1.5
  const target = path[0]!;
  const policies = wrapUpPolicy(s.policy, target, 0, o.policy.initialPolicySet);
  checkCriticalExtensions(target, 0, o);
  checkPurpose(target, o);
  return { policies, revocation: s.revocation };
}
