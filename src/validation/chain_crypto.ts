/**
 * The cryptographic constraints of the validation policy applied to the certificates of a path
 * (EN 319 102-1 clause 5.2.6.4 with 5.2.8: the X.509 certificate validation building block checks
 * the algorithms of every certificate of the chain, not only the signature's). Each certificate's
 * signature (its digest and the issuer's key) must be acceptable; this covers every key of the
 * path but the target's own, which the signature's acceptance check evaluates.
 */
import type { Certificate } from '../x509/certificate.js';
import { publicKeyOf, signatureDigest } from '../x509/signature.js';
import type { DigestName } from '../signature/model.js';
import { checkCryptoConstraints, checkKeyConstraint } from './crypto_policy.js';
import type { CryptoPolicy, CryptoRule } from './crypto_policy.js';

/** A certificate of the path whose algorithms the policy refuses. */
export interface ChainCryptoFailure {
  /** Position in the path, 0 being the target. */
  certificateIndex: number;
  subject: string;
  rule: CryptoRule;
  detail: string;
}

/**
 * The refusals of the policy for the certificates of `path` (target first, anchor last) at `at`:
 * for each certificate below the anchor, its signature digest and its issuer's key; with
 * `includeTargetKey`, the target's key too. The anchor's own signature is not evaluated (trust
 * in it does not rest on it). Empty when the policy accepts the whole path.
 *
 * @example
 * ```ts
 * const refused = checkChainCrypto(DEFAULT_CRYPTO_POLICY, result.path, new Date());
 * for (const f of refused) console.log(f.subject, f.rule.text);
 * ```
 */
export function checkChainCrypto(
  policy: CryptoPolicy,
  path: readonly Certificate[],
  at: Date,
  options: { includeTargetKey?: boolean } = {},
): ChainCryptoFailure[] {
  const out: ChainCryptoFailure[] = [];
  const refuse = (i: number, rule: CryptoRule, detail: string): void => {
    out.push({
      certificateIndex: i,
      subject: path[i]!.subjectText,
      rule,
      detail: `${path[i]!.subjectText}: ${detail}`,
    });
  };
  const target = path[0];
  if (options.includeTargetKey && target) {
    const key = publicKeyOf(target.spki);
    const v = key
      ? checkKeyConstraint(policy, key, at)
      : {
          acceptable: false as const,
          rule: { id: 'key', text: 'unreadable public key' },
          detail: 'the public key cannot be read',
        };
    if (!v.acceptable) refuse(0, v.rule, v.detail);
  }
  for (let i = 0; i + 1 < path.length; i++) {
    const issuer = path[i + 1]!;
    const key = publicKeyOf(issuer.spki);
    if (!key) {
      refuse(
        i,
        { id: 'key', text: 'unreadable public key' },
        `the key of ${issuer.subjectText} cannot be read`,
      );
      continue;
    }
    const digest = signatureDigest(path[i]!.signatureAlgorithm);
    // An unsupported algorithm never reaches here: the path validator refuses it first.
    if (digest === undefined) continue;
    // EdDSA chooses no digest (Ed25519 hashes with SHA-512 inside): only its key is evaluated.
    const v =
      digest === null
        ? checkKeyConstraint(policy, key, at)
        : checkCryptoConstraints(policy, digest as DigestName, key, at);
    if (!v.acceptable) refuse(i, v.rule, `signature by ${issuer.subjectText}: ${v.detail}`);
  }
  return out;
}
