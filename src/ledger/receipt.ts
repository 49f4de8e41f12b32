/**
 * Notarisation receipts: an entry, its inclusion proof and a cosigned checkpoint, verifiable
 * offline years later with the log's key and the witnesses' keys (a tlog-policy). The format is
 * a c2sp.org/tlog-proof (main as of 2026-07, `c2sp.org/tlog-proof@v1`) whose `extra` line
 * carries the whole log entry (base64), so the receipt alone gives the leaf hash:
 *
 * ```
 * c2sp.org/tlog-proof@v1
 * extra <base64 of the entry bytes>
 * index <leaf index>
 * <base64 inclusion proof hash, leaf side first>…
 *
 * <the checkpoint as signed by the log, with its cosignatures>
 * ```
 */
import type { SignedCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { HASH_SIZE, decodeBase64, leafHash, parseDecimal } from './hash.js';
import { verifyInclusion } from './merkle.js';
import { MAX_NOTE_SIZE } from './note.js';
import { verifyCheckpointPolicy } from './policy.js';
import type { Policy, PolicyVerdict } from './policy.js';
import { MAX_ENTRY_SIZE } from './tiles.js';

/** The first line of a receipt. */
export const RECEIPT_HEADER = 'c2sp.org/tlog-proof@v1';

/** A receipt's parts. */
export interface Receipt {
  /** The log entry (the `extra` data); absent when the receipt carries none. */
  readonly entry?: Buffer;
  readonly index: number;
  readonly proof: readonly Buffer[];
  /** The signed, cosigned checkpoint. */
  readonly checkpoint: string;
}

/**
 * The receipt text.
 *
 * @param r - entry, index, inclusion proof, signed checkpoint
 * @example
 * ```ts
 * formatReceipt({ entry, index: 41, proof, checkpoint: cosignedCheckpointText });
 * ```
 */
export function formatReceipt(r: Receipt): string {
  const extra = r.entry === undefined ? [] : [`extra ${r.entry.toString('base64')}`];
  const proof = r.proof.map((h) => h.toString('base64'));
  return [RECEIPT_HEADER, ...extra, `index ${r.index}`, ...proof, '', r.checkpoint].join('\n');
}

/**
 * Parses a receipt.
 *
 * @param input - the receipt text
 * @throws LedgerError LEDGER_RECEIPT_MALFORMED
 */
export function parseReceipt(input: string | Uint8Array): Receipt {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const bad = (why: string): LedgerError => new LedgerError('LEDGER_RECEIPT_MALFORMED', why);
  if (text.length > MAX_NOTE_SIZE + 4 * MAX_ENTRY_SIZE) throw bad('too large');
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw bad('no blank line before the checkpoint');
  const lines = text.slice(0, blank).split('\n');
  if (lines.shift() !== RECEIPT_HEADER) throw bad(`the first line is not ${RECEIPT_HEADER}`);
  let entry: Buffer | undefined;
  if (lines[0]?.startsWith('extra ')) {
    entry = decodeBase64(lines.shift()!.slice(6));
    if (entry === undefined || entry.length > MAX_ENTRY_SIZE)
      throw bad('the extra line is not base64 of an entry');
  }
  const m = /^index (\S+)$/.exec(lines.shift() ?? '');
  const index = m ? parseDecimal(m[1]!) : undefined;
  if (index === undefined) throw bad('no index line');
  if (lines.length > 64) throw bad('more than 64 proof lines');
  const proof = lines.map((l) => {
    const h = decodeBase64(l);
    if (h === undefined || h.length !== HASH_SIZE) throw bad('a proof line is not a base64 hash');
    return h;
  });
  return { ...(entry ? { entry } : {}), index, proof, checkpoint: text.slice(blank + 2) };
}

/** A receipt that verified. */
export interface VerifiedReceipt {
  readonly entry: Buffer;
  readonly index: number;
  readonly checkpoint: SignedCheckpoint;
  readonly cosigners: PolicyVerdict['cosigners'];
}

/**
 * Verifies a receipt offline: the checkpoint is signed by a log of the policy and cosigned by a
 * quorum of its witnesses, and the entry is included at the index.
 *
 * @param input - the receipt
 * @param policy - the trusted log and witness keys and quorum
 * @param entry - the entry expected (when the receipt carries none, or to check it is this one)
 * @throws LedgerError LEDGER_RECEIPT_MALFORMED, LEDGER_RECEIPT_MISMATCH, the note and policy errors,
 *   LEDGER_PROOF_INVALID
 */
export function verifyReceipt(
  input: string | Uint8Array,
  policy: Policy,
  entry?: Uint8Array,
): VerifiedReceipt {
  const r = parseReceipt(input);
  if (r.entry !== undefined && entry !== undefined && !r.entry.equals(entry))
    throw new LedgerError('LEDGER_RECEIPT_MISMATCH', `the receipt is for another entry at index ${r.index}`);
  const e = r.entry ?? (entry === undefined ? undefined : Buffer.from(entry));
  if (e === undefined)
    throw new LedgerError('LEDGER_RECEIPT_MALFORMED', 'no entry in the receipt and none given');
  const verdict = verifyCheckpointPolicy(r.checkpoint, policy);
  verifyInclusion(r.index, verdict.checkpoint.size, leafHash(e), r.proof, verdict.checkpoint.root);
  return { entry: e, index: r.index, checkpoint: verdict.checkpoint, cosigners: verdict.cosigners };
}
