/**
 * The start-up check of a data directory, as ssh checks its keys: the directory and its folders
 * must be 0700 and its files 0600 (they hold keys, the store with sessions and tokens, wallets,
 * secrets), and all of them must belong to the user running trustbridge. Modes that let others
 * read are repaired, with a warning; a path owned by another user, or one that cannot be
 * repaired, is refused. `public/` folders (published certificates and lists) are left as they are.
 */
import { chmodSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../lib/private_files.js';
import { StoreError } from './errors.js';

/** Options of {@link checkPrivateTree}. */
export interface PermissionCheckOptions {
  /** Told about each repaired path (one line, no newline). */
  warn: (line: string) => void;
  /** Folder names left unchecked at any depth (default `public`). */
  skip?: readonly string[];
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function checkOne(path: string, st: Stats, options: PermissionCheckOptions): void {
  const uid = currentUid();
  if (uid === undefined) return;
  if (st.uid !== uid)
    throw new StoreError(
      'STORE_PERMISSIONS_UNSAFE',
      `${path} belongs to uid ${st.uid}, not to the user running trustbridge (uid ${uid}): fix its owner (chown)`,
    );
  const want = st.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
  if ((st.mode & 0o077) === 0) return;
  try {
    chmodSync(path, want);
  } catch (e) {
    throw new StoreError(
      'STORE_PERMISSIONS_UNSAFE',
      `${path} has mode ${octal(st.mode)} (readable by other users) and cannot be changed to ${octal(want)}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  options.warn(`${path} had mode ${octal(st.mode)}, open to other users; changed to ${octal(want)}`);
}

/**
 * Checks (and repairs) one file or directory, if it exists.
 *
 * @param path - the path
 * @param options - where warnings go
 * @throws StoreError STORE_PERMISSIONS_UNSAFE when owned by another user or not repairable
 * @example `checkPrivatePath('/var/lib/ph/node.db', { warn: console.error })`
 */
export function checkPrivatePath(path: string, options: PermissionCheckOptions): void {
  if (!existsSync(path)) return;
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  checkOne(path, st, options);
}

/**
 * Checks (and repairs) a data directory and everything in it, except `public/` folders and
 * symbolic links.
 *
 * @param dir - the node, hub or federation directory
 * @param options - where warnings go, folders to skip
 * @throws StoreError STORE_PERMISSIONS_UNSAFE when a path is owned by another user or not repairable
 * @example `checkPrivateTree('ph', { warn: (l) => process.stderr.write(`trustbridge: warning: ${l}\n`) })`
 */
export function checkPrivateTree(dir: string, options: PermissionCheckOptions): void {
  const skip = new Set(options.skip ?? ['public']);
  const walk = (path: string): void => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory() && path !== dir && skip.has(basename(path))) return;
    if (!st.isDirectory() && !st.isFile()) return;
    checkOne(path, st, options);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  if (existsSync(dir)) walk(dir);
}
