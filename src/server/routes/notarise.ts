/**
 * Notarisation over HTTP: `POST /api/v1/notarise` with `{"digest", "alg"}` and an officer's
 * bearer token (any role: a `notary` may do nothing else) queues a `notarised-digest` entry and
 * answers its receipt (c2sp.org/tlog-proof@v1, text) once a published, cosigned checkpoint
 * covers it, waiting a bounded time for the sequencer; otherwise 202 with where to fetch it:
 * `GET /api/v1/notarise/<hex>` answers the receipt, 202 while pending, 404 for an unknown digest.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import type { StoredLog } from '../../ledger/store_lookup.js';
import {
  DIGEST_ALGORITHMS,
  algorithmOfDigest,
  checkDigest,
  findNotarisation,
  notariseDigest,
} from '../../ledger/notarise.js';
import type { DigestAlgorithm, Notarisation } from '../../ledger/notarise.js';
import { LedgerError } from '../../ledger/errors.js';
import type { NodeContext } from '../../node/context.js';
import { authenticateOfficer, officerMay } from '../../node/officers.js';
import type { OfficerRecord } from '../../node/officers.js';
import { PublicationWatch } from '../publication_watch.js';

/** Options of the notarisation routes. */
export interface NotariseRouteOptions {
  /**
   * How long `POST /api/v1/notarise` waits for a published checkpoint covering the entry
   * before answering 202 (ms; default 10,000; 0 answers at once).
   */
  waitMs?: number;
  /** How often the published checkpoint is read while requests wait (ms; default 100). */
  pollMs?: number;
}

/** The defaults of {@link NotariseRouteOptions}. */
export const NOTARISE_DEFAULTS = { waitMs: 10_000, pollMs: 100 } as const;

/** The largest request body: a JSON object with a 128-digit digest fits many times over. */
const BODY_LIMIT = 1024;

const BODY = {
  type: 'object',
  required: ['digest', 'alg'],
  additionalProperties: false,
  properties: {
    digest: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      description: 'the document digest, hexadecimal (64, 96 or 128 digits for sha-256, sha-384, sha-512)',
    },
    alg: { type: 'string', enum: DIGEST_ALGORITHMS },
  },
} as const;

const DIGEST_PARAM = {
  type: 'object',
  required: ['digest'],
  properties: { digest: { type: 'string', description: 'the digest, hexadecimal (64, 96 or 128 digits)' } },
} as const;

const RECEIPT = {
  description: 'the receipt: text/plain, c2sp.org/tlog-proof@v1 (the entry in its extra line)',
  type: 'string',
} as const;

const PENDING = {
  description: 'not yet covered by a published checkpoint: fetch the receipt later',
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['queued', 'integrated'] },
    digest: { type: 'string' },
    alg: { type: 'string' },
    index: { type: 'integer', description: 'the entry index, once integrated' },
    receipt: { type: 'string', description: 'where to fetch the receipt (GET, same token)' },
  },
} as const;

const tags = ['log'];

function pending(reply: FastifyReply, digest: string, alg: DigestAlgorithm, n: Notarisation): FastifyReply {
  const receipt = `/api/v1/notarise/${digest}`;
  return reply
    .status(202)
    .header('location', receipt)
    .header('retry-after', '1')
    .header('cache-control', 'no-store')
    .send({
      status: n.state,
      digest,
      alg,
      ...(n.state === 'integrated' ? { index: n.index } : {}),
      receipt,
    });
}

function published(reply: FastifyReply, receipt: string): FastifyReply {
  return reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(receipt);
}

/**
 * Registers `POST /api/v1/notarise` and `GET /api/v1/notarise/<hex>`.
 *
 * @param app - the node's Fastify app
 * @param node - the node (store, clock)
 * @param log - the node's log in the store
 * @param options - how long a request waits for its receipt
 * @example
 * ```ts
 * registerNotariseRoutes(app, node, new StoredLog(node.store.db, node.log.verifier), { waitMs: 5000 });
 * ```
 */
export function registerNotariseRoutes(
  app: FastifyInstance,
  node: NodeContext,
  log: StoredLog,
  options: NotariseRouteOptions = {},
): void {
  const waitMs = options.waitMs ?? NOTARISE_DEFAULTS.waitMs;
  const watch = new PublicationWatch(() => log.publishedSize(), options.pollMs ?? NOTARISE_DEFAULTS.pollMs);
  const officers = new WeakMap<FastifyRequest, OfficerRecord>();
  // A closing server stops the waits at once (their requests answer 202).
  app.addHook('preClose', async () => watch.close());

  /** Finds the digest until a published checkpoint covers it, the wait ends or the client leaves. */
  const settle = async (req: FastifyRequest, digest: string, alg: DigestAlgorithm): Promise<Notarisation> => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const size = await log.publishedSize();
      const n = await findNotarisation(node.store.db, log, digest, alg);
      if (n === undefined) throw new LedgerError('LEDGER_NOT_LOGGED', digest);
      const left = deadline - Date.now();
      if (n.state === 'published' || left <= 0 || watch.closed || req.raw.socket?.destroyed) return n;
      await watch.grown(size, left);
    }
  };

  void app.register(
    async (api) => {
      // onRequest: the token is checked before the body is read, so anonymous callers learn nothing.
      api.addHook('onRequest', async (req) => {
        const officer = await authenticateOfficer(node.store, req.headers.authorization);
        if (!officerMay(officer.role, 'notarise'))
          throw new HttpError('AUTH_FORBIDDEN', 'this officer role may not notarise');
        officers.set(req, officer);
      });

      api.post(
        '/notarise',
        {
          bodyLimit: BODY_LIMIT,
          schema: {
            summary: "Notarise a document's digest: its receipt once a cosigned checkpoint covers it",
            tags,
            body: BODY,
            response: { 200: RECEIPT, 202: PENDING },
          },
        },
        async (req, reply) => {
          const officer = officers.get(req);
          if (!officer) throw new HttpError('AUTH_TOKEN_MISSING');
          const body = req.body as { digest: string; alg: DigestAlgorithm };
          const digest = checkDigest(body.digest, body.alg);
          await notariseDigest(node.store, { digest, alg: body.alg, party: officer.id, time: node.clock() });
          const n = await settle(req, digest, body.alg);
          return n.state === 'published' ? published(reply, n.receipt) : pending(reply, digest, body.alg, n);
        },
      );

      api.get(
        '/notarise/:digest',
        {
          schema: {
            summary: 'The receipt of a notarised digest (202 while pending, 404 unknown)',
            tags,
            params: DIGEST_PARAM,
            response: { 200: RECEIPT, 202: PENDING },
          },
        },
        async (req, reply) => {
          const raw = (req.params as { digest: string }).digest;
          const alg = algorithmOfDigest(raw);
          if (alg === undefined)
            throw new LedgerError('LEDGER_DIGEST_MALFORMED', 'a digest is 64, 96 or 128 hexadecimal digits');
          const digest = checkDigest(raw, alg);
          const n = await findNotarisation(node.store.db, log, digest, alg);
          if (n === undefined) throw new LedgerError('LEDGER_NOT_LOGGED', `${digest} was not notarised here`);
          return n.state === 'published' ? published(reply, n.receipt) : pending(reply, digest, alg, n);
        },
      );
    },
    { prefix: '/api/v1' },
  );
}
