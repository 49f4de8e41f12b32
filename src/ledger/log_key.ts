/**
 * A node's (or the hub's) log identity: its origin and the Ed25519 key that signs its
 * checkpoints, kept in a key store (an encrypted PKCS#8 file beside the service keys, or the
 * node's PKCS#11 token when its CA keys are there), made at `node init` / `hub init` and, for a
 * node made before the log existed, when it is next opened.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Ed25519KeyStore } from '../pki/key_store.js';
import { LedgerError } from './errors.js';
import {
  SIG_ED25519,
  formatVerifierKey,
  isValidKeyName,
  noteSigner,
  noteVerifier,
  parseVerifierKey,
} from './keys.js';
import type { NoteSigner, NoteVerifier } from './keys.js';

/** The log key's identifier in the key store. */
export const LOG_KEY_ID = 'log-signer';

/** What signs and verifies a log's checkpoints. */
export interface LogIdentity {
  /** The checkpoint origin, also the key name (`<host>[/path]/log`). */
  readonly origin: string;
  readonly signer: NoteSigner;
  readonly verifier: NoteVerifier;
  /** The signed-note verifier key, `origin+hex8+base64` (served at `/log/key`). */
  readonly vkey: string;
}

/**
 * The origin of the log served under `baseUrl`: the URL without its scheme, with `/log`
 * appended (tlog-checkpoint: a schema-less URL naming the log, unique to it), e.g.
 * `https://ph.example/` → `ph.example/log`.
 *
 * @param baseUrl - the node's or hub's public base URL
 * @throws LedgerError LEDGER_KEY_MALFORMED when it gives no valid key name
 * @example `logOrigin('http://127.0.0.1:8080')` → `'127.0.0.1:8080/log'`
 */
export function logOrigin(baseUrl: string): string {
  const origin = `${baseUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '')}/log`;
  if (origin.startsWith('/') || !isValidKeyName(origin))
    throw new LedgerError('LEDGER_KEY_MALFORMED', `no log origin in ${JSON.stringify(baseUrl)}`);
  return origin;
}

/**
 * Opens the log key `LOG_KEY_ID` in `keys`, generating it first when it does not exist (a node
 * made before the log), and writes the verifier key to `vkeyFile` (a public file) when given.
 *
 * @param keys - the key store
 * @param origin - the log's origin (see {@link logOrigin})
 * @param vkeyFile - where to publish the verifier key (`DIR/public/log.vkey`)
 * @example
 * ```ts
 * const log = await openLogIdentity(node.serviceKeys, logOrigin(cfg.baseUrl), 'ph/public/log.vkey');
 * ```
 */
export async function openLogIdentity(
  keys: Ed25519KeyStore,
  origin: string,
  vkeyFile?: string,
): Promise<LogIdentity> {
  const has = await keys.has(LOG_KEY_ID);
  // The published verifier key spares decrypting the key at start (a server process starts
  // sooner); the first signature is checked against it, so a wrong file is caught before use.
  let publicKey = has ? publishedKey(vkeyFile, origin) : undefined;
  publicKey ??= has ? await keys.ed25519PublicKey(LOG_KEY_ID) : await keys.generateEd25519(LOG_KEY_ID);
  const vkey = formatVerifierKey(origin, SIG_ED25519, publicKey);
  // A public file, as the certificates beside it; rewritten only when it differs (several
  // server processes open the same node).
  if (vkeyFile !== undefined && (!existsSync(vkeyFile) || readFileSync(vkeyFile, 'utf8') !== `${vkey}\n`))
    writeFileSync(vkeyFile, `${vkey}\n`);
  const verifier = noteVerifier(vkey);
  let checked = false;
  const sign = async (message: Uint8Array): Promise<Buffer> => {
    const sig = await keys.signEd25519(LOG_KEY_ID, message);
    if (!checked) {
      if (!verifier.verify(message, sig))
        throw new LedgerError(
          'LEDGER_KEY_MALFORMED',
          `${vkeyFile ?? 'the verifier key'} is not of the log key`,
        );
      checked = true;
    }
    return sig;
  };
  return { origin, signer: noteSigner(origin, { publicKey, sign }), verifier, vkey };
}

/** The public key in a verifier key file of `origin`, if it holds one. */
function publishedKey(file: string | undefined, origin: string): Buffer | undefined {
  if (file === undefined || !existsSync(file)) return undefined;
  try {
    const k = parseVerifierKey(readFileSync(file, 'utf8').trim());
    return k.name === origin && k.type === SIG_ED25519 ? k.publicKey : undefined;
  } catch {
    return undefined;
  }
}
