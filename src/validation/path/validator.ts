/**
 * The path validation entry point: decode the inputs once, build candidate paths from the
 * target to a trust anchor, and validate them in order until one passes RFC 5280 §6.1.
 * Pure: no I/O, the caller supplies certificates, CRLs and the time.
 */
import { PathValidationError, pathError } from '../errors.js';
import { validateCertificationPath } from './basic_validation.js';
import type { PathOutcome, ProcessingOptions } from './basic_validation.js';
import { buildPaths, createPool } from './builder.js';
import type { BuildReport } from './builder.js';
import { decodeCertificate } from '../x509_decode.js';
import type { Certificate } from '../../x509/certificate.js';
import { decodeCrl } from '../x509_decode.js';
import { KEY_USAGES } from '../../x509/extensions.js';
import type { KeyUsageName } from '../../x509/extensions.js';
import { EKU_BY_NAME } from '../../x509/oids.js';
import type { PolicyInputs } from './policy.js';
import { checkProfile, checkWellFormed } from './profile.js';

/** What to validate, against what, and when. Certificates and CRLs are DER or PEM. */
export interface ValidatePathInput {
  /** The end certificate (for a signature: the signing certificate). */
  target: Uint8Array | string;
  /** Untrusted certificates that may complete the path, in any order; unrelated ones are ignored. */
  intermediates?: readonly (Uint8Array | string)[];
  /** Trust anchor certificates. */
  anchors: readonly (Uint8Array | string)[];
  /** The validation time (rounded down to the second). */
  time: Date;
  /**
   * CRLs for revocation checking (RFC 5280 §6.3); none means revocation is not checked. A CRL
   * that cannot be decoded fails the validation (PATH_MALFORMED) rather than being skipped.
   */
  crls?: readonly (Uint8Array | string)[];
  /** Most CA certificates between the target and the anchor, self-issued ones not counted (default 10). */
  maxDepth?: number;
  /** Extended key usages the target must allow: OIDs or names such as `clientAuth`. */
  requiredEku?: readonly string[];
  /** Key usages the target must allow, by RFC 5280 name (`digitalSignature`, `nonRepudiation`, …). */
  requiredKeyUsage?: readonly string[];
  /**
   * `strict` (default) also enforces the RFC 5280 §4 rules for conforming CAs on every
   * certificate of the path, the anchor included; `lenient` only the §6.1 algorithm and
   * well-formedness.
   */
  profile?: 'strict' | 'lenient';
  /** Fail when a certificate's issuer published no CRL among `crls` (default false). */
  requireRevocation?: boolean;
  /** The policy inputs of RFC 5280 §6.1.1 (default: any policy, nothing required). */
  policy?: PolicyInputs;
  /** Critical extensions the caller processes itself, e.g. QCStatements (OIDs). */
  knownCriticalExtensions?: readonly string[];
  /** Bound on signature verifications while building paths (default 256). */
  maxSignatureChecks?: number;
  /**
   * `enforce` (default): the trust anchor certificate must be inside its validity period too.
   * `ignore`: the anchor's notBefore/notAfter are not checked, for anchors whose trust is
   * decided elsewhere (a trusted list's service status at the validation time).
   */
  anchorValidity?: 'enforce' | 'ignore';
}

/** A validated path. */
export interface PathValidationResult extends PathOutcome {
  valid: true;
  /** The path: target first, trust anchor last. */
  path: Certificate[];
}

const DEFAULT_MAX_DEPTH = 10;
const DEFAULT_SIGNATURE_CHECKS = 256;
const MAX_PATHS = 16;

function ekuOid(name: string): string {
  const oid = EKU_BY_NAME[name] ?? name;
  if (!/^\d+(\.\d+)+$/.test(oid)) throw pathError('PATH_MALFORMED', `unknown extended key usage ${name}`);
  return oid;
}

function keyUsageName(name: string): KeyUsageName {
  const n = name === 'contentCommitment' ? 'nonRepudiation' : name === 'crlSign' ? 'cRLSign' : name;
  if (!(KEY_USAGES as readonly string[]).includes(n))
    throw pathError('PATH_MALFORMED', `unknown key usage ${name}`);
  return n as KeyUsageName;
}

function processingOptions(input: ValidatePathInput): ProcessingOptions {
  if (Number.isNaN(input.time.getTime()))
    throw pathError('PATH_MALFORMED', 'the validation time is not a date');
  return {
    time: input.time,
    strict: (input.profile ?? 'strict') === 'strict',
    crls: (input.crls ?? []).map((c) => decodeCrl(c)),
    requireRevocation: input.requireRevocation ?? false,
    requiredEku: (input.requiredEku ?? []).map(ekuOid),
    requiredKeyUsage: (input.requiredKeyUsage ?? []).map(keyUsageName),
    policy: input.policy ?? {},
    knownCriticalExtensions: new Set(input.knownCriticalExtensions ?? []),
    checkAnchorValidity: (input.anchorValidity ?? 'enforce') === 'enforce',
  };
}

/** Certificates of the pools that cannot be decoded are left out: they cannot be in any path. */
function decodeSome(inputs: readonly (Uint8Array | string)[] | undefined): Certificate[] {
  const out: Certificate[] = [];
  for (const input of inputs ?? []) {
    try {
      out.push(decodeCertificate(input));
    } catch (e) {
      if (!(e instanceof PathValidationError)) throw e;
    }
  }
  return out;
}

function noPathError(target: Certificate, report: BuildReport): PathValidationError {
  const issuer = report.targetSignatureFailure;
  if (issuer && !report.targetIssuerFound) {
    const detail = `${target.subjectText}: signature does not verify with the key of ${issuer.subjectText}`;
    return pathError('PATH_SIGNATURE_INVALID', detail, { certificateIndex: 0, subject: target.subjectText });
  }
  const limit = report.limited ? ', search limit reached' : '';
  const detail = `${target.subjectText}: no path to a trust anchor (${report.signatureChecks} signature checks${limit})`;
  return pathError('PATH_NO_CHAIN_FOUND', detail, { certificateIndex: 0, subject: target.subjectText });
}

function validateEach(
  paths: Iterable<Certificate[]>,
  o: ProcessingOptions,
): PathValidationResult | PathValidationError | undefined {
  let first: PathValidationError | undefined;
  for (const path of paths) {
    try {
      return { valid: true, path, ...validateCertificationPath(path, o) };
    } catch (e) {
      // Fail closed: anything unexpected while reading hostile input counts as malformed.
      const err =
        e instanceof PathValidationError ? e : pathError('PATH_MALFORMED', String(e), {}, { cause: e });
      first ??= err;
    }
  }
  return first;
}

/**
 * Builds and validates a certification path from `target` to one of `anchors` (RFC 5280 §6.1,
 * with the strict §4 profile, CRL checking per §6.3 when CRLs are given, and the target's
 * required key usages). When several paths exist they are tried best first; the error of the
 * first path tried is reported when none passes.
 *
 * @param input - target, intermediates, anchors, time and options
 * @returns the validated path, target first and trust anchor last
 * @throws PathValidationError with a stable code (see `subIndicationFor` for ETSI EN 319 102-1)
 * @example
 * ```ts
 * const { path } = validatePath({
 *   target: signerPem,
 *   intermediates: [caPem],
 *   anchors: [rootPem],
 *   time: new Date('2026-03-01T12:00:00Z'),
 *   requiredKeyUsage: ['nonRepudiation'],
 * });
 * console.log(path.map((c) => c.subjectText));
 * ```
 */
export function validatePath(input: ValidatePathInput): PathValidationResult {
  const options = processingOptions(input);
  const target = decodeCertificate(input.target);
  // Faults of the target alone fail every path: report them rather than "no path".
  checkWellFormed(target, 0);
  if (options.strict) checkProfile(target, 'target', 0);
  const pool = createPool(decodeSome(input.anchors), decodeSome(input.intermediates));
  const report: BuildReport = { signatureChecks: 0, limited: false, targetIssuerFound: false };
  const limits = {
    maxDepth: input.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxSignatureChecks: input.maxSignatureChecks ?? DEFAULT_SIGNATURE_CHECKS,
    maxPaths: MAX_PATHS,
    time: input.time,
  };
  const outcome = validateEach(buildPaths(target, pool, limits, report), options);
  if (outcome === undefined) throw noPathError(target, report);
  if (outcome instanceof PathValidationError) throw outcome;
  return outcome;
}
