/**
 * The CERT exchange tables (migration `0006_cert`) as Kysely sees them, and the view of a node
 * store that includes them. Times are ISO 8601 UTC strings, as everywhere in the store; object
 * versions and dates added are kept with six fractional digits so they sort as text.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { CertificateTable, Database, IsoTime } from '../store/schema.js';

/** A partner CERT (or an account of the CERT's own organisation, clearance `amber+strict`). */
export interface CertPartnerTable {
  id: string;
  name: string;
  country: string | null;
  username: string;
  /** `scrypt$N$r$p$salt$hash` (base64url). */
  password_hash: string;
  /** The most restrictive TLP level the partner receives. */
  tlp_max: string;
  created_at: IsoTime;
}

/** A bearer token of a partner, as its SHA-256 (hex). */
export interface CertTokenTable {
  token_hash: string;
  partner_id: string;
  created_at: IsoTime;
}

/** A TAXII API root. */
export interface CertApiRootTable {
  id: string;
  title: string;
  description: string | null;
  max_content_length: number;
  created_at: IsoTime;
}

/** A TAXII collection. */
export interface CertCollectionTable {
  id: string;
  api_root: string;
  title: string;
  description: string | null;
  alias: string | null;
  created_at: IsoTime;
}

/** What a partner may do on a collection. */
export interface CertPermissionTable {
  collection_id: string;
  partner_id: string;
  can_read: number;
  can_write: number;
}

/** One version of one STIX object in a collection. */
export interface CertObjectTable {
  collection_id: string;
  id: string;
  /** `modified` (or `created`, or the date added), six fractional digits. */
  version: string;
  date_added: string;
  spec_version: string;
  type: string;
  /** TLP 2.0 level (src/cert/tlp.ts). */
  tlp: string;
  /** The partner that added it (null: added on the node itself). */
  added_by: string | null;
  /** The object as JSON. */
  body: string;
}

/** A TAXII status resource. */
export interface CertStatusTable {
  id: string;
  api_root: string;
  partner_id: string | null;
  status: string;
  request_timestamp: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  /** JSON arrays of status details. */
  successes: string;
  failures: string;
  expires_at: IsoTime;
}

/** A server-side secret. */
export interface CertSecretTable {
  name: string;
  value: string;
}

/** Review status of an alert. */
export type AlertStatus = 'open' | 'acknowledged' | 'acted' | 'dismissed';

/** What an alert names: a citizen's eID certificate or one of the node's CAs. */
export type AlertKind = 'eid-cert' | 'ca';

/** A received STIX object named a certificate of this node (migration 0012). */
export interface CertAlertTable {
  id: string;
  created_at: IsoTime;
  stix_id: string;
  /** The object's stored version (six fractional digits). */
  stix_version: string;
  stix_type: string;
  collection_id: string | null;
  /** The partner that sent the object (null: published on the node itself). */
  source_partner: string | null;
  cert_serial: string;
  /** SHA-256 (hex) of the certificate's DER. */
  cert_sha256: string;
  cert_usage: string;
  national_id: string | null;
  kind: AlertKind;
  /** `sha256`, `sha1`, `serial+issuer` or `serial`. */
  matched_on: string;
  status: AlertStatus;
  officer: string | null;
  note: string | null;
  updated_at: IsoTime | null;
  /** JSON: what acting did (the suspension, or a CA's withdrawal proposal). */
  outcome: string | null;
}

/** The certificate table with its DER digests (migration 0012; null for rows older than it, until first needed). */
export interface DigestedCertificateTable extends CertificateTable {
  cert_sha256: string | null;
  cert_sha1: string | null;
}

/** A remote TAXII server this CERT pulls from (migration `0013_cert_remote`). */
export interface CertRemoteTable {
  id: string;
  name: string;
  /** The URL of its API root (ends with `/`). */
  api_root_url: string;
  /** The remote collection: its id, alias or title. */
  collection: string;
  /** `basic` (username + password) or `bearer` (token). */
  auth: string;
  username: string | null;
  /** The password or token, sealed with the node's remote-secret key (remote_secrets.ts). */
  secret: string;
  /** The most restrictive TLP level accepted from it (anything above is dropped). */
  tlp_max: string;
  /** The local collection its objects are mirrored into (no partner may read it). */
  collection_id: string;
  /** The `added_after` of the pass in progress (null: from the beginning). */
  added_after: string | null;
  /** The manifest `next` cursor after the last stored page (null: none pending). */
  next_cursor: string | null;
  /** The latest remote `date_added` stored. */
  high_water: string | null;
  lease_holder: string | null;
  lease_until: IsoTime | null;
  last_sync_at: IsoTime | null;
  created_at: IsoTime;
}

/** The node database with the CERT exchange tables. */
export interface CertDatabase extends Database {
  certificate: DigestedCertificateTable;
  cert_alert: CertAlertTable;
  cert_partner: CertPartnerTable;
  cert_token: CertTokenTable;
  cert_api_root: CertApiRootTable;
  cert_collection: CertCollectionTable;
  cert_permission: CertPermissionTable;
  cert_object: CertObjectTable;
  cert_status: CertStatusTable;
  cert_secret: CertSecretTable;
  cert_remote: CertRemoteTable;
}

/**
 * The store's query builder typed with the CERT tables.
 *
 * @example
 * ```ts
 * const rows = await certDb(node.store).selectFrom('cert_partner').selectAll().execute();
 * ```
 */
export function certDb(store: Store): Kysely<CertDatabase> {
  return store.db as unknown as Kysely<CertDatabase>;
}

/**
 * A timestamp in the stored, text-sortable form: UTC, six fractional digits (finer digits are
 * dropped). Undefined when `t` is not an RFC 3339 timestamp.
 *
 * @example
 * ```ts
 * storedTime('2016-04-06T20:03:48Z'); // '2016-04-06T20:03:48.000000Z'
 * ```
 */
export function storedTime(t: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(t);
  if (!m) return undefined;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return undefined;
  const micro = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  if (m[3]!.toUpperCase() === 'Z') return `${m[1]!.replace('t', 'T')}.${micro}Z`;
  // An offset: the instant in UTC, keeping the sub-millisecond digits.
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${micro}Z`);
}

/** A stored time as served: milliseconds when the microseconds are zero. */
export function servedTime(stored: string): string {
  return stored.replace(/\.(\d{3})000Z$/, '.$1Z');
}
