import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { NodeError } from '../lib/errors.js';
import type { KeyAlgorithm } from '../pki/key_store.js';

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
}

/** File names inside a node directory. */
export const NODE_FILES = {
  config: 'node.json',
  keys: 'keys',
  public: 'public',
  defaultDb: 'node.db',
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
    if (cfg.version !== 1 || !/^[A-Z]{2}$/.test(cfg.country)) throw new Error('unsupported node.json');
    return cfg;
  } catch (e) {
    throw new NodeError('NODE_NOT_INITIALISED', `${file} is unreadable: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Writes `DIR/node.json` atomically. */
export function writeNodeConfig(dir: string, cfg: NodeConfig): void {
  const file = configPath(dir);
  writeFileSync(`${file}.tmp`, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** The store location of a node: PostgreSQL URL as is, SQLite path resolved against the directory. */
export function storeLocation(dir: string, cfg: NodeConfig): string {
  if (/^postgres(ql)?:\/\//.test(cfg.db) || isAbsolute(cfg.db)) return cfg.db;
  return join(dir, cfg.db);
}
