import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../../lib/errors.js';
import { toPem } from '../../lib/pem.js';
import { createWallet, encodeWallet, openWallet } from '../../eid/wallet.js';
import type { Wallet } from '../../eid/wallet.js';
import { parseCertificate } from '../../x509/certificate_info.js';
import { parseOptions, req } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { WALLET_PASSWORD_FILE_OPTIONS, readPassword, walletPasswordFile } from '../password.js';
import { writePrivateFile } from '../../lib/private_files.js';

/** The wallet password: `--wallet-password-file`, `TRUSTBRIDGE_WALLET_PASSWORD`, then `TRUSTBRIDGE_PASSWORD`. */
export function walletPassword(file: string | undefined): Promise<string> {
  return readPassword(file, 'wallet', 'TRUSTBRIDGE_WALLET_PASSWORD', '--wallet-password-file');
}

/** Reads and opens a wallet file. */
export function loadWallet(path: string, password: string): Wallet {
  if (!existsSync(path)) throw new UsageError('USAGE_INVALID_ARGUMENT', `no wallet file ${path}`);
  return openWallet(readFileSync(path), password);
}

/** Writes a wallet file atomically (temporary file, then rename). */
export function saveWallet(path: string, wallet: Wallet, password: string): void {
  writePrivateFile(path, encodeWallet(wallet, password));
}

const create: Command = {
  words: ['wallet', 'create'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { out: { type: 'string' }, force: { type: 'boolean' }, ...WALLET_PASSWORD_FILE_OPTIONS },
      ['out'],
    );
    const out = req(o, 'out');
    if (existsSync(out) && o['force'] !== true)
      throw new UsageError('USAGE_INVALID_ARGUMENT', `${out} exists (use --force to replace it)`);
    const password = await walletPassword(walletPasswordFile(o));
    const wallet = await createWallet();
    saveWallet(out, wallet, password);
    printJson({
      wallet: out,
      keys: {
        authentication: { csr: toPem(wallet.keys.authentication.csr, 'CERTIFICATE REQUEST') },
        signature: { csr: toPem(wallet.keys.signature.csr, 'CERTIFICATE REQUEST') },
      },
    });
    return 0;
  },
};

const show: Command = {
  words: ['wallet', 'show'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { wallet: { type: 'string' }, ...WALLET_PASSWORD_FILE_OPTIONS },
      ['wallet'],
    );
    const wallet = loadWallet(req(o, 'wallet'), await walletPassword(walletPasswordFile(o)));
    const describe = (c: Buffer | undefined): unknown => {
      if (!c) return null;
      const i = parseCertificate(c);
      return { subject: i.subject, serial: i.serial, notBefore: i.notBefore, notAfter: i.notAfter };
    };
    printJson({
      authentication: describe(wallet.keys.authentication.certificate),
      signature: describe(wallet.keys.signature.certificate),
      chain: wallet.caCertificates.map((c) => parseCertificate(c).subject),
    });
    return 0;
  },
};

export const walletCommands: Command[] = [create, show];
