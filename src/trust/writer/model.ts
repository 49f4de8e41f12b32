/**
 * The content of a TrustServiceStatusList (ETSI TS 119 612 clause 5) as plain data: what the
 * node and the hub fill in and {@link buildTsl} turns into XML. Times are Dates, certificates
 * DER; every URI comes from `../uris.ts`.
 */
import type { XmlOut } from './xml_writer.js';

/** A postal and electronic address (clauses 5.3.5 and 5.4.3). */
export interface TslAddress {
  street: string;
  locality: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2 code (the CountryName element). */
  country: string;
  /** mailto: or http(s) URIs (ElectronicAddress). */
  electronic: readonly string[];
}

/** The criteria of a QualificationElement (clause 5.5.9.2.2). */
export interface QualificationCriteria {
  assert: 'all' | 'atLeastOne' | 'none';
  /** KeyUsage bits that must be set (true) or clear (false). */
  keyUsage?: Readonly<Partial<Record<KeyUsageBitName, boolean>>>;
  /** Certificate policy OIDs (PolicySet, one per OID). */
  policies?: readonly string[];
}

/** Key usage bit names of the sie schema (RFC 5280 §4.2.1.3). */
export type KeyUsageBitName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'crlSign'
  | 'encipherOnly'
  | 'decipherOnly';

/** One QualificationElement: qualifier URIs and the certificates they apply to (clause 5.5.9.2). */
export interface QualificationElement {
  qualifiers: readonly string[];
  criteria: QualificationCriteria;
}

/** ServiceInformationExtensions (clause 5.5.9). */
export interface ServiceExtensions {
  /** AdditionalServiceInformation URIs (clause 5.5.9.4), e.g. ForeSignatures. */
  additionalServiceInformation?: readonly string[];
  /** Qualifications extension (clause 5.5.9.2): only for CA/QC services. */
  qualifications?: readonly QualificationElement[];
}

/** A service supply point (clause 5.5.7), optionally typed by a service type URI. */
export interface SupplyPoint {
  uri: string;
  type?: string;
}

/** One past status of a service (ServiceHistoryInstance, clause 5.6). */
export interface ServiceHistoryEntry {
  type: string;
  name: string;
  certificate: Buffer;
  status: string;
  statusStartingTime: Date;
  extensions?: ServiceExtensions;
}

/** A TSPService (clause 5.5): the current status and the history, newest first. */
export interface TslService {
  type: string;
  name: string;
  /** The service's X.509 certificate (ServiceDigitalIdentity, clause 5.5.3). */
  certificate: Buffer;
  status: string;
  statusStartingTime: Date;
  supplyPoints?: readonly SupplyPoint[];
  extensions?: ServiceExtensions;
  /** Previous statuses, most recent first (clause 5.5.10). */
  history: readonly ServiceHistoryEntry[];
}

/** A TrustServiceProvider (clause 5.4). */
export interface TslProvider {
  name: string;
  tradeNames?: readonly string[];
  address: TslAddress;
  informationUris: readonly string[];
  services: readonly TslService[];
}

/** An OtherTSLPointer (clause 5.3.13). */
export interface TslPointer {
  location: string;
  /** Certificates allowed to sign the pointed list (ServiceDigitalIdentities). */
  signers: readonly Buffer[];
  tslType: string;
  territory: string;
  operatorName: string;
  mimeType: string;
  schemeRules?: readonly string[];
  /** Extra OtherInformation children, already serialised by the caller's builder. */
  otherInformation?: readonly XmlOut[];
}

/** SchemeInformation (clause 5.3). */
export interface TslScheme {
  sequenceNumber: number;
  tslType: string;
  operatorName: string;
  operatorAddress: TslAddress;
  schemeName: string;
  informationUris: readonly string[];
  statusDetermination: string;
  schemeRules: readonly string[];
  territory: string;
  legalNotice: string;
  historicalInformationPeriod: number;
  pointers?: readonly TslPointer[];
  issued: Date;
  nextUpdate: Date;
  distributionPoints: readonly string[];
}

/** A whole list: the root Id, the scheme and (for a TL) the providers. */
export interface TslDocument {
  /** The root element's Id attribute. */
  id: string;
  scheme: TslScheme;
  providers?: readonly TslProvider[];
}
