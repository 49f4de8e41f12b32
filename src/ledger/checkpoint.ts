/**
 * Checkpoints (c2sp.org/tlog-checkpoint@v1.0.0): the note text `<origin>\n<size>\n<base64
 * root>\n[extension lines]`, signed as a signed note by the log (Ed25519, key name = origin).
 */
import { LedgerError } from './errors.js';
import { HASH_SIZE, parseDecimal, parseHash } from './hash.js';
import type { NoteSigner, NoteVerifier } from './keys.js';
import { openNote, signNote } from './note.js';
import type { OpenedNote } from './note.js';

/** A checkpoint's content. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
  /** Extension lines (opaque, non-empty), usually none. */
  readonly extensions: readonly string[];
}

/** A checkpoint opened from a signed note. */
export interface SignedCheckpoint extends Checkpoint {
  /** The note text (what the log signed, what cosigners sign). */
  readonly text: string;
  readonly note: OpenedNote;
}

function bad(why: string): LedgerError {
  return new LedgerError('LEDGER_CHECKPOINT_MALFORMED', why);
}

/**
 * The note text of a checkpoint.
 *
 * @param c - the checkpoint
 * @throws LedgerError LEDGER_CHECKPOINT_MALFORMED
 * @example
 * ```ts
 * formatCheckpoint({ origin: 'example.com/log', size: 0, root: EMPTY_ROOT, extensions: [] });
 * ```
 */
export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin === '' || /[\n\r]/.test(c.origin)) throw bad('the origin is empty or has a newline');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw bad(`size ${c.size}`);
  if (c.root.length !== HASH_SIZE) throw bad('the root is not 32 bytes');
  for (const e of c.extensions)
    if (e === '' || e.includes('\n')) throw bad('an empty or multi-line extension line');
  return [c.origin, String(c.size), c.root.toString('base64'), ...c.extensions].join('\n') + '\n';
}

/**
 * Parses a checkpoint note text (no signatures).
 *
 * @param text - the note text
 * @throws LedgerError LEDGER_CHECKPOINT_MALFORMED
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw bad('the text does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('fewer than three lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw bad('empty origin');
  const size = parseDecimal(sizeText);
  if (size === undefined) throw bad(`size ${JSON.stringify(sizeText.slice(0, 40))}`);
  let root: Buffer;
  try {
    root = parseHash(rootText, 'root');
  } catch {
    throw bad(`root ${JSON.stringify(rootText.slice(0, 64))}`);
  }
  if (extensions.some((e) => e === '')) throw bad('an empty extension line');
  return { origin, size, root, extensions };
}

/**
 * Opens a signed checkpoint: verifies the note against the log's keys, then parses its text.
 *
 * @param input - the signed checkpoint
 * @param verifiers - the log's keys (cosigner keys may be given too)
 * @throws LedgerError the note errors, LEDGER_CHECKPOINT_MALFORMED
 */
export function openCheckpoint(
  input: Uint8Array | string,
  verifiers: readonly NoteVerifier[],
): SignedCheckpoint {
  return checkpointOfNote(openNote(input, verifiers));
}

/**
 * The checkpoint of a note already opened.
 *
 * @param note - the opened note
 * @throws LedgerError LEDGER_CHECKPOINT_MALFORMED
 */
export function checkpointOfNote(note: OpenedNote): SignedCheckpoint {
  return { ...parseCheckpoint(note.text), text: note.text, note };
}

/**
 * Signs a checkpoint with the log's key.
 *
 * @param c - the checkpoint
 * @param signer - the log's signer (its name should be the origin)
 * @param cosignatures - cosignature lines to append
 */
export async function signCheckpoint(
  c: Checkpoint,
  signer: NoteSigner,
  cosignatures: readonly string[] = [],
): Promise<string> {
  return signNote(formatCheckpoint(c), [signer], cosignatures);
}
