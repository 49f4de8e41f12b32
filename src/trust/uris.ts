/**
 * Namespaces and URIs of ETSI TS 119 612 v2 (trusted lists), shared by the list writers
 * (src/trust/writer, src/hub) and the trust-store reader, so both sides spell every URI the
 * same way. Values are copied from the standard's clauses (cited per group); names are
 * stable and simple on purpose: other modules import them by name.
 *
 * @example
 * ```ts
 * import { SERVICE_TYPE, SERVICE_STATUS } from './uris.js';
 * const granted = SERVICE_STATUS.granted; // 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted'
 * ```
 */

/** XML namespaces used in a TrustServiceStatusList (TS 119 612 Annex C, XSD v2.4.1). */
export const NS = {
  /** The TSL namespace (root element TrustServiceStatusList). */
  tsl: 'http://uri.etsi.org/02231/v2#',
  /** Additional types: MimeType, ExpiredCertsRevocationInfo, TakenOverBy (TS 119 612 Annex C). */
  tslx: 'http://uri.etsi.org/02231/v2/additionaltypes#',
  /** Service information extensions: Qualifications (TS 119 612 clause 5.5.9.2). */
  ecc: 'http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#',
  /** W3C XML Signature. */
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  /** XAdES v1.3.2 (ETSI EN 319 132-1). */
  xades: 'http://uri.etsi.org/01903/v1.3.2#',
  /** The xml: namespace (xml:lang on MultiLangString). */
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

/** Fixed values of the list header (TS 119 612 clauses 5.1.1, 5.3.1, 5.3.13). */
export const TSL = {
  /** TSLTag attribute of the root element (clause 5.1.1). */
  tag: 'http://uri.etsi.org/19612/TSLTag',
  /** TSLVersionIdentifier (clause 5.3.1): 5 for TS 119 612 v2.x. */
  versionIdentifier: 5,
  /** MIME type of an XML trusted list, used in OtherTSLPointer/AdditionalInformation (clause 5.3.13). */
  mimeType: 'application/vnd.etsi.tsl+xml',
  /** HistoricalInformationPeriod (clause 5.3.15): 65535 = history kept for ever. */
  historicalInformationPeriod: 65535,
  /** Root element local name. */
  rootElement: 'TrustServiceStatusList',
} as const;

/**
 * TSLType values (clause 5.3.3). The EU ones are listed for reading foreign lists; our own
 * lists use the non-EU forms `CClist` (a national trusted list, CC = the country) and
 * `CClistofthelists` (the regional list of trusted lists, CC = the region's territory code).
 */
export const TSL_TYPE = {
  euGeneric: 'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric',
  euListOfTheLists: 'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists',
  /** Prefix of every TSLType URI. */
  prefix: 'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/',
} as const;

/** TSLType of a national (non-EU) trusted list: `.../TSLType/CClist` (clause 5.3.3). */
export function nationalTslType(territory: string): string {
  return `${TSL_TYPE.prefix}${territory}list`;
}

/** TSLType of a (non-EU) list of trusted lists: `.../TSLType/CClistofthelists` (clause 5.3.3). */
export function listOfListsTslType(territory: string): string {
  return `${TSL_TYPE.prefix}${territory}listofthelists`;
}

/** Whether a TSLType URI denotes a list of trusted lists (EU or non-EU form). */
export function isListOfListsType(tslType: string): boolean {
  return tslType.startsWith(TSL_TYPE.prefix) && tslType.endsWith('listofthelists');
}

/** StatusDeterminationApproach (clause 5.3.8), non-EU forms parameterised by territory. */
export const STATUS_DETERMINATION = {
  euAppropriate: 'http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate',
  euListOfTheLists: 'http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUlistofthelists',
  prefix: 'http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/',
} as const;

/** StatusDeterminationApproach of a national list: `.../StatusDetn/CCdetermination`. */
export function nationalStatusDetermination(territory: string): string {
  return `${STATUS_DETERMINATION.prefix}${territory}determination`;
}

/** StatusDeterminationApproach of a list of lists: `.../StatusDetn/CClistofthelists`. */
export function listOfListsStatusDetermination(territory: string): string {
  return `${STATUS_DETERMINATION.prefix}${territory}listofthelists`;
}

/** SchemeTypeCommunityRules (clause 5.3.9). */
export const SCHEME_RULES = {
  euCommon: 'http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUcommon',
  euListOfTheLists: 'http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUlistofthelists',
  prefix: 'http://uri.etsi.org/TrstSvc/TrustedList/schemerules/',
} as const;

/** SchemeTypeCommunityRules of a territory: `.../schemerules/CC`. */
export function schemeRules(territory: string): string {
  return `${SCHEME_RULES.prefix}${territory}`;
}

/** ServiceTypeIdentifier values (clause 5.5.1.1 and Annex D). */
export const SERVICE_TYPE = {
  /** CA issuing qualified certificates. */
  caQc: 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC',
  /** CA issuing public key certificates (not qualified). */
  caPkc: 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC',
  /** OCSP responder for qualified certificates. */
  ocspQc: 'http://uri.etsi.org/TrstSvc/Svctype/Certstatus/OCSP/QC',
  /** OCSP responder (not qualified). */
  ocsp: 'http://uri.etsi.org/TrstSvc/Svctype/Certstatus/OCSP',
  /** CRL issuer for qualified certificates. */
  crlQc: 'http://uri.etsi.org/TrstSvc/Svctype/Certstatus/CRL/QC',
  /** Qualified electronic time-stamp service. */
  tsaQtst: 'http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST',
  /** Time-stamping service (not qualified). */
  tsa: 'http://uri.etsi.org/TrstSvc/Svctype/TSA',
  /** National root CA for qualified certificates. */
  nationalRootCaQc: 'http://uri.etsi.org/TrstSvc/Svctype/NationalRootCA-QC',
} as const;

/** ServiceCurrentStatus values (clause 5.5.4; `granted`/`withdrawn` are the v2 ones). */
export const SERVICE_STATUS = {
  granted: 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted',
  withdrawn: 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn',
  recognisedAtNationalLevel: 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/recognisedatnationallevel',
  deprecatedAtNationalLevel: 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/deprecatedatnationallevel',
  /** Pre-2016 statuses still seen in history entries of foreign lists. */
  legacyUnderSupervision: 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision',
  legacyAccredited: 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited',
} as const;

/** AdditionalServiceInformation URIs (clause 5.5.9.4). */
export const ADDITIONAL_SERVICE_INFO = {
  forESignatures: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures',
  forESeals: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals',
  forWebSiteAuthentication: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForWebSiteAuthentication',
} as const;

/** Qualifier URIs of the Qualifications extension (clause 5.5.9.2.3). */
export const QUALIFIER = {
  qcStatement: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCStatement',
  notQualified: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/NotQualified',
  qcWithSscd: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCWithSSCD',
  qcNoSscd: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCNoSSCD',
  qcSscdStatusAsInCert: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCSSCDStatusAsInCert',
  qcWithQscd: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCWithQSCD',
  qcNoQscd: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCNoQSCD',
  qcQscdStatusAsInCert: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCQSCDStatusAsInCert',
  qcQscdManagedOnBehalf: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCQSCDManagedOnBehalf',
  qcForLegalPerson: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForLegalPerson',
  qcForESig: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESig',
  qcForESeal: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESeal',
  qcForWsa: 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForWSA',
} as const;

/** Type names and OIDs tied to trusted lists. */
export const TSL_OID = {
  /** id-tsl-kp-tslSigning, the EKU of a TL-signing certificate (TS 119 612 clause 5.7.1 / Annex). */
  tslSigningEku: '0.4.0.2231.3.0',
} as const;

/**
 * trustbridge's own vocabulary inside a list of trusted lists: the membership history of each
 * member, carried in OtherTSLPointer/AdditionalInformation/OtherInformation (an xsd:any slot of
 * TS 119 612 clause 5.3.13, used the same way by the EU's MRA pointers). Readers that do not
 * know it ignore it; the trust store uses it to refuse signatures made while a member was
 * suspended:
 *
 * ```xml
 * <OtherInformation>
 *   <tb:MemberStatus xmlns:tb="urn:trustbridge:lotl:1">
 *     <tb:StatusChange Status="active" StatusStartingTime="2026-03-02T09:30:00Z"/>
 *     <tb:StatusChange Status="suspended" StatusStartingTime="2026-04-01T00:00:00Z"/>
 *   </tb:MemberStatus>
 * </OtherInformation>
 * ```
 *
 * Changes are oldest first; the member's status at time T is the Status of the last change with
 * StatusStartingTime ≤ T. Only `active` lets the member's services count at T (`suspended`, and
 * `removed` for a member removed then added again, do not); before the first change the hub
 * raises no objection and the member's own list decides. A member removed now has no pointer
 * at all: nothing of it counts any more, at any time.
 */
export const HUB_LOTL = {
  ns: 'urn:trustbridge:lotl:1',
  prefix: 'tb',
  memberStatus: 'MemberStatus',
  statusChange: 'StatusChange',
  statusAttribute: 'Status',
  startingTimeAttribute: 'StatusStartingTime',
  /**
   * The member's transparency log and witness (issue 15): `<tb:Transparency LogKey="<signed-note
   * vkey of its log>" WitnessKey="<tlog-cosignature vkey>" WitnessUrl="<add-checkpoint URL>"
   * LogUrl="<the log's tlog-tiles prefix, ending in />"/>` beside `tb:MemberStatus`; each
   * attribute optional. Witnesses learn the logs they serve from it, logs the witnesses to ask,
   * relying parties where to look a signer's certificate up; the LOTL's signature covers all.
   */
  transparency: 'Transparency',
  logKeyAttribute: 'LogKey',
  witnessKeyAttribute: 'WitnessKey',
  witnessUrlAttribute: 'WitnessUrl',
  logUrlAttribute: 'LogUrl',
  /** Member status values. */
  active: 'active',
  suspended: 'suspended',
  removed: 'removed',
} as const;
