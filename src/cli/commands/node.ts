import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { openNode } from '../../node/context.js';
import { readNodeConfig, storeLocation } from '../../node/config.js';
import { initNode } from '../../node/init.js';
import type { KeyAlgorithm } from '../../pki/key_store.js';
import { int, parseOptions, req, str } from '../args.js';
import type { Options } from '../args.js';
import type { TlsLoginServe } from '../../server/serve.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { readPassword } from '../password.js';
import { countRows } from '../../eid/register_store/index.js';
import { checkDataDir } from '../data_dir.js';

const init: Command = {
  words: ['node', 'init'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        dir: { type: 'string' },
        country: { type: 'string' },
        name: { type: 'string' },
        'base-url': { type: 'string' },
        db: { type: 'string' },
        'eid-ca-curve': { type: 'string' },
        'hsm-module': { type: 'string' },
        'hsm-pin-file': { type: 'string' },
        'hsm-token': { type: 'string' },
        'password-file': { type: 'string' },
      },
      ['dir', 'country'],
    );
    const curve = str(o, 'eid-ca-curve') ?? 'P-256';
    if (curve !== 'P-256' && curve !== 'P-384')
      throw new UsageError('USAGE_INVALID_ARGUMENT', '--eid-ca-curve must be P-256 or P-384');
    const hsmModule = str(o, 'hsm-module');
    if (hsmModule !== undefined && str(o, 'hsm-pin-file') === undefined) {
      throw new UsageError('USAGE_INVALID_ARGUMENT', '--hsm-module needs --hsm-pin-file');
    }
    const passphrase = await readPassword(str(o, 'password-file'), 'node key');
    const cfg = await initNode({
      dir: req(o, 'dir'),
      country: req(o, 'country'),
      name: str(o, 'name'),
      baseUrl: str(o, 'base-url'),
      db: str(o, 'db'),
      passphrase,
      eidCaCurve: curve as KeyAlgorithm,
      caKeys: hsmModule
        ? {
            type: 'pkcs11',
            module: hsmModule,
            pinFile: resolve(req(o, 'hsm-pin-file')),
            tokenLabel: str(o, 'hsm-token') ?? 'trustbridge',
          }
        : { type: 'file' },
    });
    printJson({
      dir: req(o, 'dir'),
      country: cfg.country,
      name: cfg.name,
      baseUrl: cfg.baseUrl,
      caKeys: cfg.caKeys.type,
    });
    return 0;
  },
};

const info: Command = {
  words: ['node', 'info'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      { dir: { type: 'string' }, 'password-file': { type: 'string' } },
      ['dir'],
    );
    const node = await openNode(req(o, 'dir'), {
      passphrase: await readPassword(str(o, 'password-file'), 'node key'),
    });
    try {
      printJson({
        country: node.config.country,
        name: node.config.name,
        baseUrl: node.config.baseUrl,
        store: node.store.engine,
        caKeys: node.caKeys.kind,
        rootCa: node.root.certificate.subject,
        eidCa: node.eidCa.certificate.subject,
        persons: await countRows(node.store, 'person'),
        certificates: await countRows(node.store, 'certificate'),
      });
    } finally {
      await node.close();
    }
    return 0;
  },
};

const serve: Command = {
  words: ['node', 'serve'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        dir: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        workers: { type: 'string' },
        log: { type: 'boolean' },
        'password-file': { type: 'string' },
        'tls-login-port': { type: 'string' },
        'tls-login-cert': { type: 'string' },
        'tls-login-key': { type: 'string' },
        'tls-login-key-password-file': { type: 'string' },
      },
      ['dir'],
    );
    const dir = req(o, 'dir');
    const config = readNodeConfig(dir);
    const db = storeLocation(dir, config);
    checkDataDir(dir, /^postgres(ql)?:\/\//.test(db) ? undefined : db);
    const passphrase = await readPassword(str(o, 'password-file'), 'node key');
    const workers = int(o, 'workers', 1, 1, 64);
    const host = str(o, 'host') ?? '127.0.0.1';
    const port = int(o, 'port', Number(new URL(config.baseUrl).port || 8080), 0, 65535);
    const tlsLogin = await tlsLoginOptions(o);
    const logger = o['log'] === true;
    if (workers > 1) {
      const { startCluster } = await import('../../server/cluster.js');
      const c = await startCluster({
        dir,
        passphrase,
        host,
        port,
        workers,
        logger,
        ...(tlsLogin ? { tlsLogin } : {}),
      });
      process.stdout.write(banner(config.country, c.url, c.tlsLogin, workers));
      await waitForSignal();
      await c.stop();
      return 0;
    }
    // Imported here: the HTTP server loads the OpenID provider, which no other node command needs.
    const { serveNode } = await import('../../server/serve.js');
    const node = await openNode(dir, { passphrase });
    try {
      const srv = await serveNode(node, host, port, { logger, ...(tlsLogin ? { tlsLogin } : {}) });
      process.stdout.write(banner(config.country, srv.url, srv.tlsLogin, 1));
      await waitForSignal();
      await srv.close();
    } finally {
      await node.close();
    }
    return 0;
  },
};

/** What `node serve` prints once listening, in one write: whoever waits for the URLs reads them together. */
function banner(
  country: string,
  url: string,
  tls: { url: string; fingerprint?: string } | undefined,
  workers: number,
): string {
  let text = `trustbridge node ${country} listening on ${url}${workers > 1 ? ` (${workers} worker processes)` : ''}\n`;
  if (tls?.fingerprint)
    text += `self-signed TLS login certificate made in memory, SHA-256 ${tls.fingerprint}\n`;
  if (tls) text += `TLS client-certificate login on ${tls.url}\n`;
  return text;
}

function readPemFile(file: string): Buffer {
  if (!existsSync(file)) throw new UsageError('USAGE_INVALID_ARGUMENT', `no file ${file}`);
  return readFileSync(file);
}

/** The TLS login listener's options from `--tls-login-*`; undefined without `--tls-login-port`. */
async function tlsLoginOptions(o: Options): Promise<TlsLoginServe | undefined> {
  const port = str(o, 'tls-login-port');
  const certFile = str(o, 'tls-login-cert');
  const keyFile = str(o, 'tls-login-key');
  if (port === undefined) {
    if (certFile ?? keyFile)
      throw new UsageError(
        'USAGE_INVALID_ARGUMENT',
        '--tls-login-cert and --tls-login-key need --tls-login-port',
      );
    return undefined;
  }
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      'give both --tls-login-cert and --tls-login-key, or neither',
    );
  const passFile = str(o, 'tls-login-key-password-file');
  return {
    port: int(o, 'tls-login-port', 0, 0, 65535),
    ...(certFile && keyFile ? { cert: readPemFile(certFile), key: readPemFile(keyFile) } : {}),
    ...(passFile ? { passphrase: await readPassword(passFile, 'TLS key') } : {}),
  };
}

/** Resolves on SIGINT or SIGTERM, so servers shut down cleanly. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export const nodeCommands: Command[] = [init, serve, info];
