/**
 * Errors of the in-house XML toolkit (parser, canonicalization). Every failure is an
 * {@link XmlError} with a stable `code` from the closed list {@link XML_ERRORS}. Internal.
 */
import { TrustbridgeError } from '../errors.js';
import type { ErrorList } from '../errors.js';

/**
 * The XML codes and their texts.
 *
 * @example
 * ```ts
 * XML_ERRORS.XML_MALFORMED.text;
 * ```
 */
export const XML_ERRORS = {
  XML_MALFORMED: { text: 'the XML is not well-formed' },
  XML_DTD_FORBIDDEN: { text: 'the XML has a document type declaration (entities are refused)' },
  XML_TOO_LARGE: { text: 'the XML exceeds the size or depth limits' },
} as const satisfies ErrorList;

/** The codes of {@link XML_ERRORS}. */
export const XML_ERROR_CODES = Object.keys(XML_ERRORS) as readonly XmlErrorCode[];

/** A stable XML error code. */
export type XmlErrorCode = keyof typeof XML_ERRORS;

/**
 * The XML document could not be read: not well-formed, a DTD, or over the limits.
 *
 * @example
 * ```ts
 * try { parseXml('<a>') } catch (e) { if (e instanceof XmlError) console.log(e.code) } // XML_MALFORMED
 * ```
 */
export class XmlError extends TrustbridgeError<XmlErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly failed (with the offset when known)
   * @param options - `cause`
   */
  constructor(code: XmlErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${XML_ERRORS[code].text}: ${detail}`, options);
  }
}
