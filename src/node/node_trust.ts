/**
 * The node's trust store over the hub's list of trusted lists (ETSI TS 119 612 LOTL, signer
 * pinned by the operator in `DIR/lotl-signer.pem`): one per open node, shared by the login
 * federation and `/api/v1/validate`, so the lists are fetched and checked once, not once per user.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPemAll } from '../lib/pem.js';
import { httpTrustListFetcher } from '../trust/store/http_fetcher.js';
import { TrustStore } from '../trust/store/trust_store.js';
import type { TrustStoreEvent } from '../trust/store/trust_store.js';
import type { NodeContext } from './context.js';

/** The node's trust store and where its events are reported. */
export interface NodeTrust {
  store: TrustStore;
  /** Adds a receiver of the store's events (download and verification problems). */
  onEvent(log: (e: TrustStoreEvent) => void): void;
}

const trustOfNode = new WeakMap<NodeContext, NodeTrust>();

function createNodeTrust(node: Pick<NodeContext, 'config' | 'dir' | 'clock'>): NodeTrust | undefined {
  const url = node.config.lotlUrl;
  const pin = join(node.dir, 'lotl-signer.pem');
  if (!url || !existsSync(pin)) return undefined;
  const sinks: ((e: TrustStoreEvent) => void)[] = [];
  const store = new TrustStore([{ url, signers: fromPemAll(readFileSync(pin, 'latin1'), 'CERTIFICATE') }], {
    fetcher: httpTrustListFetcher(),
    clock: node.clock,
    log: (e) => sinks.forEach((s) => s(e)),
  });
  return { store, onEvent: (log) => void sinks.push(log) };
}

/**
 * The trust store of an open node from its configuration (`node.json` `lotlUrl` and the pinned
 * `DIR/lotl-signer.pem`), created on first call and the same for every later call on this node;
 * undefined without both. Loading and refreshing are the caller's (`TrustStore.refresh`, which
 * concurrent callers share).
 *
 * @param node - an open node
 * @example
 * ```ts
 * const trust = nodeTrustOf(node);
 * if (trust) await trust.store.refresh();
 * ```
 */
export function nodeTrustOf(node: NodeContext): NodeTrust | undefined {
  // Only a store is remembered: a node without a LOTL looks again next time, as a pin file
  // added by the operator is picked up by the next login service or application built.
  let trust = trustOfNode.get(node);
  if (!trust) {
    trust = createNodeTrust(node);
    if (trust) trustOfNode.set(node, trust);
  }
  return trust;
}
