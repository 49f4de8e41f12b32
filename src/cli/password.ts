import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { KeyStoreError } from '../pki/errors.js';

/**
 * The passphrase for keys and wallets: `--password-file F`, else `TRUSTBRIDGE_PASSWORD`, else a
 * prompt when stdin is a terminal. Scripts never get prompted (DESIGN.md, command-line contract).
 *
 * @param passwordFile - value of `--password-file`
 * @param what - what the password is for (prompt text)
 * @param envName - environment variable to read
 */
export async function readPassword(
  passwordFile: string | undefined,
  what: string,
  envName = 'TRUSTBRIDGE_PASSWORD',
): Promise<string> {
  if (passwordFile !== undefined) {
    const p = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
    if (p.length === 0) throw new KeyStoreError('KEY_PASSPHRASE_MISSING', `${passwordFile} is empty`);
    return p;
  }
  const env = process.env[envName] ?? process.env['TRUSTBRIDGE_PASSWORD'];
  if (env !== undefined && env.length > 0) return env;
  if (!process.stdin.isTTY) {
    throw new KeyStoreError(
      'KEY_PASSPHRASE_MISSING',
      `no ${what} password: set ${envName} or pass --password-file`,
    );
  }
  return prompt(`${what} password: `);
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
