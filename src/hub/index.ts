/**
 * The regional hub: members, the signed list of trusted lists (ETSI TS 119 612), its server.
 */
export { initHub, openHub, publishLotl, parseMemberSigners } from './hub.js';
export type { HubContext, InitHubOptions, LotlOutcome } from './hub.js';
export { addHubMember, setHubMemberStatus } from './operations.js';
export { addMember, changeMemberStatus, memberStatus } from './members.js';
export { HUB_FILES, LOTL_SIGNER_ID, readHubConfig, readHubState } from './config.js';
export type { HubConfig, HubMember, HubState } from './config.js';
export { buildHubApp, serveHub } from './server.js';
export type { RunningHub } from './server.js';
export { HUB_ERRORS, HubError } from './errors.js';
export type { HubErrorCode } from './errors.js';
