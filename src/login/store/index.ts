/**
 * The login's persistence: every statement on its own tables (migration `0003_login`), one file
 * per table, so the rest of `src/login/` never builds SQL. The table types and the typed query
 * builder are in `../schema.ts`.
 */
export {
  consumePayload,
  deleteExpiredPayloads,
  destroyPayload,
  findPayload,
  findProxyState,
  insertProxyState,
  keepLoginSecret,
  revokePayloadsOfGrant,
  takeProxyState,
  upsertPayload,
} from './oidc_payload.js';
export type { PayloadRow, PayloadUpsert } from './oidc_payload.js';
export {
  answerChallenge,
  deleteOpenChallenge,
  findChallengeRow,
  insertChallenge,
  takeAnsweredChallenge,
} from './login_challenge.js';
export { disableClientRow, findClientMetadata, insertClient, listClientRows } from './login_client.js';
export { insertKey, listPublishedKeys, retireCurrentKeys } from './login_key.js';
