/**
 * Signed notes (c2sp.org/signed-note@v1.0.0): text ending in a newline, a blank line, and one or
 * more lines `— <key name> base64(key ID || signature)`. Parsing is strict (valid UTF-8, no
 * control character but newline, bounded size and signature count); opening follows the spec's
 * rules: signatures of unknown keys (name and ID not both known) are ignored, a failing
 * signature of a known key rejects the whole note, and a note without a verified signature is
 * rejected.
 */
import { LedgerError } from './errors.js';
import { decodeBase64 } from './hash.js';
import { isValidKeyName } from './keys.js';
import type { NoteSigner, NoteVerifier } from './keys.js';

/** The largest note accepted (bytes); room for 16 post-quantum signatures and more. */
export const MAX_NOTE_SIZE = 256 * 1024;
/** The most signature lines accepted on one note (the spec asks for at least 16). */
export const MAX_NOTE_SIGNATURES = 100;

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Buffer;
  /** The whole line, with its em dash and newline. */
  readonly line: string;
}

/** A note split into its text and signature lines (not yet verified). */
export interface Note {
  /** The text, ending in a newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A note whose known signatures all verified. */
export interface OpenedNote extends Note {
  /** Signatures that verified, one per key. */
  readonly verified: readonly NoteSignature[];
  /** Signatures of unknown keys, kept as they are. */
  readonly unverified: readonly NoteSignature[];
}

const DECODER = new TextDecoder('utf-8', { fatal: true });
const DASH = '\u2014 ';

function malformed(why: string): LedgerError {
  return new LedgerError('LEDGER_NOTE_MALFORMED', why);
}

/**
 * Text as a note text: valid, ends in a newline, no control character but newline.
 *
 * @param text - the candidate text
 */
function checkText(text: string): void {
  if (!text.endsWith('\n')) throw malformed('the text does not end in a newline');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw malformed('a control character');
}

/**
 * Parses one signature line (without its newline).
 *
 * @param line - `— name base64`
 */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(DASH)) throw malformed('a signature line does not start with an em dash and a space');
  const rest = line.slice(DASH.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw malformed('a signature line has no signature');
  const name = rest.slice(0, space);
  const b64 = rest.slice(space + 1);
  const sig = decodeBase64(b64);
  if (!isValidKeyName(name) || b64 === '' || sig === undefined || sig.length < 5)
    throw malformed(`bad signature line for ${JSON.stringify(name.slice(0, 64))}`);
  return { name, keyId: sig.readUInt32BE(0), signature: sig.subarray(4), line: `${line}\n` };
}

/**
 * Splits a note into its text and signature lines, checking the syntax only.
 *
 * @param input - the note bytes (or text)
 * @throws LedgerError LEDGER_NOTE_TOO_LARGE, LEDGER_NOTE_MALFORMED
 * @example
 * ```ts
 * parseNote(checkpointBytes).signatures.map((s) => s.name);
 * ```
 */
export function parseNote(input: Uint8Array | string): Note {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > MAX_NOTE_SIZE)
    throw new LedgerError('LEDGER_NOTE_TOO_LARGE', `${size} bytes, at most ${MAX_NOTE_SIZE}`);
  let s: string;
  if (typeof input === 'string') s = input;
  else {
    try {
      s = DECODER.decode(input);
    } catch {
      throw malformed('not UTF-8');
    }
  }
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s))
    throw malformed('not UTF-8');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(s)) throw malformed('a control character');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block === '' || !block.endsWith('\n'))
    throw malformed('no signature lines, or the last does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES)
    throw new LedgerError(
      'LEDGER_NOTE_TOO_LARGE',
      `${lines.length} signatures, at most ${MAX_NOTE_SIGNATURES}`,
    );
  return { text, signatures: lines.map(parseSignatureLine) };
}

/**
 * Parses and verifies a note against the keys the caller trusts.
 *
 * @param input - the note
 * @param verifiers - the trusted keys
 * @throws LedgerError LEDGER_NOTE_MALFORMED, LEDGER_NOTE_TOO_LARGE, LEDGER_NOTE_SIGNATURE_INVALID
 *   (a known key's signature fails), LEDGER_NOTE_UNVERIFIED (no known key signed)
 * @example
 * ```ts
 * const note = openNote(bytes, [noteVerifier(vkey)]);
 * ```
 */
export function openNote(input: Uint8Array | string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const note = parseNote(input);
  const textBytes = Buffer.from(note.text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  const seenUnknown = new Set<string>();
  for (const sig of note.signatures) {
    const v = verifiers.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (v === undefined) {
      if (!seenUnknown.has(sig.line)) unverified.push(sig);
      seenUnknown.add(sig.line);
      continue;
    }
    const key = `${sig.name}\n${sig.keyId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!v.verify(textBytes, sig.signature))
      throw new LedgerError('LEDGER_NOTE_SIGNATURE_INVALID', `the signature of ${sig.name} does not verify`);
    verified.push(sig);
  }
  if (verified.length === 0) throw new LedgerError('LEDGER_NOTE_UNVERIFIED', 'no signature of a trusted key');
  return { ...note, verified, unverified };
}

/**
 * A signature line `— name base64(key ID || signature)\n`.
 *
 * @param name - key name
 * @param id - key ID
 * @param signature - signature bytes
 */
export function formatSignatureLine(name: string, id: number, signature: Uint8Array): string {
  const raw = Buffer.alloc(4 + signature.length);
  raw.writeUInt32BE(id, 0);
  raw.set(signature, 4);
  return `${DASH}${name} ${raw.toString('base64')}\n`;
}

/**
 * Signs a note text with each signer (in order), returning the signed note.
 *
 * @param text - the note text (ending in a newline)
 * @param signers - one or more signers
 * @param extra - signature lines to keep after ours (e.g. cosignatures already gathered)
 * @throws LedgerError LEDGER_NOTE_MALFORMED
 * @example
 * ```ts
 * const signed = await signNote('hello\n', [noteSigner('example.com/k', key)]);
 * ```
 */
export async function signNote(
  text: string,
  signers: readonly NoteSigner[],
  extra: readonly string[] = [],
): Promise<string> {
  checkText(text);
  if (signers.length === 0 && extra.length === 0) throw malformed('a note needs a signature');
  const bytes = Buffer.from(text, 'utf8');
  const lines: string[] = [];
  for (const s of signers) lines.push(formatSignatureLine(s.name, s.keyId, await s.sign(bytes)));
  return `${text}\n${lines.join('')}${extra.join('')}`;
}
