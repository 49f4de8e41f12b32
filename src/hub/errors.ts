/**
 * Errors of the regional hub (its directory, members and list of trusted lists). Every failure
 * is a {@link HubError} with a stable code from the "trust lists (publishing)" section of
 * `ERROR_CATALOGUE`.
 */
import { ERROR_CATALOGUE, TrustbridgeError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';

const HUB_CODES = [
  'HUB_EXISTS',
  'HUB_NOT_INITIALISED',
  'HUB_MEMBER_EXISTS',
  'HUB_MEMBER_UNKNOWN',
  'HUB_MEMBER_STATE',
] as const satisfies readonly ErrorCode[];

/** A stable hub error code. */
export type HubErrorCode = (typeof HUB_CODES)[number];

/**
 * The catalogue entries of these codes (status and text live in `ERROR_CATALOGUE`).
 *
 * @example
 * ```ts
 * HUB_ERRORS.HUB_EXISTS.status; // 409
 * ```
 */
export const HUB_ERRORS = Object.fromEntries(HUB_CODES.map((c) => [c, ERROR_CATALOGUE[c]])) as {
  [K in HubErrorCode]: (typeof ERROR_CATALOGUE)[K];
};

/**
 * A hub operation was refused.
 *
 * @example
 * ```ts
 * try { await suspendMember(hub, 'PH') } catch (e) { if (e instanceof HubError) console.log(e.code) }
 * ```
 */
export class HubError extends TrustbridgeError {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong
   * @param options - `cause`
   */
  constructor(code: HubErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${ERROR_CATALOGUE[code].text}: ${detail}`, options);
  }
}
