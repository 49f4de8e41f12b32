/**
 * `trustbridge log verify`: an auditor's check of a transparency log over HTTP (tlog-tiles):
 * the checkpoint's signature, its cosignatures against a witness policy, every tile rebuilt
 * from the entries, and consistency with the checkpoint the auditor saw last, kept in the log
 * state file (src/cli/log_access.ts). `log monitor` is in log_monitor.ts.
 */
import { resolve } from 'node:path';
import { verifyLog } from '../../ledger/verify_log.js';
import { parseOptions, req, str } from '../args.js';
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
    const base = logUrl(req(o, 'url'));
    const { logKey, policy } = logKeyAndPolicy(req(o, 'vkey'), str(o, 'policy'));
    const stateFile = str(o, 'state') ? resolve(str(o, 'state')!) : logStatePath();
    const state = readLogState(stateFile);
    const key = logStateKey(logKey);
    const progress = longLogProgress('log verify');
    const verdict = await verifyLog({
      source: httpTileSource(base),
      logKey,
      ...(policy ? { policy } : {}),
      ...(state.logs[key] ? { previous: { size: state.logs[key].size, root: state.logs[key].root } } : {}),
      onProgress: progress.onProgress,
    });
    progress.done();
    if (verdict.ok && verdict.size !== undefined && verdict.root !== undefined) {
      state.logs[key] = { size: verdict.size, root: verdict.root, seenAt: new Date().toISOString() };
      writeLogState(stateFile, state);
    }
    printJson({ url: base, ...verdict, state: stateFile });
    return verdict.ok ? 0 : 1;
  },
};

/** The `log` commands. */
export const logCommands: Command[] = [verify];
