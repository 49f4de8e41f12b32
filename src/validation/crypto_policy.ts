/**
 * The cryptographic constraints of the validation policy (EN 319 102-1 clause 5.2.8.4 and
 * Annex A.1; algorithm choices after ETSI TS 119 312): which digest and signature algorithms and
 * key sizes are acceptable, and until when. A constraint that has expired can still be met with a
 * proof of existence of the signature from before its expiry date (clause 5.6.2.5).
 */
import type { KeyObject } from 'node:crypto';
import type { DigestName } from '../signature/model.js';

/** One rule: an algorithm (and, for keys, a minimum size) acceptable until `until` (exclusive). */
export interface CryptoRule {
  /** `digest:sha1`, `key:rsa:1024`, `key:ec:256`, … */
  id: string;
  /** The human-readable rule, quoted in reports. */
  text: string;
  /** Acceptable before this date; undefined: no end date. */
  until?: Date;
}

/** A validation policy's crypto constraints. */
export interface CryptoPolicy {
  name: string;
  digests: Partial<Record<DigestName, CryptoRule>>;
  /** Per key type, rules by minimum key size in bits (largest size first wins). */
  keys: Record<'rsa' | 'ec' | 'ed', { minBits: number; rule: CryptoRule }[]>;
}

const date = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

function rule(id: string, text: string, until?: string): CryptoRule {
  return { id, text, ...(until ? { until: date(until) } : {}) };
}

/**
 * The default policy: SHA-1 not for signatures from 2010 (the cut-off DSS's default policy and
 * TS 119 312 use for new signatures), SHA-224 until 2026, SHA-2 and SHA-3 of 256 bits and more
 * without end; RSA 1024 until 2010, 1536 until 2017, 1900 until 2026, 2048 and more without end;
 * ECDSA below 224 bits until 2013, 224 until 2026, 256 and more without end; EdDSA without end.
 */
export const DEFAULT_CRYPTO_POLICY: CryptoPolicy = {
  name: 'trustbridge default (after ETSI TS 119 312)',
  digests: {
    sha1: rule('digest:sha1', 'SHA-1 in signatures: acceptable before 2010-01-01', '2010-01-01'),
    sha224: rule('digest:sha224', 'SHA-224: acceptable before 2026-01-01', '2026-01-01'),
    sha256: rule('digest:sha256', 'SHA-256: acceptable'),
    sha384: rule('digest:sha384', 'SHA-384: acceptable'),
    sha512: rule('digest:sha512', 'SHA-512: acceptable'),
    'sha3-256': rule('digest:sha3-256', 'SHA3-256: acceptable'),
    'sha3-384': rule('digest:sha3-384', 'SHA3-384: acceptable'),
    'sha3-512': rule('digest:sha3-512', 'SHA3-512: acceptable'),
  },
  keys: {
    rsa: [
      { minBits: 2048, rule: rule('key:rsa:2048', 'RSA of 2048 bits and more: acceptable') },
      {
        minBits: 1900,
        rule: rule('key:rsa:1900', 'RSA of 1900 bits: acceptable before 2026-01-01', '2026-01-01'),
      },
      {
        minBits: 1536,
        rule: rule('key:rsa:1536', 'RSA of 1536 bits: acceptable before 2017-01-01', '2017-01-01'),
      },
      {
        minBits: 1024,
        rule: rule('key:rsa:1024', 'RSA of 1024 bits: acceptable before 2010-01-01', '2010-01-01'),
      },
    ],
    ec: [
      { minBits: 256, rule: rule('key:ec:256', 'ECDSA on curves of 256 bits and more: acceptable') },
      {
        minBits: 224,
        rule: rule('key:ec:224', 'ECDSA on 224-bit curves: acceptable before 2026-01-01', '2026-01-01'),
      },
      {
        minBits: 160,
        rule: rule('key:ec:160', 'ECDSA below 224 bits: acceptable before 2013-01-01', '2013-01-01'),
      },
    ],
    ed: [{ minBits: 0, rule: rule('key:ed', 'EdDSA (Ed25519, Ed448): acceptable') }],
  },
};

/** The size in bits of a public key (RSA modulus, EC field), or undefined when unknown. */
export function keySize(key: KeyObject): number | undefined {
  const d = key.asymmetricKeyDetails;
  if (d?.modulusLength) return d.modulusLength;
  const curves: Record<string, number> = {
    prime256v1: 256,
    'P-256': 256,
    secp384r1: 384,
    'P-384': 384,
    secp521r1: 521,
    'P-521': 521,
    secp224r1: 224,
    secp256k1: 256,
    brainpoolP256r1: 256,
    brainpoolP384r1: 384,
    brainpoolP512r1: 512,
    secp192r1: 192,
    prime192v1: 192,
  };
  return d?.namedCurve ? curves[d.namedCurve] : undefined;
}

/** What the policy says about a signature's algorithms. */
export type CryptoVerdict =
  | { acceptable: true; until?: Date; rules: CryptoRule[] }
  | { acceptable: false; rule: CryptoRule; detail: string };

const SIZES = new WeakMap<KeyObject, number | null>();

function sizeOf(key: KeyObject): number | undefined {
  let v = SIZES.get(key);
  if (v === undefined) SIZES.set(key, (v = keySize(key) ?? null));
  return v ?? undefined;
}

function keyRule(policy: CryptoPolicy, key: KeyObject): CryptoRule | string {
  const type = key.asymmetricKeyType;
  const family =
    type === 'rsa' || type === 'rsa-pss'
      ? 'rsa'
      : type === 'ec'
        ? 'ec'
        : type?.startsWith('ed')
          ? 'ed'
          : undefined;
  if (!family) return `key type ${type ?? 'unknown'} is not in the policy`;
  const bits = family === 'ed' ? 0 : sizeOf(key);
  if (bits === undefined) return `the ${family.toUpperCase()} key size is unknown to the policy`;
  const found = policy.keys[family].find((r) => bits >= r.minBits);
  return found?.rule ?? `${family.toUpperCase()} ${bits}-bit keys are not in the policy`;
}

/**
 * Evaluates the crypto constraints of a signature at a time: its digest algorithm and the
 * signer's key (type and size) must be acceptable then.
 *
 * @param policy - the policy
 * @param digest - the digest algorithm of the signature
 * @param key - the signer's public key
 * @param at - the time (validation time, or the proof of existence of the signature)
 * @returns acceptable (with the earliest end date of the rules used) or the rule that refused
 * @example
 * ```ts
 * const v = checkCryptoConstraints(DEFAULT_CRYPTO_POLICY, 'sha1', key, new Date());
 * if (!v.acceptable) console.log(v.rule.text);
 * ```
 */
export function checkCryptoConstraints(
  policy: CryptoPolicy,
  digest: DigestName,
  key: KeyObject,
  at: Date,
): CryptoVerdict {
  const digestRule = policy.digests[digest];
  if (!digestRule)
    return {
      acceptable: false,
      rule: rule(`digest:${digest}`, `${digest} is not in the policy`),
      detail: `${digest} is not allowed`,
    };
  const kr = keyRule(policy, key);
  if (typeof kr === 'string') return { acceptable: false, rule: rule('key', kr), detail: kr };
  const rules = [digestRule, kr];
  for (const r of rules) {
    if (r.until && at >= r.until)
      return { acceptable: false, rule: r, detail: `${r.text}; time ${at.toISOString()}` };
  }
  const ends = rules.map((r) => r.until).filter((d): d is Date => d !== undefined);
  const until = ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))) : undefined;
  return { acceptable: true, ...(until ? { until } : {}), rules };
}

/**
 * Evaluates a public key alone at a time (the key rules of the policy, no digest).
 *
 * @example
 * ```ts
 * checkKeyConstraint(DEFAULT_CRYPTO_POLICY, key, new Date()).acceptable;
 * ```
 */
export function checkKeyConstraint(policy: CryptoPolicy, key: KeyObject, at: Date): CryptoVerdict {
  const kr = keyRule(policy, key);
  if (typeof kr === 'string') return { acceptable: false, rule: rule('key', kr), detail: kr };
  if (kr.until && at >= kr.until)
    return { acceptable: false, rule: kr, detail: `${kr.text}; time ${at.toISOString()}` };
  return { acceptable: true, ...(kr.until ? { until: kr.until } : {}), rules: [kr] };
}
