/**
 * The trustbridge CLI as a child process: the federation runs each hub and node command the way an
 * operator would, so every member is its own process with its own store and keys.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NodeError } from '../node/errors.js';
import { serverNodeFlags } from '../lib/node_flags.js';

// From dist/src/federation/ up to the package root, where bin/ sits beside dist/.
const CLI = fileURLToPath(new URL('../../../bin/trustbridge.js', import.meta.url));

/**
 * Runs the trustbridge CLI to completion with `passphrase` as the password of its keys.
 *
 * @param args - the command line after `trustbridge`
 * @param passphrase - the passphrase of the demo's keys and wallets
 * @returns its standard output
 * @throws NodeError INTERNAL with its standard error when it exits with a status other than 0
 * @example
 * ```ts
 * await runCli(['hub', 'init', '--dir', 'federation/hub', '--name', 'Hub', '--base-url', url], passphrase);
 * ```
 */
export function runCli(args: string[], passphrase: string): Promise<string> {
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

/**
 * Starts a long-running trustbridge server command (`hub serve`, `node serve`) with the Node.js
 * flags a server process runs with; its standard output and error are piped, for the caller to
 * wait for its banner and to read why it failed.
 *
 * @param args - the command line after `trustbridge`
 * @param passphrase - the passphrase of the demo's keys and wallets
 * @example
 * ```ts
 * const child = spawnServer(['node', 'serve', '--dir', 'federation/ph', '--port', '8081'], passphrase);
 * ```
 */
export function spawnServer(args: string[], passphrase: string): ChildProcess {
  return spawn(process.execPath, [...serverNodeFlags([]), CLI, ...args], {
    env: { ...process.env, TRUSTBRIDGE_PASSWORD: passphrase },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
