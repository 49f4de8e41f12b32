/**
 * Errors of the in-house XML toolkit (parser, canonicalization). Every failure is an
 * {@link XmlError} with a stable `code` from the XML section of the catalogue. Internal.
 */
import { ERROR_CATALOGUE, TrustbridgeError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

/** The codes of the XML section of the catalogue. */
export const XML_ERROR_CODES = [
  'XML_MALFORMED',
  'XML_DTD_FORBIDDEN',
  'XML_TOO_LARGE',
] as const satisfies readonly ErrorCode[];

/** A stable XML error code. */
export type XmlErrorCode = (typeof XML_ERROR_CODES)[number];

/**
 * The XML document could not be read: not well-formed, a DTD, or over the limits.
 *
 * @example
 * ```ts
 * try { parseXml('<a>') } catch (e) { if (e instanceof XmlError) console.log(e.code) } // XML_MALFORMED
 * ```
 */
export class XmlError extends TrustbridgeError {
  /**
   * @param code - stable code
   * @param detail - what exactly failed (with the offset when known)
   * @param options - `cause`
   */
  constructor(code: XmlErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${ERROR_CATALOGUE[code].text}: ${detail}`, options);
  }
}
