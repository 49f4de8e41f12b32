/**
 * CRL revocation checking of RFC 5280 §6.3, for complete CRLs issued by the certificate's own
 * issuer (the CA in the path signs its CRLs with the key that signs certificates). Simplified:
 * no delta CRLs, no indirect CRLs, no separate CRL-signing keys; partitioned CRLs (an
 * IssuingDistributionPoint) and reason-partitioned CRLs are honoured.
 */
import type { Certificate } from '../../x509/certificate.js';
import type { Crl } from '../../x509/crl.js';
import type { GeneralName } from '../../x509/general_names.js';
import { namesEqual } from '../../x509/name.js';
import { verifySignature } from '../../x509/signature.js';
import { validationSecond } from './time.js';

/** What the supplied CRLs say about one certificate. */
export type RevocationStatus =
  | { status: 'good'; crls: number }
  | { status: 'revoked'; revocationTime: Date; reason?: string }
  | { status: 'unknown'; detail: string }
  | { status: 'not-checked' };

/** Options of the CRL check. */
export interface CrlCheckOptions {
  time: Date;
  /** RFC 5280 profile checks on the CRL (cRLNumber present, nextUpdate present). */
  strict: boolean;
}

// ReasonFlags bits 1..8: keyCompromise … aACompromise (bit 0 is unused), RFC 5280 §4.2.1.13.
const ALL_REASONS = [1, 2, 3, 4, 5, 6, 7, 8];
const NOT_APPLICABLE = 'not applicable';

function nameKey(n: GeneralName): string {
  if ('value' in n) return `${n.type}:${n.value}`;
  if (n.type === 'directoryName') return `dn:${n.name.key}`;
  if (n.type === 'iPAddress') return `ip:${n.bytes.toString('hex')}`;
  return n.type;
}

/** §6.3.3 (b)(2): the CRL's scope covers the certificate. */
function scopeProblem(crl: Crl, cert: Certificate): string | undefined {
  const idp = crl.issuingDistributionPoint;
  if (!idp) return undefined;
  const isCa = cert.extensions.basicConstraints?.ca === true;
  if ((idp.onlyContainsUserCerts && isCa) || (idp.onlyContainsCACerts && !isCa)) return NOT_APPLICABLE;
  if (idp.onlyContainsAttributeCerts) return NOT_APPLICABLE;
  if (idp.indirectCRL || idp.relativeName) return 'indirect or relatively named CRLs are not supported';
  if (!idp.fullName) return undefined;
  const wanted = new Set(idp.fullName.map(nameKey));
  const points = cert.extensions.crlDistributionPoints?.points ?? [];
  const match = points.some((p) => (p.fullName ?? p.crlIssuer ?? []).some((n) => wanted.has(nameKey(n))));
  return match ? undefined : NOT_APPLICABLE;
}

/** Why `crl` cannot be used for `cert` issued by `issuer` at `time`, or undefined when it can. */
function unusable(
  crl: Crl,
  cert: Certificate,
  issuer: Certificate,
  opts: CrlCheckOptions,
): string | undefined {
  if (crl.problems.length > 0) return crl.problems.join(', ');
  const scope = scopeProblem(crl, cert);
  if (scope) return scope;
  if (crl.delta) return 'delta CRLs are not supported';
  if (crl.unsupported.length > 0) return crl.unsupported.join(', ');
  if (!crl.signatureAlgorithm.equals(crl.tbsSignatureAlgorithm)) return 'signature algorithm fields differ';
  const ku = issuer.extensions.keyUsage;
  // §6.3.3 (f): "If a key usage extension is present in the CRL issuer's certificate, verify that the cRLSign bit is set."
  if (ku && !ku.usages.has('cRLSign')) return "the issuer's key usage lacks cRLSign";
  if (verifySignature(crl.tbs, crl.signatureAlgorithm, crl.signatureValue, issuer.spki) !== 'valid') {
    return 'the CRL signature does not verify with the issuer key';
  }
  // §5.2.3: the CRL number "MUST" be included and "MUST" be non-critical.
  if (opts.strict && !crl.crlNumber) return 'no cRLNumber';
  if (crl.crlNumber?.critical) return 'critical cRLNumber';
  if (opts.strict && !crl.nextUpdate) return 'no nextUpdate';
  // §6.3.3 (a)(2): a CRL whose nextUpdate has passed is not current.
  if (crl.nextUpdate && validationSecond(opts.time) > crl.nextUpdate) {
    return `stale: nextUpdate ${crl.nextUpdate.toISOString()}`;
  }
  return undefined;
}

/**
 * The revocation status of `cert` (issued by `issuer`) according to the CRLs supplied.
 * `not-checked` when no CRL names the certificate's issuer or none is in scope; `unknown` when
 * CRLs of that issuer exist but none usable covers every reason. A revocation dated after the
 * validation time does not count (the certificate was not yet revoked then).
 *
 * @example
 * ```ts
 * crlStatus(leaf, ca, crls.map(decodeCrl), { time: new Date(), strict: true }); // { status: 'good', crls: 1 }
 * ```
 */
export function crlStatus(
  cert: Certificate,
  issuer: Certificate,
  crls: readonly Crl[],
  opts: CrlCheckOptions,
): RevocationStatus {
  const candidates = crls.filter((c) => namesEqual(c.issuer, cert.issuer));
  const problems: string[] = [];
  const covered = new Set<number>();
  let used = 0;
  for (const crl of candidates) {
    const why = unusable(crl, cert, issuer, opts);
    if (why === NOT_APPLICABLE) continue;
    if (why) {
      problems.push(why);
      continue;
    }
    used++;
    const entry = crl.entries.get(cert.serialHex);
    if (entry && entry.reason !== 'removeFromCRL' && entry.revocationDate <= validationSecond(opts.time)) {
      return {
        status: 'revoked',
        revocationTime: entry.revocationDate,
        ...(entry.reason ? { reason: entry.reason } : {}),
      };
    }
    for (const r of crl.issuingDistributionPoint?.onlySomeReasons ?? ALL_REASONS) covered.add(r);
  }
  if (ALL_REASONS.every((r) => covered.has(r))) return { status: 'good', crls: used };
  if (problems.length === 0 && used === 0) return { status: 'not-checked' };
  return { status: 'unknown', detail: problems.join('; ') || 'the usable CRLs do not cover every reason' };
}
