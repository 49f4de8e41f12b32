/**
 * `trustbridge wallet login --wallet FILE.p12 <challenge-or-URL>`: answers a login page's
 * challenge with the wallet's authentication key. With the page's wallet URL the response is
 * posted to the node (the browser then continues); with a challenge code the signed response is
 * printed for pasting into the page.
 */
import { browserWalletFile } from '../../login/browser_wallet.js';
import { parseCertificate } from '../../x509/certificate_info.js';
import { walletLogin } from '../../login/wallet_client.js';
import { UsageError } from '../../lib/errors.js';
import { parseOptions, req, str } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { WALLET_PASSWORD_FILE_OPTIONS, walletPasswordFile } from '../password.js';
import { loadWallet, walletPassword } from './wallet.js';
import { writePrivateFile } from '../../lib/private_files.js';

/** Writes the browser wallet's key file (the authentication key in the clear: keep it private). */
async function exportBrowserKey(
  file: string,
  passwordFile: string | undefined,
  out: string,
): Promise<number> {
  const wallet = loadWallet(file, await walletPassword(passwordFile));
  const auth = wallet.keys.authentication;
  if (!auth.certificate)
    throw new UsageError('USAGE_INVALID_ARGUMENT', 'the wallet is not enrolled (no certificate)');
  const pkcs8 = auth.privateKey.export({ type: 'pkcs8', format: 'der' });
  const body = browserWalletFile(pkcs8, [auth.certificate, ...wallet.caCertificates]);
  writePrivateFile(out, `${JSON.stringify(body)}\n`);
  printJson({ exported: out, certificate: parseCertificate(auth.certificate).subject });
  return 0;
}

const login: Command = {
  words: ['wallet', 'login'],
  async run(argv) {
    const { values: o, positionals } = parseOptions(
      argv,
      {
        wallet: { type: 'string' },
        ...WALLET_PASSWORD_FILE_OPTIONS,
        'export-browser-key': { type: 'string' },
      },
      ['wallet'],
    );
    const exportTo = str(o, 'export-browser-key');
    if (exportTo !== undefined) return exportBrowserKey(req(o, 'wallet'), walletPasswordFile(o), exportTo);
    if (positionals.length !== 1)
      throw new UsageError('USAGE_INVALID_ARGUMENT', 'give exactly one challenge code or login URL');
    const wallet = loadWallet(req(o, 'wallet'), await walletPassword(walletPasswordFile(o)));
    const out = await walletLogin(wallet, positionals[0]!);
    printJson(out);
    return 0;
  },
};

/** The wallet login command. */
export const walletLoginCommands: Command[] = [login];
