/**
 * The node's trusted list (ETSI TS 119 612) over HTTP: `GET /trustlist.xml` (republished first
 * when a service changed or NextUpdate nears) and `GET /tl-signer.pem`. Both carry a strong
 * ETag and answer `If-None-Match` with 304, so trust stores poll cheaply.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import type { NodeContext } from '../../node/context.js';
import { TSL } from '../../trust/uris.js';
import { publishNodeTrustList } from '../../node/trust_list_publisher.js';
import type { NodeListPublisher } from '../../node/trust_list_publisher.js';

/**
 * Sends bytes with a strong ETag (SHA-256 of the content), or 304 when the client has them.
 *
 * @example
 * ```ts
 * return sendWithEtag(req, reply, xml, 'application/vnd.etsi.tsl+xml');
 * ```
 */
export function sendWithEtag(
  req: FastifyRequest,
  reply: FastifyReply,
  body: Buffer,
  type: string,
  maxAgeSeconds = 60,
): FastifyReply {
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  void reply.header('etag', etag).header('cache-control', `public, max-age=${maxAgeSeconds}`);
  const match = req.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    return reply.status(304).send();
  }
  return reply.type(type).send(body);
}

function publisherOf(node: NodeContext): NodeListPublisher {
  if (!node.trustList) throw new HttpError('HTTP_NOT_FOUND', 'this node publishes no trusted list');
  return node.trustList;
}

/**
 * Registers `/trustlist.xml` and `/tl-signer.pem`.
 *
 * @param app - the node's Fastify app
 * @param node - the open node
 * @example
 * ```ts
 * registerTrustListRoutes(app, node);
 * ```
 */
export function registerTrustListRoutes(app: FastifyInstance, node: NodeContext): void {
  app.get(
    '/trustlist.xml',
    {
      schema: {
        summary: 'The national trusted list (ETSI TS 119 612 v2, XAdES-signed)',
        tags: ['trust'],
        response: {},
      },
    },
    async (req, reply) => {
      const p = publisherOf(node);
      await publishNodeTrustList(p);
      const xml = p.files.read('trustlist');
      if (!xml) throw new HttpError('HTTP_NOT_FOUND', 'the trusted list has not been published');
      return sendWithEtag(req, reply, xml, TSL.mimeType);
    },
  );
  app.get(
    '/tl-signer.pem',
    { schema: { summary: 'The certificate that signs the trusted list', tags: ['trust'], response: {} } },
    async (req, reply) => {
      const pem = publisherOf(node).files.read('signer');
      if (!pem) throw new HttpError('HTTP_NOT_FOUND', 'no trusted-list signer certificate');
      return sendWithEtag(req, reply, pem, 'application/x-pem-file');
    },
  );
}
