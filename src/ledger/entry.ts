/**
 * The transparency log's entries: versioned, canonical records of every trust event a node or
 * the hub performs (README, "Transparency log entries"). An entry is the RFC 8785 canonical
 * JSON of one object `{v: 1, type, time, ...}`, under 64 KiB, holding no personal data:
 * a citizen's certificate appears by its SHA-256, serial, issuer, profile and validity only.
 * Encoding checks every member; decoding accepts only the exact bytes encoding would write.
 */
import { canonicalJson } from './entry_canonical.js';
import { LedgerEntryError } from './entry_errors.js';
import { DIGEST_HEX_LENGTH, ENTRY_TYPES, checkMembers, isoTime } from './entry_fields.js';
import type { LedgerEntryType } from './entry_fields.js';

export type { LedgerEntryType } from './entry_fields.js';

/** The entry format version this software writes and reads. */
export const LEDGER_ENTRY_VERSION = 1;

/** The largest entry in bytes: under 64 KiB (a tlog-tiles entry bundle prefixes each with a uint16 length). */
export const MAX_ENTRY_BYTES = 65_535;

/** Members every entry has. */
interface EntryBase {
  v: 1;
  /** When the change happened (the node's clock), ISO 8601 UTC with milliseconds. */
  time: string;
}

/** What identifies a certificate in the log (all of it public). */
export interface CertificateFacts {
  /** SHA-256 (hex) of the certificate's DER: the lookup key. */
  sha256: string;
  /** Serial number, lower-case hex. */
  serial: string;
  /** The issuer's distinguished name (RFC 4514 style, most specific first). */
  issuer: string;
  /** The certificate profile: `authentication`, `signature`, `root-ca`, `eid-ca`, `ocsp`, `tsa`, `tl-signer`. */
  profile: string;
  notBefore: string;
  notAfter: string;
}

/** A citizen certificate issued, suspended or resumed (never its subject: no name, no national id). */
export interface EidCertificateEntry extends EntryBase, CertificateFacts {
  type: 'eid-cert-issued' | 'eid-cert-suspended' | 'eid-cert-resumed';
}

/** A citizen certificate revoked, with its RFC 5280 reason. */
export interface EidCertificateRevokedEntry extends EntryBase, CertificateFacts {
  type: 'eid-cert-revoked';
  reason: string;
}

/** A citizen certificate issued by a renewal, with the certificates it replaces (sorted by sha256). */
export interface EidCertificateRenewedEntry extends EntryBase, CertificateFacts {
  type: 'eid-cert-renewed';
  replaces: { sha256: string; serial: string }[];
}

/** A certificate of the node's own services; its subject names a service, not a person. */
export interface ServiceCertificateEntry extends EntryBase, CertificateFacts {
  type: 'ca-cert' | 'ocsp-cert' | 'tsa-cert' | 'tl-signer-cert';
  subject: string;
}

/** A signed trusted list (a node's) or list of trusted lists (the hub's) published. */
export interface TrustListEntry extends EntryBase {
  type: 'trust-list' | 'lotl';
  /** SHA-256 (hex) of the signed XML as served: the lookup key. */
  sha256: string;
  /** SchemeTerritory. */
  territory: string;
  /** TSLSequenceNumber. */
  sequence: number;
  /** ListIssueDateTime. */
  issued: string;
  /** NextUpdate. */
  nextUpdate: string;
}

/** A change to the hub's membership; an `add` also names the list's URL and pinned signers. */
export interface HubMemberEntry extends EntryBase {
  type: 'hub-member';
  country: string;
  action: 'add' | 'suspend' | 'resume' | 'remove';
  /** The member's status after the change. */
  status: 'active' | 'suspended' | 'removed';
  trustListUrl?: string;
  /** SHA-256 (hex) of each pinned TL-signing certificate, sorted. */
  signers?: string[];
}

/** An ID-token signing key of the login service added or retired. */
export interface LoginKeyEntry extends EntryBase {
  type: 'login-key';
  action: 'add' | 'retire';
  /** The RFC 7638 JWK SHA-256 thumbprint (base64url); its hex is the lookup key. */
  kid: string;
  alg: 'ES256';
}

/** A document digest notarised for a party. */
export interface NotarisedDigestEntry extends EntryBase {
  type: 'notarised-digest';
  alg: 'sha-256' | 'sha-384' | 'sha-512';
  /** The digest, lower-case hex: the lookup key. */
  digest: string;
  /** The submitting party's identifier. */
  party?: string;
}

/** Any log entry. */
export type LedgerEntry =
  | EidCertificateEntry
  | EidCertificateRevokedEntry
  | EidCertificateRenewedEntry
  | ServiceCertificateEntry
  | TrustListEntry
  | HubMemberEntry
  | LoginKeyEntry
  | NotarisedDigestEntry;

function malformed(detail: string): LedgerEntryError {
  return new LedgerEntryError('LEDGER_ENTRY_MALFORMED', detail);
}

/** Checks a parsed or constructed entry; throws the first problem found. */
function check(e: unknown): asserts e is LedgerEntry {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw malformed('an entry is a JSON object');
  const o = e as Record<string, unknown>;
  if (!Object.hasOwn(o, 'v')) throw malformed('the member v (version) is missing');
  if (o['v'] !== LEDGER_ENTRY_VERSION) {
    if (typeof o['v'] === 'number' && Number.isSafeInteger(o['v']) && o['v'] > 0)
      throw new LedgerEntryError('LEDGER_ENTRY_UNSUPPORTED', `version ${String(o['v'])}`);
    throw malformed('v must be a positive integer');
  }
  const type = o['type'];
  if (typeof type !== 'string') throw malformed('the member type is missing');
  if (!Object.hasOwn(ENTRY_TYPES, type))
    throw new LedgerEntryError('LEDGER_ENTRY_UNSUPPORTED', `type ${JSON.stringify(type)}`);
  const badTime = isoTime(o['time']);
  if (badTime) throw malformed(`time ${badTime}`);
  const why = checkMembers(type as LedgerEntryType, o);
  if (why) throw malformed(why);
  if (type === 'notarised-digest') {
    const alg = o['alg'] as keyof typeof DIGEST_HEX_LENGTH;
    if ((o['digest'] as string).length !== DIGEST_HEX_LENGTH[alg])
      throw malformed(`digest is not a ${alg} digest (${DIGEST_HEX_LENGTH[alg]} hex digits)`);
  }
  if (type === 'hub-member') {
    const isAdd = o['action'] === 'add';
    if (isAdd !== Object.hasOwn(o, 'trustListUrl') || isAdd !== Object.hasOwn(o, 'signers'))
      throw malformed('trustListUrl and signers come with action add, and only with it');
  }
}

/**
 * Encodes an entry: checks it, then writes its canonical JSON (RFC 8785).
 *
 * @param entry - the entry
 * @returns its bytes, fewer than 64 KiB
 * @throws LedgerEntryError LEDGER_ENTRY_MALFORMED | LEDGER_ENTRY_UNSUPPORTED | LEDGER_ENTRY_TOO_LARGE
 * @example
 * ```ts
 * const bytes = encodeEntry({ v: 1, type: 'login-key', time: now.toISOString(), action: 'add', kid, alg: 'ES256' });
 * ```
 */
export function encodeEntry(entry: LedgerEntry): Buffer {
  check(entry);
  const bytes = canonicalJson(entry);
  if (bytes.length > MAX_ENTRY_BYTES)
    throw new LedgerEntryError(
      'LEDGER_ENTRY_TOO_LARGE',
      `${bytes.length} bytes (at most ${MAX_ENTRY_BYTES})`,
    );
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes an entry, strictly: UTF-8 without BOM, JSON, a known version and type, exactly the
 * members of that type with valid values, and the canonical byte form (no other spelling of
 * the same entry is accepted, so an entry has one hash).
 *
 * @param bytes - the entry as logged
 * @throws LedgerEntryError LEDGER_ENTRY_MALFORMED | LEDGER_ENTRY_UNSUPPORTED | LEDGER_ENTRY_TOO_LARGE
 * @example
 * ```ts
 * const entry = decodeEntry(bytes);
 * if (entry.type === 'eid-cert-revoked') console.log(entry.serial, entry.reason);
 * ```
 */
export function decodeEntry(bytes: Uint8Array): LedgerEntry {
  if (bytes.length > MAX_ENTRY_BYTES)
    throw new LedgerEntryError(
      'LEDGER_ENTRY_TOO_LARGE',
      `${bytes.length} bytes (at most ${MAX_ENTRY_BYTES})`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes)) as unknown;
  } catch (e) {
    throw malformed(`not UTF-8 JSON (${(e as Error).message})`);
  }
  check(parsed);
  if (!canonicalJson(parsed).equals(bytes)) throw malformed('not in canonical form (RFC 8785)');
  return parsed;
}

/**
 * The key a lookup finds the entry by (`GET /log/lookup/<hex>`): the certificate's, list's or
 * document's SHA-256 (the digest for a notarised one; the thumbprint's hex for a login key);
 * undefined for a hub membership change.
 *
 * @example
 * ```ts
 * lookupKeyOf(entry); // '9f86d081884c7d65...'
 * ```
 */
export function lookupKeyOf(entry: LedgerEntry): string | undefined {
  switch (entry.type) {
    case 'hub-member':
      return undefined;
    case 'login-key':
      return Buffer.from(entry.kid, 'base64url').toString('hex');
    case 'notarised-digest':
      return entry.digest;
    default:
      return entry.sha256;
  }
}
