/**
 * The background sync of `node serve`: every `cert.syncIntervalSeconds` (node.json, default
 * 300 s, 0 for none) each remote TAXII server is pulled (src/cert/sync.ts). Every server process
 * and cluster worker runs the timer; the sync lease in the store lets one of them sync a remote
 * at a time, the others find it busy and leave it.
 */
import type { FastifyBaseLogger } from 'fastify';
import { remoteSecretKey } from '../cert/remote_secrets.js';
import { remoteRows } from '../cert/remotes.js';
import { syncAll } from '../cert/sync.js';
import type { NodeContext } from '../node/context.js';

/** Seconds between two background syncs when node.json names none. */
export const DEFAULT_SYNC_INTERVAL_SECONDS = 300;

/** A running background sync. */
export interface BackgroundSync {
  /** Stops the timer and aborts a sync in progress (its stored pages stay; the next run resumes). */
  stop(): Promise<void>;
}

/**
 * Starts the background sync of `node`, or returns undefined when it is turned off.
 *
 * @example
 * ```ts
 * const sync = startCertSync(node, app.log);
 * await sync?.stop();
 * ```
 */
export function startCertSync(node: NodeContext, log: FastifyBaseLogger): BackgroundSync | undefined {
  const seconds = node.config.cert?.syncIntervalSeconds ?? DEFAULT_SYNC_INTERVAL_SECONDS;
  if (!(seconds > 0)) return undefined;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const runOnce = async () => {
    if ((await remoteRows(node.store)).length === 0) return;
    const results = await syncAll(node.store, {
      key: remoteSecretKey(node.dir),
      clock: node.clock,
      signal: abort.signal,
    });
    for (const r of results) {
      if ('error' in r) {
        if (r.error === 'CERT_SYNC_BUSY')
          log.debug({ remote: r.remote }, 'CERT sync: another process is syncing');
        else log.warn({ remote: r.remote, code: r.error }, `CERT sync failed: ${r.message}`);
      } else if (r.stored > 0 || r.failed > 0) log.info(r, 'CERT sync');
    }
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      running = runOnce()
        .catch((e: unknown) => {
          if (!abort.signal.aborted) log.error({ err: e }, 'CERT background sync failed');
        })
        .finally(() => {
          if (!abort.signal.aborted) schedule(seconds * 1000);
        });
    }, ms);
    timer.unref();
  };
  // The first run soon after start (a node that was down catches up), then at the interval.
  schedule(Math.min(seconds, 30) * 1000);
  return {
    stop: async () => {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
