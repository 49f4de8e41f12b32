import type { FastifyInstance } from 'fastify';
import type { NodeContext } from '../node/context.js';
import type { AttemptLimiter } from '../login/rate_limit.js';
import type { LoginService } from '../login/service.js';
import type { TlsLoginListener } from '../login/tls_listener.js';
import { buildApp, loginRoutesOf } from './app.js';
import { portInUse } from '../lib/port_in_use.js';
import { httpStatus } from './errors.js';
import { Sequencer } from '../ledger/sequencer.js';
import type { CosignHook } from '../ledger/sequencer.js';
import { nodeCosignHook } from '../node/cosign.js';
import { witnessedCosign } from './cosign.js';
import type { NotariseRouteOptions } from './routes/notarise.js';
import { startCertSync } from './cert_sync.js';

/** The TLS client-certificate login listener (issue 5 part 2a) of {@link serveNode}. */
export interface TlsLoginServe {
  /** Interface to bind (default: the main listener's). */
  host?: string;
  /** TCP port (0 picks a free one). */
  port: number;
  /**
   * Server certificate chain and key (PEM). Without them, a self-signed certificate with a key
   * made in memory at start (tls_certificate.ts), for test set-ups.
   */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Decrypts an encrypted PEM key. */
  passphrase?: string;
}

/** Options of {@link serveNode}. */
export interface ServeOptions {
  logger?: boolean;
  tlsLogin?: TlsLoginServe;
  /** The login rate limit to take tokens from (a cluster's shared one); default one of this process. */
  loginLimiter?: AttemptLimiter;
  /** Gathers witness cosignatures before a checkpoint is published (default: none). */
  cosign?: CosignHook;
  /** Runs the transparency log's sequencer in this process (default true). */
  sequencer?: boolean;
  /** How long `POST /api/v1/notarise` waits for its receipt (default 10 s). */
  notarise?: NotariseRouteOptions;
  /** Runs the background sync of the CERT exchange's remotes (default true; node.json sets its interval). */
  certSync?: boolean;
}

/** A running node server. */
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** The TLS client-certificate login listener, when started. */
  tlsLogin?: { url: string; fingerprint?: string };
  close(): Promise<void>;
}

function urlOf(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function startTls(
  node: NodeContext,
  host: string,
  o: TlsLoginServe,
  service: () => Promise<LoginService>,
): Promise<{ listener: TlsLoginListener; fingerprint?: string }> {
  const { startTlsLoginListener } = await import('../login/tls_listener.js');
  let cert = o.cert;
  let key = o.key;
  let fingerprint: string | undefined;
  if (cert === undefined || key === undefined) {
    const { selfSignedTlsIdentity } = await import('../login/tls_certificate.js');
    const id = await selfSignedTlsIdentity(o.host ?? host, node.clock());
    ({ cert, key, fingerprint } = id);
  }
  const listener = await startTlsLoginListener(service, {
    host: o.host ?? host,
    port: o.port,
    cert,
    key,
    ...(o.passphrase ? { passphrase: o.passphrase } : {}),
    statusOf: httpStatus,
  }).catch((e: unknown) => {
    throw portInUse(e, o.host ?? host, o.port, '--tls-login-port');
  });
  return { listener, ...(fingerprint ? { fingerprint } : {}) };
}

/** The cosign step: the one given, else the witnesses the node's LOTL lists (none without one). */
function cosignOf(node: NodeContext, app: FastifyInstance, options: ServeOptions): { cosign?: CosignHook } {
  if (options.cosign) return { cosign: options.cosign };
  if (!node.log || !node.witness) return {};
  return {
    cosign: witnessedCosign(nodeCosignHook(node, node.log.vkey), app.log, {
      db: node.store.db,
      clock: node.clock,
    }),
  };
}

/**
 * Starts the transparency log's sequencer of `node` (each server process runs one; a lease in
 * the store lets one integrate at a time), its failures logged and retried at the next run.
 */
function startSequencer(
  node: NodeContext,
  app: FastifyInstance,
  options: ServeOptions,
): Sequencer | undefined {
  if (!node.log || options.sequencer === false) return undefined;
  const s = node.config.log;
  const sequencer = new Sequencer({
    store: node.store,
    log: node.log,
    clock: node.clock,
    ...(s?.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
    ...(s?.intervalMs !== undefined ? { intervalMs: s.intervalMs } : {}),
    ...cosignOf(node, app, options),
    onError: (e) => app.log.error({ err: e }, 'transparency log sequencer run failed'),
  });
  sequencer.start();
  return sequencer;
}

/**
 * Starts the node's HTTP server and, when asked, the TLS client-certificate login listener
 * (whose URL the login page then offers).
 *
 * @param node - an open node
 * @param host - interface to bind
 * @param port - TCP port (0 picks a free one)
 * @param options - request logging, TLS login listener
 * @example
 * ```ts
 * const srv = await serveNode(node, '127.0.0.1', 8080, { tlsLogin: { port: 8443 } });
 * console.log(srv.url, srv.tlsLogin?.url);
 * ```
 */
export async function serveNode(
  node: NodeContext,
  host: string,
  port: number,
  options: ServeOptions = {},
): Promise<RunningServer> {
  // The TLS listener starts first (its URL goes on the login page); it reaches the login
  // service, created lazily by the application, once the application exists.
  let app: FastifyInstance | undefined;
  const service = (): Promise<LoginService> => {
    const routes = app && loginRoutesOf(app);
    return routes ? routes.service() : Promise.reject(new Error('the node is starting'));
  };
  const tls = options.tlsLogin ? await startTls(node, host, options.tlsLogin, service) : undefined;
  try {
    app = await buildApp(node, {
      logger: options.logger ?? false,
      login: {
        ...(tls ? { tlsLoginUrl: tls.listener.url } : {}),
        ...(options.loginLimiter ? { limiter: options.loginLimiter } : {}),
      },
      ...(options.notarise ? { notarise: options.notarise } : {}),
    });
    await app.listen({ host, port });
  } catch (e) {
    await tls?.listener.close();
    await app?.close();
    throw portInUse(e, host, port, '--port');
  }
  const addr = app.server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  const running = app;
  const sequencer = startSequencer(node, running, options);
  const certSync = options.certSync === false ? undefined : startCertSync(node, running.log);
  return {
    app: running,
    url: urlOf('http', host, actual),
    ...(tls
      ? { tlsLogin: { url: tls.listener.url, ...(tls.fingerprint ? { fingerprint: tls.fingerprint } : {}) } }
      : {}),
    close: async () => {
      await certSync?.stop();
      await sequencer?.stop();
      await tls?.listener.close();
      await running.close();
    },
  };
}
