import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../lib/errors.js';
import { KeyStoreError } from '../pki/errors.js';
import { str } from './args.js';
import type { OptionSpec, Options } from './args.js';

/**
 * The passphrase for keys and wallets: `--password-file F`, else `TRUSTBRIDGE_PASSWORD`, else a
 * prompt when stdin is a terminal. Scripts never get prompted (DESIGN.md, command-line contract).
 *
 * @param passwordFile - value of `--password-file`
 * @param what - what the password is for (prompt text)
 * @param envName - environment variable to read
 * @param option - the option that names a password file, for the message when there is none
 * @example
 * ```ts
 * const passphrase = await readPassword(str(o, 'password-file'), 'node key');
 * ```
 */
export async function readPassword(
  passwordFile: string | undefined,
  what: string,
  envName = 'TRUSTBRIDGE_PASSWORD',
  option = '--password-file',
): Promise<string> {
  if (passwordFile !== undefined) {
    if (!existsSync(passwordFile)) throw new UsageError('USAGE_INVALID_ARGUMENT', `no file ${passwordFile}`);
    const p = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
    if (p.length === 0) throw new KeyStoreError('KEY_PASSPHRASE_MISSING', `${passwordFile} is empty`);
    return p;
  }
  const env = process.env[envName] ?? process.env['TRUSTBRIDGE_PASSWORD'];
  if (env !== undefined && env.length > 0) return env;
  if (!process.stdin.isTTY) {
    throw new KeyStoreError(
      'KEY_PASSPHRASE_MISSING',
      `no ${what} password: set ${envName} or pass ${option}`,
    );
  }
  return prompt(`${what} password: `);
}

/**
 * The two spellings of a wallet's password file, accepted by every command that opens a wallet
 * and needs no node key (`wallet create|show|login`, `sign`): users copy one from another command.
 *
 * @example
 * ```ts
 * parseOptions(argv, { wallet: { type: 'string' }, ...WALLET_PASSWORD_FILE_OPTIONS });
 * ```
 */
export const WALLET_PASSWORD_FILE_OPTIONS: OptionSpec = {
  'wallet-password-file': { type: 'string' },
  'password-file': { type: 'string' },
};

/**
 * The wallet password file given with either spelling of {@link WALLET_PASSWORD_FILE_OPTIONS}.
 *
 * @param o - the parsed options
 * @returns the file, or undefined when neither is given
 * @throws UsageError USAGE_INVALID_ARGUMENT when both name different files
 * @example
 * ```ts
 * const password = await walletPassword(walletPasswordFile(o));
 * ```
 */
export function walletPasswordFile(o: Options): string | undefined {
  const a = str(o, 'wallet-password-file');
  const b = str(o, 'password-file');
  if (a !== undefined && b !== undefined && a !== b)
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      '--wallet-password-file and --password-file name different files; give one',
    );
  return a ?? b;
}

function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    const original = out._writeToOutput.bind(rl);
    // Echo the question, not the typed characters.
    out._writeToOutput = (s: string) => original(s.startsWith(question) ? question : '');
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
