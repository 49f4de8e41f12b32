/**
 * Trusted-list publishing (ETSI TS 119 612 v2): the deterministic XML builder, the XAdES B-B
 * signing of clause 5.7, a node's list with its service status history, and the hub's list of
 * trusted lists.
 */
export { buildTsl } from './tsl.js';
export type {
  QualificationCriteria,
  QualificationElement,
  ServiceExtensions,
  ServiceHistoryEntry,
  SupplyPoint,
  TslAddress,
  TslDocument,
  TslPointer,
  TslProvider,
  TslScheme,
  TslService,
} from './model.js';
export { signTsl } from './sign.js';
export type { ListSigner } from './sign.js';
export { nodeTrustListDocument } from './node_list.js';
export type { NodeListDetails, NodeListFacts } from './node_list.js';
export {
  currentStatus,
  emptyNodeListState,
  parseNodeListState,
  reconcileServices,
  serviceKey,
  setServiceStatus,
} from './node_state.js';
export type {
  ListedService,
  NodeListState,
  NodeServiceKind,
  ObservedService,
  StatusChange,
} from './node_state.js';
export { lotlDocument, operatorNameOf } from './lotl.js';
export type { LotlFacts, LotlMember, MemberStatus, MemberStatusChange } from './lotl.js';
export { TL_PUBLISH_ERRORS, TrustListPublishError } from './errors.js';
export type { TrustListPublishErrorCode } from './errors.js';
