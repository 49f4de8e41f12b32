/**
 * The transparency log over HTTP (c2sp.org/tlog-tiles@v0.1.0), on a node and on the hub:
 * `GET /log/checkpoint`, `GET /log/tile/<L>/<N>[.p/<W>]`, `GET /log/tile/entries/<N>[.p/<W>]`,
 * `GET /log/key` (the signed-note verifier key), `GET /log/lookup/<sha256-hex>` (an entry's
 * index and inclusion proof against the published checkpoint) and, on a node, `GET /log/policy`
 * (the witness policy its checkpoints are cosigned under, tlog-policy). Full tiles never change and are
 * served immutable, so any HTTP cache or CDN can serve a national log.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { LedgerError } from '../../ledger/errors.js';
import type { StoredLog } from '../../ledger/store_lookup.js';
import { TILE_WIDTH, parseTilePath } from '../../ledger/tiles.js';

/** Cache-Control of a full tile or entry bundle: its bytes never change. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cache-Control of a partial tile (its path may later be answered from the full tile). */
export const PARTIAL_MAX_AGE = 'public, max-age=60';
/** Cache-Control of the checkpoint: it moves with every batch. */
export const CHECKPOINT_CACHE = 'no-cache';

/**
 * Registers the `/log/…` routes.
 *
 * @param app - the node's or the hub's Fastify app
 * @param log - the log in the store
 * @param vkey - the log's verifier key
 * @param policy - the log's witness policy text (tlog-policy), served at `/log/policy` when given
 * @example
 * ```ts
 * registerLogRoutes(app, new StoredLog(node.store.db, node.log.verifier), node.log.vkey);
 * ```
 */
export function registerLogRoutes(
  app: FastifyInstance,
  log: StoredLog,
  vkey: string,
  policy?: () => Promise<string>,
): void {
  if (policy)
    app.get(
      '/log/policy',
      {
        schema: {
          summary: "The log's witness policy (tlog-policy): its key, the witnesses it asks, the quorum",
          tags: ['log'],
          response: {},
        },
      },
      async (_req, reply) =>
        reply
          .header('cache-control', 'public, max-age=300')
          .type('text/plain; charset=utf-8')
          .send(await policy()),
    );
  app.get(
    '/log/checkpoint',
    {
      schema: {
        summary: 'The latest published checkpoint (tlog-checkpoint signed note)',
        tags: ['log'],
        response: {},
      },
    },
    async (_req, reply) => {
      const cp = await log.checkpoint();
      if (cp === undefined) throw new HttpError('HTTP_NOT_FOUND', 'the log has no checkpoint yet');
      return reply.header('cache-control', CHECKPOINT_CACHE).type('text/plain; charset=utf-8').send(cp);
    },
  );
  app.get(
    '/log/key',
    { schema: { summary: "The log's signed-note verifier key (one line)", tags: ['log'], response: {} } },
    async (_req, reply) =>
      reply
        .header('cache-control', 'public, max-age=3600')
        .type('text/plain; charset=utf-8')
        .send(`${vkey}\n`),
  );
  app.get(
    '/log/tile/*',
    { schema: { summary: 'A tile or entry bundle (tlog-tiles)', tags: ['log'], response: {} } },
    async (req, reply) => {
      // The grammar is checked before anything is read: `..`, extra slashes, bad widths → 404.
      const path = `tile/${(req.params as { '*': string })['*']}`;
      const tile = parseTilePath(path);
      const data = await log.tile(path);
      if (data === undefined) throw new LedgerError('LEDGER_TILE_MISSING', path);
      return reply
        .header('cache-control', tile.width === TILE_WIDTH ? IMMUTABLE : PARTIAL_MAX_AGE)
        .type('application/octet-stream')
        .send(data);
    },
  );
  app.get(
    '/log/lookup/:key',
    {
      schema: {
        summary: 'The index and inclusion proof of the entry with this SHA-256 (certificate or document)',
        tags: ['log'],
        params: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
      },
    },
    async (req, reply) => {
      const { key } = req.params as { key: string };
      if (!/^[0-9a-fA-F]{64}$/.test(key))
        throw new LedgerError('LEDGER_HASH_MALFORMED', 'the lookup key is not 64 hexadecimal digits');
      const found = await log.lookup(key.toLowerCase());
      return reply.header('cache-control', CHECKPOINT_CACHE).send(found);
    },
  );
}
