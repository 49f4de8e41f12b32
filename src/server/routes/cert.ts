/**
 * Mounts the node's TAXII 2.1 server (src/cert) under `/taxii2/`: the CERT-to-CERT exchange
 * with partner CERTs. Its API root is the node's country code (`/taxii2/ph/`).
 */
import type { FastifyInstance } from 'fastify';
import { certRootOf } from '../../cert/collections.js';
import { registerTaxiiRoutes } from '../../cert/taxii/routes.js';
import type { NodeContext } from '../../node/context.js';

/**
 * Registers the TAXII server on the node's application (before `ready()`).
 *
 * @example
 * ```ts
 * registerCertRoutes(app, node);
 * ```
 */
export function registerCertRoutes(app: FastifyInstance, node: NodeContext): void {
  const limits = node.config.cert ?? {};
  registerTaxiiRoutes(app, {
    store: node.store,
    root: certRootOf(node.config.country, node.config.name),
    baseUrl: node.config.baseUrl,
    clock: node.clock,
    ...(limits.maxBodyBytes !== undefined ? { maxContentLength: limits.maxBodyBytes } : {}),
    ...(limits.maxObjectsPerPost !== undefined ? { maxObjectsPerPost: limits.maxObjectsPerPost } : {}),
    ...(limits.authFailureLimit !== undefined ? { authFailureLimit: limits.authFailureLimit } : {}),
  });
}
