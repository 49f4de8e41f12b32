/**
 * Service information extensions (TS 119 612 clause 5.5.9): the Qualifications extension
 * (clause 5.5.9.2: qualifiers applied to the certificates that match a criteria list),
 * AdditionalServiceInformation (clause 5.5.9.4) and ExpiredCertsRevocationInfo (clause 5.5.9.3).
 * Internal.
 */
import type { XmlElement } from '../../lib/xml/dom.js';
import { attribute, childElements } from '../../lib/xml/query.js';
import { NS } from '../uris.js';
import type { QualificationCriteria, QualificationElement, ServiceExtensions } from './model.js';
import { LIST_LIMITS, child, children, dateTime, malformed, text } from './xml_fields.js';

/** xades:Identifier text as a dotted OID (`urn:oid:` form of the OIDAsURN qualifier accepted). */
function identifierOid(el: XmlElement): string | undefined {
  const id = child(el, 'Identifier', NS.xades);
  const value = id ? text(id).replace(/^urn:oid:/i, '') : '';
  return /^\d+(\.\d+)+$/.test(value) ? value : undefined;
}

function keyUsageCriterion(el: XmlElement): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const bit of childElements(el, NS.ecc, 'KeyUsageBit')) {
    const name = attribute(bit, 'name');
    const value = text(bit);
    if (!name || (value !== 'true' && value !== 'false'))
      malformed('KeyUsageBit needs a name and true/false');
    out[name] = value === 'true';
  }
  return out;
}

function policySet(el: XmlElement): string[] {
  return childElements(el, NS.ecc, 'PolicyIdentifier').map(
    (p) => identifierOid(p) ?? malformed('PolicyIdentifier is not an OID'),
  );
}

function otherCriteria(el: XmlElement, into: QualificationCriteria): void {
  for (const c of el.children) {
    if (c.type !== 'element') continue;
    if (c.namespaceUri === NS.tslx && c.localName === 'ExtendedKeyUsage') {
      const oids = childElements(c, NS.tslx, 'KeyPurposeId').map(
        (k) => identifierOid(k) ?? malformed('KeyPurposeId is not an OID'),
      );
      into.extendedKeyUsage.push(oids);
    } else into.unsupported.push(c.localName);
  }
}

/** A CriteriaList (clause 5.5.9.2.2), nested lists bounded in depth. */
function criteriaList(el: XmlElement, depth: number): QualificationCriteria {
  if (depth > LIST_LIMITS.criteriaDepth) malformed('CriteriaList nested too deeply');
  const a = attribute(el, 'assert') ?? 'all';
  if (a !== 'all' && a !== 'atLeastOne' && a !== 'none') malformed(`CriteriaList assert="${a}"`);
  const out: QualificationCriteria = {
    assert: a,
    keyUsage: [],
    policySets: [],
    extendedKeyUsage: [],
    nested: [],
    unsupported: [],
  };
  for (const c of el.children) {
    if (c.type !== 'element' || c.namespaceUri !== NS.ecc) continue;
    if (c.localName === 'KeyUsage') out.keyUsage.push(keyUsageCriterion(c));
    else if (c.localName === 'PolicySet') out.policySets.push(policySet(c));
    else if (c.localName === 'CriteriaList') out.nested.push(criteriaList(c, depth + 1));
    else if (c.localName === 'otherCriteriaList') otherCriteria(c, out);
    else if (c.localName !== 'Description') out.unsupported.push(c.localName);
  }
  return out;
}

function qualifications(el: XmlElement): QualificationElement[] {
  return children(el, 'QualificationElement', LIST_LIMITS.qualificationElements, NS.ecc).map((q) => {
    const qualifiers = childElements(child(q, 'Qualifiers', NS.ecc) ?? q, NS.ecc, 'Qualifier')
      .map((x) => attribute(x, 'uri') ?? '')
      .filter((u) => u !== '');
    const list = child(q, 'CriteriaList', NS.ecc) ?? malformed('QualificationElement has no CriteriaList');
    return { qualifiers, criteria: criteriaList(list, 0) };
  });
}

/**
 * Reads ServiceInformationExtensions (absent: none).
 *
 * @param el - the ServiceInformationExtensions element
 * @example
 * ```ts
 * const ext = readExtensions(child(serviceInformation, 'ServiceInformationExtensions'));
 * ext.qualifications[0]?.qualifiers;
 * ```
 */
export function readExtensions(el: XmlElement | undefined): ServiceExtensions {
  const out: ServiceExtensions = { qualifications: [], additionalServiceInformation: [] };
  if (!el) return out;
  for (const ext of childElements(el, NS.tsl, 'Extension')) {
    for (const c of ext.children) {
      if (c.type !== 'element') continue;
      if (c.namespaceUri === NS.ecc && c.localName === 'Qualifications') {
        out.qualifications.push(...qualifications(c));
      } else if (c.namespaceUri === NS.tsl && c.localName === 'AdditionalServiceInformation') {
        const uri = child(c, 'URI');
        if (uri && text(uri)) out.additionalServiceInformation.push(text(uri));
      } else if (c.namespaceUri === NS.tslx && c.localName === 'ExpiredCertsRevocationInfo') {
        out.expiredCertsRevocationInfo = dateTime(text(c), 'ExpiredCertsRevocationInfo');
      }
    }
  }
  return out;
}
