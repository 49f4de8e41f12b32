/**
 * `trustbridge federation` (what `npm start` runs): a federation in a box on loopback — a regional
 * hub and three country nodes (PH, VN, BE), each its own process with its own store, keys and
 * sample citizens. The hub's list of trusted lists points at each node's trust list, so a document
 * signed by a citizen of one country validates at every other node.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enrolPerson } from '../../eid/issuance.js';
import type { PersonInput } from '../../eid/person.js';
import { createWallet, encodeWallet, installCertificates } from '../../eid/wallet.js';
import { NodeError } from '../../node/errors.js';
import { openNode } from '../../node/context.js';
import { eidContextOf } from '../../node/eid_context.js';
import { initNode } from '../../node/init.js';
import { serverNodeFlags } from '../../lib/node_flags.js';
import { addOfficer } from '../../node/officers.js';
import { int, parseOptions, str } from '../args.js';
import type { Command } from '../command.js';
import { waitForSignal } from './node.js';

/** A member country of the demo federation, with fictitious sample citizens. */
interface DemoCountry {
  country: string;
  name: string;
  citizens: PersonInput[];
}

export const DEMO_COUNTRIES: DemoCountry[] = [
  {
    country: 'PH',
    name: 'Republic of the Philippines',
    citizens: [
      {
        givenNames: 'Maria Clara',
        familyName: 'Santos',
        birthDate: '1990-05-17',
        placeOfBirth: 'Quezon City',
        sex: 'F',
      },
      {
        givenNames: 'Jose',
        familyName: 'Rizal Mercado',
        birthDate: '1986-06-19',
        placeOfBirth: 'Calamba',
        sex: 'M',
      },
    ],
  },
  {
    country: 'VN',
    name: 'Socialist Republic of Viet Nam',
    citizens: [
      {
        givenNames: 'Lan',
        familyName: 'Nguyen Thi',
        birthDate: '1988-03-08',
        placeOfBirth: 'Ha Noi',
        sex: 'F',
      },
      {
        givenNames: 'Minh',
        familyName: 'Tran Van',
        birthDate: '1979-09-02',
        placeOfBirth: 'Da Nang',
        sex: 'M',
      },
    ],
  },
  {
    country: 'BE',
    name: 'Kingdom of Belgium',
    citizens: [
      {
        givenNames: 'Amélie',
        familyName: 'Dubois',
        birthDate: '1992-07-21',
        placeOfBirth: 'Liège',
        sex: 'F',
      },
      {
        givenNames: 'Pieter',
        familyName: 'Janssens',
        birthDate: '1984-11-15',
        placeOfBirth: 'Gent',
        sex: 'M',
      },
    ],
  },
];

const CLI = fileURLToPath(new URL('../../../../bin/trustbridge.js', import.meta.url));

/** The passphrase of a demo's keys and wallets (federation or single node): random on first run, kept beside the data. */
export function federationPassphrase(dir: string): string {
  const file = join(dir, '.passphrase');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const p = randomBytes(24).toString('base64url');
  writeFileSync(file, `${p}\n`, { mode: 0o600 });
  return p;
}

/** Runs the trustbridge CLI to completion; rejects with its stderr when it fails. */
function cli(args: string[], passphrase: string): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, TRUSTBRIDGE_PASSWORD: passphrase },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? ok(out)
        : fail(new NodeError('INTERNAL', `trustbridge ${args.slice(0, 3).join(' ')}: ${err.trim()}`)),
    );
  });
}

async function setUpCountry(dir: string, c: DemoCountry, port: number, passphrase: string): Promise<void> {
  const nodeDir = join(dir, c.country.toLowerCase());
  if (existsSync(join(nodeDir, 'node.json'))) return;
  await initNode({
    dir: nodeDir,
    country: c.country,
    name: c.name,
    baseUrl: `http://127.0.0.1:${port}`,
    passphrase,
  });
  const node = await openNode(nodeDir, { passphrase });
  try {
    const eid = eidContextOf(node);
    const wallets = join(dir, 'wallets', c.country.toLowerCase());
    mkdirSync(wallets, { recursive: true });
    for (const person of c.citizens) {
      const wallet = await createWallet();
      const csrs = { authentication: wallet.keys.authentication.csr, signature: wallet.keys.signature.csr };
      const r = await enrolPerson(eid, person, csrs, 'demo');
      const filled = installCertificates(
        wallet,
        { authentication: r.certificates.authentication.der, signature: r.certificates.signature.der },
        [node.eidCa.certificate.der, node.root.certificate.der],
      );
      const file = join(wallets, `${person.familyName.toLowerCase().replace(/\s+/g, '-')}.p12`);
      writeFileSync(file, encodeWallet(filled, passphrase), { mode: 0o600 });
      process.stdout.write(
        `  ${c.country}: enrolled ${person.givenNames} ${person.familyName} (${r.person.nationalId}), wallet ${file}\n`,
      );
    }
    const officer = await addOfficer(node.store, `${c.country} demo supervisor`, 'supervisor', node.clock());
    writeFileSync(join(nodeDir, 'officer-token'), `${officer.token}\n`, { mode: 0o600 });
  } finally {
    await node.close();
  }
}

async function setUpHub(dir: string, basePort: number, passphrase: string): Promise<void> {
  const hub = join(dir, 'hub');
  if (existsSync(join(hub, 'public', 'lotl.xml'))) return;
  await cli(
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
  for (const [i, c] of DEMO_COUNTRIES.entries()) {
    const nodeDir = join(dir, c.country.toLowerCase());
    const url = `http://127.0.0.1:${basePort + 1 + i}/trustlist.xml`;
    await cli(
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
      ],
      passphrase,
    );
  }
  // Every node validates with the hub's list of trusted lists, its signer pinned by the operator.
  for (const c of DEMO_COUNTRIES) {
    const nodeDir = join(dir, c.country.toLowerCase());
    const config = JSON.parse(readFileSync(join(nodeDir, 'node.json'), 'utf8')) as Record<string, unknown>;
    config['lotlUrl'] = `http://127.0.0.1:${basePort}/lotl.xml`;
    writeFileSync(join(nodeDir, 'node.json'), `${JSON.stringify(config, null, 2)}\n`);
    copyFileSync(join(hub, 'public', 'lotl-signer.pem'), join(nodeDir, 'lotl-signer.pem'));
  }
}

/**
 * Sets the federation up in `dir` on first run (hub on `basePort`, PH, VN and BE on the next
 * three ports, sample citizens and their wallets); later runs keep what is there.
 *
 * @returns the passphrase of every key and wallet of the demo (`DIR/.passphrase`)
 * @example
 * ```ts
 * const passphrase = await setUpFederation('federation', 8080);
 * ```
 */
export async function setUpFederation(dir: string, basePort: number): Promise<string> {
  const passphrase = federationPassphrase(dir);
  for (const [i, c] of DEMO_COUNTRIES.entries()) await setUpCountry(dir, c, basePort + 1 + i, passphrase);
  await setUpHub(dir, basePort, passphrase);
  return passphrase;
}

/** The processes of a running federation. */
export interface RunningFederation {
  urls: Record<string, string>;
  stop(): Promise<void>;
}

async function waitHealthy(url: string, child: ChildProcess, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new NodeError('INTERNAL', `${url}: the process exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new NodeError('INTERNAL', `${url} did not become healthy in ${ms} ms`);
}

function serve(args: string[], passphrase: string): ChildProcess {
  return spawn(process.execPath, [...serverNodeFlags([]), CLI, ...args], {
    env: { ...process.env, TRUSTBRIDGE_PASSWORD: passphrase },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Sets up (first run) and starts the federation: the hub on `basePort`, PH, VN and BE on the next
 * three ports, each in its own process.
 *
 * @param dir - the demo directory
 * @param basePort - the hub's port
 * @example
 * ```ts
 * const fed = await startFederation('demo', 8080);
 * console.log(fed.urls); await fed.stop();
 * ```
 */
export async function startFederation(
  dir: string,
  basePort: number,
  options: { workers?: number } = {},
): Promise<RunningFederation> {
  const passphrase = await setUpFederation(dir, basePort);
  const workers = options.workers ?? 1;
  const children: ChildProcess[] = [];
  const urls: Record<string, string> = {};
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((r) =>
            c.exitCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGTERM')),
          ),
      ),
    );
  };
  try {
    const hub = serve(
      ['hub', 'serve', '--dir', join(dir, 'hub'), '--host', '127.0.0.1', '--port', String(basePort)],
      passphrase,
    );
    children.push(hub);
    urls['hub'] = `http://127.0.0.1:${basePort}`;
    for (const [i, c] of DEMO_COUNTRIES.entries()) {
      const port = basePort + 1 + i;
      children.push(
        serve(
          [
            'node',
            'serve',
            '--dir',
            join(dir, c.country.toLowerCase()),
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
    }
    await Promise.all(Object.values(urls).map((u, i) => waitHealthy(u, children[i]!)));
  } catch (e) {
    await stop();
    throw e;
  }
  return { urls, stop };
}

const federation: Command = {
  words: ['federation'],
  usage: 'federation [--dir DIR] [--port N] [--workers N]   # hub + PH, VN, BE nodes on loopback (npm start)',
  async run(argv) {
    const { values: o } = parseOptions(argv, {
      dir: { type: 'string' },
      port: { type: 'string' },
      workers: { type: 'string' },
    });
    const dir = resolve(str(o, 'dir') ?? 'federation');
    const port = int(o, 'port', 8080, 1, 65532);
    process.stdout.write(`trustbridge federation in a box in ${dir}\n`);
    const fed = await startFederation(dir, port, { workers: int(o, 'workers', 1, 1, 64) });
    const lines = [
      `regional hub       ${fed.urls['hub']}  list of trusted lists: ${fed.urls['hub']}/lotl.xml`,
      ...DEMO_COUNTRIES.map(
        (c) =>
          `${c.country} country node    ${fed.urls[c.country]}  trust list: ${fed.urls[c.country]}/trustlist.xml  TSA: ${fed.urls[c.country]}/tsa`,
      ),
      `wallets in ${join(dir, 'wallets')}, officer tokens in ${dir}/<cc>/officer-token, passphrase in ${join(dir, '.passphrase')}`,
      `try: trustbridge validate --in FILE --trust ${fed.urls['hub']}/lotl.xml`,
      'Ctrl-C stops it.',
      '',
    ];
    process.stdout.write(lines.join('\n'));
    await waitForSignal();
    await fed.stop();
    return 0;
  },
};

/**
 * The `federation` command.
 *
 * @example
 * ```ts
 * const COMMANDS: Command[] = [...demoCommands, ...federationCommands];
 * ```
 */
export const federationCommands: Command[] = [federation];
