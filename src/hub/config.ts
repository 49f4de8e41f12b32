/**
 * The hub's directory: `hub.json` (configuration), `hub-state.json` (sequence number and members
 * with their history), `keys/` (the encrypted LOTL-signing key), `hub.db` (the store holding
 * the hub's transparency log), `public/lotl.xml` and `public/lotl-signer.pem`.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HUB_LOTL } from '../trust/uris.js';
import type { LotlTransparency, MemberStatusChange } from '../trust/writer/lotl.js';
import { HubError } from './errors.js';
import { TrustListPublishError } from '../trust/writer/errors.js';

/** File names inside a hub directory. */
export const HUB_FILES = {
  config: 'hub.json',
  state: 'hub-state.json',
  db: 'hub.db',
  keys: 'keys',
  public: 'public',
  lotl: 'lotl.xml',
  signer: 'lotl-signer.pem',
  /** The transparency log's signed-note verifier key, in `public/`. */
  logVkey: 'log.vkey',
  /** The secretariat's bearer token (0600), written once at `hub init`. */
  secretariatToken: 'secretariat-token',
} as const;

/** Key id of the LOTL signer in the hub's key store. */
export const LOTL_SIGNER_ID = 'lotl-signer';

/** `HUB/hub.json`. */
export interface HubConfig {
  version: 1;
  name: string;
  /** The region's two-letter code (SchemeTerritory of the LOTL). */
  territory: string;
  baseUrl: string;
  /** Days from issue to NextUpdate (ETSI TS 119 612 clause 5.3.14; default 180). */
  lotlValidityDays: number;
  /** SHA-256 (hex) of the secretariat's token (`HUB/secretariat-token`); hubs made before it have none. */
  secretariatTokenSha256?: string;
}

/** A member country as the hub records it. */
export interface HubMember {
  country: string;
  trustListUrl: string;
  /** Pinned TL-signing certificates, base64 DER. */
  signers: string[];
  history: MemberStatusChange[];
  /** Its transparency log's verifier key and its witness's key and URL (published in the LOTL). */
  transparency?: LotlTransparency;
}

/** A publication whose state is written but whose log entries and list may not be yet (log_outbox.ts). */
export interface PendingPublication {
  /** The publication's log entries, base64 of their bytes, the list's last. */
  entries: string[];
  /** The signed list, base64. */
  lotl: string;
}

/** `HUB/hub-state.json`. */
export interface HubState {
  version: 1;
  /** Sequence number of the last published LOTL. */
  sequenceNumber: number;
  issued?: string;
  nextUpdate?: string;
  members: HubMember[];
  pending?: PendingPublication;
}

const STATUSES = new Set<string>([HUB_LOTL.active, HUB_LOTL.suspended, HUB_LOTL.removed]);

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new TrustListPublishError('TL_STATE_CORRUPT', `${file} is unreadable`, { cause: e });
  }
}

/**
 * Reads `hub.json`.
 *
 * @throws HubError HUB_NOT_INITIALISED; TrustListPublishError TL_STATE_CORRUPT
 * @example
 * ```ts
 * const cfg = readHubConfig('hub');
 * ```
 */
export function readHubConfig(dir: string): HubConfig {
  const file = join(dir, HUB_FILES.config);
  if (!existsSync(file)) throw new HubError('HUB_NOT_INITIALISED', `${dir} holds no hub`);
  const cfg = readJson(file) as HubConfig;
  if (
    cfg?.version !== 1 ||
    typeof cfg.name !== 'string' ||
    !/^[A-Z]{2}$/.test(cfg.territory) ||
    typeof cfg.baseUrl !== 'string' ||
    !Number.isInteger(cfg.lotlValidityDays) ||
    (cfg.secretariatTokenSha256 !== undefined && !/^[0-9a-f]{64}$/.test(cfg.secretariatTokenSha256))
  ) {
    throw new TrustListPublishError('TL_STATE_CORRUPT', `${file} is not a hub configuration`);
  }
  return cfg;
}

function checkMember(m: HubMember): boolean {
  return (
    /^[A-Z]{2}$/.test(m?.country) &&
    typeof m.trustListUrl === 'string' &&
    Array.isArray(m.signers) &&
    m.signers.every((s) => typeof s === 'string') &&
    Array.isArray(m.history) &&
    m.history.length > 0 &&
    m.history.every((h) => STATUSES.has(h.status) && !Number.isNaN(Date.parse(h.at))) &&
    (m.transparency === undefined ||
      (typeof m.transparency === 'object' &&
        Object.values(m.transparency).every((v) => v === undefined || typeof v === 'string')))
  );
}

function checkPending(p: PendingPublication): boolean {
  const b64 = (x: unknown): boolean => typeof x === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(x);
  return Array.isArray(p?.entries) && p.entries.length > 0 && p.entries.every(b64) && b64(p.lotl);
}

/**
 * Reads `hub-state.json`.
 *
 * @throws TrustListPublishError TL_STATE_CORRUPT
 */
export function readHubState(dir: string): HubState {
  const file = join(dir, HUB_FILES.state);
  if (!existsSync(file)) return { version: 1, sequenceNumber: 0, members: [] };
  const s = readJson(file) as HubState;
  if (
    s?.version !== 1 ||
    !Number.isSafeInteger(s.sequenceNumber) ||
    s.sequenceNumber < 0 ||
    !Array.isArray(s.members) ||
    !s.members.every(checkMember) ||
    (s.pending !== undefined && !checkPending(s.pending))
  ) {
    throw new TrustListPublishError('TL_STATE_CORRUPT', `${file} is not a hub state`);
  }
  return s;
}

/** Writes a file of the hub atomically (temporary file, then rename). */
export function writeHubFile(dir: string, relative: string, data: string | Buffer, mode = 0o644): void {
  const file = join(dir, relative);
  writeFileSync(`${file}.tmp`, data, { mode });
  chmodSync(`${file}.tmp`, mode);
  renameSync(`${file}.tmp`, file);
}
