/**
 * What the `log` commands share: the log read over HTTP (tlog-tiles), the verifier key and
 * witness policy arguments, and the state file of what the auditor saw last. The state is kept
 * per log (origin and key) in a small JSON file, 0600 in a 0700 folder: `--state FILE`, else
 * `TRUSTBRIDGE_LOG_STATE`, else `$XDG_STATE_HOME/trustbridge/log-state.json`, else
 * `~/.local/state/trustbridge/log-state.json`. `log verify` records the tree it verified under
 * `logs`, `log monitor` under `monitors` (each command resumes from what it saw itself).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../lib/errors.js';
import { makePrivateDir, writePrivateFile } from '../lib/private_files.js';
import { LedgerError } from '../ledger/errors.js';
import { noteVerifier, parseVerifierKey } from '../ledger/keys.js';
import { parsePolicy } from '../ledger/policy.js';
import type { Policy } from '../ledger/policy.js';
import type { TileSource } from '../ledger/tile_store.js';
import type { SeenTree } from '../ledger/verify_log.js';
import { ProgressBar } from './progress.js';

/**
 * The log state file's path.
 *
 * @param env - the environment
 * @example `logStatePath({ HOME: '/home/ana' }) // '/home/ana/.local/state/trustbridge/log-state.json'`
 */
export function logStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['TRUSTBRIDGE_LOG_STATE'];
  if (explicit) return resolve(explicit);
  const base = env['XDG_STATE_HOME'] || join(env['HOME'] || homedir(), '.local', 'state');
  return join(base, 'trustbridge', 'log-state.json');
}

/** A tree seen, and when. */
export type SeenAt = SeenTree & { seenAt: string };

/** The state file. */
export interface LogStateFile {
  version: 1;
  /** What `log verify` saw, per log. */
  logs: Record<string, SeenAt>;
  /** What `log monitor` saw, per log. */
  monitors?: Record<string, SeenAt>;
}

/**
 * Reads the state file (an empty state when there is none).
 *
 * @param file - its path
 * @throws UsageError USAGE_INVALID_ARGUMENT when the file is not a state file
 * @example `readLogState(logStatePath()).logs`
 */
export function readLogState(file: string): LogStateFile {
  if (!existsSync(file)) return { version: 1, logs: {} };
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<LogStateFile>;
    if (s.version === 1 && typeof s.logs === 'object' && s.logs !== null)
      return {
        version: 1,
        logs: s.logs,
        ...(typeof s.monitors === 'object' && s.monitors !== null ? { monitors: s.monitors } : {}),
      };
  } catch {
    // Replaced below.
  }
  throw new UsageError(
    'USAGE_INVALID_ARGUMENT',
    `${file} is not a log state file (remove it to start again)`,
  );
}

/**
 * Writes the state file (0600, in a 0700 folder).
 *
 * @param file - its path
 * @param state - the state
 * @example `writeLogState(file, state)`
 */
export function writeLogState(file: string, state: LogStateFile): void {
  makePrivateDir(dirname(file));
  writePrivateFile(file, JSON.stringify(state, null, 2) + '\n');
}

/**
 * The state file's key of a log: its key name (the origin) and the verifier key.
 *
 * @param logKey - the verifier key
 * @example `logStateKey(vkey) // 'ph.example/log ph.example/log+1234abcd+AQ…'`
 */
export function logStateKey(logKey: string): string {
  return `${parseVerifierKey(logKey).name} ${logKey}`;
}

/** Reads a text argument that is either a file or the value itself (a verifier key). */
function keyArgument(value: string): string {
  if (existsSync(value)) return readFileSync(value, 'utf8').trim();
  return value.trim();
}

/**
 * The log's verifier key (`--vkey`, a file or the key itself) and witness policy (`--policy
 * FILE`; a policy naming witnesses only gets the log's own key), checked.
 *
 * @param vkey - the `--vkey` value
 * @param policyFile - the `--policy` value
 * @throws UsageError USAGE_INVALID_ARGUMENT for a bad key, a missing or bad policy
 * @example `const { logKey, policy } = logKeyAndPolicy(req(o, 'vkey'), str(o, 'policy'))`
 */
export function logKeyAndPolicy(
  vkey: string,
  policyFile: string | undefined,
): { logKey: string; policy?: Policy } {
  try {
    const logKey = keyArgument(vkey);
    noteVerifier(logKey);
    if (policyFile === undefined) return { logKey };
    if (!existsSync(policyFile))
      throw new UsageError('USAGE_INVALID_ARGUMENT', `no policy file ${policyFile}`);
    let text = readFileSync(policyFile, 'utf8');
    if (!/^\s*log\s/m.test(text)) text = `log ${logKey}\n${text}`;
    return { logKey, policy: parsePolicy(text) };
  } catch (e) {
    if (e instanceof LedgerError) throw new UsageError('USAGE_INVALID_ARGUMENT', e.message, { cause: e });
    throw e;
  }
}

/**
 * A log URL argument, checked and ending in `/`.
 *
 * @param url - the `--url` value
 * @throws UsageError USAGE_INVALID_ARGUMENT when it is not an http(s) URL
 * @example `logUrl('http://127.0.0.1:8080/log') // 'http://127.0.0.1:8080/log/'`
 */
export function logUrl(url: string): string {
  if (!/^https?:\/\/\S+$/.test(url))
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--url must be an http(s) URL');
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The resources under a log URL (`…/log/`): 200 → bytes, 404 → absent, others fail.
 *
 * @param base - the log's URL, ending in `/`
 * @param timeoutMs - per request
 * @example `new LogReader(httpTileSource('http://127.0.0.1:8080/log/'))`
 */
export function httpTileSource(base: string, timeoutMs = 30_000): TileSource {
  return {
    async read(path) {
      const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(timeoutMs) });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new LedgerError('LEDGER_TILE_MISSING', `${path}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

/**
 * A progress bar on stderr for long logs only (more than 64 tiles of entries), fed with the
 * entries checked so far (silent until a summary line when stderr is not a terminal).
 *
 * @param label - the bar's label
 * @example `const p = longLogProgress('log verify'); await verifyLog({ ..., onProgress: p.onProgress }); p.done();`
 */
export function longLogProgress(label: string): {
  onProgress: (done: number, total: number) => void;
  done: () => void;
} {
  let bar: ProgressBar | undefined;
  let shown = 0;
  return {
    onProgress: (done, total) => {
      if (total < 65_536) return;
      bar ??= new ProgressBar({ total, stream: process.stderr, label });
      bar.tick(done - shown);
      shown = done;
    },
    done: () => bar?.done(),
  };
}
