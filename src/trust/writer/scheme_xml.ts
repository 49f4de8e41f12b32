/**
 * SchemeInformation (ETSI TS 119 612 clause 5.3) and its PointersToOtherTSL (clause 5.3.13), in
 * the element order of the v2.4.1 XSD.
 */
import { NS, TSL } from '../uris.js';
import type { TslAddress, TslPointer, TslScheme } from './model.js';
import { TrustListPublishError } from './errors.js';
import { checkedSequence, checkedUri, normalizedName } from './values.js';
import { el, xmlDateTime } from './xml_writer.js';
import type { XmlOut } from './xml_writer.js';

const EN: readonly [string, string] = ['xml:lang', 'en'];

/** InternationalNamesType with one English name (clause 5.1.4). */
export function names(tag: string, value: string, what: string): XmlOut {
  return el(tag, [], el('Name', [EN], normalizedName(value, what)));
}

/** NonEmptyMultiLangURIListType (English URIs). */
export function uriList(tag: string, uris: readonly string[], what: string): XmlOut {
  if (uris.length === 0)
    throw new TrustListPublishError('TL_INPUT_INVALID', `${what} needs at least one URI`);
  return el(tag, [], ...uris.map((u) => el('URI', [EN], checkedUri(u, what))));
}

/** AddressType: PostalAddresses then ElectronicAddress (clause 5.3.5). */
export function address(tag: string, a: TslAddress): XmlOut {
  return el(
    tag,
    [],
    el(
      'PostalAddresses',
      [],
      el(
        'PostalAddress',
        [EN],
        el('StreetAddress', [], normalizedName(a.street, 'street address')),
        el('Locality', [], normalizedName(a.locality, 'locality')),
        a.postalCode !== undefined && el('PostalCode', [], normalizedName(a.postalCode, 'postal code')),
        el('CountryName', [], normalizedName(a.country, 'country name')),
      ),
    ),
    uriList('ElectronicAddress', a.electronic, 'electronic address'),
  );
}

/** A ServiceDigitalIdentity holding one X.509 certificate (clause 5.5.3). */
export function digitalIdentity(cert: Buffer): XmlOut {
  if (cert.length === 0) throw new TrustListPublishError('TL_INPUT_INVALID', 'an empty certificate');
  return el(
    'ServiceDigitalIdentity',
    [],
    el('DigitalId', [], el('X509Certificate', [], cert.toString('base64'))),
  );
}

function otherInformation(child: XmlOut): XmlOut {
  return el('OtherInformation', [], child);
}

/**
 * OtherTSLPointer (clause 5.3.13): the signers' certificates, the location, then the
 * AdditionalInformation in the order the EU list of trusted lists uses (TSLType,
 * SchemeOperatorName, SchemeTypeCommunityRules, SchemeTerritory, MimeType) and any extra
 * OtherInformation.
 */
export function pointer(p: TslPointer): XmlOut {
  if (p.signers.length === 0) {
    throw new TrustListPublishError('TL_INPUT_INVALID', `the pointer to ${p.location} names no signer`);
  }
  return el(
    'OtherTSLPointer',
    [],
    el('ServiceDigitalIdentities', [], ...p.signers.map(digitalIdentity)),
    el('TSLLocation', [], checkedUri(p.location, 'TSLLocation')),
    el(
      'AdditionalInformation',
      [],
      otherInformation(el('TSLType', [], checkedUri(p.tslType, 'TSLType'))),
      otherInformation(names('SchemeOperatorName', p.operatorName, 'pointed scheme operator name')),
      p.schemeRules && p.schemeRules.length > 0
        ? otherInformation(uriList('SchemeTypeCommunityRules', p.schemeRules, 'scheme rules'))
        : undefined,
      otherInformation(el('SchemeTerritory', [], normalizedName(p.territory, 'territory', 16))),
      otherInformation(el('tslx:MimeType', [], normalizedName(p.mimeType, 'MIME type', 128))),
      ...(p.otherInformation ?? []).map(otherInformation),
    ),
  );
}

/**
 * SchemeInformation in XSD order.
 *
 * @example
 * ```ts
 * serializeXml(el('TrustServiceStatusList', [], schemeInformation(scheme)));
 * ```
 */
export function schemeInformation(s: TslScheme): XmlOut {
  if (!(s.nextUpdate.getTime() > s.issued.getTime())) {
    throw new TrustListPublishError('TL_INPUT_INVALID', 'NextUpdate must be after ListIssueDateTime');
  }
  return el(
    'SchemeInformation',
    [],
    el('TSLVersionIdentifier', [], String(TSL.versionIdentifier)),
    el('TSLSequenceNumber', [], String(checkedSequence(s.sequenceNumber))),
    el('TSLType', [], checkedUri(s.tslType, 'TSLType')),
    names('SchemeOperatorName', s.operatorName, 'scheme operator name'),
    address('SchemeOperatorAddress', s.operatorAddress),
    names('SchemeName', s.schemeName, 'scheme name'),
    uriList('SchemeInformationURI', s.informationUris, 'scheme information URI'),
    el('StatusDeterminationApproach', [], checkedUri(s.statusDetermination, 'StatusDeterminationApproach')),
    s.schemeRules.length > 0 && uriList('SchemeTypeCommunityRules', s.schemeRules, 'scheme rules'),
    el('SchemeTerritory', [], normalizedName(s.territory, 'territory', 16)),
    el(
      'PolicyOrLegalNotice',
      [],
      el('TSLLegalNotice', [EN], normalizedName(s.legalNotice, 'legal notice', 4096)),
    ),
    el('HistoricalInformationPeriod', [], String(s.historicalInformationPeriod)),
    s.pointers && s.pointers.length > 0 && el('PointersToOtherTSL', [], ...s.pointers.map(pointer)),
    el('ListIssueDateTime', [], xmlDateTime(s.issued)),
    el('NextUpdate', [], el('dateTime', [], xmlDateTime(s.nextUpdate))),
    s.distributionPoints.length > 0 &&
      el(
        'DistributionPoints',
        [],
        ...s.distributionPoints.map((u) => el('URI', [], checkedUri(u, 'distribution point'))),
      ),
  );
}

/** The namespace declarations of our root element (default namespace = TSL). */
export const ROOT_NAMESPACES: readonly (readonly [string, string])[] = [
  ['xmlns', NS.tsl],
  ['xmlns:tslx', NS.tslx],
  ['xmlns:ecc', NS.ecc],
  ['xmlns:xades', NS.xades],
];
