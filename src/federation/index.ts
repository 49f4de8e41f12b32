/**
 * The demos as an application: the federation in a box (a regional hub and the PH, VN and BE
 * country nodes, each its own process, and the VN tax portal, a sample public service) and the
 * single-node demo, with their sample citizens.
 */
export { federationPassphrase, federationPassphraseFile } from './passphrase.js';
export { DEMO_NODE_COUNTRY, SAMPLE_COUNTRIES, sampleCitizensOf } from './sample_citizens.js';
export type { SampleCitizen, SampleCountry, SampleDemo } from './sample_citizens.js';
export { setUpSampleNode } from './sample_node.js';
export type { EnrolledCitizen, SampleNodeOptions } from './sample_node.js';
export { demoNodeDir, setUpDemoNode } from './demo_node.js';
export { countryDir, setUpFederation } from './setup.js';
export { FEDERATION_SYNC_INTERVAL_SECONDS, memberCertName, setUpCertPartnerships } from './cert_partners.js';
export { TAX_PORTAL_URL_KEY, startFederation } from './start.js';
export type { RunningFederation, StartFederationOptions } from './start.js';
export { stdoutLog } from './progress_log.js';
export type { ProgressLog } from './progress_log.js';
export {
  TAX_PORTAL_NAME,
  TAX_PORTAL_SCOPE,
  buildTaxPortal,
  registerTaxPortal,
  startTaxPortal,
  taxPortalClientFile,
} from './tax_portal/index.js';
export type { RunningTaxPortal, TaxPortalClient, TaxPortalOptions } from './tax_portal/index.js';
