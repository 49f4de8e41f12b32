/**
 * Reads a TrustServiceStatusList (ETSI TS 119 612 v2, clause 5 and Annex C) into the
 * {@link TrustedList} model. Works on an already parsed (and, in the trust store, already
 * signature-verified) tree: what is read is exactly what was signed.
 */
import type { XmlElement } from '../../lib/xml/dom.js';
import { attribute } from '../../lib/xml/query.js';
import { HUB_LOTL, NS, TSL } from '../uris.js';
import type { TrustedList, TslPointer } from './model.js';
import { readProvider } from './service.js';
import {
  LIST_LIMITS,
  base64,
  child,
  children,
  dateTime,
  malformed,
  preferredName,
  required,
  requiredDate,
  requiredText,
  text,
  uris,
} from './xml_fields.js';

function positiveInteger(value: string, what: string): number {
  if (!/^\d{1,15}$/.test(value)) malformed(`${what} ${JSON.stringify(value.slice(0, 20))} is not an integer`);
  return Number(value);
}

/** The hub's `tb:MemberStatus` history (HUB_LOTL in src/trust/uris.ts), sorted oldest first. */
function memberStatus(el: XmlElement): { status: string; start: Date }[] {
  return children(el, HUB_LOTL.statusChange, LIST_LIMITS.historyPerService, HUB_LOTL.ns)
    .map((c) => ({
      status: attribute(c, HUB_LOTL.statusAttribute) ?? malformed('StatusChange has no Status'),
      start: dateTime(attribute(c, HUB_LOTL.startingTimeAttribute) ?? '', 'StatusChange StatusStartingTime'),
    }))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

function pointerInformation(el: XmlElement | undefined, p: TslPointer): void {
  for (const info of el ? children(el, 'OtherInformation', 64) : []) {
    for (const c of info.children) {
      if (c.type !== 'element') continue;
      const key = `{${c.namespaceUri}}${c.localName}`;
      if (key === `{${NS.tsl}}TSLType`) p.tslType = text(c);
      else if (key === `{${NS.tsl}}SchemeTerritory`) p.schemeTerritory = text(c);
      else if (key === `{${NS.tslx}}MimeType`) p.mimeType = text(c);
      else if (key === `{${HUB_LOTL.ns}}${HUB_LOTL.memberStatus}`) p.memberStatus = memberStatus(c);
      else if (key === `{${NS.tsl}}SchemeOperatorName`) {
        const name = preferredName(c);
        if (name) p.schemeOperatorName = name;
      } else {
        const attributes = Object.fromEntries(c.attributes.map((a) => [a.localName, a.value]));
        p.otherInformation.push({ name: key, text: text(c), attributes });
      }
    }
  }
}

/** OtherTSLPointer (clause 5.3.13). */
function readPointer(el: XmlElement): TslPointer {
  const p: TslPointer = { location: requiredText(el, 'TSLLocation'), certificates: [], otherInformation: [] };
  const ids = child(el, 'ServiceDigitalIdentities');
  for (const sdi of ids ? children(ids, 'ServiceDigitalIdentity', LIST_LIMITS.identitiesPerService) : []) {
    for (const id of children(sdi, 'DigitalId', LIST_LIMITS.identitiesPerService)) {
      const cert = child(id, 'X509Certificate');
      if (cert) p.certificates.push(base64(text(cert), 'X509Certificate'));
    }
  }
  pointerInformation(child(el, 'AdditionalInformation'), p);
  return p;
}

/**
 * Reads a trusted list or list of trusted lists.
 *
 * @param root - the TrustServiceStatusList element
 * @returns the model
 * @throws TrustStoreError TRUST_LIST_MALFORMED when a mandatory field is missing or invalid
 * @example
 * ```ts
 * const { root } = verifyEnvelopedSignature(xml, signerDer);
 * const list = parseTrustedList(root);
 * console.log(list.schemeTerritory, list.sequenceNumber);
 * ```
 */
export function parseTrustedList(root: XmlElement): TrustedList {
  if (root.namespaceUri !== NS.tsl || root.localName !== TSL.rootElement)
    malformed(`the root element is {${root.namespaceUri}}${root.localName}, not a TrustServiceStatusList`);
  const info = required(root, 'SchemeInformation');
  const nextUpdate = child(required(info, 'NextUpdate'), 'dateTime');
  const pointers = child(info, 'PointersToOtherTSL');
  const tsps = child(root, 'TrustServiceProviderList');
  const id = attribute(root, 'Id');
  const name = preferredName(child(info, 'SchemeName'));
  return {
    ...(id ? { id } : {}),
    versionIdentifier: positiveInteger(requiredText(info, 'TSLVersionIdentifier'), 'TSLVersionIdentifier'),
    sequenceNumber: positiveInteger(requiredText(info, 'TSLSequenceNumber'), 'TSLSequenceNumber'),
    tslType: requiredText(info, 'TSLType'),
    schemeOperatorName:
      preferredName(required(info, 'SchemeOperatorName')) ?? malformed('SchemeOperatorName has no Name'),
    ...(name ? { schemeName: name } : {}),
    schemeTerritory: requiredText(info, 'SchemeTerritory'),
    issueDate: requiredDate(info, 'ListIssueDateTime'),
    ...(nextUpdate && text(nextUpdate) ? { nextUpdate: dateTime(text(nextUpdate), 'NextUpdate') } : {}),
    distributionPoints: uris(child(info, 'DistributionPoints')),
    pointers: pointers ? children(pointers, 'OtherTSLPointer', LIST_LIMITS.pointers).map(readPointer) : [],
    providers: tsps ? children(tsps, 'TrustServiceProvider', LIST_LIMITS.providers).map(readProvider) : [],
  };
}

/** The scheme territory written in a pointer, or undefined. */
export function pointerTerritory(p: TslPointer): string | undefined {
  return p.schemeTerritory ?? optionalTerritoryFromType(p.tslType);
}

function optionalTerritoryFromType(tslType: string | undefined): string | undefined {
  const m = tslType ? /\/TSLType\/([A-Z]{2})list$/.exec(tslType) : null;
  return m?.[1];
}
