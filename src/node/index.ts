export { initNode } from './init.js';
export type { InitNodeOptions } from './init.js';
export { openNode } from './context.js';
export type { NodeContext, KeyHolder, OpenNodeOptions } from './context.js';
export { readNodeConfig, updateNodeConfig } from './config.js';
export type { NodeConfig, NodeConfigChange, CaKeyStoreConfig } from './config.js';
export { eidContextOf } from './eid_context.js';
export { OcspService, ocspServiceOf } from './ocsp_service.js';
export { nodeTrustOf } from './node_trust.js';
export type { NodeTrust } from './node_trust.js';
export {
  addOfficer,
  authenticateOfficer,
  listOfficers,
  disableOfficer,
  officerMay,
  OFFICER_ROLES,
} from './officers.js';
export type { OfficerAction, OfficerRecord, OfficerRole } from './officers.js';
export {
  TL_SIGNER_ID,
  ensureTrustListSigner,
  observeNodeServices,
  publishNodeTrustList,
} from './trust_list_publisher.js';
export type { ListFiles, NodeListFile, NodeListPublisher, PublishOutcome } from './trust_list_publisher.js';
