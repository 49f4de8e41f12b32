/**
 * The fields of each log entry type and how each is checked: a closed set per type (no other
 * member is allowed, so nothing personal can ride along), every value in one spelling only.
 */
import { isRevocationReason } from '../x509/revocation_reason.js';

/** A field check: undefined when the value is fine, else what is wrong with it. */
type Check = (v: unknown) => string | undefined;

const re =
  (pattern: RegExp, what: string): Check =>
  (v) =>
    typeof v === 'string' && pattern.test(v) ? undefined : `must be ${what}`;

/** ISO 8601 UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
export const isoTime: Check = (v) =>
  typeof v === 'string' &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) &&
  !Number.isNaN(Date.parse(v)) &&
  new Date(v).toISOString() === v
    ? undefined
    : 'must be an ISO 8601 UTC time with milliseconds (2026-01-02T03:04:05.000Z)';

const sha256Hex = re(/^[0-9a-f]{64}$/, '64 lower-case hex digits (SHA-256)');
const serialHex = re(/^[0-9a-f]{1,64}$/, 'lower-case hex (certificate serial number)');
const profile = re(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a profile name (lower-case letters, digits, hyphens)');
const country = re(/^[A-Z]{2}$/, 'two upper-case letters (ISO 3166-1)');
const kid = re(/^[A-Za-z0-9_-]{43}$/, 'an RFC 7638 SHA-256 JWK thumbprint, base64url');
const party = re(/^[\x21-\x7e]{1,256}$/, '1 to 256 printable ASCII characters without spaces');
const httpUrl = re(/^https?:\/\/[\x21-\x7e]{1,2048}$/, 'an http(s) URL');
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;

/** A non-empty text (a distinguished name): any well-formed string without control characters. */
const text: Check = (v) =>
  // eslint-disable-next-line no-control-regex
  typeof v === 'string' && v.length > 0 && !/[\u0000-\u001f\u007f]/.test(v)
    ? undefined
    : 'must be a non-empty text without control characters';

const positive: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? undefined : 'must be a positive integer';

const revocationReason: Check = (v) =>
  typeof v === 'string' && isRevocationReason(v) && v !== 'certificateHold' && v !== 'removeFromCRL'
    ? undefined
    : 'must be an RFC 5280 CRLReason name other than certificateHold and removeFromCRL';

/** A sorted list without repeats, of `min` to `max` items each passing `item`. */
function sortedList(item: Check, min: number, max: number, key: (x: unknown) => string = String): Check {
  return (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max)
      return `must be a list of ${min} to ${max} items`;
    for (const [i, x] of v.entries()) {
      const why = item(x);
      if (why) return `[${i}] ${why}`;
      if (i > 0 && key(v[i - 1]) >= key(x)) return 'must be sorted, without repeats';
    }
    return undefined;
  };
}

const replaced: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be {sha256, serial}';
  const keys = Object.keys(v).sort().join(',');
  if (keys !== 'serial,sha256') return 'must have exactly the members serial and sha256';
  const o = v as Record<string, unknown>;
  const why = sha256Hex(o['sha256']) ?? serialHex(o['serial']);
  return why ? `.${sha256Hex(o['sha256']) ? 'sha256' : 'serial'} ${why}` : undefined;
};

/** Digest length in hex digits by algorithm name. */
export const DIGEST_HEX_LENGTH = { 'sha-256': 64, 'sha-384': 96, 'sha-512': 128 } as const;

const digest: Check = re(/^(?:[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/, 'lower-case hex of a SHA-2 digest');

/** Required and optional members of a type (besides `v`, `type` and `time`). */
export interface TypeSpec {
  required: Record<string, Check>;
  optional?: Record<string, Check>;
}

const certificate = {
  sha256: sha256Hex,
  serial: serialHex,
  issuer: text,
  profile,
  notBefore: isoTime,
  notAfter: isoTime,
};
const list = {
  sha256: sha256Hex,
  territory: country,
  sequence: positive,
  issued: isoTime,
  nextUpdate: isoTime,
};

/** Every entry type of version 1 and its members. */
export const ENTRY_TYPES = {
  'eid-cert-issued': { required: certificate },
  'eid-cert-suspended': { required: certificate },
  'eid-cert-resumed': { required: certificate },
  'eid-cert-revoked': { required: { ...certificate, reason: revocationReason } },
  'eid-cert-renewed': {
    required: {
      ...certificate,
      replaces: sortedList(replaced, 0, 16, (x) => (x as { sha256: string }).sha256),
    },
  },
  'ca-cert': { required: { ...certificate, subject: text } },
  'ocsp-cert': { required: { ...certificate, subject: text } },
  'tsa-cert': { required: { ...certificate, subject: text } },
  'tl-signer-cert': { required: { ...certificate, subject: text } },
  'trust-list': { required: list },
  lotl: { required: list },
  'hub-member': {
    required: {
      country,
      action: oneOf('add', 'suspend', 'resume', 'remove'),
      status: oneOf('active', 'suspended', 'removed'),
    },
    optional: { trustListUrl: httpUrl, signers: sortedList(sha256Hex, 1, 16) },
  },
  'login-key': { required: { action: oneOf('add', 'retire'), kid, alg: oneOf('ES256') } },
  'notarised-digest': {
    required: { alg: oneOf(...Object.keys(DIGEST_HEX_LENGTH)), digest },
    optional: { party },
  },
} as const satisfies Record<string, TypeSpec>;

/** An entry type name. */
export type LedgerEntryType = keyof typeof ENTRY_TYPES;

/**
 * What is wrong with the members of an entry of type `type` (besides `v`, `type`, `time`), or
 * undefined when nothing is.
 */
export function checkMembers(type: LedgerEntryType, entry: Record<string, unknown>): string | undefined {
  const spec: TypeSpec = ENTRY_TYPES[type];
  for (const name of Object.keys(entry)) {
    if (name === 'v' || name === 'type' || name === 'time') continue;
    if (!Object.hasOwn(spec.required, name) && !Object.hasOwn(spec.optional ?? {}, name))
      return `${type} has no member ${JSON.stringify(name)}`;
  }
  for (const [name, check] of Object.entries(spec.required)) {
    if (!Object.hasOwn(entry, name)) return `${type} lacks the member ${name}`;
    const why = check(entry[name]);
    if (why) return `${name} ${why}`;
  }
  for (const [name, check] of Object.entries(spec.optional ?? {})) {
    if (!Object.hasOwn(entry, name)) continue;
    const why = check(entry[name]);
    if (why) return `${name} ${why}`;
  }
  return undefined;
}
