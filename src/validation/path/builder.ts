/**
 * Certification path building (RFC 4158, simplified): a depth-first search from the target
 * towards any trust anchor through the untrusted intermediates. Issuers are found by subject
 * name and a candidate is only followed when it really signed the child. Paths come out
 * best first (anchors, key-identifier matches, certificates valid at the validation time), so
 * the validator can try the next one when one fails. Loops (a repeated name and key) are cut,
 * and depth, signature checks and the number of paths are bounded against hostile pools.
 */
import type { Certificate } from '../../x509/certificate.js';
import { signedBy } from '../../x509/signature.js';

/** Trust anchors and untrusted intermediates indexed by subject name. */
export interface CertificatePool {
  readonly anchorsBySubject: ReadonlyMap<string, readonly Certificate[]>;
  readonly intermediatesBySubject: ReadonlyMap<string, readonly Certificate[]>;
  readonly anchorFingerprints: ReadonlySet<string>;
}

/** Bounds of the search. */
export interface BuildLimits {
  /** Most non-self-issued intermediates in a path (self-issued ones do not count, RFC 5280 §4.2.1.9). */
  maxDepth: number;
  /** Most signature verifications for the whole search. */
  maxSignatureChecks: number;
  /** Most paths produced. */
  maxPaths: number;
  /** Validation time, to prefer currently valid intermediates. */
  time: Date;
}

/** What the search saw, for the error when no path is found. */
export interface BuildReport {
  signatureChecks: number;
  /** True when a limit stopped the search early. */
  limited: boolean;
  /** A candidate issuer of the target (by name) whose key verified the target's signature. */
  targetIssuerFound: boolean;
  /**
   * A candidate issuer of the target whose key did not verify its signature although its
   * subjectKeyIdentifier is the target's authorityKeyIdentifier (the target was altered).
   */
  targetSignatureFailure?: Certificate;
}

/** Absolute bound on path length, whatever maxDepth says (self-issued chains do not count towards it). */
const MAX_PATH_CERTIFICATES = 64;

function index(certs: readonly Certificate[]): Map<string, Certificate[]> {
  const map = new Map<string, Certificate[]>();
  for (const c of certs) {
    const list = map.get(c.subject.key) ?? [];
    if (!list.some((x) => x.fingerprint === c.fingerprint)) list.push(c);
    map.set(c.subject.key, list);
  }
  return map;
}

/**
 * Indexes trust anchors and intermediates for {@link buildPaths}; intermediates that are also
 * trust anchors are only used as anchors.
 *
 * @example
 * ```ts
 * const pool = createPool(anchors.map(decodeCertificate), intermediates.map(decodeCertificate));
 * ```
 */
export function createPool(
  anchors: readonly Certificate[],
  intermediates: readonly Certificate[],
): CertificatePool {
  const anchorFingerprints = new Set(anchors.map((a) => a.fingerprint));
  return {
    anchorsBySubject: index(anchors),
    intermediatesBySubject: index(intermediates.filter((c) => !anchorFingerprints.has(c.fingerprint))),
    anchorFingerprints,
  };
}

interface Candidate {
  cert: Certificate;
  isAnchor: boolean;
}

/**
 * Lower is tried first: authorityKeyIdentifier = subjectKeyIdentifier, then either absent, then
 * a mismatch (kept: the signature decides, RFC 4158 §3.5.12 treats key identifiers as hints);
 * within each, certificates valid at the validation time before the others.
 */
function rank(child: Certificate, c: Certificate, time: number): number {
  const aki = child.extensions.authorityKeyIdentifier?.keyId;
  const ski = c.extensions.subjectKeyIdentifier?.keyId;
  const keyRank = !aki || !ski ? 1 : aki.equals(ski) ? 0 : 2;
  const current = c.notBefore.getTime() <= time && time <= c.notAfter.getTime() ? 0 : 1;
  return keyRank * 2 + current;
}

function candidates(child: Certificate, pool: CertificatePool, time: number): Candidate[] {
  const pick = (list: readonly Certificate[] | undefined): Certificate[] =>
    (list ?? [])
      .map((c) => ({ c, r: rank(child, c, time) }))
      .sort((a, b) => a.r - b.r)
      .map((x) => x.c);
  return [
    ...pick(pool.anchorsBySubject.get(child.issuer.key)).map((cert) => ({ cert, isAnchor: true })),
    ...pick(pool.intermediatesBySubject.get(child.issuer.key)).map((cert) => ({ cert, isAnchor: false })),
  ];
}

/** RFC 4158 §5.2: a path may not repeat a certificate, nor a subject name with the same key. */
function createsLoop(path: readonly Certificate[], c: Certificate): boolean {
  return path.some(
    (p) => p.fingerprint === c.fingerprint || (p.subject.key === c.subject.key && p.spki.equals(c.spki)),
  );
}

function sameKeyId(child: Certificate, issuer: Certificate): boolean {
  const aki = child.extensions.authorityKeyIdentifier?.keyId;
  const ski = issuer.extensions.subjectKeyIdentifier?.keyId;
  return aki !== undefined && ski !== undefined && aki.equals(ski);
}

function depthOf(path: readonly Certificate[]): number {
  return path.slice(1).filter((c) => !c.selfIssued).length;
}

interface Search {
  pool: CertificatePool;
  limits: BuildLimits;
  report: BuildReport;
  produced: number;
}

function issuerAcceptable(child: Certificate, c: Candidate, path: Certificate[], s: Search): boolean {
  if (createsLoop(path, c.cert)) return false;
  if (
    !c.isAnchor &&
    (path.length + 1 >= MAX_PATH_CERTIFICATES || depthOf([...path, c.cert]) > s.limits.maxDepth)
  ) {
    return false;
  }
  if (s.report.signatureChecks >= s.limits.maxSignatureChecks) {
    s.report.limited = true;
    return false;
  }
  s.report.signatureChecks++;
  const check = signedBy(child, c.cert.spki);
  // A failed signature only accuses the target when the candidate holds the key the target names
  // (authorityKeyIdentifier = subjectKeyIdentifier). A namesake with another key (a trust anchor
  // with the right name and the wrong key) is simply not its issuer: no chain, not a bad signature.
  if (path.length === 1 && check === 'invalid' && sameKeyId(child, c.cert))
    s.report.targetSignatureFailure ??= c.cert;
  if (path.length === 1 && check !== 'invalid') s.report.targetIssuerFound = true;
  // An unsupported algorithm is left for the validator to report precisely.
  return check !== 'invalid';
}

function* extend(path: Certificate[], s: Search): Generator<Certificate[]> {
  const child = path[path.length - 1]!;
  for (const c of candidates(child, s.pool, s.limits.time.getTime())) {
    if (s.produced >= s.limits.maxPaths) {
      s.report.limited = true;
      return;
    }
    if (!issuerAcceptable(child, c, path, s)) continue;
    if (c.isAnchor) {
      s.produced++;
      yield [...path, c.cert];
    } else {
      yield* extend([...path, c.cert], s);
    }
  }
}

/**
 * Candidate paths from `target` to a trust anchor, best first. Each path lists the target
 * first and the trust anchor last; every certificate's signature verifies (or uses an
 * algorithm left to the validator) with the key of the next one.
 *
 * @param target - the end certificate
 * @param pool - anchors and intermediates from {@link createPool}
 * @param limits - search bounds
 * @param report - filled with what the search saw
 * @example
 * ```ts
 * const report = { signatureChecks: 0, limited: false, targetIssuerFound: false };
 * for (const path of buildPaths(leaf, pool, { maxDepth: 10, maxSignatureChecks: 256, maxPaths: 16, time }, report)) {
 *   console.log(path.map((c) => c.subjectText));
 * }
 * ```
 */
export function* buildPaths(
  target: Certificate,
  pool: CertificatePool,
  limits: BuildLimits,
  report: BuildReport,
): Generator<Certificate[]> {
  const search: Search = { pool, limits, report, produced: 0 };
  if (pool.anchorFingerprints.has(target.fingerprint)) {
    search.produced++;
    yield [target];
  }
  yield* extend([target], search);
}
