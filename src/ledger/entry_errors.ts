/**
 * Errors of the transparency log's entry format (`entry.ts`): every refusal is a
 * {@link LedgerEntryError} with one of the entry codes of {@link LEDGER_ERRORS}.
 */
import { TrustbridgeError } from '../lib/errors.js';
import { LEDGER_ERRORS } from './errors.js';

/** A stable entry-format error code. */
export type LedgerEntryErrorCode =
  'LEDGER_ENTRY_MALFORMED' | 'LEDGER_ENTRY_UNSUPPORTED' | 'LEDGER_ENTRY_TOO_LARGE';

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
    super(code, `${LEDGER_ERRORS[code].text}: ${detail}`, options);
  }
}
