/**
 * Revocation status of one certificate of a validated path, from the evidence embedded in the
 * signature (OCSP responses, CRLs) or, when none answers, fetched through the injected
 * {@link RevocationFetcher} (OCSP first, then the CRL) with a cache. EN 319 102-1 clause 5.2.5
 * (revocation freshness is reported, not enforced: the embedded values of an LT signature date
 * from the signing) and RFC 6960 / RFC 5280 §6.3 for the evidence itself.
 */
import { isTrustbridgeError } from '../lib/errors.js';
import { X509Certificate, createHash } from 'node:crypto';
import { Lru } from '../lib/lru.js';
import { certIdMatches } from '../pki/ocsp.js';
import { parseOcspResponse } from '../pki/ocsp_response_parser.js';
import type { ParsedOcspAnswer, ParsedOcspResponse } from '../pki/ocsp_response_parser.js';
import { SIGNATURE_OIDS, verifySignatureWith } from '../signature/algorithm_names.js';
import { buildOcspRequest, crlUrlOf, ocspUrlOf } from '../pki/ocsp_request.js';
import { checkParsedOcspResponse } from '../signature/revocation_fetcher.js';
import type { RevocationFetcher } from '../signature/revocation_fetcher.js';
import type { Certificate } from '../x509/certificate.js';
import { decodeCrl } from './x509_decode.js';
import type { Crl } from '../x509/crl.js';
import { namesEqual } from '../x509/name.js';
import { verifySignature } from '../x509/signature.js';
import type { RevocationEvidence } from './report.js';

/** A decided status with its evidence. */
export interface RevocationFinding {
  evidence: RevocationEvidence;
  status: RevocationEvidence['status'];
  revocationTime?: Date;
  reason?: string;
}

/** Remembers fetched answers per URL and certificate until their nextUpdate (at most `maxAgeMs`). */
export class RevocationCache {
  readonly #entries = new Map<string, { until: number; der: Buffer }>();
  readonly maxAgeMs: number;

  /** @param maxAgeMs - the longest an answer is kept (default 5 minutes) */
  constructor(maxAgeMs = 5 * 60_000) {
    this.maxAgeMs = maxAgeMs;
  }

  /** The cached DER for `key`, if still fresh at `now`. */
  get(key: string, now: Date): Buffer | undefined {
    const e = this.#entries.get(key);
    if (e && e.until > now.getTime()) return e.der;
    this.#entries.delete(key);
    return undefined;
  }
  /** Keeps `der` until its nextUpdate, at most `maxAgeMs`. */
  set(key: string, der: Buffer, now: Date, nextUpdate?: Date): void {
    const cap = now.getTime() + this.maxAgeMs;
    this.#entries.set(key, { der, until: Math.min(cap, nextUpdate?.getTime() ?? cap) });
  }
}

/** Where evidence comes from for one certificate. */
export interface RevocationSources {
  crls: readonly Buffer[];
  ocspResponses: readonly Buffer[];
  fetcher?: RevocationFetcher;
  cache?: RevocationCache;
  /** The validation time: fetched answers are asked for now, cached until then. */
  now: Date;
  /**
   * Locally trusted OCSP responders (RFC 6960 §4.2.2.2, "a local configuration of OCSP signing
   * authority"): the trust anchors, whose signature on a response is accepted for any issuer.
   */
  trustedResponders?: readonly Buffer[];
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

// Findings depend only on the evidence bytes, the two certificates and the trusted responders
// (each answer is checked at its own thisUpdate), so they are remembered across validations.
const FINDINGS = new Lru<string, RevocationFinding | null>(8192);
const URLS = new Lru<string, { ocsp?: string; crl?: string }>(4096);
const TRUSTED_KEYS = new WeakMap<readonly Buffer[], string>();

function trustedKey(trusted: readonly Buffer[] = []): string {
  let k = TRUSTED_KEYS.get(trusted);
  if (k === undefined) {
    const h = createHash('sha256');
    for (const t of trusted) h.update(t);
    TRUSTED_KEYS.set(trusted, (k = h.digest('base64')));
  }
  return k;
}

function memoFinding(
  kind: string,
  der: Buffer,
  cert: Certificate,
  issuer: Certificate,
  trusted: readonly Buffer[] | undefined,
  compute: () => RevocationFinding | undefined,
): RevocationFinding | undefined {
  const key = `${kind} ${createHash('sha256').update(der).digest('base64')} ${cert.fingerprint} ${issuer.fingerprint} ${trustedKey(trusted)}`;
  return FINDINGS.getOrSet(key, () => compute() ?? null) ?? undefined;
}

/** The OCSP and CRL URLs of a certificate (AIA, CRL distribution point), read once per certificate. */
function urlsOf(cert: Certificate): { ocsp?: string; crl?: string } {
  return URLS.getOrSet(cert.fingerprint, () => {
    const ocsp = ocspUrlOf(cert.der);
    const crl = crlUrlOf(cert.der);
    return { ...(ocsp ? { ocsp } : {}), ...(crl ? { crl } : {}) };
  });
}

/** A finding with another source label (the memo is shared between sources). */
function relabel(
  f: RevocationFinding | undefined,
  source: RevocationEvidence['source'],
): RevocationFinding | undefined {
  return f && f.evidence.source !== source ? { ...f, evidence: { ...f.evidence, source } } : f;
}

/** The response is signed by one of the locally trusted responders, and answers for `issuer`. */
function trustedAnswer(
  r: ParsedOcspResponse,
  answer: ParsedOcspAnswer,
  issuer: Certificate,
  trusted: readonly Buffer[],
): boolean {
  const alg = SIGNATURE_OIDS[r.signatureAlgorithm ?? ''];
  const { tbsResponseData, signature } = r;
  if (!alg?.hash || !tbsResponseData || !signature) return false;
  if (!certIdMatches(answer.certId, issuer.subject.der, issuer.spki)) return false;
  return trusted.some((t) => {
    try {
      return verifySignatureWith(
        alg,
        alg.hash!,
        new X509Certificate(t).publicKey,
        tbsResponseData,
        signature,
      );
    } catch {
      return false;
    }
  });
}

function answerFinding(
  answer: ParsedOcspAnswer,
  base: Omit<RevocationEvidence, 'status'>,
): RevocationFinding | undefined {
  if (answer.status.status === 'good') return { status: 'good', evidence: { status: 'good', ...base } };
  if (answer.status.status !== 'revoked') return undefined;
  const { revokedAt, reason } = answer.status;
  const evidence: RevocationEvidence = {
    status: 'revoked',
    ...base,
    revocationTime: revokedAt.toISOString(),
    ...(reason ? { revocationReason: reason } : {}),
  };
  return { status: 'revoked', evidence, revocationTime: revokedAt, ...(reason ? { reason } : {}) };
}

function fromOcsp(
  der: Buffer,
  cert: Certificate,
  issuer: Certificate,
  source: RevocationEvidence['source'],
  trusted: readonly Buffer[] = [],
): RevocationFinding | undefined {
  let parsed;
  try {
    parsed = parseOcspResponse(der);
  } catch {
    return undefined;
  }
  const answer = parsed.answers.find((a) => a.serial === cert.serialHex);
  if (!answer) return undefined;
  const base = {
    source,
    der: der.toString('base64'),
    ...(parsed.producedAt ? { issuedAt: iso(parsed.producedAt)! } : {}),
    thisUpdate: answer.thisUpdate.toISOString(),
    ...(answer.nextUpdate ? { nextUpdate: answer.nextUpdate.toISOString() } : {}),
  };
  try {
    // Checked at its own thisUpdate: the responder had to be valid when it answered.
    checkParsedOcspResponse(parsed, { certificate: cert.der, issuer: issuer.der, at: answer.thisUpdate });
    return answerFinding(answer, base);
  } catch (e) {
    if (isTrustbridgeError(e, 'PATH_REVOKED') || isTrustbridgeError(e, 'PATH_CA_REVOKED'))
      return answerFinding(answer, base);
    return trustedAnswer(parsed, answer, issuer, trusted) ? answerFinding(answer, base) : undefined;
  }
}

function crlUsable(crl: Crl, cert: Certificate, issuer: Certificate): boolean {
  return (
    crl.problems.length === 0 &&
    !crl.delta &&
    namesEqual(crl.issuer, cert.issuer) &&
    verifySignature(crl.tbs, crl.signatureAlgorithm, crl.signatureValue, issuer.spki) === 'valid'
  );
}

function fromCrl(
  der: Buffer,
  cert: Certificate,
  issuer: Certificate,
  source: RevocationEvidence['source'],
): RevocationFinding | undefined {
  let crl: Crl;
  try {
    crl = decodeCrl(der);
  } catch {
    return undefined;
  }
  if (!crlUsable(crl, cert, issuer)) return undefined;
  const base = {
    source,
    der: der.toString('base64'),
    issuedAt: crl.thisUpdate.toISOString(),
    thisUpdate: crl.thisUpdate.toISOString(),
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.toISOString() } : {}),
  };
  const entry = crl.entries.get(cert.serialHex);
  if (!entry) return { status: 'good', evidence: { status: 'good', ...base } };
  const reason = entry.reason;
  const evidence: RevocationEvidence = {
    status: 'revoked',
    ...base,
    revocationTime: entry.revocationDate.toISOString(),
    ...(reason ? { revocationReason: reason } : {}),
  };
  return { status: 'revoked', evidence, revocationTime: entry.revocationDate, ...(reason ? { reason } : {}) };
}

function ocspFinding(
  der: Buffer,
  cert: Certificate,
  issuer: Certificate,
  source: RevocationEvidence['source'],
  trusted?: readonly Buffer[],
): RevocationFinding | undefined {
  return relabel(
    memoFinding('ocsp', der, cert, issuer, trusted, () => fromOcsp(der, cert, issuer, source, trusted)),
    source,
  );
}

function crlFinding(
  der: Buffer,
  cert: Certificate,
  issuer: Certificate,
  source: RevocationEvidence['source'],
): RevocationFinding | undefined {
  return relabel(
    memoFinding('crl', der, cert, issuer, undefined, () => fromCrl(der, cert, issuer, source)),
    source,
  );
}

/** The most recent finding wins: a newer answer supersedes an older one. */
function latest(findings: RevocationFinding[]): RevocationFinding | undefined {
  const revoked = findings.find((f) => f.status === 'revoked');
  if (revoked) return revoked;
  return findings.sort(
    (a, b) => Date.parse(b.evidence.thisUpdate ?? '') - Date.parse(a.evidence.thisUpdate ?? ''),
  )[0];
}

async function fetchOcsp(
  cert: Certificate,
  issuer: Certificate,
  s: RevocationSources,
): Promise<RevocationFinding | string> {
  const url = urlsOf(cert).ocsp;
  if (!url || !s.fetcher) return url ? 'no revocation fetcher (offline)' : 'no OCSP URL';
  const key = `ocsp ${url} ${cert.fingerprint}`;
  const cached = s.cache?.get(key, s.now);
  let der = cached;
  try {
    der ??= await s.fetcher.ocsp(url, buildOcspRequest(cert.der, issuer.der, { hash: 'sha1' }).der);
  } catch (e) {
    return `OCSP ${url}: ${e instanceof Error ? e.message : String(e)}`;
  }
  const found = ocspFinding(der, cert, issuer, cached ? 'cache' : 'fetched-ocsp', s.trustedResponders);
  if (!found) return `OCSP ${url}: no usable answer`;
  if (!cached)
    s.cache?.set(
      key,
      der,
      s.now,
      found.evidence.nextUpdate ? new Date(found.evidence.nextUpdate) : undefined,
    );
  return found;
}

async function fetchCrl(
  cert: Certificate,
  issuer: Certificate,
  s: RevocationSources,
): Promise<RevocationFinding | string> {
  const url = urlsOf(cert).crl;
  if (!url || !s.fetcher?.crl) return url ? 'no CRL fetcher (offline)' : 'no CRL URL';
  const key = `crl ${url}`;
  const cached = s.cache?.get(key, s.now);
  let der = cached;
  try {
    der ??= await s.fetcher.crl(url);
  } catch (e) {
    return `CRL ${url}: ${e instanceof Error ? e.message : String(e)}`;
  }
  const found = crlFinding(der, cert, issuer, cached ? 'cache' : 'fetched-crl');
  if (!found) return `CRL ${url}: not usable for this certificate`;
  if (!cached)
    s.cache?.set(
      key,
      der,
      s.now,
      found.evidence.nextUpdate ? new Date(found.evidence.nextUpdate) : undefined,
    );
  return found;
}

/**
 * The revocation status of `cert` (issued by `issuer`): embedded evidence first, then OCSP and
 * CRL through the fetcher.
 *
 * @returns the finding; `unknown` with the reasons when nothing answered
 * @example
 * ```ts
 * const f = await revocationStatus(signer, eidCa, { crls: [], ocspResponses: [ocsp], now: new Date() });
 * ```
 */
export async function revocationStatus(
  cert: Certificate,
  issuer: Certificate,
  s: RevocationSources,
): Promise<RevocationFinding> {
  const embedded = [
    ...s.ocspResponses.map((d) => ocspFinding(d, cert, issuer, 'embedded-ocsp', s.trustedResponders)),
    ...s.crls.map((d) => crlFinding(d, cert, issuer, 'embedded-crl')),
  ].filter((f): f is RevocationFinding => f !== undefined);
  const chosen = latest(embedded);
  if (chosen) return chosen;
  const reasons: string[] = [];
  for (const step of [fetchOcsp, fetchCrl]) {
    const r = await step(cert, issuer, s);
    if (typeof r !== 'string') return r;
    reasons.push(r);
  }
  const detail = reasons.join('; ');
  return { status: 'unknown', evidence: { status: 'unknown', detail } };
}
