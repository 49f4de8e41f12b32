/**
 * Starting the federation in a box: the hub and each country node as its own server process,
 * each waited for until healthy, all stopped together.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnServer } from './cli_process.js';
import { waitListening } from './listening.js';
import type { MemberServer } from './listening.js';
import { stdoutLog } from './progress_log.js';
import type { ProgressLog } from './progress_log.js';
import { SAMPLE_COUNTRIES } from './sample_citizens.js';
import { countryDir, setUpFederation } from './setup.js';

/** The processes of a running federation. */
export interface RunningFederation {
  /** The base URL of the hub (`hub`) and of each country node (by country code). */
  urls: Record<string, string>;
  /** Stops every process and waits for each to exit. */
  stop(): Promise<void>;
}

/** How the federation runs. */
export interface StartFederationOptions {
  /** Server processes per country node (default 1). */
  workers?: number;
  /** Where the first run's enrolments are reported (default standard output). */
  log?: ProgressLog;
}

/** Sends SIGTERM to every process still running and waits for all of them to exit. */
async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((r) =>
          c.exitCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGTERM')),
        ),
    ),
  );
}

/**
 * Sets up (first run) and starts the federation: the hub on `basePort`, PH, VN and BE on the next
 * three ports, each in its own process.
 *
 * @param dir - the demo directory
 * @param basePort - the hub's port
 * @param options - server processes per node and where set-up progress goes
 * @example
 * ```ts
 * const fed = await startFederation('demo', 8080);
 * console.log(fed.urls); await fed.stop();
 * ```
 */
export async function startFederation(
  dir: string,
  basePort: number,
  options: StartFederationOptions = {},
): Promise<RunningFederation> {
  const passphrase = await setUpFederation(dir, basePort, options.log ?? stdoutLog);
  const workers = options.workers ?? 1;
  const children: ChildProcess[] = [];
  const urls: Record<string, string> = {};
  const members: MemberServer[] = [];
  const stop = (): Promise<void> => stopAll(children);
  try {
    const hub = spawnServer(
      ['hub', 'serve', '--dir', join(dir, 'hub'), '--host', '127.0.0.1', '--port', String(basePort)],
      passphrase,
    );
    children.push(hub);
    urls['hub'] = `http://127.0.0.1:${basePort}`;
    members.push({ name: 'the hub', port: basePort, basePort });
    for (const [i, c] of SAMPLE_COUNTRIES.entries()) {
      const port = basePort + 1 + i;
      children.push(
        spawnServer(
          [
            'node',
            'serve',
            '--dir',
            countryDir(dir, c.country),
            '--host',
            '127.0.0.1',
            '--port',
            String(port),
            ...(workers > 1 ? ['--workers', String(workers)] : []),
          ],
          passphrase,
        ),
      );
      urls[c.country] = `http://127.0.0.1:${port}`;
      members.push({ name: `the ${c.country} node`, port, basePort });
    }
    await Promise.all(members.map((m, i) => waitListening(children[i]!, m)));
  } catch (e) {
    await stop();
    throw e;
  }
  return { urls, stop };
}
