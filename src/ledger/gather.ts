/**
 * Gathering witness cosignatures for a new checkpoint (c2sp.org/tlog-witness@v1.0.0, client
 * side): every witness is asked in parallel, with a timeout, to add the checkpoint with a
 * consistency proof from the size the log believes it holds; a 409 is retried once from the
 * size the witness answered (a fresh proof); each returned cosignature is verified against the
 * witness's key. The refusals are reported per witness (a forked log gets 409 or 422 from every
 * witness). I/O only through the injected `fetch`. This is what the sequencer's cosign step calls.
 */
import { parseCheckpoint } from './checkpoint.js';
import { cosignatureVerifier } from './cosignature.js';
import { LedgerError } from './errors.js';
import type { NoteVerifier } from './keys.js';
import { parseDecimal } from './hash.js';
import { openNote, parseNote } from './note.js';
import { quorumMet, verifyCheckpointPolicy } from './policy.js';
import type { Policy } from './policy.js';
import { TLOG_SIZE_CONTENT_TYPE } from './witness.js';

/** A witness to ask. */
export interface GatherWitness {
  /** A name for reports (the policy's witness name). */
  readonly name: string;
  /** Its cosignature verifier key (type 0x04). */
  readonly vkey: string;
  /** Its add-checkpoint URL. */
  readonly url: string;
}

/** What happened at one witness. */
export interface WitnessOutcome {
  readonly name: string;
  readonly url: string;
  /** `cosigned`; `refused` (an answer other than 200); `unreachable` (network, timeout); `invalid` (a 200 without a valid cosignature). */
  readonly result: 'cosigned' | 'refused' | 'unreachable' | 'invalid';
  /** The last HTTP status, when there was an answer. */
  readonly status?: number;
  /** The witness's stored size, on a 409. */
  readonly witnessSize?: number;
  /** The cosignature line(s), on `cosigned`. */
  readonly cosignature?: string;
  readonly detail?: string;
  /** Whether the answer came after a 409 retry. */
  readonly retried: boolean;
  readonly ms: number;
}

/** Options of {@link gatherCosignatures}. */
export interface GatherOptions {
  /** The checkpoint signed by the log (signed note; any cosignatures on it are kept). */
  readonly checkpoint: string;
  /** The size of the previous checkpoint the witnesses were asked to cosign (0 for none). */
  readonly oldSize: number;
  /** The consistency proof from `from` to `to` (from the log's tiles). */
  readonly proof: (from: number, to: number) => Promise<readonly Buffer[]>;
  readonly witnesses: readonly GatherWitness[];
  /** When given, {@link GatherResult.quorum} says whether the cosigned checkpoint meets it. */
  readonly policy?: Policy;
  /** Per request (default 5,000 ms). */
  readonly timeoutMs?: number;
  /** The HTTP client (default the global fetch). */
  readonly fetch?: typeof fetch;
}

/** The gathering's result. */
export interface GatherResult {
  /** The checkpoint with every verified cosignature appended. */
  readonly checkpoint: string;
  /** The verified cosignature lines. */
  readonly cosignatures: readonly string[];
  readonly outcomes: readonly WitnessOutcome[];
  /** Whether the checkpoint meets the policy (undefined without a policy). */
  readonly quorum?: boolean;
}

function requestBody(oldSize: number, proof: readonly Buffer[], checkpoint: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${checkpoint}`;
}

async function proofFrom(o: GatherOptions, from: number, size: number): Promise<readonly Buffer[]> {
  return from === 0 || from >= size ? [] : o.proof(from, size);
}

/** Parsed witness keys, so a checkpoint's gathering does not re-parse them every time. */
const VERIFIERS = new Map<string, NoteVerifier>();

function verifierOf(vkey: string): NoteVerifier {
  let v = VERIFIERS.get(vkey);
  if (!v) {
    v = cosignatureVerifier(vkey);
    if (VERIFIERS.size >= 256) VERIFIERS.clear();
    VERIFIERS.set(vkey, v);
  }
  return v;
}

async function askOne(
  o: GatherOptions,
  w: GatherWitness,
  text: string,
  size: number,
): Promise<WitnessOutcome> {
  const started = performance.now();
  const doFetch = o.fetch ?? fetch;
  const done = (x: Omit<WitnessOutcome, 'name' | 'url' | 'ms'>): WitnessOutcome => ({
    name: w.name,
    url: w.url,
    ...x,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
  let verifier;
  try {
    verifier = verifierOf(w.vkey);
  } catch (e) {
    return done({ result: 'invalid', detail: (e as Error).message, retried: false });
  }
  let oldSize = o.oldSize;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    let body: string;
    try {
      const proof = await proofFrom(o, oldSize, size);
      res = await doFetch(w.url, {
        method: 'POST',
        body: requestBody(oldSize, proof, o.checkpoint),
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      });
      body = await res.text();
    } catch (e) {
      return done({ result: 'unreachable', detail: (e as Error).message, retried: attempt > 0 });
    }
    if (res.status === 409 && attempt === 0) {
      const held = (res.headers.get('content-type') ?? '').startsWith(TLOG_SIZE_CONTENT_TYPE)
        ? parseDecimal(body.trim())
        : undefined;
      // Retry once from the witness's size, when it is a prefix the log can prove.
      if (held !== undefined && held <= size && held !== oldSize) {
        oldSize = held;
        continue;
      }
    }
    if (res.status !== 200) {
      const held = res.status === 409 ? parseDecimal(body.trim()) : undefined;
      return done({
        result: 'refused',
        status: res.status,
        ...(held !== undefined ? { witnessSize: held } : {}),
        detail: body.trim().slice(0, 300),
        retried: attempt > 0,
      });
    }
    try {
      const lines = body.endsWith('\n') ? body.split(/(?<=\n)/) : [];
      const mine = lines.filter((l) => {
        try {
          return openNote(`${text}\n${l}`, [verifier]).verified.length === 1;
        } catch {
          return false;
        }
      });
      if (mine.length === 0)
        throw new LedgerError('LEDGER_COSIGNATURE_INVALID', 'no valid cosignature of the witness key');
      return done({ result: 'cosigned', status: 200, cosignature: mine.join(''), retried: attempt > 0 });
    } catch (e) {
      return done({ result: 'invalid', status: 200, detail: (e as Error).message, retried: attempt > 0 });
    }
  }
}

/**
 * Whether the cosigned checkpoint meets the policy. The cosignatures were each verified as they
 * came in, so when the witnesses that cosigned meet the quorum only the log's own signature is
 * checked; otherwise the whole note is (cosignatures it carried before may count).
 */
function quorumOf(
  policy: Policy,
  witnesses: readonly GatherWitness[],
  outcomes: readonly WitnessOutcome[],
  checkpoint: string,
): boolean {
  const cosigned = new Set<string>();
  outcomes.forEach((x, i) => {
    if (x.result !== 'cosigned') return;
    const v = verifierOf(witnesses[i]!.vkey);
    for (const [name, w] of policy.witnesses)
      if (w.verifier.name === v.name && w.verifier.keyId === v.keyId) cosigned.add(name);
  });
  try {
    if (quorumMet(policy, cosigned)) {
      const note = openNote(
        checkpoint,
        policy.logs.map((l) => l.verifier),
      );
      const { origin } = parseCheckpoint(note.text);
      if (note.verified.some((s) => s.name === origin)) return true;
    }
    verifyCheckpointPolicy(checkpoint, policy);
    return true;
  } catch {
    return false;
  }
}

/**
 * Asks every witness to cosign `checkpoint` and collects the verified cosignatures.
 *
 * @param o - the checkpoint, the previous size, the proof function, the witnesses, policy, timeout, fetch
 * @throws LedgerError the checkpoint's note errors (the checkpoint itself is malformed)
 * @example
 * ```ts
 * const r = await gatherCosignatures({
 *   checkpoint, oldSize: previous.size, witnesses,
 *   proof: (m, n) => reader.consistencyProof(m, n),
 * });
 * if (r.quorum === false) console.warn(r.outcomes.filter((x) => x.result !== 'cosigned'));
 * ```
 */
export async function gatherCosignatures(o: GatherOptions): Promise<GatherResult> {
  const note = parseNote(o.checkpoint);
  const { size } = parseCheckpoint(note.text);
  const outcomes = await Promise.all(o.witnesses.map((w) => askOne(o, w, note.text, size)));
  const cosignatures = outcomes.flatMap((x) => (x.cosignature ? [x.cosignature] : []));
  const checkpoint = o.checkpoint + cosignatures.join('');
  const quorum = o.policy ? quorumOf(o.policy, o.witnesses, outcomes, checkpoint) : undefined;
  return { checkpoint, cosignatures, outcomes, ...(quorum !== undefined ? { quorum } : {}) };
}
