/**
 * The witness over HTTP (c2sp.org/tlog-witness@v1.0.0): `POST /witness/add-checkpoint` (any
 * content type; the body is read as bytes up to MAX_ADD_CHECKPOINT_SIZE, larger ones get 413)
 * answering exactly the spec's statuses with text bodies (409 with `text/x.tlog.size`), and
 * `GET /witness/key`, the cosignature verifier key as one text line. Shared by the node and hub.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_ADD_CHECKPOINT_SIZE } from '../../ledger/witness.js';
import type { WitnessService } from '../../ledger/witness_service.js';

/**
 * Registers the witness routes.
 *
 * @param app - the node's or the hub's Fastify app
 * @param witness - the witness (undefined: both routes answer 404)
 * @example
 * ```ts
 * await registerWitnessRoutes(app, storeWitnessService({ store, cosigner, logs }));
 * ```
 */
export async function registerWitnessRoutes(
  app: FastifyInstance,
  witness: WitnessService | undefined,
): Promise<void> {
  await app.register(async (scope) => {
    // The request is a text body of any (or no) declared type, read as raw bytes here only.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_ADD_CHECKPOINT_SIZE },
      (_req, body, done) => done(null, body),
    );
    scope.get(
      '/witness/key',
      {
        schema: {
          summary: 'The witness cosignature verifier key (tlog-cosignature v1.0.1)',
          tags: ['log'],
          response: {},
        },
      },
      async (_req, reply) => {
        if (!witness) return reply.status(404).type('text/plain; charset=utf-8').send('no witness\n');
        return reply
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .send(`${witness.vkey}\n`);
      },
    );
    scope.post(
      '/witness/add-checkpoint',
      {
        bodyLimit: MAX_ADD_CHECKPOINT_SIZE,
        schema: {
          summary: 'Cosign a checkpoint (c2sp.org/tlog-witness@v1.0.0 add-checkpoint)',
          tags: ['log'],
          response: {},
        },
      },
      async (req, reply) => {
        if (!witness) return reply.status(404).type('text/plain; charset=utf-8').send('no witness\n');
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const a = await witness.handle(body, req.ip);
        return reply.status(a.status).type(a.contentType).header('cache-control', 'no-store').send(a.body);
      },
    );
  });
}
