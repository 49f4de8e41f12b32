/**
 * Errors of the regional hub (its directory, members and list of trusted lists). Every failure
 * is a {@link HubError} with a stable code from {@link HUB_ERRORS}.
 */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorList } from '../lib/errors.js';

/**
 * The hub codes and their texts.
 *
 * @example
 * ```ts
 * HUB_ERRORS.HUB_EXISTS.text;
 * ```
 */
export const HUB_ERRORS = {
  HUB_EXISTS: { text: 'the directory already holds a hub' },
  HUB_NOT_INITIALISED: { text: 'the directory holds no hub (run trustbridge hub init)' },
  HUB_MEMBER_EXISTS: { text: 'the country is already a member of the hub' },
  HUB_MEMBER_UNKNOWN: { text: 'the country is not a member of the hub' },
  HUB_MEMBER_STATE: { text: 'the member is not in a state that allows this change' },
} as const satisfies ErrorList;

/** A stable hub error code. */
export type HubErrorCode = keyof typeof HUB_ERRORS;

/**
 * A hub operation was refused.
 *
 * @example
 * ```ts
 * try { await suspendMember(hub, 'PH') } catch (e) { if (e instanceof HubError) console.log(e.code) }
 * ```
 */
export class HubError extends TrustbridgeError<HubErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong
   * @param options - `cause`
   */
  constructor(code: HubErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${HUB_ERRORS[code].text}: ${detail}`, options);
  }
}
