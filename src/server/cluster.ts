/**
 * `node serve --workers N`: one node served by N processes (node:cluster) sharing its listening
 * ports, so a node uses every core. Everything a request needs is in the node's store (SQLite
 * in WAL mode or PostgreSQL): login sessions, grants and codes, challenges, certificate status;
 * so any worker can answer any request. The primary process opens the node once (migrations,
 * the login signing key and secret, so the workers never race to create them), then hands each
 * worker the passphrase and the TLS login identity over the IPC channel (never the environment
 * or a file), keeps the node's one login rate limit (cluster_rate_limit.ts), restarts a worker
 * that dies, and stops them all on SIGINT/SIGTERM.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../lib/errors.js';
import { NodeError } from '../node/errors.js';
import { openNode } from '../node/context.js';
import { RateLimiter } from '../login/rate_limit.js';
import { answerRateAsks } from './cluster_rate_limit.js';
import { serverNodeFlags } from '../lib/node_flags.js';
import type { TlsLoginServe } from './serve.js';

/** What {@link startCluster} starts. */
export interface ClusterOptions {
  dir: string;
  passphrase: string;
  host: string;
  port: number;
  workers: number;
  logger?: boolean;
  tlsLogin?: TlsLoginServe;
}

/** The primary's message to a worker. */
export type WorkerCommand =
  | {
      type: 'start';
      dir: string;
      passphrase: string;
      host: string;
      port: number;
      logger: boolean;
      tlsLogin?: { host?: string; port: number; cert: string; key: string; passphrase?: string };
    }
  | { type: 'stop' };

/** A worker's messages. */
export type WorkerReport =
  | { type: 'ready' }
  | { type: 'listening'; url: string; tlsLoginUrl?: string }
  | { type: 'failed'; code: string; message: string };

/** A running cluster. */
export interface RunningCluster {
  url: string;
  tlsLogin?: { url: string; fingerprint?: string };
  workers: number;
  stop(): Promise<void>;
}

/** A worker that dies is restarted, at most this many times a minute. */
const RESTARTS_PER_MINUTE = 10;

const WORKER_ENTRY = fileURLToPath(new URL('./cluster_worker.js', import.meta.url));

/** Opens the node once so migrations, the login key and the login secret exist before any worker. */
async function prepareNode(dir: string, passphrase: string): Promise<RateLimiter> {
  const node = await openNode(dir, { passphrase });
  try {
    const { prepareLogin } = await import('../login/keys.js');
    await prepareLogin({ store: node.store, keys: node.serviceKeys, clock: node.clock });
    // The node's one login rate limit, asked by every worker (cluster_rate_limit.ts).
    return new RateLimiter(node.config.loginRateLimit);
  } finally {
    await node.close();
  }
}

async function tlsIdentity(
  o: TlsLoginServe,
  host: string,
): Promise<{
  start: NonNullable<Extract<WorkerCommand, { type: 'start' }>['tlsLogin']>;
  fingerprint?: string;
}> {
  const base = { ...(o.host ? { host: o.host } : {}), port: o.port };
  if (o.cert !== undefined && o.key !== undefined)
    return {
      start: {
        ...base,
        cert: o.cert.toString(),
        key: o.key.toString(),
        ...(o.passphrase ? { passphrase: o.passphrase } : {}),
      },
    };
  // One self-signed identity for every worker: they share the listener.
  const { selfSignedTlsIdentity } = await import('../login/tls_certificate.js');
  const id = await selfSignedTlsIdentity(o.host ?? host, new Date());
  return { start: { ...base, cert: id.cert, key: id.key }, fingerprint: id.fingerprint };
}

/** Workers whose command handler is installed (before that, a message would be lost). */
const ready = new WeakSet<Worker>();

function startWorker(
  command: WorkerCommand,
  forked: Set<Worker>,
  limiter: RateLimiter,
): Promise<{ worker: Worker; report: WorkerReport }> {
  const worker = cluster.fork();
  // Known from the start, so a stop reaches a worker that is still starting.
  forked.add(worker);
  answerRateAsks(worker, limiter);
  return new Promise((resolve, reject) => {
    // `online` comes before the worker's modules are loaded: it says `ready` once it listens.
    const onMessage = (report: WorkerReport): void => {
      if (report.type === 'ready') {
        ready.add(worker);
        return void worker.send(command);
      }
      worker.off('message', onMessage);
      resolve({ worker, report });
    };
    worker.on('message', onMessage);
    worker.once('exit', (code, signal) =>
      reject(new NodeError('INTERNAL', `a server worker exited at start (${code ?? signal})`)),
    );
  });
}

function stopWorker(worker: Worker, graceMs = 10_000): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ready.has(worker)) worker.send({ type: 'stop' } satisfies WorkerCommand);
    else worker.process.kill('SIGTERM');
  });
}

/**
 * Starts `o.workers` server processes for the node in `o.dir`.
 *
 * @param o - node directory and passphrase, address, worker count, TLS login listener
 * @example
 * ```ts
 * const c = await startCluster({ dir: 'ph', passphrase, host: '127.0.0.1', port: 8081, workers: 2 });
 * await c.stop();
 * ```
 */
export async function startCluster(o: ClusterOptions): Promise<RunningCluster> {
  if (!cluster.isPrimary) throw new NodeError('INTERNAL', 'a cluster is started from the primary process');
  const limiter = await prepareNode(o.dir, o.passphrase);
  const tls = o.tlsLogin ? await tlsIdentity(o.tlsLogin, o.host) : undefined;
  cluster.setupPrimary({ exec: WORKER_ENTRY, args: [], execArgv: serverNodeFlags(), silent: false });
  const base: Extract<WorkerCommand, { type: 'start' }> = {
    type: 'start',
    dir: o.dir,
    passphrase: o.passphrase,
    host: o.host,
    port: o.port,
    logger: o.logger ?? false,
    ...(tls ? { tlsLogin: tls.start } : {}),
  };
  const workers = new Set<Worker>();
  let stopping = false;
  const first = await startWorker(base, workers, limiter);
  if (first.report.type !== 'listening') {
    await stopWorker(first.worker);
    const r = first.report.type === 'failed' ? first.report : { code: 'INTERNAL', message: 'no answer' };
    // The worker already said how to fix it: pass that on as it is.
    if (r.code === 'PORT_IN_USE') throw new UsageError('PORT_IN_USE', r.message);
    throw new NodeError('INTERNAL', `the server did not start: ${r.code} ${r.message}`);
  }
  const { url, tlsLoginUrl } = first.report;
  // The same command for all: the primary hands every worker the handle the first one bound
  // (with port 0 too, they all get the port it picked).
  const command = base;
  for (let i = 1; i < o.workers; i++) {
    const w = await startWorker(command, workers, limiter);
    if (w.report.type === 'failed') {
      await Promise.all([...workers].map((x) => stopWorker(x)));
      throw new NodeError('INTERNAL', `a server worker did not start: ${w.report.code} ${w.report.message}`);
    }
  }
  const restarts: number[] = [];
  cluster.on('exit', (worker, code, signal) => {
    workers.delete(worker);
    if (stopping) return;
    const now = Date.now();
    while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
    if (restarts.length >= RESTARTS_PER_MINUTE) {
      process.stderr.write(
        `trustbridge: a server worker died (${code ?? signal}); too many restarts, not restarting\n`,
      );
      return;
    }
    restarts.push(now);
    process.stderr.write(`trustbridge: a server worker died (${code ?? signal}); restarting it\n`);
    startWorker(command, workers, limiter).catch((e: Error) =>
      process.stderr.write(`trustbridge: ${e.message}\n`),
    );
  });
  return {
    url,
    workers: o.workers,
    ...(tlsLoginUrl
      ? { tlsLogin: { url: tlsLoginUrl, ...(tls?.fingerprint ? { fingerprint: tls.fingerprint } : {}) } }
      : {}),
    async stop() {
      stopping = true;
      await Promise.all([...workers].map((w) => stopWorker(w)));
    },
  };
}
