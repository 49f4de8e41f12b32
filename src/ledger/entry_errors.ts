/**
 * Errors of the transparency log's entry format (`entry.ts`): every refusal is a
 * {@link LedgerEntryError} with a stable code from {@link LEDGER_ENTRY_ERRORS}.
 */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorList } from '../lib/errors.js';

/**
 * The entry-format codes and their texts.
 *
 * @example
 * ```ts
 * LEDGER_ENTRY_ERRORS.LEDGER_ENTRY_TOO_LARGE.text;
 * ```
 */
export const LEDGER_ENTRY_ERRORS = {
  LEDGER_ENTRY_MALFORMED: { text: 'the log entry is not a valid, canonical entry' },
  LEDGER_ENTRY_UNSUPPORTED: { text: 'the log entry has a version or type this software does not know' },
  LEDGER_ENTRY_TOO_LARGE: { text: 'the log entry is 64 KiB or larger' },
} as const satisfies ErrorList;

/** A stable entry-format error code. */
export type LedgerEntryErrorCode = keyof typeof LEDGER_ENTRY_ERRORS;

/**
 * A log entry was refused (when encoded or decoded).
 *
 * @example
 * ```ts
 * try { decodeEntry(bytes) } catch (e) { if (e instanceof LedgerEntryError) console.log(e.code) }
 * ```
 */
export class LedgerEntryError extends TrustbridgeError<LedgerEntryErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong
   * @param options - `cause`
   */
  constructor(code: LedgerEntryErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${LEDGER_ENTRY_ERRORS[code].text}: ${detail}`, options);
  }
}
