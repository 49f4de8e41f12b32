/**
 * Files only their owner may read: data directories 0700, keys, wallets, secrets and stores 0600,
 * whatever the umask (`mkdir`/`open` modes are only masked, never widened, and leave an existing
 * file as it was, so the mode is set explicitly after creation).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';

/** Mode of a private data directory. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of a private file. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents) and makes it 0700; an existing directory is narrowed too.
 *
 * @param dir - the directory
 * @example `makePrivateDir('ph/keys')`
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Writes `file` as 0600 through a temporary file renamed over it, so a crash never leaves a
 * half-written file and the data is never readable by others, even for a moment.
 *
 * @param file - the file
 * @param data - its content
 * @example `writePrivateFile('ph/login-secrets.json', JSON.stringify(secrets))`
 */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data, { mode: PRIVATE_FILE_MODE });
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, file);
}

/**
 * Creates `file` empty as 0600 when it does not exist, and narrows it to 0600 when it does (for
 * files another library then opens, such as a SQLite database).
 *
 * @param file - the file
 * @example `touchPrivateFile('ph/node.db')`
 */
export function touchPrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}
