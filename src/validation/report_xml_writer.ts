/**
 * The small, strict XML writer behind the ETSI TS 119 102-2 renderer: an element tree serialised
 * deterministically (attributes in insertion order, two-space indentation), text and attribute
 * escaping that also drops the characters XML 1.0 cannot carry at all (clause 2.2 `Char`), and
 * the normalisers that make report fields schema-valid (`xs:dateTime`, `xs:base64Binary`, `xs:ID`).
 * Internal to `src/validation/report_xml*.ts`.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors.js';
import type { DigestName } from '../signature/model.js';

/**
 * A report could not be rendered because one of its fields is malformed.
 *
 * @example
 * ```ts
 * throw new ReportRenderError('REPORT_MALFORMED', 'signingTime is not a date');
 * ```
 */
export class ReportRenderError extends ValidationError {}

/** An element: a name, attributes in output order, and either text or child elements. */
export interface XmlElement {
  name: string;
  attrs: ReadonlyArray<readonly [string, string]>;
  children: readonly XmlElement[];
  text?: string;
}

/** A child slot: `undefined` / `false` are skipped, so optional elements read as expressions. */
export type XmlChild = XmlElement | undefined | false;

/**
 * An element with child elements (empty slots dropped).
 *
 * @example
 * ```ts
 * el('vr:POE', {}, textEl('vr:POETime', '2026-01-01T00:00:00Z'), undefined);
 * ```
 */
export function el(
  name: string,
  attrs: Record<string, string | undefined>,
  ...children: ReadonlyArray<XmlChild | readonly XmlChild[]>
): XmlElement {
  const kids = children.flat().filter((c): c is XmlElement => Boolean(c));
  return { name, attrs: definedAttrs(attrs), children: kids };
}

/**
 * An element holding text only.
 *
 * @example
 * ```ts
 * textEl('vr:HashOnly', 'false');
 * ```
 */
export function textEl(
  name: string,
  text: string,
  attrs: Record<string, string | undefined> = {},
): XmlElement {
  return { name, attrs: definedAttrs(attrs), children: [], text };
}

function definedAttrs(attrs: Record<string, string | undefined>): Array<[string, string]> {
  return Object.entries(attrs).filter((a): a is [string, string] => a[1] !== undefined);
}

// XML 1.0 clause 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Anything else (C0 controls, lone surrogates, U+FFFE/U+FFFF) cannot appear even as a reference.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Replaces characters XML cannot carry with U+FFFD (what a subject name with a NUL becomes).
 *
 * @example
 * ```ts
 * xmlSafe('a\u0000b'); // 'a\uFFFDb'
 * ```
 */
export function xmlSafe(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD');
}

/**
 * Escapes character data: `&`, `<`, `>` and CR (kept through end-of-line normalisation, clause 2.11).
 *
 * @example
 * ```ts
 * escapeText('Evil & <Co>'); // 'Evil &amp; &lt;Co&gt;'
 * ```
 */
export function escapeText(value: string): string {
  return xmlSafe(value).replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
}

/**
 * Escapes an attribute value: also quotes and the whitespace that attribute normalisation would fold.
 *
 * @example
 * ```ts
 * escapeAttr('say "hi"'); // 'say &quot;hi&quot;'
 * ```
 */
export function escapeAttr(value: string): string {
  return xmlSafe(value).replace(/[&<>"'\t\n\r]/g, (c) => TEXT_ESCAPES[c]!);
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Serialises an element tree; iterative so that no report depth can exhaust the stack.
 *
 * @param root - the document element
 * @param indent - two-space indentation (true) or one line
 *
 * @example
 * ```ts
 * serializeXml(el('vr:ValidationReport', {}, textEl('vr:HashOnly', 'false')));
 * ```
 */
export function serializeXml(root: XmlElement, indent = true): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', indent ? '\n' : ''];
  const stack: Array<{ node: XmlElement; depth: number; close: boolean }> = [
    { node: root, depth: 0, close: false },
  ];
  while (stack.length > 0) {
    const { node, depth, close } = stack.pop()!;
    const pad = indent ? '  '.repeat(depth) : '';
    const nl = indent ? '\n' : '';
    if (close) {
      out.push(`${pad}</${node.name}>${nl}`);
      continue;
    }
    const attrs = node.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
    if (node.children.length === 0) {
      const body = node.text === undefined || node.text === '' ? null : escapeText(node.text);
      out.push(
        body === null
          ? `${pad}<${node.name}${attrs}/>${nl}`
          : `${pad}<${node.name}${attrs}>${body}</${node.name}>${nl}`,
      );
      continue;
    }
    out.push(`${pad}<${node.name}${attrs}>${nl}`);
    stack.push({ node, depth, close: true });
    for (let i = node.children.length - 1; i >= 0; i--)
      stack.push({ node: node.children[i]!, depth: depth + 1, close: false });
  }
  return out.join('');
}

/**
 * Throws the report error for `field`.
 *
 * @example
 * ```ts
 * if (!ok) malformed('signingTime', 'is not an ISO 8601 date-time');
 * ```
 */
export function malformed(field: string, detail: string): never {
  throw new ReportRenderError('REPORT_MALFORMED', `the validation report field ${field} ${detail}`);
}

// ISO 8601 date-time with an explicit offset, as the report writes them (RFC 3339 profile).
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Normalises an ISO 8601 date-time to a UTC `xs:dateTime` (`2026-03-02T09:30:00Z`, milliseconds
 * only when not zero). Throws REPORT_MALFORMED for anything else: `xs:dateTime` has no year 0 and
 * four-digit years keep the output within XML Schema 1.0.
 *
 * @param value - the report's ISO 8601 string
 * @param field - the field name, for the error
 *
 * @example
 * ```ts
 * xsDateTime('2026-03-02T10:30:00+01:00', 'signingTime'); // '2026-03-02T09:30:00Z'
 * ```
 */
export function xsDateTime(value: string, field: string): string {
  const d = ISO_DATE_TIME.test(value) ? new Date(value) : new Date(NaN);
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 1 || year > 9999) malformed(field, 'is not an ISO 8601 date-time');
  return d.toISOString().replace('.000Z', 'Z');
}

/**
 * Canonical base64 of a base64 field (Node's decoder skips what is not base64, so the output is valid).
 *
 * @example
 * ```ts
 * canonicalBase64('AA EC'); // 'AAEC'
 * ```
 */
export function canonicalBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('base64');
}

/**
 * SHA-256, hex upper case (the form the report's object identifiers use).
 *
 * @example
 * ```ts
 * sha256Hex(Buffer.from('abc')); // 'BA7816BF…'
 * ```
 */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex').toUpperCase();
}

const NCNAME_START = /^[A-Za-z_]/;

/**
 * Turns any string into an `xs:ID` (an NCName, XML Namespaces clause 3): characters other than
 * letters, digits, `.`, `-`, `_` become `_`, a prefix keeps the first character a letter, and
 * the length is bounded. Uniqueness is the caller's job ({@link IdAllocator}).
 *
 * @example
 * ```ts
 * toNcName('SIG-', 'Signature 1'); // 'SIG-Signature_1'
 * ```
 */
export function toNcName(prefix: string, value: string, maxLength = 80): string {
  const body = value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, maxLength);
  const name = `${prefix}${body}`;
  return NCNAME_START.test(name) ? name : `_${name}`;
}

/**
 * Hands out unique `xs:ID`s: the second signature whose id maps to `SIG-a_b` becomes `SIG-a_b-2`.
 *
 * @example
 * ```ts
 * const ids = new IdAllocator();
 * ids.allocate('SIG-a'); // 'SIG-a'
 * ids.allocate('SIG-a'); // 'SIG-a-2'
 * ```
 */
export class IdAllocator {
  private readonly used = new Set<string>();

  /** Reserves `candidate`, or the first free `candidate-N`. */
  allocate(candidate: string): string {
    let id = candidate;
    for (let n = 2; this.used.has(id); n++) id = `${candidate}-${n}`;
    this.used.add(id);
    return id;
  }
}

/** XML Signature / RFC 6931 / RFC 9231 digest method URIs. */
export const DIGEST_METHOD_URIS: Readonly<Record<DigestName, string>> = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha224: 'http://www.w3.org/2001/04/xmldsig-more#sha224',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  'sha3-224': 'http://www.w3.org/2007/05/xmldsig-more#sha3-224',
  'sha3-256': 'http://www.w3.org/2007/05/xmldsig-more#sha3-256',
  'sha3-384': 'http://www.w3.org/2007/05/xmldsig-more#sha3-384',
  'sha3-512': 'http://www.w3.org/2007/05/xmldsig-more#sha3-512',
};

/**
 * A XAdES `DigestAlgAndValueType` (ds:DigestMethod, ds:DigestValue) under `name`.
 *
 * @param name - the element name (`vr:DigestAlgAndValue`)
 * @param algorithm - the digest algorithm
 * @param digest - the digest bytes
 *
 * @example
 * ```ts
 * digestAlgAndValue('vr:DigestAlgAndValue', 'sha256', createHash('sha256').update(der).digest());
 * ```
 */
export function digestAlgAndValue(name: string, algorithm: DigestName, digest: Buffer): XmlElement {
  return el(
    name,
    {},
    el('ds:DigestMethod', { Algorithm: DIGEST_METHOD_URIS[algorithm] }),
    textEl('ds:DigestValue', digest.toString('base64')),
  );
}

/**
 * A VOReferenceType element pointing at one or more `xs:ID`s.
 *
 * @example
 * ```ts
 * voRef('vr:SignerCertificate', 'C-50C1…'); // <vr:SignerCertificate VOReference="C-50C1…"/>
 * ```
 */
export function voRef(name: string, ...ids: string[]): XmlElement {
  return el(name, { VOReference: ids.join(' ') });
}

/**
 * A URI made of our own namespace and a free-form name (percent-encoded so it stays an `xs:anyURI`).
 *
 * @example
 * ```ts
 * trustbridgeUri('bbb', 'FORMAT_CHECKING'); // 'urn:trustbridge:bbb:FORMAT_CHECKING'
 * ```
 */
export function trustbridgeUri(kind: string, name: string): string {
  // xmlSafe first: encodeURIComponent throws on a lone surrogate.
  return `urn:trustbridge:${kind}:${encodeURIComponent(xmlSafe(name))}`;
}
