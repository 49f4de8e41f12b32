import { TrustbridgeError } from '../lib/errors.js';
import { httpStatus } from '../server/errors.js';
import { COMMAND_TABLE, findCommand, loadCommand } from './command_table.js';

function help(): string {
  return [
    'usage: trustbridge <command> [options]',
    '',
    ...COMMAND_TABLE.map((c) => `  trustbridge ${c.usage}`),
    '',
  ].join('\n');
}

/**
 * Codes that are a 5xx for a server (an upstream failed) but that the user of the command line
 * fixes with another argument: a `--trust` URL that cannot be downloaded (unreachable, too slow,
 * too large) calls for another source or a file.
 */
const CLI_INPUT_CODES: ReadonlySet<string> = new Set(['TRUST_LIST_UNAVAILABLE']);

/**
 * Exit status of an error: 3 for usage and input errors (4xx, and {@link CLI_INPUT_CODES}), 1
 * otherwise (DESIGN.md command-line contract).
 */
export function exitCodeFor(e: unknown): number {
  if (!(e instanceof TrustbridgeError)) return 1;
  return httpStatus(e.code) < 500 || CLI_INPUT_CODES.has(e.code) ? 3 : 1;
}

/**
 * Runs the command line; resolves to the process exit status.
 *
 * @param argv - arguments after `trustbridge`
 * @example
 * ```ts
 * process.exitCode = await main(['node', 'init', '--dir', 'ph', '--country', 'PH']);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  // A closed pipe (`trustbridge … | head`) ends output quietly instead of crashing.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(help());
    return argv.length === 0 ? 3 : 0;
  }
  const cmd = findCommand(argv);
  if (!cmd) {
    process.stderr.write(`trustbridge: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${help()}`);
    return 3;
  }
  try {
    return await (await loadCommand(cmd)).run(argv.slice(cmd.words.length));
  } catch (e) {
    if (e instanceof TrustbridgeError) {
      // Loaded here: the hints need the federation layout, which no successful command pays for.
      const { errorHint } = await import('./error_hints.js');
      process.stderr.write(`trustbridge: error ${e.code}: ${e.message}${errorHint(e, argv)}\n`);
    } else {
      process.stderr.write(`trustbridge: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    }
    return exitCodeFor(e);
  }
}
