/**
 * TrustServiceProviderList (ETSI TS 119 612 clauses 5.4 to 5.6): providers, services with
 * their extensions (Qualifications clause 5.5.9.2, AdditionalServiceInformation clause
 * 5.5.9.4) and service history.
 */
import type {
  QualificationElement,
  ServiceExtensions,
  ServiceHistoryEntry,
  TslProvider,
  TslService,
} from './model.js';
import { address, digitalIdentity, names, uriList } from './scheme_xml.js';
import { TrustListPublishError } from './errors.js';
import { checkedUri, normalizedName } from './values.js';
import { el, xmlDateTime } from './xml_writer.js';
import type { XmlOut } from './xml_writer.js';

const EN: readonly [string, string] = ['xml:lang', 'en'];
const KEY_USAGE_ORDER = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'crlSign',
  'encipherOnly',
  'decipherOnly',
] as const;

function qualificationElement(q: QualificationElement): XmlOut {
  if (q.qualifiers.length === 0)
    throw new TrustListPublishError('TL_INPUT_INVALID', 'a qualification without qualifier');
  const bits = KEY_USAGE_ORDER.filter((b) => q.criteria.keyUsage?.[b] !== undefined);
  return el(
    'ecc:QualificationElement',
    [],
    el(
      'ecc:Qualifiers',
      [],
      ...q.qualifiers.map((u) => el('ecc:Qualifier', [['uri', checkedUri(u, 'qualifier')]])),
    ),
    el(
      'ecc:CriteriaList',
      [['assert', q.criteria.assert]],
      bits.length > 0 &&
        el(
          'ecc:KeyUsage',
          [],
          ...bits.map((b) => el('ecc:KeyUsageBit', [['name', b]], String(q.criteria.keyUsage![b]))),
        ),
      ...(q.criteria.policies ?? []).map((oid) => {
        if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(oid))
          throw new TrustListPublishError('TL_INPUT_INVALID', `bad OID ${oid}`);
        return el('ecc:PolicySet', [], el('ecc:PolicyIdentifier', [], el('xades:Identifier', [], oid)));
      }),
    ),
  );
}

/** ServiceInformationExtensions, or undefined when there is none. Both extensions are critical (clause 5.5.9). */
function extensions(x: ServiceExtensions | undefined): XmlOut | undefined {
  const list: XmlOut[] = [];
  if (x?.qualifications && x.qualifications.length > 0) {
    list.push(
      el(
        'Extension',
        [['Critical', 'true']],
        el('ecc:Qualifications', [], ...x.qualifications.map(qualificationElement)),
      ),
    );
  }
  for (const uri of x?.additionalServiceInformation ?? []) {
    list.push(
      el(
        'Extension',
        [['Critical', 'true']],
        el(
          'AdditionalServiceInformation',
          [],
          el('URI', [EN], checkedUri(uri, 'additional service information')),
        ),
      ),
    );
  }
  return list.length > 0 ? el('ServiceInformationExtensions', [], ...list) : undefined;
}

function historyInstance(h: ServiceHistoryEntry): XmlOut {
  return el(
    'ServiceHistoryInstance',
    [],
    el('ServiceTypeIdentifier', [], checkedUri(h.type, 'service type')),
    names('ServiceName', h.name, 'service name'),
    digitalIdentity(h.certificate),
    el('ServiceStatus', [], checkedUri(h.status, 'service status')),
    el('StatusStartingTime', [], xmlDateTime(h.statusStartingTime)),
    extensions(h.extensions),
  );
}

function service(s: TslService): XmlOut {
  for (const h of s.history) {
    if (h.statusStartingTime.getTime() > s.statusStartingTime.getTime()) {
      throw new TrustListPublishError(
        'TL_INPUT_INVALID',
        `history of ${s.name} is newer than its current status`,
      );
    }
  }
  const points = s.supplyPoints ?? [];
  return el(
    'TSPService',
    [],
    el(
      'ServiceInformation',
      [],
      el('ServiceTypeIdentifier', [], checkedUri(s.type, 'service type')),
      names('ServiceName', s.name, 'service name'),
      digitalIdentity(s.certificate),
      el('ServiceStatus', [], checkedUri(s.status, 'service status')),
      el('StatusStartingTime', [], xmlDateTime(s.statusStartingTime)),
      points.length > 0 &&
        el(
          'ServiceSupplyPoints',
          [],
          ...points.map((p) =>
            el(
              'ServiceSupplyPoint',
              p.type ? [['type', checkedUri(p.type, 'supply point type')]] : [],
              checkedUri(p.uri, 'supply point'),
            ),
          ),
        ),
      extensions(s.extensions),
    ),
    s.history.length > 0 && el('ServiceHistory', [], ...s.history.map(historyInstance)),
  );
}

/**
 * TrustServiceProvider elements (clause 5.4).
 *
 * @example
 * ```ts
 * el('TrustServiceProviderList', [], ...providers.map(provider));
 * ```
 */
export function provider(p: TslProvider): XmlOut {
  if (p.services.length === 0)
    throw new TrustListPublishError('TL_INPUT_INVALID', `${p.name} lists no service`);
  return el(
    'TrustServiceProvider',
    [],
    el(
      'TSPInformation',
      [],
      names('TSPName', p.name, 'TSP name'),
      p.tradeNames &&
        p.tradeNames.length > 0 &&
        el('TSPTradeName', [], ...p.tradeNames.map((t) => el('Name', [EN], normalizedName(t, 'trade name')))),
      address('TSPAddress', p.address),
      uriList('TSPInformationURI', p.informationUris, 'TSP information URI'),
    ),
    el('TSPServices', [], ...p.services.map(service)),
  );
}
