/**
 * The validation of one signature, ETSI EN 319 102-1: the basic signature validation (clause 5.3:
 * format checking, identification of the signing certificate, cryptographic verification, X.509
 * certificate validation, signature acceptance), the validation of time-stamps and the past
 * signature validation with the proof of existence they give (clauses 5.5 and 5.6). Each step
 * is a building block whose result goes into the report's `checks`.
 */
import { TrustbridgeError } from '../lib/errors.js';
import type { KeyObject } from 'node:crypto';
import { chainEntries } from './certificate_report.js';
import { cachedCertificateInfo, certificateKey } from './certificate_cache.js';
import { checkChainCrypto } from './chain_crypto.js';
import { checkCryptoConstraints } from './crypto_policy.js';
import type { ExtractedSignature } from '../signature/model.js';
import { decodeCertificate } from './x509_decode.js';
import { Verdict } from './verdict.js';
import type { ProcessContext } from './verdict.js';
import { checkPath, evidenceOf } from './path_check.js';
import type { PathCheck, PathContext } from './path_check.js';
import type { SignatureReport, SubIndication } from './report.js';
import { identifySigner } from './signing_certificate.js';
import { subIndicationFor } from './sub_indication.js';
import { checkTimestamp } from './timestamp_check.js';
import type { CheckedTimestamp } from './timestamp_check.js';

export type { ProcessContext } from './verdict.js';

/** True when `path` ends in one of the caller's own (PEM) anchors rather than a trusted-list one. */
function endsInOwnAnchor(ctx: PathContext, anchorDer: Buffer): boolean {
  return ctx.anchors.some((a) => a.equals(anchorDer));
}

/**
 * TS 119 615 clause 4.3 for a time-stamp whose TSA chains to a trusted-list service: the service
 * must be granted at the genTime, or the time-stamp proves nothing.
 */
function tsaTrust(x: CheckedTimestamp, ctx: PathContext): CheckedTimestamp {
  const chain = x.report.chain;
  if (!ctx.trustServices || !x.passed || !x.genTime || chain.length === 0) return x;
  const ders = chain.map((c) => Buffer.from(c.der, 'base64'));
  if (endsInOwnAnchor(ctx, ders[ders.length - 1]!)) return x;
  const decision = ctx.trustServices.evaluate(
    ders.map((d) => decodeCertificate(d)),
    x.genTime,
    'timestamp',
  );
  if (!decision) return x;
  const report = { ...x.report, trust: decision.trust };
  if (decision.granted) return { ...x, report };
  const detail = `the TSA's trusted-list service was not granted at ${x.genTime.toISOString()}: ${decision.detail}`;
  return {
    ...x,
    passed: false,
    report: { ...report, indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND', detail },
  };
}

/** Validates the time-stamps; those a later archive time-stamp covers get its time as their POE. */
async function timestamps(sig: ExtractedSignature, ctx: PathContext): Promise<CheckedTimestamp[]> {
  const first = await Promise.all(sig.timestamps.map((t) => checkTimestamp(t, ctx)));
  const archives = first.filter((t) => t.passed && (t.type === 'archive' || t.type === 'document'));
  const all = await Promise.all(
    first.map(async (t, i) => {
      if (t.passed || !t.genTime) return t;
      const later = archives.filter((a) => a.genTime! > t.genTime!).map((a) => a.genTime!.getTime());
      return later.length ? checkTimestamp(sig.timestamps[i]!, ctx, new Date(Math.min(...later))) : t;
    }),
  );
  return all.map((t) => tsaTrust(t, ctx));
}

/**
 * TS 119 615 clause 4.3 with EN 319 102-1 clause 5.2.6: when the path ends in a trusted-list
 * service, that service must be granted (and its member not suspended) at the best signature time.
 * A withdrawal after a proof of existence does not matter; before it (or with no proof of
 * existence, before the validation time) the path has no trusted anchor at that time, which
 * EN 319 102-1 reports as INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND.
 */
function trustVerdict(v: Verdict, check: PathCheck, t: Times, ctx: PathContext): SignatureReport | undefined {
  const path = check.path;
  const anchor = path?.[path.length - 1];
  if (!ctx.trustServices || !path || !anchor || endsInOwnAnchor(ctx, anchor.der)) return undefined;
  const decision = ctx.trustServices.evaluate(path, t.best, 'signature');
  if (!decision) return undefined;
  v.report.trust = decision.trust;
  if (!decision.granted)
    return v.end(
      'INDETERMINATE',
      'X509_CERTIFICATE_VALIDATION',
      'NO_CERTIFICATE_CHAIN_FOUND',
      `no trusted anchor at ${t.best.toISOString()}: ${decision.detail}`,
    );
  v.pass('TRUSTED_LIST_STATUS', `${decision.detail}; qualification ${decision.trust.qualification}`);
  return undefined;
}

/** EN 319 102-1 clause 5.6.2.2: the earliest time-stamp that proves the signature existed. */
function bestSignatureTime(ts: CheckedTimestamp[], validationTime: Date): Date {
  const proofs = ts.filter((t) => t.passed && t.type !== 'content').map((t) => t.genTime!.getTime());
  return new Date(Math.min(validationTime.getTime(), ...proofs));
}

/** The latest passed content time-stamp: the signature was made after it. */
function contentTime(ts: CheckedTimestamp[]): Date | undefined {
  const times = ts.filter((t) => t.passed && t.type === 'content').map((t) => t.genTime!.getTime());
  return times.length ? new Date(Math.max(...times)) : undefined;
}

interface Times {
  validation: Date;
  best: Date;
  /** A real proof of existence (a time-stamp before the validation time), or undefined. */
  poe?: Date;
  content?: Date;
}

function x509Verdict(v: Verdict, check: PathCheck, t: Times, notAfter: Date): SignatureReport | undefined {
  const block = 'X509_CERTIFICATE_VALIDATION';
  if (!check.failure) return undefined;
  const { code, message } = check.failure;
  if (code !== 'PATH_EXPIRED' && code !== 'PATH_NOT_YET_VALID')
    return v.end('INDETERMINATE', block, subIndicationFor(code).subIndication, message);
  if (t.poe && check.validAt?.getTime() === t.poe.getTime()) {
    v.pass(
      'PAST_SIGNATURE_VALIDATION',
      `the chain was valid at the proof of existence ${t.poe.toISOString()}`,
    );
    return undefined;
  }
  // EN 319 102-1 clause 5.3.4: a content time-stamp after the expiry proves the signing came later.
  if (code === 'PATH_EXPIRED' && t.content && t.content > notAfter)
    return v.end(
      'TOTAL-FAILED',
      block,
      'EXPIRED',
      `content time-stamp ${t.content.toISOString()} is after notAfter`,
    );
  return v.end('INDETERMINATE', block, 'OUT_OF_BOUNDS_NO_POE', message);
}

function revocationVerdict(v: Verdict, check: PathCheck, t: Times): SignatureReport | undefined {
  const block = 'REVOCATION_CHECK';
  for (const [i, cert] of (check.path ?? []).slice(0, -1).entries()) {
    const f = check.revocation.get(cert.fingerprint);
    if (!f || f.status === 'good') continue;
    if (f.status !== 'revoked')
      return v.end(
        'INDETERMINATE',
        block,
        'TRY_LATER',
        `${cert.subjectText}: ${f.evidence.detail ?? 'no revocation data'}`,
      );
    const at = f.revocationTime!;
    if (t.poe && t.poe < at) {
      v.pass(
        'PAST_SIGNATURE_VALIDATION',
        `${cert.subjectText} revoked at ${at.toISOString()}, after the proof of existence`,
      );
      continue;
    }
    const what = `${cert.subjectText} revoked at ${at.toISOString()} (${f.reason ?? 'unspecified'})`;
    // Suspended (certificateHold): it may be resumed, so the answer may change later.
    if (f.reason === 'certificateHold')
      return v.end('INDETERMINATE', block, 'TRY_LATER', `${what}: suspended`);
    if (i > 0) return v.end('INDETERMINATE', block, 'REVOKED_CA_NO_POE', what);
    // EN 319 102-1 clause 5.3.4: a content time-stamp after the revocation proves the signing came later.
    if (t.content && t.content >= at)
      return v.end(
        'TOTAL-FAILED',
        block,
        'REVOKED',
        `${what}; content time-stamp ${t.content.toISOString()}`,
      );
    return v.end('INDETERMINATE', block, 'REVOKED_NO_POE', what);
  }
  v.pass(block);
  return undefined;
}

function acceptanceVerdict(
  v: Verdict,
  sig: ExtractedSignature,
  key: KeyObject,
  ctx: ProcessContext,
  t: Times,
): SignatureReport | undefined {
  const block = 'SIGNATURE_ACCEPTANCE_VALIDATION';
  const now = checkCryptoConstraints(ctx.policy, sig.digestAlgorithm, key, t.validation);
  if (now.acceptable) {
    v.pass(block, `${ctx.policy.name}`);
    return undefined;
  }
  v.report.policyRule = now.rule.text;
  // Clause 5.6.2.5: an algorithm that became unacceptable later is fine with a POE from before.
  if (now.rule.until && t.poe && t.poe < now.rule.until) {
    v.pass('PAST_SIGNATURE_VALIDATION', `${now.rule.text}; proof of existence ${t.poe.toISOString()}`);
    return undefined;
  }
  const sub: SubIndication = now.rule.until
    ? 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE'
    : 'CRYPTO_CONSTRAINTS_FAILURE';
  return v.end('INDETERMINATE', block, sub, now.detail);
}

/**
 * EN 319 102-1 clause 5.2.6.4: the crypto constraints hold for every certificate of the chain. A
 * rule that expired (RSA-1024, P-192) is met by a proof of existence from before its end (clause
 * 5.6.2.5), else CRYPTO_CONSTRAINTS_FAILURE_NO_POE; a key the policy never allowed (DSA, a size or
 * curve it does not know) is CRYPTO_CONSTRAINTS_FAILURE.
 */
function chainCryptoVerdict(
  v: Verdict,
  check: PathCheck,
  ctx: ProcessContext,
  t: Times,
): SignatureReport | undefined {
  const failures = checkChainCrypto(ctx.policy, check.path ?? [], t.validation).filter(
    (f) => !(f.rule.until && t.poe && t.poe < f.rule.until),
  );
  const first = failures.find((f) => !f.rule.until) ?? failures[0];
  if (!first) return undefined;
  v.report.policyRule = first.rule.text;
  const sub: SubIndication = first.rule.until
    ? 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE'
    : 'CRYPTO_CONSTRAINTS_FAILURE';
  return v.end('INDETERMINATE', 'X509_CERTIFICATE_VALIDATION', sub, first.detail);
}

/**
 * EN 319 102-1 clause 5.2.7: the signed data digests, then the signature value with `key`.
 * Returns the report when it fails; passes the block otherwise.
 */
async function cryptographicVerdict(
  v: Verdict,
  sig: ExtractedSignature,
  key: KeyObject,
  keyName = 'the signing certificate key',
): Promise<SignatureReport | undefined> {
  const integrity = await sig.checkIntegrity().catch((e: unknown) => {
    if (!(e instanceof TrustbridgeError)) throw e;
    return { status: 'not-found' as const, detail: `${e.code}: ${e.message}` };
  });
  if (integrity.status === 'hash-failure')
    return v.end('TOTAL-FAILED', 'CRYPTOGRAPHIC_VERIFICATION', 'HASH_FAILURE', integrity.detail);
  if (integrity.status === 'not-found')
    return v.end('INDETERMINATE', 'CRYPTOGRAPHIC_VERIFICATION', 'SIGNED_DATA_NOT_FOUND', integrity.detail);
  const verified = await sig.verifySignatureValue(key).catch((e: unknown) => {
    if (!(e instanceof TrustbridgeError)) throw e;
    return e;
  });
  // An algorithm we cannot verify is a constraint of the policy, not a broken signature.
  if (verified instanceof TrustbridgeError)
    return v.end(
      'INDETERMINATE',
      'CRYPTOGRAPHIC_VERIFICATION',
      'CRYPTO_CONSTRAINTS_FAILURE',
      verified.message,
    );
  if (!verified)
    return v.end(
      'TOTAL-FAILED',
      'CRYPTOGRAPHIC_VERIFICATION',
      'SIG_CRYPTO_FAILURE',
      `the signature value does not verify with ${keyName}`,
    );
  v.pass(
    'CRYPTOGRAPHIC_VERIFICATION',
    keyName === 'the signing certificate key' ? undefined : `verified with ${keyName}`,
  );
  return undefined;
}

/**
 * No certificate names the signer. A key given without a certificate (XMLDSig ds:KeyValue) still
 * lets the signature value be checked: a broken signature is TOTAL-FAILED, an intact one stays
 * INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND since nothing binds the key to a signer.
 */
async function unidentifiedVerdict(
  v: Verdict,
  sig: ExtractedSignature,
  failure: string,
): Promise<SignatureReport> {
  const block = 'IDENTIFICATION_OF_THE_SIGNING_CERTIFICATE';
  if (!sig.keyValue) return v.end('INDETERMINATE', block, 'NO_SIGNING_CERTIFICATE_FOUND', failure);
  const failed = await cryptographicVerdict(
    v,
    sig,
    sig.keyValue,
    'the public key of ds:KeyValue (no certificate)',
  );
  if (failed) return failed;
  return v.end(
    'INDETERMINATE',
    block,
    'NO_SIGNING_CERTIFICATE_FOUND',
    `${failure}; the signature is intact and verifies with its KeyValue key, which no certificate binds to a signer`,
  );
}

/**
 * Validates one extracted signature.
 *
 * @param sig - from a format's extractor
 * @param ctx - anchors, pool, time, revocation sources, policy
 * @returns the signature's report
 * @example
 * ```ts
 * const report = await validateSignature(sig, ctx);
 * console.log(report.indication, report.subIndication);
 * ```
 */
export async function validateSignature(
  sig: ExtractedSignature,
  ctx: ProcessContext,
): Promise<SignatureReport> {
  const v = new Verdict(sig, ctx);
  if (sig.formatFailure) return v.end('TOTAL-FAILED', 'FORMAT_CHECKING', 'FORMAT_FAILURE', sig.formatFailure);
  v.pass('FORMAT_CHECKING');
  const id = identifySigner(sig, [...ctx.signingCertificates, ...ctx.anchors, ...ctx.pool]);
  if ('failure' in id) return unidentifiedVerdict(v, sig, id.failure);
  v.warnings.push(...id.warnings);
  v.report.signer = cachedCertificateInfo(id.certificate);
  v.pass('IDENTIFICATION_OF_THE_SIGNING_CERTIFICATE');
  const key = certificateKey(id.certificate);
  if (!key)
    return v.end(
      'INDETERMINATE',
      'CRYPTOGRAPHIC_VERIFICATION',
      'NO_SIGNING_CERTIFICATE_FOUND',
      'the signing certificate key cannot be read',
    );
  const crypto = await cryptographicVerdict(v, sig, key);
  if (crypto) return crypto;
  const pathCtx: PathContext = {
    ...ctx,
    pool: [...sig.certificates, ...ctx.pool],
    sources: {
      ...ctx.sources,
      crls: [...sig.crls, ...ctx.sources.crls],
      ocspResponses: [...sig.ocspResponses, ...ctx.sources.ocspResponses],
    },
  };
  const ts = await timestamps(sig, pathCtx);
  v.report.timestamps = ts.map((x) => x.report);
  for (const x of ts)
    if (!x.passed)
      v.warnings.push(
        `${x.type} time-stamp: ${x.report.indication} ${x.report.subIndication ?? ''} ${x.report.detail ?? ''}`.trim(),
      );
  const best = bestSignatureTime(ts, ctx.validationTime);
  const content = contentTime(ts);
  const t: Times = {
    validation: ctx.validationTime,
    best,
    ...(best < ctx.validationTime ? { poe: best } : {}),
    ...(content ? { content } : {}),
  };
  v.report.bestSignatureTime = best.toISOString();
  if (ts.length)
    v.pass('TIMESTAMP_VALIDATION', `${ts.filter((x) => x.passed).length} of ${ts.length} passed`);
  const check = await checkPath(id.certificate, pathCtx, t.poe);
  if (check.path) v.report.chain = chainEntries(check.path, evidenceOf(check));
  const notAfter = new Date(v.report.signer.notAfter);
  const x509 = x509Verdict(v, check, t, notAfter) ?? trustVerdict(v, check, t, pathCtx);
  if (x509) return x509;
  const weak = chainCryptoVerdict(v, check, ctx, t);
  if (weak) return weak;
  v.pass('X509_CERTIFICATE_VALIDATION');
  const revoked = revocationVerdict(v, check, t);
  if (revoked) return revoked;
  return acceptanceVerdict(v, sig, key, ctx, t) ?? v.end('TOTAL-PASSED', 'VALIDATION');
}
