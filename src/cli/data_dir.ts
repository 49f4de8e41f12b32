/**
 * The permission check `node serve`, `hub serve` and `federation` make before they start (README,
 * "Files and permissions"): modes open to other users are repaired with a warning on stderr, a
 * path owned by another user is refused with STORE_PERMISSIONS_UNSAFE.
 */
import { checkPrivatePath, checkPrivateTree } from '../store/permissions.js';

const warn = (line: string): void => {
  process.stderr.write(`trustbridge: warning: ${line}\n`);
};

/**
 * Checks a data directory and, for a SQLite store kept elsewhere, its database files.
 *
 * @param dir - the node, hub or federation directory
 * @param sqliteFile - the node's SQLite database when it is outside `dir`
 * @throws StoreError STORE_PERMISSIONS_UNSAFE
 * @example `checkDataDir('ph')`
 */
export function checkDataDir(dir: string, sqliteFile?: string): void {
  checkPrivateTree(dir, { warn });
  if (sqliteFile !== undefined)
    for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) checkPrivatePath(f, { warn });
}
