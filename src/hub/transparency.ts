/**
 * The members' transparency logs and witnesses as the hub records them (issue 15): each
 * member's log verifier key (signed-note, its key name the log's origin), its witness's
 * cosignature verifier key and add-checkpoint URL, checked here and published in the LOTL
 * (`tb:Transparency`), and the hub's own witness, which serves every member's log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignatureVerifier } from '../ledger/cosignature.js';
import type { FederationParty } from '../ledger/federation_logs.js';
import { noteVerifier } from '../ledger/keys.js';
import { LedgerError } from '../ledger/errors.js';
import { TrustListPublishError } from '../trust/writer/errors.js';
import type { LotlTransparency } from '../trust/writer/lotl.js';
import { checkedHttpUrl } from '../trust/writer/values.js';
import type { HubState } from './config.js';
import { readHubState } from './config.js';
import { cosignWith } from '../node/cosign.js';
import { readNodeConfig } from '../node/config.js';
import type { CosignHook } from '../node/cosign.js';

/** What `hub member add` takes for a member's log and witness. */
export interface MemberTransparencyInput {
  /** The log's signed-note verifier key text (the node's `public/log.vkey`). */
  logKey?: string;
  /** The witness's cosignature verifier key text (the node's `public/witness.vkey`). */
  witnessKey?: string;
  /** The witness's add-checkpoint URL (default: `/witness/add-checkpoint` at the trust list's host). */
  witnessUrl?: string;
  /** The log's tlog-tiles prefix (`<node>/log/`), where relying parties look certificates up. */
  logUrl?: string;
}

function checkedKey(text: string, what: string, check: (k: string) => unknown): string {
  const key = text.trim();
  try {
    check(key);
  } catch (e) {
    throw new TrustListPublishError(
      'TL_INPUT_INVALID',
      `${what}: ${e instanceof LedgerError ? e.message : String(e)}`,
    );
  }
  return key;
}

/**
 * Checks a member's log and witness keys.
 *
 * @param input - the keys (verifier key texts) and witness URL
 * @param trustListUrl - the member's trusted list URL (its host gives the default witness URL)
 * @throws TrustListPublishError TL_INPUT_INVALID
 */
export function checkedTransparency(input: MemberTransparencyInput, trustListUrl: string): LotlTransparency {
  const out: LotlTransparency = {};
  if (input.logKey !== undefined) out.logKey = checkedKey(input.logKey, '--log-vkey', noteVerifier);
  if (input.witnessKey !== undefined)
    out.witnessKey = checkedKey(input.witnessKey, '--witness-vkey', cosignatureVerifier);
  if (input.witnessUrl !== undefined) out.witnessUrl = checkedHttpUrl(input.witnessUrl, '--witness-url');
  else if (out.witnessKey) out.witnessUrl = new URL('/witness/add-checkpoint', trustListUrl).toString();
  if (input.logUrl !== undefined) {
    const url = checkedHttpUrl(input.logUrl, '--log-url');
    out.logUrl = url.endsWith('/') ? url : `${url}/`;
  }
  return out;
}

/**
 * Reads a member node's published keys from its directory: `public/log.vkey` and
 * `public/witness.vkey`, each when present, and with a log key, the log's URL
 * (`<baseUrl>/log/` of its `node.json`).
 *
 * @param dir - the member node's directory
 * @example
 * ```ts
 * memberKeysOfDir('ph').logUrl; // 'http://127.0.0.1:8081/log/'
 * ```
 */
export function memberKeysOfDir(dir: string): MemberTransparencyInput {
  const read = (name: string): string | undefined => {
    const f = join(dir, 'public', name);
    return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
  };
  const logKey = read('log.vkey');
  const witnessKey = read('witness.vkey');
  const logUrl = logKey ? nodeLogUrl(dir) : undefined;
  return {
    ...(logKey ? { logKey } : {}),
    ...(witnessKey ? { witnessKey } : {}),
    ...(logUrl ? { logUrl } : {}),
  };
}

/** `<baseUrl>/log/` of the node in `dir`, or undefined without a readable `node.json`. */
function nodeLogUrl(dir: string): string | undefined {
  try {
    return `${readNodeConfig(dir).baseUrl.replace(/\/+$/, '')}/log/`;
  } catch {
    return undefined;
  }
}

/**
 * The federation's parties as the hub knows them: the members not removed, with their logs
 * and witnesses.
 *
 * @param state - the hub's state
 */
export function hubParties(state: HubState): FederationParty[] {
  return state.members
    .filter((m) => m.history.at(-1)?.status !== 'removed' && m.transparency)
    .map((m) => ({ name: m.country, ...m.transparency }));
}

/**
 * The cosign step of the hub's own log: every member's witness, from the hub's state.
 *
 * @param dir - the hub directory
 * @param logKey - the hub's log verifier key
 * @param o - timeout, fetch
 */
export function hubCosignHook(
  dir: string,
  logKey: string,
  o: { timeoutMs?: number; fetch?: typeof fetch } = {},
): CosignHook {
  return cosignWith(() => hubParties(readHubState(dir)), logKey, undefined, o);
}
