/**
 * Shared helpers of the ledger tests: where the outside corpus lives (`../shared/corpus/tlog`
 * beside the checkout; tests skip without it), fixed test keys, and a TileSource over a folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TileSource } from '../../src/ledger/tile_store.js';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../../src/ledger/keys.js';
import type { LogIdentity } from '../../src/ledger/log_key.js';
import { REPO_ROOT } from '../fixtures/cli.js';

/** The transparency-log corpus folder. */
export const TLOG_CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'tlog');

/** Why a corpus test skips, or false when the corpus is there. */
export const NO_CORPUS: string | false = existsSync(join(TLOG_CORPUS, 'README.md'))
  ? false
  : `the transparency-log corpus is not at ${TLOG_CORPUS}`;

/** A TileSource reading a folder (undefined for an absent file). */
export function folderSource(dir: string): TileSource {
  return {
    read: (path) => {
      const p = join(dir, ...path.split('/'));
      return Promise.resolve(existsSync(p) ? readFileSync(p) : undefined);
    },
  };
}

/** Test-only Ed25519 seeds (fixed so signatures are reproducible); never used outside tests. */
export const TEST_SEEDS = {
  log: Buffer.alloc(32, 0x11),
  witnessA: Buffer.alloc(32, 0x22),
  witnessB: Buffer.alloc(32, 0x33),
  witnessC: Buffer.alloc(32, 0x44),
};

/** A log identity over the fixed test seed (what `openLogIdentity` gives a node). */
export function testLogIdentity(origin = 'ph.trustbridge.example/log'): LogIdentity {
  const key = ed25519KeyFromSeed(TEST_SEEDS.log);
  const vkey = formatVerifierKey(origin, SIG_ED25519, key.publicKey);
  return { origin, signer: noteSigner(origin, key), verifier: noteVerifier(vkey), vkey };
}
