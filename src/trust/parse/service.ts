/**
 * Trust service providers and services (TS 119 612 clauses 5.4 to 5.6): the current service
 * information, its digital identity and its status history. Internal.
 */
import type { XmlElement } from '../../lib/xml/dom.js';
import { childElements } from '../../lib/xml/query.js';
import { NS } from '../uris.js';
import { readExtensions } from './extensions.js';
import type { DigitalIdentity, ServiceStatusEntry, TrustService, TrustServiceProvider } from './model.js';
import {
  LIST_LIMITS,
  allNames,
  base64,
  child,
  children,
  malformed,
  preferredName,
  required,
  requiredDate,
  requiredText,
  text,
} from './xml_fields.js';

/**
 * A ServiceDigitalIdentity (clause 5.5.3). Only X509Certificate, X509SubjectName and X509SKI are
 * kept: a bare KeyValue or Other cannot anchor an X.509 path.
 */
export function readIdentity(el: XmlElement): DigitalIdentity {
  const out: DigitalIdentity = { certificates: [], subjectNames: [], skis: [] };
  for (const id of children(el, 'DigitalId', LIST_LIMITS.identitiesPerService)) {
    const cert = child(id, 'X509Certificate');
    const name = child(id, 'X509SubjectName');
    const ski = child(id, 'X509SKI');
    if (cert) out.certificates.push(base64(text(cert), 'X509Certificate'));
    if (name && text(name)) out.subjectNames.push(text(name));
    if (ski) out.skis.push(base64(text(ski), 'X509SKI'));
  }
  return out;
}

/** The fields common to ServiceInformation and ServiceHistoryInstance. */
function statusEntry(el: XmlElement): ServiceStatusEntry {
  return {
    type: requiredText(el, 'ServiceTypeIdentifier'),
    name: preferredName(required(el, 'ServiceName')) ?? malformed('ServiceName has no Name'),
    status: requiredText(el, 'ServiceStatus'),
    statusStartingTime: requiredDate(el, 'StatusStartingTime'),
    ...readExtensions(child(el, 'ServiceInformationExtensions')),
  };
}

function readService(el: XmlElement): TrustService {
  const info = required(el, 'ServiceInformation');
  const identity = readIdentity(required(info, 'ServiceDigitalIdentity'));
  const history = children(
    child(el, 'ServiceHistory') ?? el,
    'ServiceHistoryInstance',
    LIST_LIMITS.historyPerService,
  ).map((h) => {
    const entry = statusEntry(h);
    const hid = child(h, 'ServiceDigitalIdentity');
    return hid ? { ...entry, identity: readIdentity(hid) } : entry;
  });
  const supply = child(info, 'ServiceSupplyPoints');
  return {
    current: statusEntry(info),
    identity,
    history,
    supplyPoints: supply ? childElements(supply, NS.tsl, 'ServiceSupplyPoint').map(text) : [],
  };
}

/**
 * A TrustServiceProvider (clause 5.4) with its services.
 *
 * @param el - the TrustServiceProvider element
 * @example
 * ```ts
 * const tsp = readProvider(tspElement);
 * tsp.services[0]?.current.status;
 * ```
 */
export function readProvider(el: XmlElement): TrustServiceProvider {
  const info = required(el, 'TSPInformation');
  const services = children(required(el, 'TSPServices'), 'TSPService', LIST_LIMITS.servicesPerProvider);
  return {
    name: preferredName(required(info, 'TSPName')) ?? malformed('TSPName has no Name'),
    tradeNames: allNames(child(info, 'TSPTradeName')),
    services: services.map(readService),
  };
}
