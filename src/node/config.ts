import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { NodeError } from './errors.js';
import { writePrivateFile } from '../lib/private_files.js';
import type { KeyAlgorithm } from '../pki/key_store.js';
import type { NodeListDetails } from '../trust/writer/node_list.js';
import type { ListFiles, NodeListFile } from './trust_list_publisher.js';

/** Where CA keys live. Service keys (OCSP, TSA) always live in encrypted files. */
export type CaKeyStoreConfig =
  { type: 'file' } | { type: 'pkcs11'; module: string; tokenLabel: string; pinFile: string };

/** `DIR/node.json`: the persistent configuration of a country node. */
export interface NodeConfig {
  version: 1;
  country: string;
  name: string;
  baseUrl: string;
  /** `postgres://…` or a SQLite path relative to the node directory. */
  db: string;
  caKeys: CaKeyStoreConfig;
  curves: { root: KeyAlgorithm; eidCa: KeyAlgorithm };
  /** Hours a CRL is valid (nextUpdate - thisUpdate). */
  crlValidityHours: number;
  /** Minutes an OCSP response is valid (nextUpdate - thisUpdate). */
  ocspValidityMinutes: number;
  /** Days from a trusted list's issue to its NextUpdate (ETSI TS 119 612 clause 5.3.14; default 180). */
  trustListValidityDays?: number;
  /** Scheme operator address and contact shown in the trusted list. */
  trustList?: NodeListDetails;
  /**
   * The regional list of trusted lists `/api/v1/validate` trusts besides the node's own root;
   * its signer is pinned by the operator in `DIR/lotl-signer.pem`.
   */
  lotlUrl?: string;
  /**
   * Login attempts allowed per client address: a token bucket per server process (default burst
   * 20, 0.5 a second).
   */
  loginRateLimit?: { burst: number; perSecond: number };
  /** Limits of `POST /api/v1/validate` uploads; each field left out keeps its default. */
  validateLimits?: Partial<ValidateLimits>;
  /** The transparency log's settings; each field left out keeps its default. */
  log?: LogSettings;
  /** The CERT exchange's settings (TAXII server limits, background sync); each field left out keeps its default. */
  cert?: CertSettings;
}

/** The CERT exchange's settings in `node.json` (`cert`). */
export interface CertSettings {
  /** Largest TAXII POST body, the API root's max_content_length (bytes; default 32 MiB); larger: 413. */
  maxBodyBytes?: number;
  /** Most objects in one POSTed envelope (default 10,000); more: 413, nothing stored. */
  maxObjectsPerPost?: number;
  /**
   * Failed partner authentications allowed per client address, a token bucket per server
   * process (default burst 10, 0.2 a second); over it: 429 with Retry-After.
   */
  authFailureLimit?: { burst: number; perSecond: number };
  /**
   * Seconds between two background syncs of the remote TAXII servers in `node serve` (default
   * 300; 0 turns the background sync off).
   */
  syncIntervalSeconds?: number;
}

/** The transparency log's settings in `node.json` (`log`). */
export interface LogSettings {
  /** Checkpoint origin and key name (default `<base URL without scheme>/log`). */
  origin?: string;
  /** Entries integrated in one transaction at most (default 1,024). */
  batchSize?: number;
  /** Pause of the sequencer when the queue is drained, in ms (default 500). */
  intervalMs?: number;
}

/**
 * How much `POST /api/v1/validate` (no token needed) may take of a node: uploads are spooled to
 * files, not held in memory, and are admitted only within these budgets.
 */
export interface ValidateLimits {
  /** Largest body (bytes; default 48 MiB). */
  maxBodyBytes: number;
  /** Uploads and validations in progress on the node (default 8). */
  maxConcurrent: number;
  /** Bytes announced by the uploads in progress on the node (default 256 MiB). */
  maxInFlightBytes: number;
  /** Uploads and validations in progress from one client address (default 2). */
  perClientConcurrent: number;
  /** Bytes announced by the uploads in progress from one client address (default 96 MiB). */
  perClientInFlightBytes: number;
  /** Time allowed for the whole body (seconds; default 60). */
  bodyTimeoutSeconds: number;
  /** Slowest average body rate accepted once `bodyGraceSeconds` have passed (bytes/s; default 16 KiB/s). */
  minBodyBytesPerSecond: number;
  /** Time before the body rate is checked (seconds; default 10). */
  bodyGraceSeconds: number;
  /** Where uploads are spooled (default `DIR/spool`, mode 0700; each file 0600, deleted after). */
  spoolDir?: string;
}

/** The defaults of {@link ValidateLimits}. */
export const VALIDATE_LIMIT_DEFAULTS: Readonly<ValidateLimits> = {
  maxBodyBytes: 48 * 1024 * 1024,
  maxConcurrent: 8,
  maxInFlightBytes: 256 * 1024 * 1024,
  perClientConcurrent: 2,
  perClientInFlightBytes: 96 * 1024 * 1024,
  bodyTimeoutSeconds: 60,
  minBodyBytesPerSecond: 16 * 1024,
  bodyGraceSeconds: 10,
};

/** File names inside a node directory. */
export const NODE_FILES = {
  config: 'node.json',
  keys: 'keys',
  public: 'public',
  defaultDb: 'node.db',
  /** Sequence number and service status history of the trusted list. */
  trustListState: 'trustlist-state.json',
  trustList: 'trustlist.xml',
  trustListSigner: 'tl-signer.pem',
  /** Uploads of `POST /api/v1/validate` being received or validated. */
  spool: 'spool',
  /** The transparency log's signed-note verifier key, in `public/`. */
  logVkey: 'log.vkey',
} as const;

/** Path of the node configuration file. */
export function configPath(dir: string): string {
  return join(dir, NODE_FILES.config);
}

/**
 * Reads `DIR/node.json`.
 *
 * @param dir - node directory
 * @throws NodeError NODE_NOT_INITIALISED
 */
export function readNodeConfig(dir: string): NodeConfig {
  const file = configPath(dir);
  if (!existsSync(file))
    throw new NodeError('NODE_NOT_INITIALISED', `${dir} holds no node (run trustbridge node init)`);
  try {
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as NodeConfig;
    if (!isSupportedConfig(cfg)) throw new NodeError('NODE_NOT_INITIALISED', 'unsupported node.json');
    return cfg;
  } catch (e) {
    throw new NodeError('NODE_NOT_INITIALISED', `${file} is unreadable: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** The checks every `node.json` passes: this version of the format, an ISO 3166-1 alpha-2 country. */
function isSupportedConfig(cfg: NodeConfig): boolean {
  return cfg.version === 1 && /^[A-Z]{2}$/.test(cfg.country);
}

/** A change to `node.json`: the fields to set, each replacing the whole field. */
export type NodeConfigChange = Partial<Omit<NodeConfig, 'version'>>;

/**
 * Changes `DIR/node.json`: reads and checks it as {@link readNodeConfig} does, sets the fields of
 * `change`, checks the result the same way and writes it atomically, so a node starting meanwhile
 * reads either the old configuration or the new one, never half of one.
 *
 * @param dir - node directory
 * @param change - the fields to set; those it leaves out keep their value
 * @returns the configuration as written
 * @throws NodeError NODE_NOT_INITIALISED when `node.json` is missing or unreadable,
 *   USAGE_INVALID_ARGUMENT when the change leaves it unsupported
 * @example
 * ```ts
 * updateNodeConfig('nodes/ph', { lotlUrl: 'http://127.0.0.1:8080/lotl.xml' });
 * ```
 */
export function updateNodeConfig(dir: string, change: NodeConfigChange): NodeConfig {
  const cfg: NodeConfig = { ...readNodeConfig(dir), ...change };
  if (!isSupportedConfig(cfg))
    throw new NodeError('USAGE_INVALID_ARGUMENT', `the change would make ${configPath(dir)} unsupported`);
  writeNodeConfig(dir, cfg);
  return cfg;
}

/** Writes `DIR/node.json` atomically. */
export function writeNodeConfig(dir: string, cfg: NodeConfig): void {
  writePrivateFile(configPath(dir), JSON.stringify(cfg, null, 2) + '\n');
}

/** The store location of a node: PostgreSQL URL as is, SQLite path resolved against the directory. */
export function storeLocation(dir: string, cfg: NodeConfig): string {
  if (/^postgres(ql)?:\/\//.test(cfg.db) || isAbsolute(cfg.db)) return cfg.db;
  return join(dir, cfg.db);
}

/**
 * The files of the node's trusted list: the state in the node directory, the signed list and
 * its signer's certificate in `DIR/public/`. Each write goes to a temporary file first, then
 * is renamed, so a reader (the HTTP server) never sees half a list.
 */
export function nodeListFiles(dir: string): ListFiles {
  const path = (name: NodeListFile): string =>
    name === 'state'
      ? join(dir, NODE_FILES.trustListState)
      : join(
          dir,
          NODE_FILES.public,
          name === 'trustlist' ? NODE_FILES.trustList : NODE_FILES.trustListSigner,
        );
  return {
    read: (name) => (existsSync(path(name)) ? readFileSync(path(name)) : undefined),
    write: (name, data) => {
      const mode = name === 'state' ? 0o600 : 0o644;
      writeFileSync(`${path(name)}.tmp`, data, { mode });
      chmodSync(`${path(name)}.tmp`, mode);
      renameSync(`${path(name)}.tmp`, path(name));
    },
  };
}
