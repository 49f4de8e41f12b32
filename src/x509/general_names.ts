/**
 * GeneralName (RFC 5280 §4.2.1.6) decoding with exact bytes, and the syntax rules for the
 * name forms the validator understands.
 */
import { childrenOf, fail, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { decodeOid } from '../lib/der_values.js';
import { decodeName } from './name.js';
import type { DistinguishedName } from './name.js';

/** A decoded GeneralName. Forms the validator does not interpret keep their DER. */
export type GeneralName =
  | { readonly type: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier'; readonly value: string }
  | { readonly type: 'iPAddress'; readonly bytes: Buffer }
  | { readonly type: 'directoryName'; readonly name: DistinguishedName }
  | { readonly type: 'registeredID'; readonly oid: string }
  | { readonly type: 'otherName' | 'x400Address' | 'ediPartyName'; readonly der: Buffer };

/** The GeneralName forms, by context tag number. */
export type GeneralNameType = GeneralName['type'];

const TAGS: Record<number, GeneralNameType> = {
  0xa0: 'otherName',
  0x81: 'rfc822Name',
  0x82: 'dNSName',
  0xa3: 'x400Address',
  0xa4: 'directoryName',
  0xa5: 'ediPartyName',
  0x86: 'uniformResourceIdentifier',
  0x87: 'iPAddress',
  0x88: 'registeredID',
};

function ia5(v: Buffer): string {
  for (const b of v) if (b > 0x7f) fail('IA5String with a non-ASCII octet');
  return v.toString('latin1');
}

/**
 * Decodes one GeneralName element.
 *
 * @param der - buffer holding the element
 * @param el - the element (its tag selects the form)
 * @example
 * ```ts
 * decodeGeneralName(der, topElement(der, 0x82, 'dNSName')); // { type: 'dNSName', value: 'example.com' }
 * ```
 */
export function decodeGeneralName(der: Buffer, el: DerElement): GeneralName {
  const type = TAGS[el.tag] ?? fail(`unknown GeneralName tag 0x${el.tag.toString(16)}`);
  const v = der.subarray(el.start, el.end);
  switch (type) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      return { type, value: ia5(v) };
    case 'iPAddress':
      return { type, bytes: v };
    case 'directoryName': {
      const inner = childrenOf(der, el);
      if (inner.length !== 1) fail('directoryName must hold one Name');
      return { type, name: decodeName(der.subarray(inner[0]!.offset, inner[0]!.end)) };
    }
    case 'registeredID':
      return { type, oid: decodeOid(v) };
    default:
      return { type, der: der.subarray(el.offset, el.end) };
  }
}

/**
 * Decodes GeneralNames (SEQUENCE SIZE (1..MAX) OF GeneralName).
 *
 * @example
 * ```ts
 * decodeGeneralNames(sanExtensionValue);
 * ```
 */
export function decodeGeneralNames(der: Buffer): GeneralName[] {
  const top = topElement(der, 0x30, 'GeneralNames');
  const names = childrenOf(der, top).map((el) => decodeGeneralName(der, el));
  if (names.length === 0) fail('empty GeneralNames');
  return names;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * RFC 5280 §4.2.1.6: a dNSName is in the "preferred name syntax" of RFC 1034 §3.5 as relaxed
 * by RFC 1123 §2.1 (labels may start with a digit, but the top-level label is never all
 * digits, so a dotted-quad is not a host name). A leading `*` label is allowed when
 * `wildcard` is set (the usual practice for server certificates).
 *
 * @example
 * ```ts
 * isValidDnsName('*.example.com', { wildcard: true }); // true
 * ```
 */
export function isValidDnsName(name: string, opts: { wildcard?: boolean } = {}): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (opts.wildcard && labels[0] === '*' && labels.length > 2) labels.shift();
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return false;
  return labels.every((l) => LABEL.test(l));
}

const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;

/**
 * RFC 5280 §4.2.1.6: an rfc822Name is a Mailbox of RFC 5321 §4.1.2: a dot-atom or quoted
 * local part, one `@`, and a domain.
 *
 * @example
 * ```ts
 * isValidMailbox('a.b@example.com'); // true
 * isValidMailbox('a@b@example.com'); // false
 * ```
 */
export function isValidMailbox(mailbox: string): boolean {
  const at = mailbox.lastIndexOf('@');
  if (at <= 0) return false;
  const local = mailbox.slice(0, at);
  const domain = mailbox.slice(at + 1);
  const quoted = /^"([\x20-\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/.test(local);
  return (quoted || local.split('.').every((atom) => ATEXT.test(atom))) && isValidDnsName(domain);
}

/**
 * The host of a URI's authority (RFC 3986 §3.2.2), lower-cased, or undefined when the URI has
 * no authority or the host is an IP literal.
 *
 * @example
 * ```ts
 * uriHost('https://user@WWW.example.com:8443/x'); // 'www.example.com'
 * ```
 */
export function uriHost(uri: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^:/?#]*)/.exec(uri);
  const host = m?.[1]?.toLowerCase();
  if (!host || host.startsWith('[') || /^[0-9.]+$/.test(host)) return undefined;
  return host;
}
