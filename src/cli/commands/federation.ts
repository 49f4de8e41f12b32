/**
 * `trustbridge federation` (what `npm start` runs): a federation in a box on loopback — a regional
 * hub and three country nodes (PH, VN, BE), each its own process with its own store, keys and
 * sample citizens. The hub's list of trusted lists points at each node's trust list, so a document
 * signed by a citizen of one country validates at every other node. The VN tax portal, a sample
 * public service registered with VN, shows a login with the eID across borders.
 */
import { join, resolve } from 'node:path';
import {
  SAMPLE_COUNTRIES,
  TAX_PORTAL_NAME,
  TAX_PORTAL_URL_KEY,
  startFederation,
  taxPortalClientFile,
} from '../../federation/index.js';
import { int, parseOptions, str } from '../args.js';
import type { Command } from '../command.js';
import { waitForSignal } from './node.js';
import { checkDataDir } from '../data_dir.js';

const federation: Command = {
  words: ['federation'],
  async run(argv) {
    const { values: o } = parseOptions(argv, {
      dir: { type: 'string' },
      port: { type: 'string' },
      workers: { type: 'string' },
    });
    const dir = resolve(str(o, 'dir') ?? 'federation');
    const port = int(o, 'port', 8080, 1, 65531);
    checkDataDir(dir);
    process.stdout.write(`trustbridge federation in a box in ${dir}\n`);
    const fed = await startFederation(dir, port, { workers: int(o, 'workers', 1, 1, 64) });
    const lines = [
      `regional hub       ${fed.urls['hub']}  list of trusted lists: ${fed.urls['hub']}/lotl.xml`,
      ...SAMPLE_COUNTRIES.map(
        (c) =>
          `${c.country} country node    ${fed.urls[c.country]}  trust list: ${fed.urls[c.country]}/trustlist.xml  TSA: ${fed.urls[c.country]}/tsa`,
      ),
      `${TAX_PORTAL_NAME}      ${fed.urls[TAX_PORTAL_URL_KEY]}/  a public service of VN: log in with a PH, VN or BE wallet (client in ${taxPortalClientFile(dir)})`,
      `wallets in ${join(dir, 'wallets')}, officer tokens in ${dir}/<cc>/officer-token, passphrase in ${join(dir, '.passphrase')}`,
      `try: trustbridge validate --in FILE --trust ${fed.urls['hub']}/lotl.xml`,
      'Ctrl-C stops it.',
      '',
    ];
    process.stdout.write(lines.join('\n'));
    await waitForSignal();
    await fed.stop();
    return 0;
  },
};

/**
 * The `federation` command.
 *
 * @example
 * ```ts
 * const COMMANDS: Command[] = [...demoCommands, ...federationCommands];
 * ```
 */
export const federationCommands: Command[] = [federation];
