/**
 * The regional hub: members, the signed list of trusted lists (ETSI TS 119 612). Its HTTP server is `server/hub_app.ts`.
 */
export { isSecretariatToken, writeSecretariatToken } from './secretariat.js';
export { initHub, openHub, publishLotl, parseMemberSigners } from './hub.js';
export type { HubContext, InitHubOptions, LotlOutcome } from './hub.js';
export { addHubMember, setHubMemberStatus } from './operations.js';
export { addMember, changeMemberStatus, memberStatus } from './members.js';
export { HUB_FILES, LOTL_SIGNER_ID, readHubConfig, readHubState } from './config.js';
export type { HubConfig, HubMember, HubState } from './config.js';
export { HUB_ERRORS, HubError } from './errors.js';
export type { HubErrorCode } from './errors.js';
