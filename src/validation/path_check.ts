/**
 * The X.509 certificate validation building block (EN 319 102-1 clause 5.2.6) as the signature
 * and time-stamp validations use it: an RFC 5280 path from the certificate to a trust anchor at
 * the validation time, or, when the only fault is the validity period, at a proof-of-existence
 * time (past certificate validation, clause 5.6.2.1), then the revocation status of every
 * certificate above the anchor.
 */
import { decodeCertificate } from './x509_decode.js';
import type { Certificate } from '../x509/certificate.js';
import { validatePath } from './path/validator.js';
import { PathValidationError } from './errors.js';
import type { PathValidationCode } from './errors.js';
import { revocationStatus } from './revocation_check.js';
import type { RevocationFinding, RevocationSources } from './revocation_check.js';
import type { RevocationEvidence, TrustServiceReport } from './report.js';

/** A trust source's decision on a path that ends in one of its anchors. */
export interface TrustServiceDecision {
  /** The anchor's service was granted at the time asked about. */
  granted: boolean;
  /** Why, for the report. */
  detail: string;
  trust: TrustServiceReport;
}

/**
 * Trust anchors with a status over time: a trust store built from ETSI TS 119 612 trusted lists
 * (src/trust). It hands out only the anchors a path can end in (by subject name), so a store of
 * thousands of services costs a path search no more than one PEM anchor does.
 */
export interface TrustServiceSource {
  /** Anchor certificates (DER) whose subject name key is one of `issuerNameKeys`. */
  anchorsFor(issuerNameKeys: ReadonlySet<string>): readonly Buffer[];
  /** The decision on a validated path at `time`; undefined when its anchor is not one of the source's. */
  evaluate(
    path: readonly Certificate[],
    time: Date,
    purpose: 'signature' | 'timestamp',
  ): TrustServiceDecision | undefined;
  /** Notes every report carries (stale or refused lists). */
  notes(): readonly string[];
}

/** Inputs shared by every path check of one validation. */
export interface PathContext {
  anchors: readonly Buffer[];
  /** Trust anchors from trusted lists, besides `anchors`. */
  trustServices?: TrustServiceSource;
  /** Untrusted certificates that may complete paths (from the signature, time-stamps, the caller). */
  pool: readonly Buffer[];
  validationTime: Date;
  sources: RevocationSources;
}

/** What the building block found. */
export interface PathCheck {
  /** The path, target first, anchor last (when one was built). */
  path?: Certificate[];
  /** The failure at the validation time, when there was one. */
  failure?: { code: PathValidationCode; message: string };
  /** The time the path was found valid at: the validation time, or the fallback. */
  validAt?: Date;
  /** Revocation findings by certificate fingerprint (non-anchor certificates of `path`). */
  revocation: Map<string, RevocationFinding>;
}

const QC_STATEMENTS = '1.3.6.1.5.5.7.1.3';
const OUT_OF_BOUNDS: readonly PathValidationCode[] = ['PATH_EXPIRED', 'PATH_NOT_YET_VALID'];

/**
 * The PEM anchors plus the trusted-list anchors a path from `target` can end in: those named as
 * issuer by the target or a pool certificate, and the target itself (a TSU certificate listed as
 * a TSA/QTST service identity).
 */
function anchorsFor(target: Buffer, ctx: PathContext): readonly Buffer[] {
  if (!ctx.trustServices) return ctx.anchors;
  const keys = new Set<string>();
  try {
    keys.add(decodeCertificate(target).subject.key);
  } catch {
    // The path validator reports an undecodable target.
  }
  for (const der of [target, ...ctx.pool]) {
    try {
      keys.add(decodeCertificate(der).issuer.key);
    } catch {
      // An undecodable certificate names no issuer; the path validator reports the target's faults.
    }
  }
  const listed = ctx.trustServices.anchorsFor(keys);
  return listed.length ? [...ctx.anchors, ...listed] : ctx.anchors;
}

function attempt(
  target: Buffer,
  ctx: PathContext,
  time: Date,
  anchors: readonly Buffer[],
): Certificate[] | PathValidationError {
  try {
    return validatePath({
      target,
      intermediates: ctx.pool,
      anchors,
      time,
      // Real-world certificates break many RFC 5280 §4 SHOULDs; §6.1 is what decides trust here.
      profile: 'lenient',
      // RFC 5280 §6.1.1 (d): the trust anchor is an input of the algorithm, not a certificate it
      // checks; whether an anchor is still trusted is the trust source's business.
      anchorValidity: 'ignore',
      // EN 319 412-5: QCStatements may be critical; the signature report reads them for the
      // qualification rather than refusing the path.
      knownCriticalExtensions: [QC_STATEMENTS],
    }).path;
  } catch (e) {
    if (e instanceof PathValidationError) return e;
    throw e;
  }
}

/** A time inside the target's validity, to find the path of an expired certificate for the report. */
function insideValidity(target: Buffer): Date | undefined {
  try {
    const c = decodeCertificate(target);
    return new Date(Math.max(c.notBefore.getTime(), c.notAfter.getTime() - 1000));
  } catch {
    return undefined;
  }
}

async function revocations(
  path: Certificate[],
  sources: RevocationSources,
): Promise<Map<string, RevocationFinding>> {
  const out = new Map<string, RevocationFinding>();
  for (let i = 0; i + 1 < path.length; i++)
    out.set(path[i]!.fingerprint, await revocationStatus(path[i]!, path[i + 1]!, sources));
  return out;
}

/**
 * Builds and validates the path of `target` and gathers revocation evidence.
 *
 * @param target - the certificate (DER)
 * @param ctx - anchors, pool, time, revocation sources
 * @param poe - a proof-of-existence time to validate at when the validity period is the only fault
 * @example
 * ```ts
 * const check = await checkPath(signerDer, ctx, bestSignatureTime);
 * ```
 */
export async function checkPath(target: Buffer, ctx: PathContext, poe?: Date): Promise<PathCheck> {
  const anchors = anchorsFor(target, ctx);
  const now = attempt(target, ctx, ctx.validationTime, anchors);
  if (!(now instanceof PathValidationError)) {
    return { path: now, validAt: ctx.validationTime, revocation: await revocations(now, ctx.sources) };
  }
  const failure = { code: now.code as PathValidationCode, message: now.message };
  if (!OUT_OF_BOUNDS.includes(failure.code)) return { failure, revocation: new Map() };
  for (const time of [poe, insideValidity(target)]) {
    if (!time || time >= ctx.validationTime) continue;
    const then = attempt(target, ctx, time, anchors);
    if (then instanceof PathValidationError) {
      // A chain that fails for another reason inside the validity period fails for that reason.
      const code = then.code as PathValidationCode;
      if (!OUT_OF_BOUNDS.includes(code))
        return { failure: { code, message: then.message }, revocation: new Map() };
      continue;
    }
    return { path: then, failure, validAt: time, revocation: await revocations(then, ctx.sources) };
  }
  return { failure, revocation: new Map() };
}

/** The evidence map of a check, for {@link chainEntries}. */
export function evidenceOf(check: PathCheck): Map<string, RevocationEvidence> {
  return new Map([...check.revocation].map(([k, f]) => [k, f.evidence]));
}
