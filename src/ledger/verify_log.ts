/**
 * The auditor's check of a whole log (`trustbridge log verify`): the checkpoint signed by the
 * log's key, its cosignatures against a witness policy (when one is given), every tile rebuilt
 * from the entries ({@link LogReader.audit}), and consistency with the last checkpoint this
 * auditor saw (same size: same root; larger: a consistency proof from the tiles; smaller: a
 * rollback). Reports problems rather than throwing on a bad log; I/O through a {@link TileSource}.
 */
import { openCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { noteVerifier } from './keys.js';
import { verifyCheckpointPolicy } from './policy.js';
import type { Policy } from './policy.js';
import { LogReader } from './reader.js';
import type { TileSource } from './tile_store.js';

/** A tree this auditor saw before. */
export interface SeenTree {
  readonly size: number;
  /** Base64 root hash. */
  readonly root: string;
}

/** The outcome of {@link verifyLog}. */
export interface LogVerdict {
  /** True when every check passed. */
  readonly ok: boolean;
  readonly origin?: string;
  readonly size?: number;
  /** Base64 root hash. */
  readonly root?: string;
  /** The policy's witnesses whose cosignature verified. */
  readonly cosigners: readonly {
    readonly witness: string;
    readonly keyName: string;
    readonly time: number;
  }[];
  /** `met`, `unmet` or `none` (no policy given). */
  readonly policy: 'met' | 'unmet' | 'none';
  /** The earlier tree the log was checked consistent with (null: none seen before, or not consistent). */
  readonly consistentWith: SeenTree | null;
  /** The log is not consistent with the tree seen before (same size other root, shrunk, or a bad proof): a fork. */
  readonly inconsistent?: string;
  /** Entries read and rehashed. */
  readonly entriesChecked: number;
  /** What failed, each with its code. */
  readonly problems: readonly { readonly code: string; readonly message: string }[];
}

function problemOf(e: unknown): { code: string; message: string } {
  if (e instanceof LedgerError) return { code: e.code, message: e.message };
  return { code: 'LEDGER_TILE_MISSING', message: e instanceof Error ? e.message : String(e) };
}

/**
 * Verifies a log.
 *
 * @param o - the log's resources, its verifier key, a policy, the tree seen before, progress
 * @example
 * ```ts
 * const v = await verifyLog({ source, logKey: vkey, previous: { size: 10, root: 'base64…' } });
 * process.exitCode = v.ok ? 0 : 1;
 * ```
 */
export async function verifyLog(o: {
  source: TileSource;
  logKey: string;
  policy?: Policy;
  previous?: SeenTree;
  onProgress?: (done: number, total: number) => void;
  /** Given every entry, chunk by chunk, as the audit checks it ({@link LogReader.audit}). */
  onEntries?: (first: number, entries: readonly Buffer[]) => void;
}): Promise<LogVerdict> {
  const problems: { code: string; message: string }[] = [];
  const reader = new LogReader(o.source);
  const verdict = (x: Partial<LogVerdict>): LogVerdict => ({
    ok: problems.length === 0,
    cosigners: [],
    policy: o.policy ? 'unmet' : 'none',
    consistentWith: null,
    entriesChecked: 0,
    ...x,
    problems,
  });
  const raw = await o.source.read('checkpoint');
  if (raw === undefined) {
    problems.push({ code: 'LEDGER_TILE_MISSING', message: 'the log serves no checkpoint' });
    return verdict({});
  }
  let cp;
  try {
    cp = openCheckpoint(raw, [noteVerifier(o.logKey)]);
  } catch (e) {
    problems.push(problemOf(e));
    return verdict({});
  }
  const root = cp.root.toString('base64');
  const base = { origin: cp.origin, size: cp.size, root };
  let cosigners: LogVerdict['cosigners'] = [];
  let policy: LogVerdict['policy'] = 'none';
  if (o.policy) {
    try {
      cosigners = verifyCheckpointPolicy(raw, o.policy).cosigners;
      policy = 'met';
    } catch (e) {
      policy = 'unmet';
      problems.push(problemOf(e));
    }
  }
  let entriesChecked = 0;
  try {
    await reader.audit(
      { size: cp.size, root: cp.root },
      (done) => {
        entriesChecked = done;
        o.onProgress?.(done, cp.size);
      },
      o.onEntries,
    );
  } catch (e) {
    problems.push(problemOf(e));
  }
  const c = o.previous ? await checkConsistent(reader, o.previous, cp) : undefined;
  if (c?.problem) problems.push(c.problem);
  return verdict({
    ...base,
    cosigners,
    policy,
    consistentWith: c && !c.problem ? o.previous! : null,
    ...(c?.problem ? { inconsistent: c.problem.message } : {}),
    entriesChecked,
  });
}

/** Same size: same root; larger: a consistency proof from the tiles; smaller: a rollback. */
async function checkConsistent(
  reader: LogReader,
  prev: SeenTree,
  cp: { size: number; root: Buffer },
): Promise<{ problem?: { code: string; message: string } }> {
  const prevRoot = Buffer.from(prev.root, 'base64');
  if (prev.size > cp.size)
    return {
      problem: {
        code: 'LEDGER_SIZE_INVALID',
        message: `the log shrank: size ${cp.size}, after size ${prev.size} was seen`,
      },
    };
  if (prev.size === cp.size && !prevRoot.equals(cp.root))
    return {
      problem: {
        code: 'LEDGER_PROOF_INVALID',
        message: `fork: size ${cp.size} has root ${cp.root.toString('base64')}, after root ${prev.root} was seen`,
      },
    };
  try {
    await reader.proveConsistent({ size: prev.size, root: prevRoot }, cp);
    return {};
  } catch (e) {
    const p = problemOf(e);
    return { problem: { code: p.code, message: `not consistent with size ${prev.size}: ${p.message}` } };
  }
}
