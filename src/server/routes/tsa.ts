import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import type { NodeContext } from '../../node/context.js';
import { TimeStampAuthority } from '../../timestamp/tsa.js';
import { TSP_OID } from '../../timestamp/tsp.js';

/** Largest time-stamp request accepted (bytes); a request is about 100. */
const TSA_BODY_LIMIT = 16 * 1024;

/**
 * The node's time-stamping unit: its TSA key and certificate, the node clock, the ETSI EN 319 421
 * best-practices policy, and the root CA certificate as chain.
 *
 * @param node - an open node
 * @example
 * ```ts
 * registerTsaRoute(app, timeStampAuthorityOf(node));
 * ```
 */
export function timeStampAuthorityOf(node: NodeContext): TimeStampAuthority {
  return new TimeStampAuthority({
    signer: node.tsa.signer,
    certificate: node.tsa.certificate.der,
    chain: [node.root.certificate.der],
    policy: TSP_OID.baselinePolicy,
    clock: node.clock,
  });
}

/**
 * `POST /tsa` (RFC 3161 §3.4): an `application/timestamp-query` body of at most 16 KiB, answered
 * with `application/timestamp-reply`. Bad requests get a TimeStampResp rejection (HTTP 200); another
 * content type gets 415. Registered in its own plugin scope, with its own content-type parser.
 *
 * @param app - the Fastify application (before `ready()`)
 * @param tsa - the time-stamping unit
 * @example
 * ```ts
 * registerTsaRoute(app, timeStampAuthorityOf(node));
 * ```
 */
export function registerTsaRoute(app: FastifyInstance, tsa: TimeStampAuthority): void {
  void app.register(async (scoped) => {
    scoped.addContentTypeParser(
      'application/timestamp-query',
      { parseAs: 'buffer', bodyLimit: TSA_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scoped.post(
      '/tsa',
      {
        bodyLimit: TSA_BODY_LIMIT,
        schema: {
          summary: 'RFC 3161 time-stamping (application/timestamp-query)',
          tags: ['pki'],
          response: {},
        },
      },
      async (req, reply) => {
        const type = String(req.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase();
        if (type !== 'application/timestamp-query' || !Buffer.isBuffer(req.body))
          throw new HttpError('HTTP_UNSUPPORTED_MEDIA_TYPE', 'POST /tsa takes application/timestamp-query');
        const answer = await tsa.answer(req.body);
        if (answer.error !== undefined) req.log.error({ err: answer.error }, 'time-stamping failed');
        return reply.type('application/timestamp-reply').header('cache-control', 'no-store').send(answer.der);
      },
    );
  });
}
