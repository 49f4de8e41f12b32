/**
 * What a country node's trusted list says (ETSI TS 119 612 v2): the national agency as the one
 * trust service provider, its eID CA as CA/QC with the qualifications its signature certificates
 * carry, its TSA as TSA/QTST and its OCSP responder as Certstatus/OCSP/QC, each with its status
 * history. Pure: state and identity in, {@link TslDocument} out.
 */
import { X509Certificate } from 'node:crypto';
import { POLICY } from '../../pki/profiles.js';
import type { NodeIdentity } from '../../pki/profiles.js';
import {
  ADDITIONAL_SERVICE_INFO,
  QUALIFIER,
  SERVICE_TYPE,
  TSL,
  nationalStatusDetermination,
  nationalTslType,
  schemeRules,
} from '../uris.js';
import type { ServiceExtensions, SupplyPoint, TslAddress, TslDocument, TslService } from './model.js';
import type { ListedService, NodeListState, NodeServiceKind } from './node_state.js';

/** Optional details of the scheme operator (node.json `trustList`). */
export interface NodeListDetails {
  /** Postal address of the agency; placeholders from the node's name and country otherwise. */
  street?: string;
  locality?: string;
  postalCode?: string;
  /** Contact address (mailto: or URL); the node's base URL otherwise. */
  contact?: string;
}

/** Everything a node's list is made of. */
export interface NodeListFacts {
  identity: NodeIdentity;
  state: NodeListState;
  /** The sequence number this list gets. */
  sequenceNumber: number;
  issued: Date;
  nextUpdate: Date;
  details?: NodeListDetails;
}

/**
 * The signature certificates the eID CA issues carry QcCompliance, QcType eSign and
 * QcCClegislation, policy QCP-n and keyUsage nonRepudiation, and no QcSSCD statement (the keys
 * live in the citizen's wallet). The qualifiers say exactly that, for those certificates only
 * (TS 119 612 clause 5.5.9.2, criteria per clause 5.5.9.2.2): qualified (QCStatement), for
 * electronic signatures (QCForESig), QSCD status as the certificate says (QCQSCDStatusAsInCert:
 * none, so not a QSCD). Authentication certificates (NCP, no QcCompliance) match no criteria
 * and stay non-qualified. ForeSignatures (clause 5.5.9.4) scopes the CA/QC service.
 */
const EID_CA_EXTENSIONS: ServiceExtensions = {
  qualifications: [
    {
      qualifiers: [QUALIFIER.qcStatement, QUALIFIER.qcForESig, QUALIFIER.qcQscdStatusAsInCert],
      criteria: { assert: 'all', keyUsage: { nonRepudiation: true }, policies: [POLICY.qcpNatural] },
    },
  ],
  additionalServiceInformation: [ADDITIONAL_SERVICE_INFO.forESignatures],
};

const TYPE_OF: Record<NodeServiceKind, string> = {
  'eid-ca': SERVICE_TYPE.caQc,
  tsa: SERVICE_TYPE.tsaQtst,
  ocsp: SERVICE_TYPE.ocspQc,
};

function supplyPoints(kind: NodeServiceKind, baseUrl: string): SupplyPoint[] {
  if (kind === 'tsa') return [{ uri: `${baseUrl}/tsa` }];
  if (kind === 'ocsp') return [{ uri: `${baseUrl}/ocsp` }];
  return [
    { uri: `${baseUrl}/crl/eid-ca.crl`, type: SERVICE_TYPE.crlQc },
    { uri: `${baseUrl}/ocsp`, type: SERVICE_TYPE.ocspQc },
  ];
}

/** The service name: the certificate's common name (what relying parties see in reports). */
function serviceName(der: Buffer, kind: NodeServiceKind): string {
  const cn = /^CN=(.+)$/m.exec(new X509Certificate(der).subject)?.[1];
  return cn ?? kind;
}

/** A listed service as TS 119 612 shows it: current status, then the earlier ones newest first. */
function tslService(s: ListedService, baseUrl: string): TslService {
  const der = Buffer.from(s.certificate, 'base64');
  const type = TYPE_OF[s.kind];
  const name = serviceName(der, s.kind);
  const extensions = s.kind === 'eid-ca' ? EID_CA_EXTENSIONS : undefined;
  const [current, ...older] = [...s.history].reverse();
  return {
    type,
    name,
    certificate: der,
    status: current!.status,
    statusStartingTime: new Date(current!.at),
    supplyPoints: supplyPoints(s.kind, baseUrl),
    extensions,
    history: older.map((h) => ({
      type,
      name,
      certificate: der,
      status: h.status,
      statusStartingTime: new Date(h.at),
      extensions,
    })),
  };
}

const KIND_ORDER: Record<NodeServiceKind, number> = { 'eid-ca': 0, tsa: 1, ocsp: 2 };

/**
 * The node's list as data: scheme information (territory = the node's country, operator = the
 * national agency, distribution point = `<base URL>/trustlist.xml`) and one provider.
 *
 * @example
 * ```ts
 * const xml = buildTsl(nodeTrustListDocument({ identity, state, sequenceNumber: 2, issued, nextUpdate }));
 * ```
 */
export function nodeTrustListDocument(f: NodeListFacts): TslDocument {
  const { identity: id, details: d = {} } = f;
  const address: TslAddress = {
    street: d.street ?? id.name,
    locality: d.locality ?? id.country,
    postalCode: d.postalCode,
    country: id.country,
    electronic: [d.contact ?? `${id.baseUrl}/`],
  };
  const services = [...f.state.services]
    .sort(
      (a, b) =>
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        a.history[0]!.at.localeCompare(b.history[0]!.at) ||
        a.key.localeCompare(b.key),
    )
    .map((s) => tslService(s, id.baseUrl));
  return {
    id: `TL-${id.country}`,
    scheme: {
      sequenceNumber: f.sequenceNumber,
      tslType: nationalTslType(id.country),
      operatorName: id.name,
      operatorAddress: address,
      schemeName: `${id.country}: trusted list of the trust services supervised by ${id.name}`,
      informationUris: [`${id.baseUrl}/`],
      statusDetermination: nationalStatusDetermination(id.country),
      schemeRules: [schemeRules(id.country)],
      territory: id.country,
      legalNotice: `Trusted list of ${id.country} published under ETSI TS 119 612 for the regional mutual recognition of electronic signatures.`,
      historicalInformationPeriod: TSL.historicalInformationPeriod,
      issued: f.issued,
      nextUpdate: f.nextUpdate,
      distributionPoints: [`${id.baseUrl}/trustlist.xml`],
    },
    providers:
      services.length > 0 ? [{ name: id.name, address, informationUris: [`${id.baseUrl}/`], services }] : [],
  };
}
