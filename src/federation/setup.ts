/**
 * Setting up the federation in a box: the PH, VN and BE country nodes with their sample
 * citizens and officers, their national CERTs partners of each other, then the regional hub
 * listing each node's trust list, then each node pointed at the hub's list of trusted lists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../lib/private_files.js';
import { updateNodeConfig } from '../node/config.js';
import { setUpCertPartnerships } from './cert_partners.js';
import { runCli } from './cli_process.js';
import { federationPassphrase } from './passphrase.js';
import { stdoutLog } from './progress_log.js';
import type { ProgressLog } from './progress_log.js';
import { SAMPLE_COUNTRIES, sampleCitizensOf } from './sample_citizens.js';
import type { SampleCountry } from './sample_citizens.js';
import { setUpSampleNode } from './sample_node.js';

/**
 * The node directory of a member country of the federation in `dir`.
 *
 * @param dir - the federation directory
 * @param country - ISO 3166-1 alpha-2 code of a sample country
 * @example
 * ```ts
 * const ph = countryDir('federation', 'PH'); // federation/ph
 * ```
 */
export function countryDir(dir: string, country: string): string {
  return join(dir, country.toLowerCase());
}

async function setUpCountry(
  dir: string,
  c: SampleCountry,
  port: number,
  passphrase: string,
  log: ProgressLog,
): Promise<void> {
  const nodeDir = countryDir(dir, c.country);
  await setUpSampleNode({
    dir: nodeDir,
    country: c.country,
    name: c.name,
    baseUrl: `http://127.0.0.1:${port}`,
    passphrase,
    citizens: sampleCitizensOf(c, 'federation'),
    walletDir: join(dir, 'wallets', c.country.toLowerCase()),
    officerName: `${c.country} demo supervisor`,
    officerTokenFile: join(nodeDir, 'officer-token'),
    onEnrolled: (e) =>
      log(
        `  ${c.country}: enrolled ${e.person.givenNames} ${e.person.familyName} (${e.nationalId}), wallet ${e.wallet}\n`,
      ),
  });
}

async function setUpHub(dir: string, basePort: number, passphrase: string): Promise<void> {
  const hub = join(dir, 'hub');
  if (existsSync(join(hub, 'public', 'lotl.xml'))) return;
  await runCli(
    [
      'hub',
      'init',
      '--dir',
      hub,
      '--name',
      'Regional trust hub (demo)',
      '--base-url',
      `http://127.0.0.1:${basePort}`,
    ],
    passphrase,
  );
  for (const [i, c] of SAMPLE_COUNTRIES.entries()) {
    const nodeDir = countryDir(dir, c.country);
    const url = `http://127.0.0.1:${basePort + 1 + i}/trustlist.xml`;
    await runCli(
      [
        'hub',
        'member',
        'add',
        '--dir',
        hub,
        '--country',
        c.country,
        '--trustlist',
        url,
        '--signer',
        join(nodeDir, 'public', 'tl-signer.pem'),
        // Its witness's key (and its log's, once it has one): every member witnesses the others.
        '--node-dir',
        nodeDir,
      ],
      passphrase,
    );
  }
  // Every node validates with the hub's list of trusted lists, its signer pinned by the operator.
  for (const c of SAMPLE_COUNTRIES) {
    const nodeDir = countryDir(dir, c.country);
    updateNodeConfig(nodeDir, { lotlUrl: `http://127.0.0.1:${basePort}/lotl.xml` });
    // Owner-only like every file of a node directory outside public/ (the start-up check).
    writePrivateFile(join(nodeDir, 'lotl-signer.pem'), readFileSync(join(hub, 'public', 'lotl-signer.pem')));
  }
}

/**
 * Sets the federation up in `dir` on first run (hub on `basePort`, PH, VN and BE on the next
 * three ports, sample citizens and their wallets, each member's CERT a partner of the others');
 * later runs keep what is there.
 *
 * @param dir - the federation directory
 * @param basePort - the hub's port; the nodes take the next three
 * @param log - where each enrolment is reported
 * @returns the passphrase of every key and wallet of the demo (`DIR/.passphrase`)
 * @example
 * ```ts
 * const passphrase = await setUpFederation('federation', 8080);
 * ```
 */
export async function setUpFederation(
  dir: string,
  basePort: number,
  log: ProgressLog = stdoutLog,
): Promise<string> {
  const passphrase = federationPassphrase(dir);
  for (const [i, c] of SAMPLE_COUNTRIES.entries())
    await setUpCountry(dir, c, basePort + 1 + i, passphrase, log);
  await setUpCertPartnerships(
    SAMPLE_COUNTRIES.map((c) => ({ country: c.country, dir: countryDir(dir, c.country) })),
    log,
  );
  await setUpHub(dir, basePort, passphrase);
  return passphrase;
}
