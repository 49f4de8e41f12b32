/**
 * Errors of the transparency log (hashes, tiles, proofs, signed notes, checkpoints,
 * cosignatures, witness policy, witness requests, receipts). Every failure is a
 * {@link LedgerError} with a stable code from {@link LEDGER_ERRORS}.
 */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../lib/errors.js';

/**
 * The ledger codes and their texts.
 *
 * @example
 * ```ts
 * LEDGER_ERRORS.LEDGER_NOTE_MALFORMED.text;
 * ```
 */
export const LEDGER_ERRORS = {
  LEDGER_HASH_MALFORMED: { text: 'a hash is not 32 bytes of base64' },
  LEDGER_SIZE_INVALID: { text: 'a tree size or index is out of range' },
  LEDGER_ENTRY_TOO_LARGE: { text: 'a log entry exceeds 65,535 bytes' },
  LEDGER_ENTRY_MALFORMED: { text: 'the log entry is not a valid, canonical entry' },
  LEDGER_ENTRY_UNSUPPORTED: { text: 'the log entry has a version or type this software does not know' },
  LEDGER_TILE_PATH_INVALID: { text: 'the path is not a tile or entry bundle path of tlog-tiles' },
  LEDGER_TILE_MISSING: { text: 'a tile or entry bundle the tree needs is missing' },
  LEDGER_TILE_MALFORMED: { text: 'a tile or entry bundle has the wrong length or content' },
  LEDGER_TREE_MISMATCH: { text: 'the stored tiles do not hash to the expected root' },
  LEDGER_PROOF_INVALID: { text: 'the Merkle proof does not verify' },
  LEDGER_NOTE_MALFORMED: { text: 'the signed note is malformed' },
  LEDGER_NOTE_TOO_LARGE: { text: 'the signed note exceeds the size or signature limit' },
  LEDGER_NOTE_UNVERIFIED: { text: 'no signature of a known key on the note' },
  LEDGER_NOTE_SIGNATURE_INVALID: { text: 'a signature of a known key on the note does not verify' },
  LEDGER_KEY_MALFORMED: { text: 'the signer or verifier key is malformed' },
  LEDGER_CHECKPOINT_MALFORMED: { text: 'the checkpoint text is malformed' },
  LEDGER_COSIGNATURE_INVALID: { text: 'the cosignature is malformed or does not verify' },
  LEDGER_POLICY_MALFORMED: { text: 'the witness policy is malformed' },
  LEDGER_POLICY_UNMET: { text: 'the checkpoint does not meet the witness policy' },
  LEDGER_WITNESS_REQUEST_MALFORMED: { text: 'the add-checkpoint request is malformed' },
  LEDGER_WITNESS_UNKNOWN_LOG: { text: 'the witness does not know the checkpoint origin' },
  LEDGER_WITNESS_SIZE_CONFLICT: { text: 'the old size does not match the size the witness holds' },
  LEDGER_RECEIPT_MALFORMED: { text: 'the receipt is malformed' },
  LEDGER_RECEIPT_MISMATCH: { text: 'the receipt is for another entry' },
  LEDGER_SEQUENCER_CONFLICT: {
    text: 'another sequencer changed the log during the batch; nothing was written',
  },
  LEDGER_NOT_LOGGED: { text: 'no entry with this lookup key is in the log' },
  LEDGER_LOG_UNREACHABLE: { text: 'the transparency log could not be reached or gave no usable answer' },
  // Why a validation report's transparency part has no lookup (reported, not thrown).
  LEDGER_LOOKUP_OFFLINE: { text: 'the transparency logs were not asked' },
  LEDGER_LOOKUP_NO_LOTL: { text: 'no list of trusted lists publishing transparency logs' },
  LEDGER_LOOKUP_NO_LOG: { text: 'no transparency log is published for the issuing country' },
  LEDGER_DIGEST_MALFORMED: {
    text: 'the digest is not lower- or upper-case hexadecimal of the length its algorithm gives',
  },
  LEDGER_MONITOR_UNLOGGED: { text: 'a change in the register is not in the log' },
  LEDGER_MONITOR_UNKNOWN_CERT: {
    text: 'a certificate of the node’s CA was seen in use but is in neither the register nor the log',
  },
  LEDGER_MONITOR_FORK: { text: 'the log is not consistent with the checkpoint the monitor saw last' },
  LEDGER_MONITOR_WITNESS_REFUSED: { text: 'a witness refused to cosign the log’s checkpoint' },
} as const satisfies ErrorList;

/** A stable ledger error code. */
export type LedgerErrorCode = keyof typeof LEDGER_ERRORS;

/**
 * A ledger operation was refused or its input is bad.
 *
 * @example
 * ```ts
 * try { openNote(bytes, verifiers) } catch (e) { if (e instanceof LedgerError) console.log(e.code) }
 * ```
 */
export class LedgerError extends TrustbridgeError<LedgerErrorCode | LibErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong
   * @param options - `cause`
   */
  constructor(code: LedgerErrorCode | LibErrorCode, detail: string, options?: { cause?: unknown }) {
    const text = Object.hasOwn(LEDGER_ERRORS, code) ? LEDGER_ERRORS[code as LedgerErrorCode].text : code;
    super(code, `${text}: ${detail}`, options);
  }
}
