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
  /** The earlier tree the log was checked consistent with (null: none seen before). */
  readonly consistentWith: SeenTree | null;
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
    await reader.audit({ size: cp.size, root: cp.root }, (done) => {
      entriesChecked = done;
      o.onProgress?.(done, cp.size);
    });
  } catch (e) {
    problems.push(problemOf(e));
  }
  let consistentWith: SeenTree | null = null;
  const prev = o.previous;
  if (prev) {
    const prevRoot = Buffer.from(prev.root, 'base64');
    if (prev.size > cp.size)
      problems.push({
        code: 'LEDGER_SIZE_INVALID',
        message: `the log shrank: size ${cp.size}, after size ${prev.size} was seen`,
      });
    else if (prev.size === cp.size && !prevRoot.equals(cp.root))
      problems.push({
        code: 'LEDGER_PROOF_INVALID',
        message: `fork: size ${cp.size} has root ${root}, after root ${prev.root} was seen`,
      });
    else {
      try {
        await reader.proveConsistent({ size: prev.size, root: prevRoot }, { size: cp.size, root: cp.root });
        consistentWith = prev;
      } catch (e) {
        const p = problemOf(e);
        problems.push({ code: p.code, message: `not consistent with size ${prev.size}: ${p.message}` });
      }
    }
  }
  return verdict({ ...base, cosigners, policy, consistentWith, entriesChecked });
}
