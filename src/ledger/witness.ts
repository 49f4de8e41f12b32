/**
 * The pure logic of a witness (c2sp.org/tlog-witness@v1.0.0): parsing an `add-checkpoint`
 * request body (`old <size>`, at most 63 base64 consistency-proof lines, a blank line, the
 * signed checkpoint) and deciding its answer exactly as the spec lists them: 404 unknown origin,
 * 403 no verifying log signature, 400 old size above the checkpoint's, 409 with the stored size
 * (also for the same size with another root), 422 a consistency proof that does not verify, 200
 * with the cosignature lines. The HTTP endpoint stores the update atomically (compare-and-set on
 * the previous record) before it answers; a refused request changes nothing.
 */
import { parseCheckpoint } from './checkpoint.js';
import type { Cosigner } from './cosignature.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, decodeBase64, parseDecimal } from './hash.js';
import type { NoteVerifier } from './keys.js';
import { verifyConsistency } from './merkle.js';
import { MAX_NOTE_SIZE, openNote, parseNote } from './note.js';

/** The most consistency-proof lines a request may carry. */
export const MAX_PROOF_LINES = 63;
/** The largest request body: a note and 63 proof lines. */
export const MAX_ADD_CHECKPOINT_SIZE = MAX_NOTE_SIZE + 64 * (MAX_PROOF_LINES + 1);
/** The content type of a 409 answer's body. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** A parsed add-checkpoint request. */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Buffer[];
  /** The signed checkpoint, as sent. */
  readonly checkpoint: Buffer;
}

/** What a witness keeps per log: the latest cosigned size and root. */
export interface WitnessRecord {
  readonly size: number;
  readonly root: Buffer;
}

/** The logs a witness serves: the trusted keys of each origin, or undefined for an unknown origin. */
export interface WitnessLogs {
  keys(origin: string): readonly NoteVerifier[] | undefined;
}

/** The witness's state (read side; the endpoint does the atomic write). */
export interface WitnessState {
  get(origin: string): Promise<WitnessRecord | undefined>;
}

/** The answer to an add-checkpoint request. */
export interface WitnessAnswer {
  readonly status: 200 | 400 | 403 | 404 | 409 | 422;
  readonly contentType: string;
  readonly body: string;
  /** Why it was refused (absent on 200). */
  readonly code?: LedgerError['code'];
  /** On 200: the record to store, and the record it replaces (compare-and-set), before answering. */
  readonly update?: {
    readonly origin: string;
    readonly previous: WitnessRecord | undefined;
    readonly next: WitnessRecord;
  };
}

function malformed(why: string): LedgerError {
  return new LedgerError('LEDGER_WITNESS_REQUEST_MALFORMED', why);
}

/**
 * Parses an add-checkpoint request body.
 *
 * @param body - the request body
 * @throws LedgerError LEDGER_WITNESS_REQUEST_MALFORMED, LEDGER_NOTE_TOO_LARGE
 */
export function parseAddCheckpoint(body: Uint8Array): AddCheckpointRequest {
  if (body.length > MAX_ADD_CHECKPOINT_SIZE)
    throw new LedgerError(
      'LEDGER_NOTE_TOO_LARGE',
      `${body.length} bytes, at most ${MAX_ADD_CHECKPOINT_SIZE}`,
    );
  const buf = Buffer.from(body.buffer, body.byteOffset, body.length);
  let at = 0;
  const line = (): string => {
    const nl = buf.indexOf(0x0a, at);
    if (nl < 0) throw malformed('a line does not end in a newline');
    const s = buf.subarray(at, nl).toString('latin1');
    at = nl + 1;
    return s;
  };
  const first = line();
  const m = /^old (\S+)$/.exec(first);
  const oldSize = m ? parseDecimal(m[1]!) : undefined;
  if (oldSize === undefined) throw malformed('the first line is not old <size>');
  const proof: Buffer[] = [];
  for (let l = line(); l !== ''; l = line()) {
    if (proof.length === MAX_PROOF_LINES) throw malformed(`more than ${MAX_PROOF_LINES} proof lines`);
    const h = decodeBase64(l);
    if (h === undefined || h.length !== HASH_SIZE) throw malformed('a proof line is not a base64 hash');
    proof.push(h);
  }
  return { oldSize, proof, checkpoint: buf.subarray(at) };
}

function refuse(status: 400 | 403 | 404 | 422, e: LedgerError): WitnessAnswer {
  return { status, contentType: 'text/plain; charset=utf-8', body: `${e.message}\n`, code: e.code };
}

function conflict(size: number): WitnessAnswer {
  return {
    status: 409,
    contentType: TLOG_SIZE_CONTENT_TYPE,
    body: `${size}\n`,
    code: 'LEDGER_WITNESS_SIZE_CONFLICT',
  };
}

/**
 * Decides the answer to an add-checkpoint request and, on success, cosigns the checkpoint.
 *
 * @param body - the request body
 * @param ctx - the known logs, the stored state, the witness's cosigner(s), the time (POSIX s)
 * @example
 * ```ts
 * const a = await addCheckpoint(body, { logs, state, cosigners: [w], now: () => Math.floor(Date.now() / 1000) });
 * if (a.update) await store.compareAndSet(a.update); // then answer a.status, a.body
 * ```
 */
export async function addCheckpoint(
  body: Uint8Array,
  ctx: { logs: WitnessLogs; state: WitnessState; cosigners: readonly Cosigner[]; now: () => number },
): Promise<WitnessAnswer> {
  let req: AddCheckpointRequest;
  let origin: string;
  try {
    req = parseAddCheckpoint(body);
    origin = parseCheckpoint(parseNote(req.checkpoint).text).origin;
  } catch (e) {
    if (e instanceof LedgerError) return refuse(400, e);
    throw e;
  }
  const keys = ctx.logs.keys(origin);
  if (keys === undefined)
    return refuse(404, new LedgerError('LEDGER_WITNESS_UNKNOWN_LOG', JSON.stringify(origin)));
  let size: number;
  let root: Buffer;
  let text: string;
  try {
    const note = openNote(req.checkpoint, keys);
    ({ size, root } = parseCheckpoint(note.text));
    text = note.text;
  } catch (e) {
    if (e instanceof LedgerError) return refuse(403, e);
    throw e;
  }
  if (req.oldSize > size)
    return refuse(
      400,
      new LedgerError('LEDGER_SIZE_INVALID', `old size ${req.oldSize} is above the checkpoint size ${size}`),
    );
  const stored = await ctx.state.get(origin);
  const storedSize = stored?.size ?? 0;
  if (req.oldSize !== storedSize) return conflict(storedSize);
  const storedRoot = stored?.root ?? EMPTY_ROOT;
  try {
    if (req.oldSize === size) {
      if (!storedRoot.equals(root)) return conflict(storedSize);
      if (req.proof.length > 0)
        throw new LedgerError('LEDGER_PROOF_INVALID', 'equal sizes need an empty proof');
    } else if (req.oldSize === 0) {
      if (req.proof.length > 0)
        throw new LedgerError('LEDGER_PROOF_INVALID', 'a proof from size 0 must be empty');
    } else {
      verifyConsistency(req.oldSize, size, req.proof, storedRoot, root);
    }
  } catch (e) {
    if (e instanceof LedgerError) return refuse(422, e);
    throw e;
  }
  const time = ctx.now();
  const lines: string[] = [];
  for (const c of ctx.cosigners) lines.push(await c.cosign(text, time));
  return {
    status: 200,
    contentType: 'text/plain; charset=utf-8',
    body: lines.join(''),
    update: { origin, previous: stored, next: { size, root } },
  };
}
