/**
 * `trustbridge log monitor --dir DIR`: a country's auditor checks its node's log (read over
 * HTTP like any verifier: `<baseUrl>/log/` by default, with the node's `public/log.vkey`) and
 * holds the node's register against it (src/ledger/monitor.ts). Prints the counts of entries
 * by type, the certificate events of the node's CAs since the last run (or `--since N`), and
 * the problems, each with a stable code; exits 0 when there are none, 1 otherwise. What the
 * monitor saw is kept in the log state file under `monitors` (src/cli/log_access.ts).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { monitorLog } from '../../ledger/monitor.js';
import { integratedAfter, readRegisterSnapshot } from '../../ledger/monitor_register.js';
import { NODE_FILES, readNodeConfig, storeLocation } from '../../node/config.js';
import { openStore } from '../../store/database.js';
import { int, parseOptions, req, str } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import {
  httpTileSource,
  logKeyAndPolicy,
  logStateKey,
  logStatePath,
  logUrl,
  longLogProgress,
  readLogState,
  writeLogState,
} from '../log_access.js';

/** Problems about the register or the witnesses: the log itself verified, so its tree is remembered. */
const REGISTER_CODES = new Set([
  'LEDGER_MONITOR_UNLOGGED',
  'LEDGER_MONITOR_UNKNOWN_CERT',
  'LEDGER_MONITOR_WITNESS_REFUSED',
]);

const monitor: Command = {
  words: ['log', 'monitor'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        dir: { type: 'string' },
        url: { type: 'string' },
        vkey: { type: 'string' },
        policy: { type: 'string' },
        state: { type: 'string' },
        since: { type: 'string' },
      },
      ['dir'],
    );
    const dir = req(o, 'dir');
    const config = readNodeConfig(dir);
    const base = logUrl(str(o, 'url') ?? `${config.baseUrl.replace(/\/+$/, '')}/log/`);
    const vkeyFile = join(dir, NODE_FILES.public, NODE_FILES.logVkey);
    const vkey = str(o, 'vkey') ?? (existsSync(vkeyFile) ? vkeyFile : undefined);
    if (vkey === undefined)
      throw new UsageError('USAGE_INVALID_ARGUMENT', `no ${vkeyFile}: give the log's key with --vkey`);
    const { logKey, policy } = logKeyAndPolicy(vkey, str(o, 'policy'));
    const since = str(o, 'since') === undefined ? undefined : int(o, 'since', 0, 0, Number.MAX_SAFE_INTEGER);
    const stateFile = str(o, 'state') ? resolve(str(o, 'state')!) : logStatePath();
    const state = readLogState(stateFile);
    const key = logStateKey(logKey);
    const seen = state.monitors?.[key];
    const store = await openStore(storeLocation(dir, config));
    const progress = longLogProgress('log monitor');
    let report;
    try {
      const register = await readRegisterSnapshot(store.db);
      report = await monitorLog({
        source: httpTileSource(base),
        logKey,
        ...(policy ? { policy } : {}),
        ...(seen ? { previous: { size: seen.size, root: seen.root } } : {}),
        ...(since !== undefined ? { since } : {}),
        register,
        pendingAfter: (size) => integratedAfter(store.db, size, register.integratedSize),
        onProgress: progress.onProgress,
      });
    } finally {
      progress.done();
      await store.close();
    }
    const logVerified = report.problems.every((p) => REGISTER_CODES.has(p.code));
    if (logVerified && report.size !== undefined && report.root !== undefined) {
      state.monitors = {
        ...state.monitors,
        [key]: { size: report.size, root: report.root, seenAt: new Date().toISOString() },
      };
      writeLogState(stateFile, state);
    }
    printJson({ url: base, ...report, state: stateFile });
    return report.ok ? 0 : 1;
  },
};

/** The `log monitor` command. */
export const logMonitorCommands: Command[] = [monitor];
