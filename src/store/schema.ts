import type { ColumnType, Generated } from 'kysely';

/** Timestamps are ISO 8601 UTC strings (`2026-01-02T03:04:05.000Z`): they sort and compare as text on both engines. */
export type IsoTime = string;

/** A certification authority operated by this node (root or eID issuing CA). */
export interface CaTable {
  id: string;
  subject: string;
  cert_der: Buffer;
  key_id: string;
  crl_number: number;
  created_at: IsoTime;
}

/** Every certificate a CA of this node issued (CA, responder, TSA, citizen). */
export interface CertificateTable {
  serial: string;
  issuer_ca: string;
  national_id: string | null;
  usage: string;
  subject: string;
  not_before: IsoTime;
  not_after: IsoTime;
  cert_der: Buffer;
  /** SHA-256 hex of the SubjectPublicKeyInfo DER (migration 0002). */
  spki_sha256: string | null;
  /** SHA-256 and SHA-1 hex of the certificate DER (migration 0012; filled in at issuance, or on first need). */
  cert_sha256?: string | null;
  cert_sha1?: string | null;
  status: 'good' | 'suspended' | 'revoked';
  status_changed_at: IsoTime | null;
  revocation_reason: string | null;
  replaced_by: string | null;
  created_at: IsoTime;
}

/** The population register. */
export interface PersonTable {
  national_id: string;
  given_names: string;
  family_name: string;
  birth_date: string;
  place_of_birth: string;
  sex: string;
  nationality: string;
  dedup_key: string;
  created_at: IsoTime;
  created_by: string;
}

/** Append-only audit trail of register and lifecycle events. */
export interface EventTable {
  id: Generated<number>;
  at: IsoTime;
  officer: string;
  action: string;
  national_id: string | null;
  serial: string | null;
  detail: string;
}

/** Registration officers; the bearer token is stored as its SHA-256 hash only. */
export interface OfficerTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: IsoTime;
  disabled: number;
}

/** Published CRLs, one row per CRL number. */
export interface CrlTable {
  ca_id: string;
  crl_number: number;
  this_update: IsoTime;
  next_update: IsoTime;
  der: Buffer;
}

/** Bulk import checkpoints: rows of a file (by content hash) already committed. */
export interface ImportProgressTable {
  file_hash: string;
  rows_done: number;
  updated_at: IsoTime;
}

/** Review status of a held enrolment. */
export type ReviewStatus = 'pending' | 'accepted' | 'rejected';

/** An enrolment held for an officer because it nearly matches registered people (migration 0004). */
export interface EnrolmentReviewTable {
  id: string;
  /** The submitted, normalised person data (JSON). */
  person: string;
  /** National identifiers of the near matches (JSON array). */
  candidates: string;
  submitted_by: string;
  submitted_at: IsoTime;
  status: ReviewStatus;
  decided_by: string | null;
  decided_at: IsoTime | null;
  reason: string | null;
  /** The person an accepted review registered. */
  national_id: string | null;
}

/** The transparency log's outbox: entries waiting for the sequencer (migration 0005). */
export interface LedgerQueueTable {
  seq: Generated<number | string>;
  /** The entry's exact bytes (canonical JSON, src/ledger/entry.ts). */
  entry: Buffer;
  /** Lower-case hex lookup key (a certificate's, list's or document's SHA-256), when the entry has one. */
  lookup_key: string | null;
  queued_at: IsoTime;
}

/**
 * The first 8 bytes of a lookup key (signed 64-bit, written as decimal text) to the index of
 * each integrated entry carrying it (migration 0011; the entry confirms the full key).
 */
export interface LedgerLookupTable {
  key_prefix: ColumnType<number | string, string, string>;
  entry_index: number | string;
}

/** The integrated tree (one row, `id` 1). */
export interface LedgerStateTable {
  id: number;
  size: number | string;
  root_hash: Buffer;
  /** The latest signed checkpoint (signed note with its cosignatures). */
  checkpoint: string;
  updated_at: IsoTime;
}

/** tlog-tiles resources by their path under `/log/`. */
export interface LedgerTilesTable {
  path: string;
  data: Buffer;
}

/** A witness's latest cosigned tree per log origin (migration 0006). */
export interface WitnessStateTable {
  origin: string;
  size: number | string;
  root_hash: Buffer;
  updated_at: IsoTime;
}

/** A certificate of the node's CAs seen in use (migration 0010; src/ledger/seen_certificates.ts). */
export interface SeenCertificateTable {
  /** The certificate's SHA-256 (hex) when its DER was seen, else `<ca id>:<serial hex>`. */
  seen_key: string;
  /** Where: `validate`, `login` or `ocsp`. */
  source: string;
  sha256: string | null;
  /** Serial number, lower-case hex. */
  serial: string;
  /** The id of the node CA that issued it (`eid-ca`, `root`). */
  issuer_ca: string;
  first_seen: IsoTime;
  last_seen: IsoTime;
  count: number | string;
}

/** The last answer of each witness asked to cosign the log's checkpoint (migration 0010). */
export interface WitnessOutcomeTable {
  /** The witness's name (its policy name). */
  witness: string;
  url: string;
  /** `cosigned`, `refused`, `unreachable` or `invalid`. */
  result: string;
  /** The HTTP status of its last answer. */
  status: number | null;
  /** The size the witness holds, on a 409. */
  witness_size: number | string | null;
  /** The size of the checkpoint it was asked to cosign. */
  checkpoint_size: number | string;
  detail: string | null;
  at: IsoTime;
}

/** The node database. */
export interface Database {
  ca: CaTable;
  certificate: CertificateTable;
  person: PersonTable;
  event: EventTable;
  officer: OfficerTable;
  crl: CrlTable;
  import_progress: ImportProgressTable;
  enrolment_review: EnrolmentReviewTable;
  ledger_queue: LedgerQueueTable;
  ledger_lookup: LedgerLookupTable;
  ledger_state: LedgerStateTable;
  ledger_tiles: LedgerTilesTable;
  witness_state: WitnessStateTable;
  seen_certificate: SeenCertificateTable;
  witness_outcome: WitnessOutcomeTable;
}
