/**
 * The log's cosign step (issue 15): after the sequencer signs a checkpoint, the node asks the
 * other members' witnesses and the hub's, as its verified LOTL lists them (`tb:Transparency`),
 * for their cosignatures ({@link gatherCosignatures}), under the default policy: a majority of
 * them. The sequencer appends the returned cosignatures to the checkpoint it publishes and
 * reports the refusals.
 */
import { federationParties, defaultWitnessPolicy, witnessesOf } from '../ledger/federation_logs.js';
import type { FederationParty } from '../ledger/federation_logs.js';
import { gatherCosignatures } from '../ledger/gather.js';
import type { GatherResult } from '../ledger/gather.js';
import { parsePolicy } from '../ledger/policy.js';
import type { NodeContext } from './context.js';
import { nodeTrustOf } from './node_trust.js';

/** What the sequencer hands the cosign step. */
export interface CosignRequest {
  /** The checkpoint just signed by the log. */
  readonly checkpoint: string;
  /** The size of the previous checkpoint (0 for the first). */
  readonly oldSize: number;
  /** A consistency proof from the log's tiles. */
  readonly proof: (from: number, to: number) => Promise<readonly Buffer[]>;
}

/** The cosign step of a log: the checkpoint in, the cosignatures and each witness's outcome out. */
export type CosignHook = (request: CosignRequest) => Promise<GatherResult>;

/**
 * A cosign step over a fixed list of parties (the hub uses its member list).
 *
 * @param parties - the federation's parties (members and hub) with their witnesses
 * @param logKey - the log's verifier key
 * @param ownWitnessKey - the operator's own witness key, not asked
 * @param o - timeout, fetch
 */
export function cosignWith(
  parties: () => readonly FederationParty[] | Promise<readonly FederationParty[]>,
  logKey: string,
  ownWitnessKey: string | undefined,
  o: { timeoutMs?: number; fetch?: typeof fetch } = {},
): CosignHook {
  return async (r) => {
    const witnesses = witnessesOf(await parties(), ownWitnessKey);
    return gatherCosignatures({
      ...r,
      witnesses,
      policy: parsePolicy(defaultWitnessPolicy(logKey, witnesses)),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
  };
}

/**
 * The cosign step of a node's log: the witnesses of the other members and of the hub, from the
 * node's verified LOTL (refreshed by the trust store's users; loaded here on first use).
 *
 * @param node - an open node
 * @param logKey - the node's log verifier key (`DIR/public/log.vkey`)
 * @param o - timeout (default 5 s), fetch
 * @example
 * ```ts
 * const cosign = nodeCosignHook(node, logVkey);
 * const { checkpoint, outcomes, quorum } = await cosign({ checkpoint: signed, oldSize, proof });
 * ```
 */
export function nodeCosignHook(
  node: NodeContext,
  logKey: string,
  o: { timeoutMs?: number; fetch?: typeof fetch } = {},
): CosignHook {
  let loaded: Promise<unknown> | undefined;
  return cosignWith(
    async () => {
      const trust = nodeTrustOf(node);
      if (!trust) return [];
      // One LOTL load shared by the runs; a failed one is tried again at the next run.
      loaded ??= trust.store.refresh().catch((e: unknown) => {
        loaded = undefined;
        throw e;
      });
      await loaded;
      return federationParties(trust.store.lotlPointers());
    },
    logKey,
    node.witness?.vkey,
    o,
  );
}

/**
 * The witness policy of a node's log in tlog-policy form, as its cosign step applies it: the
 * log's key, the witnesses of the other members and of the hub from the verified LOTL, a
 * majority of them (`quorum none` without a LOTL). A receipt's holder keeps it beside the
 * receipt (`trustbridge receipt verify --policy`).
 *
 * @param node - an open node
 * @param logKey - the node's log verifier key
 * @example
 * ```ts
 * const policy = await nodeWitnessPolicy(node, node.log.vkey)();
 * ```
 */
export function nodeWitnessPolicy(node: NodeContext, logKey: string): () => Promise<string> {
  let loaded: Promise<unknown> | undefined;
  return async () => {
    const trust = nodeTrustOf(node);
    let parties: FederationParty[] = [];
    if (trust) {
      // One LOTL load shared by the requests; a failed one is tried again at the next.
      loaded ??= trust.store.refresh().catch((e: unknown) => {
        loaded = undefined;
        throw e;
      });
      await loaded;
      parties = federationParties(trust.store.lotlPointers());
    }
    return defaultWitnessPolicy(logKey, witnessesOf(parties, node.witness?.vkey));
  };
}
