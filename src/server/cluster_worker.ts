/**
 * The entry of a `node serve --workers N` worker process (cluster.ts): waits for the primary's
 * start command, opens the node, serves it on the shared ports (its login attempts counted by
 * the primary's rate limit), reports its URLs, and closes
 * cleanly on the stop command or when the primary goes away.
 */
import cluster from 'node:cluster';
import { TrustbridgeError } from '../lib/errors.js';
import { openNode } from '../node/context.js';
import type { NodeContext } from '../node/context.js';
import type { WorkerCommand, WorkerReport } from './cluster.js';
import { ClusterRateLimiter } from './cluster_rate_limit.js';
import { serveNode } from './serve.js';
import type { RunningServer } from './serve.js';

let node: NodeContext | undefined;
let server: RunningServer | undefined;
let closing: Promise<void> | undefined;

function report(r: WorkerReport): void {
  process.send?.(r);
}

function close(): Promise<void> {
  closing ??= (async () => {
    await server?.close().catch(() => undefined);
    await node?.close().catch(() => undefined);
    process.exit(0);
  })();
  return closing;
}

async function start(c: Extract<WorkerCommand, { type: 'start' }>): Promise<void> {
  try {
    node = await openNode(c.dir, { passphrase: c.passphrase });
    server = await serveNode(node, c.host, c.port, {
      logger: c.logger,
      loginLimiter: new ClusterRateLimiter(),
      ...(c.tlsLogin ? { tlsLogin: c.tlsLogin } : {}),
    });
    report({
      type: 'listening',
      url: server.url,
      ...(server.tlsLogin ? { tlsLoginUrl: server.tlsLogin.url } : {}),
    });
  } catch (e) {
    const code = e instanceof TrustbridgeError ? e.code : 'INTERNAL';
    report({ type: 'failed', code, message: (e as Error).message });
    await close();
  }
}

if (cluster.isWorker) {
  process.on('message', (c: WorkerCommand) => {
    if (c.type === 'start') void start(c);
    else if (c.type === 'stop') void close();
  });
  // The primary died: nobody will send `stop`.
  process.on('disconnect', () => void close());
  // Signals go to the whole process group; the primary decides when workers stop.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void close());
  report({ type: 'ready' });
}
