import { TrustbridgeError } from '../lib/errors.js';
import { httpStatus } from '../server/errors.js';
import type { Command } from './command.js';
import { errorHint } from './error_hints.js';
import { eidCommands } from './commands/eid.js';
import { nodeCommands } from './commands/node.js';
import { officerCommands } from './commands/officer.js';
import { walletCommands } from './commands/wallet.js';
import { demoCommands } from './commands/demo.js';
import { federationCommands } from './commands/federation.js';
import { signCommands } from './commands/sign.js';
import { extendCommands } from './commands/extend.js';
import { validateCommands } from './commands/validate.js';
import { hubCommands } from './commands/hub.js';
import { rpCommands } from './commands/rp.js';
import { walletLoginCommands } from './commands/wallet_login.js';
import { logCommands } from './commands/log.js';

const COMMANDS: Command[] = [
  ...nodeCommands,
  ...walletCommands,
  ...eidCommands,
  ...officerCommands,
  ...demoCommands,
  ...federationCommands,
  ...signCommands,
  ...extendCommands,
  ...validateCommands,
  ...hubCommands,
  ...rpCommands,
  ...walletLoginCommands,
  ...logCommands,
];

function help(): string {
  return [
    'usage: trustbridge <command> [options]',
    '',
    ...COMMANDS.map((c) => `  trustbridge ${c.usage}`),
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
  const cmd = COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w)).sort(
    (a, b) => b.words.length - a.words.length,
  )[0];
  if (!cmd) {
    process.stderr.write(`trustbridge: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${help()}`);
    return 3;
  }
  try {
    return await cmd.run(argv.slice(cmd.words.length));
  } catch (e) {
    if (e instanceof TrustbridgeError) {
      process.stderr.write(`trustbridge: error ${e.code}: ${e.message}${errorHint(e, argv)}\n`);
    } else {
      process.stderr.write(`trustbridge: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    }
    return exitCodeFor(e);
  }
}
