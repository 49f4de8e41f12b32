/**
 * Trusted lists (ETSI TS 119 612): the reader and the trust store the validator uses (parts of
 * issue 4), and the URI constants shared with the list writers.
 */
export { parseTrustedList } from './parse/trusted_list.js';
export type {
  DigitalIdentity,
  QualificationCriteria,
  QualificationElement,
  ServiceExtensions,
  ServiceStatusEntry,
  TrustService,
  TrustServiceProvider,
  TrustedList,
  TslPointer,
} from './parse/model.js';
export { TrustStore, memberHistoryOf } from './store/trust_store.js';
export type { ListSummary, TrustRoot, TrustStoreEvent, TrustStoreOptions } from './store/trust_store.js';
export { readTrustedList, TRUST_LIST_XML_LIMITS } from './store/verify_list.js';
export type { VerifiedList } from './store/verify_list.js';
export { mapFetcher } from './store/fetcher.js';
export type { TrustListCache, TrustListFetcher, TrustListResponse } from './store/fetcher.js';
export { httpTrustListFetcher } from './store/http_fetcher.js';
export type { HttpTrustListFetcherOptions } from './store/http_fetcher.js';
export { GRANTED_STATUSES, intervalAt, statusIntervals } from './store/status_intervals.js';
export type { StatusInterval } from './store/status_intervals.js';
export { ServiceIndex } from './store/service_index.js';
export type { MemberChange, ServiceRecord } from './store/service_index.js';
export { qualify } from './store/qualification.js';
export type { Qualification } from './store/qualification.js';
export { TrustStoreError, TRUST_STORE_CODES } from './store/errors.js';
export type { TrustStoreErrorCode } from './store/errors.js';
export * from './uris.js';
