/**
 * The model of an ETSI TS 119 612 v2 trusted list (TL) or list of trusted lists (LOTL) as the
 * trust store uses it: the scheme information (clause 5.3), the pointers to other lists
 * (clause 5.3.13) and the trust service providers with their services, status history and
 * qualification extensions (clauses 5.4 and 5.5). Only what trust decisions and reports need is
 * kept; names are the English ones when the list has them (clause 5.1.4, multilingual names).
 */

/** A service digital identity (clause 5.5.3): certificates, subject names and key identifiers. */
export interface DigitalIdentity {
  /** X509Certificate values (DER). */
  certificates: Buffer[];
  /** X509SubjectName values, as written. */
  subjectNames: string[];
  /** X509SKI values (the subjectKeyIdentifier octets). */
  skis: Buffer[];
}

/** Criteria of a qualification element (clause 5.5.9.2.2, `CriteriaList`). */
export interface QualificationCriteria {
  /** How the criteria combine. */
  assert: 'all' | 'atLeastOne' | 'none';
  /** KeyUsage criteria: each maps a RFC 5280 key usage name to the value it must have. */
  keyUsage: Record<string, boolean>[];
  /** PolicySet criteria: each lists policy OIDs that must all be in the certificate. */
  policySets: string[][];
  /** ExtendedKeyUsage criteria (in otherCriteriaList): each lists purpose OIDs that must all be present. */
  extendedKeyUsage: string[][];
  /** Nested criteria lists. */
  nested: QualificationCriteria[];
  /** A criterion this reader does not evaluate (CertSubjectDNAttribute, ...): the element never matches. */
  unsupported: string[];
}

/** One QualificationElement: qualifiers applied to the certificates the criteria select. */
export interface QualificationElement {
  /** Qualifier URIs (clause 5.5.9.2.3). */
  qualifiers: string[];
  criteria: QualificationCriteria;
}

/** What a status period carries besides the status (clause 5.5.9, service information extensions). */
export interface ServiceExtensions {
  qualifications: QualificationElement[];
  /** AdditionalServiceInformation URIs (clause 5.5.9.4): ForeSignatures, ForeSeals, ... */
  additionalServiceInformation: string[];
  /** ExpiredCertsRevocationInfo (clause 5.5.9.3), when present. */
  expiredCertsRevocationInfo?: Date;
}

/** The service information in force from `statusStartingTime` (the current one, or a history instance). */
export interface ServiceStatusEntry extends ServiceExtensions {
  /** ServiceTypeIdentifier URI (clause 5.5.1). */
  type: string;
  name: string;
  /** ServiceStatus URI (clause 5.5.4). */
  status: string;
  statusStartingTime: Date;
  /** The identity of a history instance (clause 5.6.3), when it differs from the current one. */
  identity?: DigitalIdentity;
}

/** A trust service (clause 5.5) with its status history (clause 5.6). */
export interface TrustService {
  /** The current service information. */
  current: ServiceStatusEntry;
  /** The service's current digital identity. */
  identity: DigitalIdentity;
  /** ServiceHistoryInstance entries, as listed (newest first by convention, not relied upon). */
  history: ServiceStatusEntry[];
  /** ServiceSupplyPoint URIs (clause 5.5.7). */
  supplyPoints: string[];
}

/** A trust service provider (clause 5.4). */
export interface TrustServiceProvider {
  name: string;
  tradeNames: string[];
  services: TrustService[];
}

/** An OtherTSLPointer (clause 5.3.13): where another list is and who may sign it. */
export interface TslPointer {
  /** TSLLocation. */
  location: string;
  /** The certificates allowed to sign the pointed list (ServiceDigitalIdentities). */
  certificates: Buffer[];
  /** AdditionalInformation/OtherInformation values. */
  tslType?: string;
  schemeTerritory?: string;
  mimeType?: string;
  schemeOperatorName?: string;
  /**
   * The hub's membership history of the pointed member (trustbridge `tb:MemberStatus`, see
   * `HUB_LOTL` in src/trust/uris.ts), oldest first, when the pointer carries it.
   */
  memberStatus?: { status: string; start: Date }[];
  /** The other OtherInformation elements, by namespace-qualified name `{ns}local`, text content. */
  otherInformation: { name: string; text: string; attributes: Record<string, string> }[];
}

/** A parsed trusted list or list of trusted lists. */
export interface TrustedList {
  /** The root element's Id attribute. */
  id?: string;
  /** TSLVersionIdentifier (clause 5.3.1). */
  versionIdentifier: number;
  /** TSLSequenceNumber (clause 5.3.2): must grow with every issue. */
  sequenceNumber: number;
  /** TSLType (clause 5.3.3). */
  tslType: string;
  schemeOperatorName: string;
  schemeName?: string;
  /** SchemeTerritory (clause 5.3.10): the country (or region) code. */
  schemeTerritory: string;
  /** ListIssueDateTime (clause 5.3.14). */
  issueDate: Date;
  /** NextUpdate (clause 5.3.15); absent for a closed list. */
  nextUpdate?: Date;
  distributionPoints: string[];
  pointers: TslPointer[];
  providers: TrustServiceProvider[];
}
