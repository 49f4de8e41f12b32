/**
 * Shared fixtures of the tests in this folder.
 *
 * - The fixed PKI of the trust-store tests: a LOTL signer, two TL signers (PH, VN), a CA per
 *   member listed as CA/QC, and a qualified signature certificate under each CA.
 * - Test and benchmark builder of ETSI TS 119 612 v2 lists (elements in XSD order), signed with
 *   the project's XAdES B-B enveloped signer: national TLs with services, status history and
 *   qualifiers, and LOTLs with pointers. Independent of the production writer on purpose, so the
 *   reader is tested against a second spelling of the standard.
 * - A two-member federation on fixed keys for the trust-store tests: a LOTL at
 *   https://hub.test/lotl.xml pointing to the PH and VN lists, served from a mutable map.
 */
import { ext } from '../../../src/pki/certificate_builder.js';
import { decodeCertificate } from '../../../src/x509/certificate.js';
import type { Certificate } from '../../../src/x509/certificate.js';
import { issue } from '../../validation/fixtures.js';
import type { Issued } from '../../validation/fixtures.js';
import { signXmlEnveloped } from '../../../src/signature/xades/sign.js';
import {
  NS,
  SERVICE_STATUS,
  SERVICE_TYPE,
  TSL,
  listOfListsTslType,
  nationalTslType,
} from '../../../src/trust/uris.js';
import type { FixedKeyId } from '../../fixtures/keys.js';
import { mapFetcher } from '../../../src/trust/store/fetcher.js';
import type { TrustListFetcher } from '../../../src/trust/store/fetcher.js';

/** Everything the tests sign and list. */
export interface TrustPki {
  lotlSigner: Issued;
  phSigner: Issued;
  vnSigner: Issued;
  /** A certificate nobody pinned. */
  rogue: Issued;
  phCa: Issued;
  vnCa: Issued;
  phLeaf: Issued;
  vnLeaf: Issued;
}

/** QCP-n (EN 319 411-2). */
export const QCP_N = '0.4.0.194112.1.0';

async function leaf(cn: string, issuer: Issued, key: 'citizen-a-sig' | 'citizen-b-sig'): Promise<Issued> {
  return issue({
    cn,
    key,
    issuer,
    only: [
      ext.keyUsage(['nonRepudiation']),
      ext.certificatePolicies([{ oid: QCP_N }]),
      ext.qcStatements({ compliance: true, esign: true }),
    ],
  });
}

/** Builds the fixture PKI (fixed keys; certificates valid 2026-01-01 to 2031-01-01). */
export async function trustPki(): Promise<TrustPki> {
  const phCa = await issue({ cn: 'PH eID CA', key: 'eid-ca', ca: {} });
  const vnCa = await issue({ cn: 'VN eID CA', key: 'foreign-ca', ca: {} });
  return {
    lotlSigner: await listSigner('Region LOTL signer', 'root'),
    phSigner: await listSigner('PH TL signer', 'citizen-b-auth'),
    vnSigner: await listSigner('VN TL signer', 'citizen-c-auth'),
    rogue: await listSigner('Rogue signer', 'citizen-c-sig'),
    phCa,
    vnCa,
    phLeaf: await leaf('Maria Santos', phCa, 'citizen-a-sig'),
    vnLeaf: await leaf('Nguyen Van A', vnCa, 'citizen-b-sig'),
  };
}

/** The decoded path leaf → CA, as the validator hands it to the store. */
export function pathOf(leafCert: Issued, ca: Issued): Certificate[] {
  return [decodeCertificate(leafCert.der), decodeCertificate(ca.der)];
}

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

export const LOTL_URL = 'https://hub.test/lotl.xml';
export const PH_URL = 'https://ph.test/trustlist.xml';
export const VN_URL = 'https://vn.test/trustlist.xml';
export const T0 = new Date('2026-01-01T00:00:00Z');
export const ISSUED = new Date('2026-02-01T00:00:00Z');
export const NEXT = new Date('2026-08-01T00:00:00Z');
/** When VN withdraws its CA service. */
export const VN_WITHDRAWN = new Date('2026-05-01T00:00:00Z');

/** The PH list at a sequence number. */
export function phSpec(pki: TrustPki, sequence = 1, extra: Partial<ListSpec> = {}): ListSpec {
  return {
    territory: 'PH',
    sequence,
    issued: ISSUED,
    nextUpdate: NEXT,
    providers: [
      {
        name: 'PH National Digital Agency',
        services: [{ name: 'PH eID CA', start: T0, certificates: [pki.phCa.der] }],
      },
    ],
    ...extra,
  };
}

/** The VN list: its CA granted from T0, withdrawn at {@link VN_WITHDRAWN}. */
export function vnSpec(pki: TrustPki, sequence = 1): ListSpec {
  return {
    territory: 'VN',
    sequence,
    issued: ISSUED,
    nextUpdate: NEXT,
    providers: [
      {
        name: 'VN Government CA',
        services: [
          {
            name: 'VN eID CA',
            status: SERVICE_STATUS.withdrawn,
            start: VN_WITHDRAWN,
            history: [{ status: SERVICE_STATUS.granted, start: T0 }],
            certificates: [pki.vnCa.der],
          },
        ],
      },
    ],
  };
}

/** The pointers of the LOTL. */
export function pointers(pki: TrustPki): PointerSpec[] {
  return [
    { location: PH_URL, certificates: [pki.phSigner.der], territory: 'PH' },
    { location: VN_URL, certificates: [pki.vnSigner.der], territory: 'VN' },
  ];
}

/** The LOTL at a sequence number. */
export function lotlSpec(pki: TrustPki, sequence = 1, ptrs: PointerSpec[] = pointers(pki)): ListSpec {
  return { territory: 'AS', lotl: true, sequence, issued: ISSUED, nextUpdate: NEXT, pointers: ptrs };
}

/** The served lists and a fetcher that counts requests. */
export interface Served {
  lists: Map<string, Buffer>;
  fetcher: TrustListFetcher & { requests: string[] };
}

/** Signs and serves the LOTL, PH and VN lists. */
export async function serveFederation(pki: TrustPki): Promise<Served> {
  const lists = new Map<string, Buffer>([
    [LOTL_URL, await signedList(lotlSpec(pki), pki.lotlSigner)],
    [PH_URL, await signedList(phSpec(pki), pki.phSigner)],
    [VN_URL, await signedList(vnSpec(pki), pki.vnSigner)],
  ]);
  const inner = mapFetcher(lists);
  const requests: string[] = [];
  return {
    lists,
    fetcher: {
      requests,
      fetch(url, o) {
        requests.push(`${url}${o.etag ? ' (if-none-match)' : ''}`);
        return inner.fetch(url, o);
      },
    },
  };
}
