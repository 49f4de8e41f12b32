/**
 * `trustbridge demo`: one country node with sample citizens, served in this process on loopback.
 */
import { join, resolve } from 'node:path';
import { demoNodeDir, federationPassphrase, setUpDemoNode } from '../../federation/index.js';
import { openNode } from '../../node/context.js';
import { serveNode } from '../../server/serve.js';
import { int, parseOptions, str } from '../args.js';
import type { Command } from '../command.js';
import { checkDataDir } from '../data_dir.js';
import { waitForSignal } from './node.js';

const demo: Command = {
  words: ['demo'],
  async run(argv) {
    const { values: o } = parseOptions(argv, { dir: { type: 'string' }, port: { type: 'string' } });
    const dir = resolve(str(o, 'dir') ?? 'demo');
    const port = int(o, 'port', 8080, 1, 65535);
    checkDataDir(dir);
    const passphrase = federationPassphrase(dir);
    process.stdout.write(`trustbridge demo in ${dir}\n`);
    await setUpDemoNode(dir, port, passphrase);
    const node = await openNode(demoNodeDir(dir), { passphrase });
    try {
      const srv = await serveNode(node, '127.0.0.1', port);
      process.stdout.write(
        [
          `PH country node: ${srv.url}`,
          `  CA certificates  ${srv.url}/ca/root.pem  ${srv.url}/ca/eid-ca.pem`,
          `  CRL              ${srv.url}/crl/eid-ca.crl`,
          `  OCSP             ${srv.url}/ocsp`,
          `  operator API     ${srv.url}/api/v1 (token in ${join(dir, 'officer-token')})`,
          `  OpenAPI          ${srv.url}/openapi.json`,
          `  passphrase of keys and wallets: ${join(dir, '.passphrase')}`,
          'Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
      await waitForSignal();
      await srv.close();
    } finally {
      await node.close();
    }
    return 0;
  },
};

/**
 * The `demo` command.
 *
 * @example
 * ```ts
 * const COMMANDS: Command[] = [...demoCommands, ...federationCommands];
 * ```
 */
export const demoCommands: Command[] = [demo];
