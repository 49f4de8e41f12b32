/**
 * The CERT-to-CERT exchange (issue 16): STIX 2.1 validation, TLP 2.0 sharing, storage of TAXII
 * collections and the TAXII 2.1 server under `/taxii2/`, partner CERTs and their credentials.
 */
export { CERT_ERRORS, CERT_HTTP_STATUS, CertError } from './errors.js';
export type { CertErrorCode } from './errors.js';
export { validateStixObject, validateStixObjects } from './stix/validate.js';
export type { RuleFailure, StixVerdict } from './stix/validate.js';
export { stixSchemas, STIX_SCHEMA_DIR } from './stix/schemas.js';
export * from './tlp.js';
export { certRootOf, ensureCertRoot, grant, partnerCollections, SHARED_COLLECTION } from './collections.js';
export type { CertRoot, PartnerCollection } from './collections.js';
export {
  addPartner,
  authenticatePartner,
  findPartner,
  issueToken,
  listPartners,
  removePartner,
} from './partners.js';
export type { NewPartner, Partner, PartnerInput } from './partners.js';
export { registerTaxiiRoutes } from './taxii/routes.js';
export type { TaxiiOptions } from './taxii/routes.js';
export { TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE } from './taxii/media.js';
export { DEFAULT_LIMIT, MAX_LIMIT } from './taxii/params.js';
export { ingest } from './taxii/ingest.js';
export { raiseAlerts } from './alerts/match.js';
export type { ReceivedFrom, ReceivedObject } from './alerts/match.js';
export { certificateReferences } from './alerts/references.js';
export { parseCertificatePattern } from './alerts/pattern.js';
export type { CertReference } from './alerts/pattern.js';
export { getAlert, listAlerts } from './alerts/alert_store.js';
export type { AlertView } from './alerts/alert_store.js';
export { acknowledgeAlert, actOnAlert, dismissAlert } from './alerts/actions.js';
export type { ActResult, AlertDecision } from './alerts/actions.js';
export { TaxiiClient } from './client/client.js';
export type { ManifestRecord, Page, PageQuery, RemoteCollection } from './client/client.js';
export { CLIENT_DEFAULTS, taxiiRequest } from './client/http.js';
export type { TaxiiAuth, TaxiiClientOptions } from './client/http.js';
export { addRemote, findRemote, listRemotes, remoteAuth, removeRemote } from './remotes.js';
export type { Remote, RemoteInput } from './remotes.js';
export { remoteSecretKey } from './remote_secrets.js';
export { syncAll, syncRemote } from './sync.js';
export type { SyncOptions, SyncResult } from './sync.js';
export { searchObjects } from './search.js';
export type { SearchHit, SearchQuery } from './search.js';
