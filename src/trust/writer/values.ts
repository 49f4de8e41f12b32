/**
 * Checks of the values that go into a list, so a bad name or URL from a configuration file or
 * the command line becomes TL_INPUT_INVALID instead of a list the XSD rejects.
 */
import { TrustListPublishError } from './errors.js';

/**
 * A NonEmptyNormalizedString (TS 119 612 XSD): line breaks and tabs become spaces, runs of
 * spaces collapse, and the result must not be empty (nor longer than `max`).
 *
 * @example
 * ```ts
 * normalizedName(' PH  agency\n', 'name'); // 'PH agency'
 * ```
 */
export function normalizedName(value: string, what: string, max = 512): string {
  const v = value.replace(/[\t\n\r ]+/g, ' ').trim();
  if (v.length === 0 || v.length > max) {
    throw new TrustListPublishError('TL_INPUT_INVALID', `${what} must be 1 to ${max} characters`);
  }
  return v;
}

/**
 * An absolute URI with a scheme and no white space (xsd:anyURI as TS 119 612 uses it: http(s),
 * mailto, urn).
 *
 * @example
 * ```ts
 * checkedUri('https://ph.example/trustlist.xml', 'TSLLocation');
 * ```
 */
export function checkedUri(value: string, what: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s"<>]+$/.test(value) || value.length > 2048) {
    throw new TrustListPublishError(
      'TL_INPUT_INVALID',
      `${what} is not an absolute URI: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * An http(s) URL without credentials, query or fragment (what list locations and base URLs
 * must be, so every reader fetches the same resource).
 *
 * @example
 * ```ts
 * checkedHttpUrl('http://127.0.0.1:8080/trustlist.xml', '--trustlist');
 * ```
 */
export function checkedHttpUrl(value: string, what: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch (e) {
    throw new TrustListPublishError('TL_INPUT_INVALID', `${what} is not a URL: ${JSON.stringify(value)}`, {
      cause: e,
    });
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.hash) {
    throw new TrustListPublishError('TL_INPUT_INVALID', `${what} must be a plain http(s) URL`);
  }
  return checkedUri(value, what);
}

/**
 * A scheme territory: ISO 3166-1 alpha-2 upper-case (TS 119 612 clause 5.3.10), or `EU`-like
 * two-letter region codes.
 *
 * @example
 * ```ts
 * checkedTerritory('PH');
 * ```
 */
export function checkedTerritory(value: string, what = 'territory'): string {
  if (!/^[A-Z]{2}$/.test(value)) {
    throw new TrustListPublishError(
      'TL_INPUT_INVALID',
      `${what} must be two upper-case letters (ISO 3166-1)`,
    );
  }
  return value;
}

/**
 * A TSLSequenceNumber (clause 5.3.2): a positive integer, kept within 2^31 - 1 for readers
 * that store it in 32 bits.
 */
export function checkedSequence(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff) {
    throw new TrustListPublishError('TL_INPUT_INVALID', `sequence number ${n} is not in [1, 2^31 - 1]`);
  }
  return n;
}
