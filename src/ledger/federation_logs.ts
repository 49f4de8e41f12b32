/**
 * The federation's logs and witnesses as the hub's LOTL publishes them (`tb:Transparency`, see
 * HUB_LOTL in src/trust/uris.ts): read from the verified LOTL's pointers, they give a witness
 * the logs it serves (every member's but its own) and a log the witnesses it asks, with the
 * default witness policy (tlog-policy): a majority of the other members and the hub.
 */
import type { TslPointer } from '../trust/parse/model.js';
import { HUB_LOTL } from '../trust/uris.js';
import { cosignatureVerifier } from './cosignature.js';
import { noteVerifier, parseVerifierKey } from './keys.js';
import type { NoteVerifier } from './keys.js';
import type { WitnessLogs } from './witness.js';

/** A member (or the hub) with its log and witness, as published. */
export interface FederationParty {
  /** The member country, or the hub's territory for the self pointer. */
  readonly name: string;
  /** The log's signed-note verifier key (its key name is the log's origin). */
  readonly logKey?: string;
  /** The witness's cosignature verifier key (type 0x04). */
  readonly witnessKey?: string;
  /** The witness's add-checkpoint URL. */
  readonly witnessUrl?: string;
  /**
   * The log's tlog-tiles prefix, ending in `/` (`LogUrl`, or for a list written before it
   * existed, `/log/` beside the witness: `…/witness/add-checkpoint` gives `…/log/`).
   */
  readonly logUrl?: string;
}

const NAME = `{${HUB_LOTL.ns}}${HUB_LOTL.transparency}`;

function valid(vkey: string | undefined, check: (v: string) => unknown): string | undefined {
  if (vkey === undefined) return undefined;
  try {
    check(vkey);
    return vkey;
  } catch {
    return undefined;
  }
}

const HTTP_URL = /^https?:\/\/\S+$/;
const WITNESS_PATH = '/witness/add-checkpoint';

/** The published log URL (made to end in `/`), else the one beside the witness, else none. */
function logUrlOf(published: string | undefined, witnessUrl: string | undefined): string | undefined {
  if (published && HTTP_URL.test(published)) return published.endsWith('/') ? published : `${published}/`;
  if (witnessUrl?.endsWith(WITNESS_PATH)) return `${witnessUrl.slice(0, -WITNESS_PATH.length)}/log/`;
  return undefined;
}

/**
 * The parties of a verified LOTL's pointers that publish a log or a witness. Malformed keys are
 * left out (a reader never fails on another member's mistake). A suspended member's log is
 * still witnessed: its history must stay consistent whatever its membership.
 *
 * @param pointers - `TrustStore.lotlPointers()`
 */
export function federationParties(pointers: readonly TslPointer[]): FederationParty[] {
  const out: FederationParty[] = [];
  for (const p of pointers) {
    const t = p.otherInformation.find((o) => o.name === NAME);
    if (!t) continue;
    const logKey = valid(t.attributes[HUB_LOTL.logKeyAttribute], noteVerifier);
    const witnessKey = valid(t.attributes[HUB_LOTL.witnessKeyAttribute], cosignatureVerifier);
    const url = t.attributes[HUB_LOTL.witnessUrlAttribute];
    const witnessUrl = url && HTTP_URL.test(url) ? url : undefined;
    const logUrl = logUrlOf(t.attributes[HUB_LOTL.logUrlAttribute], witnessUrl);
    out.push({
      name: p.schemeTerritory ?? p.location,
      ...(logKey ? { logKey } : {}),
      ...(witnessKey ? { witnessKey } : {}),
      ...(witnessUrl ? { witnessUrl } : {}),
      ...(logUrl ? { logUrl } : {}),
    });
  }
  return out;
}

/**
 * The logs a witness serves: every party's log except the witness's own.
 *
 * @param parties - from {@link federationParties} (or the hub's own member list)
 * @param ownLogKey - the witness's own log key, left out (undefined: none)
 */
export function witnessLogsOf(parties: readonly FederationParty[], ownLogKey?: string): WitnessLogs {
  const byOrigin = new Map<string, NoteVerifier[]>();
  const own = ownLogKey === undefined ? undefined : parseVerifierKey(ownLogKey);
  for (const p of parties) {
    if (!p.logKey) continue;
    const v = noteVerifier(p.logKey);
    if (own && own.name === v.name && own.publicKey.equals(v.publicKey)) continue;
    byOrigin.set(v.name, [...(byOrigin.get(v.name) ?? []), v]);
  }
  return { keys: (origin) => byOrigin.get(origin) };
}

/** A witness to ask: a policy name, its verifier key and URL. */
export interface WitnessEndpoint {
  readonly name: string;
  readonly vkey: string;
  readonly url: string;
}

/**
 * The witnesses a log asks: every party's witness but its own (`ownWitnessKey`).
 *
 * @param parties - the federation
 * @param ownWitnessKey - the log operator's own witness key, left out
 */
export function witnessesOf(parties: readonly FederationParty[], ownWitnessKey?: string): WitnessEndpoint[] {
  return parties.flatMap((p) =>
    p.witnessKey && p.witnessUrl && p.witnessKey !== ownWitnessKey
      ? [{ name: p.name, vkey: p.witnessKey, url: p.witnessUrl }]
      : [],
  );
}

/**
 * The default witness policy (tlog-policy) of a log: signed by `logKey`, cosigned by a majority
 * (more than half) of the given witnesses — the other members and the hub. No witness at all:
 * `quorum none`.
 *
 * @param logKey - the log's verifier key
 * @param witnesses - the witnesses (from {@link witnessesOf})
 * @example
 * ```ts
 * const policy = parsePolicy(defaultWitnessPolicy(phLogVkey, witnessesOf(parties, phWitnessVkey)));
 * ```
 */
export function defaultWitnessPolicy(logKey: string, witnesses: readonly WitnessEndpoint[]): string {
  const lines = [`log ${logKey}`];
  const names = witnesses.map((w, i) => `w${i}-${w.name.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  witnesses.forEach((w, i) => lines.push(`witness ${names[i]} ${w.vkey} ${w.url}`));
  if (witnesses.length === 0) lines.push('quorum none');
  else
    lines.push(
      `group majority ${Math.floor(witnesses.length / 2) + 1} ${names.join(' ')}`,
      'quorum majority',
    );
  return lines.join('\n') + '\n';
}
