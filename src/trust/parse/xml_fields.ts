/**
 * Field readers over the parsed TS 119 612 tree: required and optional children, trimmed text,
 * xsd:dateTime, base64 and multilingual names. Every fault is a TRUST_LIST_MALFORMED error that
 * names the element, so a hostile or broken list fails with a stable code. Internal.
 */
import type { XmlElement } from '../../lib/xml/dom.js';
import { XML_NAMESPACE } from '../../lib/xml/dom.js';
import { attribute, childElement, childElements, textContent } from '../../lib/xml/query.js';
import { TrustStoreError } from '../store/errors.js';
import { NS } from '../uris.js';

/** Bounds on what one list may hold (a real national list has tens of TSPs, the EU LOTL ~45 pointers). */
export const LIST_LIMITS = {
  providers: 10_000,
  servicesPerProvider: 10_000,
  historyPerService: 1_000,
  identitiesPerService: 64,
  pointers: 1_000,
  qualificationElements: 256,
  criteriaDepth: 8,
} as const;

/** Throws TRUST_LIST_MALFORMED. */
export function malformed(detail: string): never {
  throw new TrustStoreError('TRUST_LIST_MALFORMED', detail);
}

/** The child `{ns}local` (TSL namespace by default), if any. */
export function child(el: XmlElement, local: string, ns: string = NS.tsl): XmlElement | undefined {
  return childElement(el, ns, local);
}

/** Every child `{ns}local`, at most `max`. */
export function children(el: XmlElement, local: string, max: number, ns: string = NS.tsl): XmlElement[] {
  const list = childElements(el, ns, local);
  if (list.length > max) malformed(`more than ${max} ${local} elements in ${el.localName}`);
  return list;
}

/** The child `{ns}local`, which must exist. */
export function required(el: XmlElement, local: string, ns: string = NS.tsl): XmlElement {
  return child(el, local, ns) ?? malformed(`${el.localName} has no ${local}`);
}

/** The trimmed text of an element. */
export function text(el: XmlElement): string {
  return textContent(el).trim();
}

/** The trimmed, non-empty text of the required child `local`. */
export function requiredText(el: XmlElement, local: string, ns: string = NS.tsl): string {
  const value = text(required(el, local, ns));
  if (value === '') malformed(`${el.localName}/${local} is empty`);
  return value;
}

/** The trimmed text of the optional child `local` (undefined when absent or empty). */
export function optionalText(el: XmlElement, local: string, ns: string = NS.tsl): string | undefined {
  const c = child(el, local, ns);
  const value = c ? text(c) : '';
  return value === '' ? undefined : value;
}

const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An xsd:dateTime. TS 119 612 clause 5.1.4 requires UTC ("Z"); a value without a zone is read as
 * UTC rather than the reader's local time, so every reader gets the same instant.
 */
export function dateTime(value: string, what: string): Date {
  if (!DATE_TIME.test(value))
    malformed(`${what} ${JSON.stringify(value.slice(0, 40))} is not an xsd:dateTime`);
  const d = new Date(/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(d.getTime())) malformed(`${what} ${value} is not a real date`);
  return d;
}

/** A required dateTime child. */
export function requiredDate(el: XmlElement, local: string): Date {
  return dateTime(requiredText(el, local), local);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** base64Binary text (whitespace allowed between characters, XML Schema Part 2 §3.2.16). */
export function base64(value: string, what: string): Buffer {
  const compact = value.replace(/[ \t\r\n]+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) malformed(`${what} is not base64`);
  return Buffer.from(compact, 'base64');
}

/**
 * The preferred name of an InternationalNamesType element (clause 5.1.4): the English one, else
 * the first.
 */
export function preferredName(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const names = childElements(el, NS.tsl, 'Name');
  const english = names.find((n) => attribute(n, 'lang', XML_NAMESPACE)?.toLowerCase() === 'en');
  const chosen = english ?? names[0];
  const value = chosen ? text(chosen) : '';
  return value === '' ? undefined : value;
}

/** Every name of an InternationalNamesType element. */
export function allNames(el: XmlElement | undefined): string[] {
  if (!el) return [];
  return childElements(el, NS.tsl, 'Name')
    .map(text)
    .filter((n) => n !== '');
}

/** The URI children of a URI list element (NonEmptyURIListType and friends). */
export function uris(el: XmlElement | undefined): string[] {
  if (!el) return [];
  return childElements(el, NS.tsl, 'URI')
    .map(text)
    .filter((u) => u !== '');
}
