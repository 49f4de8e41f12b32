import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../lib/private_files.js';

/**
 * The passphrase of a demo's keys and wallets (federation or single node): random on first run,
 * kept beside the data in `DIR/.passphrase` so a restart opens what the first run made.
 *
 * @param dir - the demo directory
 * @example
 * ```ts
 * const passphrase = federationPassphrase('federation');
 * ```
 */
export function federationPassphrase(dir: string): string {
  const file = join(dir, '.passphrase');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  makePrivateDir(dir);
  const p = randomBytes(24).toString('base64url');
  writePrivateFile(file, `${p}\n`);
  return p;
}

/**
 * Where the demo that made a node or hub directory keeps its passphrase: `DIR/.passphrase` beside
 * the member directories `DIR/ph`, `DIR/hub`…, when there is one.
 *
 * @param memberDir - a node's or hub's directory
 * @returns the passphrase file, or undefined when the directory is not a demo's member
 * @example
 * ```ts
 * federationPassphraseFile('federation/ph'); // 'federation/.passphrase'
 * ```
 */
export function federationPassphraseFile(memberDir: string): string | undefined {
  const file = join(dirname(resolve(memberDir)), '.passphrase');
  return existsSync(file) ? file : undefined;
}
