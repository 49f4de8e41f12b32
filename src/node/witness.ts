/**
 * The node's witness (c2sp.org/tlog-witness@v1.0.0, issue 15): its Ed25519 cosigning key in the
 * node's key folder (`DIR/keys/witness.key.pem`, encrypted like the CA keys), its verifier key
 * (tlog-cosignature v1.0.1, type 0x04) in `DIR/public/witness.vkey`, and the logs it serves —
 * those of the other members, read from the hub's verified list of trusted lists
 * (`tb:Transparency`). The hub uses the same key functions for its own witness.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openEd25519KeyFile } from '../pki/ed25519_key_file.js';
import { cosigner } from '../ledger/cosignature.js';
import type { Cosigner } from '../ledger/cosignature.js';
import { federationParties, witnessLogsOf } from '../ledger/federation_logs.js';
import { SIG_COSIGNATURE, isValidKeyName, parseVerifierKey } from '../ledger/keys.js';
import type { Ed25519Key, VerifierKey } from '../ledger/keys.js';
import { KeyStoreError } from '../pki/errors.js';
import type { WitnessLogs } from '../ledger/witness.js';
import { witnessService } from '../ledger/witness_service.js';
import type { WitnessRateLimit, WitnessService } from '../ledger/witness_service.js';
import { storedWitnessState } from '../ledger/witness_store.js';
import type { Store } from '../store/database.js';
import type { TslPointer } from '../trust/parse/model.js';
import type { NodeContext } from './context.js';
import { nodeTrustOf } from './node_trust.js';

/** Key identifier of the witness key in a key folder. */
export const WITNESS_KEY_ID = 'witness';
/** The witness's verifier key file, in `DIR/public/`. */
export const WITNESS_VKEY_FILE = 'witness.vkey';
/** The log's verifier key file, in `DIR/public/` (written by the log's sequencer). */
export const LOG_VKEY_FILE = 'log.vkey';

/**
 * The witness key name for a base URL: the URL without its scheme, then `/witness`
 * (`http://127.0.0.1:8080` → `127.0.0.1:8080/witness`), as tlog-witness names witnesses.
 *
 * @param baseUrl - the node's or the hub's public base URL
 */
export function witnessKeyName(baseUrl: string): string {
  const name = `${baseUrl.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')}/witness`;
  return isValidKeyName(name) ? name : 'trustbridge/witness';
}

/**
 * Opens the witness key of a node or hub (creating it when `create` is set and it is missing)
 * and (re)writes its verifier key to `publicDir/witness.vkey`. The key name is the one already
 * published there when the key matches, so a later change of base URL does not rename it.
 *
 * @param o - key folder, public folder, passphrase, base URL, create, clock
 * @throws KeyStoreError KEY_NOT_FOUND (no key and not `create`), KEY_PASSPHRASE_WRONG
 * @example
 * ```ts
 * const w = openWitnessCosigner({ keysDir: 'ph/keys', publicDir: 'ph/public', passphrase, baseUrl, create: true });
 * ```
 */
export function openWitnessCosigner(o: {
  keysDir: string;
  publicDir: string;
  passphrase: string;
  baseUrl: string;
  create?: boolean;
  clock?: () => Date;
}): Cosigner {
  const clock = o.clock ?? (() => new Date());
  const file = join(o.publicDir, WITNESS_VKEY_FILE);
  let published: VerifierKey | undefined;
  try {
    const k = existsSync(file) ? parseVerifierKey(readFileSync(file, 'utf8').trim()) : undefined;
    if (k?.type === SIG_COSIGNATURE) published = k;
  } catch {
    // A damaged or foreign file is rewritten below.
  }
  if (published && existsSync(join(o.keysDir, `${WITNESS_KEY_ID}.key.pem`))) {
    // Decrypted at the first cosignature, not at open (a key derivation less at every start),
    // and checked then against the published key.
    const vkey = published;
    let loaded: Ed25519Key | undefined;
    const lazy: Ed25519Key = {
      publicKey: vkey.publicKey,
      sign: (m) => {
        if (!loaded) {
          const k = openEd25519KeyFile(o.keysDir, WITNESS_KEY_ID, o.passphrase);
          if (!k.publicKey.equals(vkey.publicKey))
            throw new KeyStoreError('KEY_FILE_MALFORMED', `the witness key does not match ${file}`);
          loaded = k;
        }
        return loaded.sign(m);
      },
    };
    return cosigner(vkey.name, lazy, () => Math.floor(clock().getTime() / 1000));
  }
  const key = openEd25519KeyFile(o.keysDir, WITNESS_KEY_ID, o.passphrase, { create: o.create ?? false });
  let name = witnessKeyName(o.baseUrl);
  if (published?.publicKey.equals(key.publicKey)) name = published.name;
  const w = cosigner(name, key, () => Math.floor(clock().getTime() / 1000));
  const line = `${w.vkey}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== line) {
    // A public file, replaced atomically.
    writeFileSync(`${file}.tmp`, line, { mode: 0o644 });
    chmodSync(`${file}.tmp`, 0o644);
    renameSync(`${file}.tmp`, file);
  }
  return w;
}

/** How often the logs a witness serves are re-read from the hub's list (ms). */
const LOGS_REFRESH_MS = 5 * 60_000;

/**
 * The logs a node's witness serves, from its trust store's verified LOTL: every member's log
 * but the node's own (its log key, `DIR/public/log.vkey`). Loaded at the first request, then refreshed in
 * the background every five minutes. A node without a LOTL serves no log (404 for every one).
 *
 * @param node - an open node
 */
export function nodeWitnessLogs(node: NodeContext): () => Promise<WitnessLogs> {
  const none: WitnessLogs = { keys: () => undefined };
  let loaded: Promise<unknown> | undefined;
  let at = 0;
  // The verifier keys are parsed once per LOTL (not at every request): the logs are kept while
  // the accepted pointers and the node's own key are the same objects.
  let kept: { pointers: readonly TslPointer[]; own: string | undefined; logs: WitnessLogs } | undefined;
  let ownFromFile: string | undefined;
  return async () => {
    const trust = nodeTrustOf(node);
    if (!trust) return none;
    const now = Date.now();
    if (!loaded) {
      // A failed load is tried again at the next request.
      loaded = trust.store.refresh().catch((e: unknown) => {
        loaded = undefined;
        throw e;
      });
      at = now;
    } else if (now - at > LOGS_REFRESH_MS) {
      at = now;
      void trust.store.refresh();
    }
    await loaded;
    ownFromFile ??= node.log
      ? undefined
      : await readFile(join(node.dir, 'public', LOG_VKEY_FILE), 'utf8').then(
          (t) => t.trim(),
          () => undefined,
        );
    const own = node.log?.vkey ?? ownFromFile;
    const pointers = trust.store.lotlPointers();
    if (!kept || kept.own !== own || !samePointers(kept.pointers, pointers))
      kept = { pointers, own, logs: witnessLogsOf(federationParties(pointers), own) };
    return kept.logs;
  };
}

function samePointers(a: readonly TslPointer[], b: readonly TslPointer[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/**
 * The witness service of a store with a cosigner.
 *
 * @param o - store, cosigner, the logs served, clock, rate limit
 */
export function storeWitnessService(o: {
  store: Store;
  cosigner: Cosigner;
  logs: () => WitnessLogs | Promise<WitnessLogs>;
  clock?: () => Date;
  rateLimit?: WitnessRateLimit | false;
}): WitnessService {
  return witnessService({
    cosigner: o.cosigner,
    logs: o.logs,
    state: storedWitnessState(o.store),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.rateLimit !== undefined ? { rateLimit: o.rateLimit } : {}),
  });
}
