import { join } from 'node:path';
import { stdoutLog } from './progress_log.js';
import type { ProgressLog } from './progress_log.js';
import { DEMO_NODE_COUNTRY, sampleCitizensOf } from './sample_citizens.js';
import { setUpSampleNode } from './sample_node.js';

/**
 * The node directory of the single-node demo in `dir`.
 *
 * @param dir - the demo directory
 * @example
 * ```ts
 * const node = await openNode(demoNodeDir('demo'), { passphrase });
 * ```
 */
export function demoNodeDir(dir: string): string {
  return join(dir, DEMO_NODE_COUNTRY.country.toLowerCase());
}

/**
 * Sets up the single-node demo in `dir` on first run: the country node for `port`, its sample
 * citizens with their wallets in `DIR/wallets` and a supervisor whose token goes to
 * `DIR/officer-token`; later runs keep what is there.
 *
 * @param dir - the demo directory
 * @param port - the port the node will serve on, part of its base URL
 * @param passphrase - the passphrase of its keys and wallets ({@link federationPassphrase})
 * @param log - where each enrolment is reported
 * @returns the supervisor's token, or undefined when the node was already there
 * @example
 * ```ts
 * await setUpDemoNode('demo', 8080, federationPassphrase('demo'));
 * ```
 */
export async function setUpDemoNode(
  dir: string,
  port: number,
  passphrase: string,
  log: ProgressLog = stdoutLog,
): Promise<string | undefined> {
  return setUpSampleNode({
    dir: demoNodeDir(dir),
    country: DEMO_NODE_COUNTRY.country,
    name: DEMO_NODE_COUNTRY.name,
    baseUrl: `http://127.0.0.1:${port}`,
    passphrase,
    citizens: sampleCitizensOf(DEMO_NODE_COUNTRY, 'node'),
    walletDir: join(dir, 'wallets'),
    officerName: 'Demo Supervisor',
    officerTokenFile: join(dir, 'officer-token'),
    onEnrolled: (c) =>
      log(
        `  enrolled ${c.person.givenNames} ${c.person.familyName}: national id ${c.nationalId}, wallet ${c.wallet}\n`,
      ),
  });
}
