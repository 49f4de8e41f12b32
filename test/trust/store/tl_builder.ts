/**
 * Test and benchmark builder of ETSI TS 119 612 v2 lists (elements in XSD order), signed with the
 * project's XAdES B-B enveloped signer: national TLs with services, status history and
 * qualifiers, and LOTLs with pointers. Independent of the production writer on purpose, so the
 * reader is tested against a second spelling of the standard.
 */
import { signXmlEnveloped } from '../../../src/signature/xades/sign.js';
import {
  NS,
  SERVICE_STATUS,
  SERVICE_TYPE,
  TSL,
  listOfListsTslType,
  nationalTslType,
} from '../../../src/trust/uris.js';
import { issue } from '../../validation/fixtures.js';
import type { Issued } from '../../validation/fixtures.js';
import type { FixedKeyId } from '../../fixtures/keys.js';

/** One status of a service's history. */
export interface HistorySpec {
  status: string;
  start: Date;
}

/** A service of a TL. */
export interface ServiceSpec {
  name: string;
  type?: string;
  status?: string;
  start: Date;
  certificates: Buffer[];
  /** Older statuses (ServiceHistoryInstance), any order. */
  history?: HistorySpec[];
  /** Qualification elements: qualifier URIs for certificates with all of `policies` (none: all). */
  qualifiers?: { uris: string[]; policies?: string[] }[];
  additionalServiceInformation?: string[];
}

/** A TSP of a TL. */
export interface ProviderSpec {
  name: string;
  services: ServiceSpec[];
}

/** A pointer of a LOTL. */
export interface PointerSpec {
  location: string;
  certificates: Buffer[];
  territory: string;
  tslType?: string;
  mimeType?: string;
  /** Raw XML appended inside AdditionalInformation (more OtherInformation). */
  extraInformation?: string;
}

/** A whole list. */
export interface ListSpec {
  territory: string;
  sequence: number;
  issued: Date;
  nextUpdate?: Date;
  lotl?: boolean;
  providers?: ProviderSpec[];
  pointers?: PointerSpec[];
  /** Raw XML inserted right after SchemeInformation (for hostile tests). */
  inject?: string;
}

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const names = (n: string): string => `<Name xml:lang="en">${esc(n)}</Name>`;
const address =
  '<PostalAddresses><PostalAddress xml:lang="en"><StreetAddress>1 Main St</StreetAddress><Locality>Capital</Locality>' +
  '<CountryName>ZZ</CountryName></PostalAddress></PostalAddresses><ElectronicAddress><URI xml:lang="en">mailto:tl@example.org</URI></ElectronicAddress>';
const certs = (list: Buffer[]): string =>
  list
    .map((c) => `<DigitalId><X509Certificate>${c.toString('base64')}</X509Certificate></DigitalId>`)
    .join('');

function qualificationsXml(s: ServiceSpec): string {
  const elements = (s.qualifiers ?? []).map((q) => {
    const qs = q.uris.map((u) => `<ecc:Qualifier uri="${u}"/>`).join('');
    const criteria = q.policies?.length
      ? `<ecc:PolicySet>${q.policies.map((p) => `<ecc:PolicyIdentifier><xades:Identifier>${p}</xades:Identifier></ecc:PolicyIdentifier>`).join('')}</ecc:PolicySet>`
      : '<ecc:KeyUsage><ecc:KeyUsageBit name="nonRepudiation">true</ecc:KeyUsageBit></ecc:KeyUsage>';
    return `<ecc:QualificationElement><ecc:Qualifiers>${qs}</ecc:Qualifiers><ecc:CriteriaList assert="all">${criteria}</ecc:CriteriaList></ecc:QualificationElement>`;
  });
  const asi = (s.additionalServiceInformation ?? []).map(
    (u) =>
      `<Extension Critical="false"><AdditionalServiceInformation><URI xml:lang="en">${u}</URI></AdditionalServiceInformation></Extension>`,
  );
  const quals = elements.length
    ? `<Extension Critical="true"><ecc:Qualifications xmlns:ecc="${NS.ecc}" xmlns:xades="${NS.xades}">${elements.join('')}</ecc:Qualifications></Extension>`
    : '';
  return quals || asi.length
    ? `<ServiceInformationExtensions>${quals}${asi.join('')}</ServiceInformationExtensions>`
    : '';
}

function serviceXml(s: ServiceSpec): string {
  const type = s.type ?? SERVICE_TYPE.caQc;
  const id = `<ServiceDigitalIdentity>${certs(s.certificates)}</ServiceDigitalIdentity>`;
  const history = (s.history ?? []).map(
    (h) =>
      `<ServiceHistoryInstance><ServiceTypeIdentifier>${type}</ServiceTypeIdentifier><ServiceName>${names(s.name)}</ServiceName>` +
      `${id}<ServiceStatus>${h.status}</ServiceStatus><StatusStartingTime>${iso(h.start)}</StatusStartingTime></ServiceHistoryInstance>`,
  );
  return (
    `<TSPService><ServiceInformation><ServiceTypeIdentifier>${type}</ServiceTypeIdentifier><ServiceName>${names(s.name)}</ServiceName>` +
    `${id}<ServiceStatus>${s.status ?? SERVICE_STATUS.granted}</ServiceStatus><StatusStartingTime>${iso(s.start)}</StatusStartingTime>` +
    `${qualificationsXml(s)}</ServiceInformation>${history.length ? `<ServiceHistory>${history.join('')}</ServiceHistory>` : ''}</TSPService>`
  );
}

function providerXml(p: ProviderSpec): string {
  return (
    `<TrustServiceProvider><TSPInformation><TSPName>${names(p.name)}</TSPName><TSPAddress>${address}</TSPAddress>` +
    `<TSPInformationURI><URI xml:lang="en">https://tsp.example.org/</URI></TSPInformationURI></TSPInformation>` +
    `<TSPServices>${p.services.map(serviceXml).join('')}</TSPServices></TrustServiceProvider>`
  );
}

function pointerXml(p: PointerSpec): string {
  return (
    `<OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity>${certs(p.certificates)}</ServiceDigitalIdentity>` +
    `</ServiceDigitalIdentities><TSLLocation>${esc(p.location)}</TSLLocation><AdditionalInformation>` +
    `<OtherInformation><TSLType>${p.tslType ?? nationalTslType(p.territory)}</TSLType></OtherInformation>` +
    `<OtherInformation><SchemeOperatorName>${names(`${p.territory} operator`)}</SchemeOperatorName></OtherInformation>` +
    `<OtherInformation><SchemeTerritory>${p.territory}</SchemeTerritory></OtherInformation>` +
    `<OtherInformation><tslx:MimeType xmlns:tslx="${NS.tslx}">${p.mimeType ?? TSL.mimeType}</tslx:MimeType></OtherInformation>` +
    `${p.extraInformation ?? ''}</AdditionalInformation></OtherTSLPointer>`
  );
}

/**
 * The unsigned XML of a list.
 *
 * @example `trustListXml({ territory: 'PH', sequence: 1, issued, providers: [...] })`
 */
export function trustListXml(l: ListSpec): string {
  const type = l.lotl ? listOfListsTslType(l.territory) : nationalTslType(l.territory);
  const pointers = l.pointers?.length
    ? `<PointersToOtherTSL>${l.pointers.map(pointerXml).join('')}</PointersToOtherTSL>`
    : '';
  const next = l.nextUpdate ? `<dateTime>${iso(l.nextUpdate)}</dateTime>` : '';
  const info =
    `<SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>${l.sequence}</TSLSequenceNumber>` +
    `<TSLType>${type}</TSLType><SchemeOperatorName>${names(`${l.territory} scheme operator`)}</SchemeOperatorName>` +
    `<SchemeOperatorAddress>${address}</SchemeOperatorAddress><SchemeName>${names(`${l.territory}: trusted list`)}</SchemeName>` +
    `<SchemeInformationURI><URI xml:lang="en">https://tl.example.org/</URI></SchemeInformationURI>` +
    `<StatusDeterminationApproach>http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/${l.territory}determination</StatusDeterminationApproach>` +
    `<SchemeTerritory>${l.territory}</SchemeTerritory><HistoricalInformationPeriod>65535</HistoricalInformationPeriod>${pointers}` +
    `<ListIssueDateTime>${iso(l.issued)}</ListIssueDateTime><NextUpdate>${next}</NextUpdate></SchemeInformation>`;
  const tsps = l.providers?.length
    ? `<TrustServiceProviderList>${l.providers.map(providerXml).join('')}</TrustServiceProviderList>`
    : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><TrustServiceStatusList xmlns="${NS.tsl}" Id="tsl-${l.territory}-${l.sequence}" ` +
    `TSLTag="${TSL.tag}">${info}${l.inject ?? ''}${tsps}</TrustServiceStatusList>`
  );
}

/**
 * A signed list.
 *
 * @example `const bytes = await signedList(spec, tlSigner)`
 */
export async function signedList(l: ListSpec, signer: Issued): Promise<Buffer> {
  return signXmlEnveloped(trustListXml(l), {
    signer: signer.signer,
    certificate: signer.der,
    signingTime: l.issued,
    signatureId: `sig-${l.territory}-${l.sequence}`,
  });
}

/** A list-signing certificate (self-signed, as TL signers usually are). */
export function listSigner(cn: string, key: FixedKeyId): Promise<Issued> {
  return issue({ cn, key, ca: {}, extensions: [] });
}
