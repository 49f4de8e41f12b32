/**
 * `trustbridge log verify`: an auditor's check of a transparency log over HTTP (tlog-tiles):
 * the checkpoint's signature, its cosignatures against a witness policy, every tile rebuilt
 * from the entries, and consistency with the checkpoint the auditor saw last. What it saw is
 * kept per log (origin and key) in a small JSON file, 0600 in a 0700 folder: `--state FILE`,
 * else `TRUSTBRIDGE_LOG_STATE`, else `$XDG_STATE_HOME/trustbridge/log-state.json`, else
 * `~/.local/state/trustbridge/log-state.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { makePrivateDir, writePrivateFile } from '../../lib/private_files.js';
import { LedgerError } from '../../ledger/errors.js';
import { noteVerifier, parseVerifierKey } from '../../ledger/keys.js';
import { parsePolicy } from '../../ledger/policy.js';
import type { Policy } from '../../ledger/policy.js';
import type { TileSource } from '../../ledger/tile_store.js';
import { verifyLog } from '../../ledger/verify_log.js';
import type { SeenTree } from '../../ledger/verify_log.js';
import { parseOptions, req, str } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { ProgressBar } from '../progress.js';

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

interface LogStateFile {
  version: 1;
  logs: Record<string, SeenTree & { seenAt: string }>;
}

function readState(file: string): LogStateFile {
  if (!existsSync(file)) return { version: 1, logs: {} };
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<LogStateFile>;
    if (s.version === 1 && typeof s.logs === 'object' && s.logs !== null) return { version: 1, logs: s.logs };
  } catch {
    // Replaced below.
  }
  throw new UsageError(
    'USAGE_INVALID_ARGUMENT',
    `${file} is not a log state file (remove it to start again)`,
  );
}

/** Reads a text argument that is either a file or the value itself (a verifier key). */
function keyArgument(value: string): string {
  if (existsSync(value)) return readFileSync(value, 'utf8').trim();
  return value.trim();
}

/**
 * The resources under a log URL (`…/log/`): 200 → bytes, 404 → absent, others fail.
 *
 * @param base - the log's URL, ending in `/`
 * @param timeoutMs - per request
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

const verify: Command = {
  words: ['log', 'verify'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        url: { type: 'string' },
        vkey: { type: 'string' },
        policy: { type: 'string' },
        state: { type: 'string' },
      },
      ['url', 'vkey'],
    );
    const url = req(o, 'url');
    if (!/^https?:\/\/\S+$/.test(url))
      throw new UsageError('USAGE_INVALID_ARGUMENT', '--url must be an http(s) URL');
    const base = url.endsWith('/') ? url : `${url}/`;
    let logKey: string;
    let policy: Policy | undefined;
    try {
      logKey = keyArgument(req(o, 'vkey'));
      noteVerifier(logKey);
      const policyFile = str(o, 'policy');
      if (policyFile !== undefined) {
        if (!existsSync(policyFile))
          throw new UsageError('USAGE_INVALID_ARGUMENT', `no policy file ${policyFile}`);
        let text = readFileSync(policyFile, 'utf8');
        // A policy naming witnesses only gets the log's own key.
        if (!/^\s*log\s/m.test(text)) text = `log ${logKey}\n${text}`;
        policy = parsePolicy(text);
      }
    } catch (e) {
      if (e instanceof LedgerError) throw new UsageError('USAGE_INVALID_ARGUMENT', e.message, { cause: e });
      throw e;
    }
    const stateFile = str(o, 'state') ? resolve(str(o, 'state')!) : logStatePath();
    const state = readState(stateFile);
    const key = `${parseVerifierKey(logKey).name} ${logKey}`;
    let bar: ProgressBar | undefined;
    let shown = 0;
    const verdict = await verifyLog({
      source: httpTileSource(base),
      logKey,
      ...(policy ? { policy } : {}),
      ...(state.logs[key] ? { previous: { size: state.logs[key].size, root: state.logs[key].root } } : {}),
      onProgress: (done, total) => {
        // A bar for long logs only (more than 64 tiles of entries).
        if (total < 65_536) return;
        bar ??= new ProgressBar({ total, stream: process.stderr, label: 'log verify' });
        bar.tick(done - shown);
        shown = done;
      },
    });
    bar?.done();
    if (verdict.ok && verdict.size !== undefined && verdict.root !== undefined) {
      state.logs[key] = { size: verdict.size, root: verdict.root, seenAt: new Date().toISOString() };
      makePrivateDir(dirname(stateFile));
      writePrivateFile(stateFile, JSON.stringify(state, null, 2) + '\n');
    }
    printJson({ url: base, ...verdict, state: stateFile });
    return verdict.ok ? 0 : 1;
  },
};

/** The `log` commands. */
export const logCommands: Command[] = [verify];
