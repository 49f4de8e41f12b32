/**
 * What an error message adds when the command line tells how to fix it: the error comes from a
 * layer that does not know which option or file gave the value.
 */
import { dirname } from 'node:path';
import type { TrustbridgeError } from '../lib/errors.js';
import { federationPassphraseFile } from '../federation/index.js';

/** The value of `--dir` on a command line (`--dir D` or `--dir=D`), if any. */
function dirOption(argv: readonly string[]): string | undefined {
  for (const [i, a] of argv.entries()) {
    if (a === '--dir') return argv[i + 1];
    if (a.startsWith('--dir=')) return a.slice('--dir='.length);
  }
  return undefined;
}

/**
 * The fix to append to an error's message for the user, or `''`. A wrong key passphrase names the
 * federation's (or demo's) passphrase file when `--dir` is one of its members, else the ways to
 * give the passphrase; an HSM PIN (PKCS#11) has its own file and gets nothing.
 *
 * @param e - the error the command failed with
 * @param argv - the command line after `trustbridge`
 * @example
 * ```ts
 * process.stderr.write(`trustbridge: error ${e.code}: ${e.message}${errorHint(e, argv)}\n`);
 * ```
 */
export function errorHint(e: TrustbridgeError, argv: readonly string[]): string {
  if (e.code !== 'KEY_PASSPHRASE_WRONG' || e.message.startsWith('PKCS#11')) return '';
  const dir = dirOption(argv);
  const file = dir === undefined ? undefined : federationPassphraseFile(dir);
  if (file !== undefined)
    return (
      `; ${dir} belongs to the federation (or demo) in ${dirname(file)}, which keeps its passphrase ` +
      `in ${file}: export TRUSTBRIDGE_PASSWORD="$(cat ${file})" or pass --password-file ${file}`
    );
  return '; set TRUSTBRIDGE_PASSWORD or pass --password-file F with the passphrase the keys were made with';
}
