import type { FastifyInstance } from 'fastify';
import type { NodeContext } from '../node/context.js';
import { buildApp } from './app.js';

/** A running node server. */
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the node's HTTP server.
 *
 * @param node - an open node
 * @param host - interface to bind
 * @param port - TCP port (0 picks a free one)
 * @example
 * ```ts
 * const srv = await serveNode(node, '127.0.0.1', 8080);
 * console.log(srv.url);
 * ```
 */
export async function serveNode(
  node: NodeContext,
  host: string,
  port: number,
  logger = false,
): Promise<RunningServer> {
  const app = await buildApp(node, { logger });
  await app.listen({ host, port });
  const addr = app.server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  return { app, url, close: () => app.close() };
}
