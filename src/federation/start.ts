/**
 * Starting the federation in a box: the hub and each country node as its own server process,
 * each waited for until healthy, and the VN tax portal (the sample public service) in this
 * process once VN answers; all stopped together.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnServer } from './cli_process.js';
import { isTrustbridgeError } from '../lib/errors.js';
import { FEDERATION_PORTS_AFTER_HUB, portTaken, waitListening } from './listening.js';
import type { MemberServer } from './listening.js';
import { stdoutLog } from './progress_log.js';
import type { ProgressLog } from './progress_log.js';
import { SAMPLE_COUNTRIES } from './sample_citizens.js';
import { countryDir, setUpFederation } from './setup.js';
import { startTaxPortal } from './tax_portal/app.js';
import type { RunningTaxPortal } from './tax_portal/app.js';
import type { TaxPortalClient } from './tax_portal/relying_party.js';
import { TAX_PORTAL_COUNTRY, registerTaxPortal } from './tax_portal/registration.js';
import { TAX_PORTAL_NAME } from './tax_portal/pages.js';

/** The key of the tax portal's URL in {@link RunningFederation.urls}. */
export const TAX_PORTAL_URL_KEY = 'taxPortal';

/** The processes of a running federation. */
export interface RunningFederation {
  /**
   * The base URL of the hub (`hub`), of each country node (by country code) and of the VN tax
   * portal (`taxPortal`).
   */
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

/** Listens with the tax portal, a taken port told as the federation tells it. */
async function listenPortal(
  client: TaxPortalClient,
  port: number,
  basePort: number,
): Promise<RunningTaxPortal> {
  try {
    return await startTaxPortal({ client, host: '127.0.0.1', port });
  } catch (e) {
    if (isTrustbridgeError(e, 'PORT_IN_USE'))
      throw portTaken({ name: `the ${TAX_PORTAL_NAME}`, port, basePort });
    throw e;
  }
}

/**
 * Sets up (first run) and starts the federation: the hub on `basePort`, PH, VN and BE on the next
 * three ports, each in its own process, and the VN tax portal on the port after them (registered
 * with VN on the first start that finds it missing).
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
  const log = options.log ?? stdoutLog;
  const passphrase = await setUpFederation(dir, basePort, log);
  const portalPort = basePort + FEDERATION_PORTS_AFTER_HUB;
  const client = await registerTaxPortal(
    dir,
    countryDir(dir, TAX_PORTAL_COUNTRY),
    `http://127.0.0.1:${portalPort}`,
    passphrase,
    log,
  );
  const workers = options.workers ?? 1;
  const children: ChildProcess[] = [];
  const urls: Record<string, string> = {};
  const members: MemberServer[] = [];
  let portal: Promise<RunningTaxPortal | undefined> = Promise.resolve(undefined);
  const stop = async (): Promise<void> => {
    await Promise.all([portal.then((p) => p?.close()).catch(() => undefined), stopAll(children)]);
  };
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
    portal = listenPortal(client, portalPort, basePort);
    // Every member settles (listens or fails) before a failure is told, so the one named is the
    // first in port order (the hub's when a whole federation already runs), not the quickest.
    const settled = await Promise.allSettled([
      ...members.map((m, i) => waitListening(children[i]!, m)),
      portal,
    ]);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // VN answers now: the portal reads its discovery document (a broken registration shows here).
    await (await portal)!.discover();
    urls[TAX_PORTAL_URL_KEY] = `http://127.0.0.1:${portalPort}`;
  } catch (e) {
    await stop();
    throw e;
  }
  return { urls, stop };
}
