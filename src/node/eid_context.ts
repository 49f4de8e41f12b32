import type { EidContext } from '../eid/context.js';
import type { NodeContext } from './context.js';

/**
 * The register/lifecycle view of an open node.
 *
 * @param node - an open node
 */
export function eidContextOf(node: NodeContext): EidContext {
  return {
    store: node.store,
    identity: node.identity,
    eidCa: node.eidCa,
    clock: node.clock,
    crlValidityHours: node.config.crlValidityHours,
  };
}
