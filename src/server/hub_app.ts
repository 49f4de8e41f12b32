/**
 * The hub's HTTP server: `GET /` (the cooperation portal's home page), `GET /lotl.xml` (the signed list of trusted lists, republished first
 * when its NextUpdate nears), `GET /lotl-signer.pem`, `GET /healthz`, the hub's transparency
 * log under `/log/` (routes/log.ts; its sequencer runs in {@link serveHub}). Files are read at each
 * request, so member changes made by the command line in another process show at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { answerClientError, answerFrameworkError, serializeRequest } from './http_edge.js';
import type { FastifyInstance } from 'fastify';
import { portInUse } from '../lib/port_in_use.js';
import { HttpError } from './errors.js';
import { HTTP_STATUS, handleError } from './errors.js';
import { registerHubPages } from '../portal/hub_pages.js';
import { sendWithEtag } from './routes/trustlist.js';
import { TSL } from '../trust/uris.js';
import { HUB_FILES, readHubState } from '../hub/config.js';
import { publishLotl } from '../hub/hub.js';
import type { HubContext } from '../hub/hub.js';
import { memberStatus } from '../hub/members.js';
import { Sequencer } from '../ledger/sequencer.js';
import type { CosignHook } from '../ledger/sequencer.js';
import { hubCosignHook } from '../hub/transparency.js';
import { witnessedCosign } from './cosign.js';
import { StoredLog } from '../ledger/store_lookup.js';
import { registerLogRoutes } from './routes/log.js';
import { hubParties } from '../hub/transparency.js';
import { witnessLogsOf } from '../ledger/federation_logs.js';
import type { WitnessRateLimit } from '../ledger/witness_service.js';
import { LOG_VKEY_FILE, storeWitnessService } from '../node/witness.js';
import { registerWitnessRoutes } from './routes/witness.js';

function publicFile(hub: HubContext, name: string): Buffer {
  const file = join(hub.dir, HUB_FILES.public, name);
  if (!existsSync(file)) throw new HttpError('HTTP_NOT_FOUND', `no ${name}`);
  return readFileSync(file);
}

/**
 * Builds the hub's app (not yet listening).
 *
 * @param hub - an open hub
 * @param options - Fastify request logging
 * @example
 * ```ts
 * const app = await buildHubApp(hub);
 * const res = await app.inject({ method: 'GET', url: '/lotl.xml' });
 * ```
 */
export async function buildHubApp(
  hub: HubContext,
  options: { logger?: boolean; witnessRateLimit?: WitnessRateLimit | false } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { serializers: { req: serializeRequest } } : false,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    requestTimeout: 120_000,
    return503OnClosing: true,
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({
      error: { code: 'HTTP_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` },
    });
  });
  app.get('/lotl.xml', async (req, reply) => {
    await publishLotl(hub);
    return sendWithEtag(req, reply, publicFile(hub, HUB_FILES.lotl), TSL.mimeType);
  });
  app.get('/lotl-signer.pem', async (req, reply) =>
    sendWithEtag(req, reply, publicFile(hub, HUB_FILES.signer), 'application/x-pem-file'),
  );
  registerLogRoutes(app, new StoredLog(hub.store.db, hub.log.verifier), hub.log.vkey);
  // The cooperation portal's home page (`GET /`) and stylesheet.
  registerHubPages(app, hub, HTTP_STATUS);
  app.get('/healthz', async () => {
    const state = readHubState(hub.dir);
    return {
      status: 'ok',
      territory: hub.config.territory,
      sequenceNumber: state.sequenceNumber,
      nextUpdate: state.nextUpdate,
      members: Object.fromEntries(state.members.map((m) => [m.country, memberStatus(m)])),
    };
  });
  // The hub witnesses every member's log (from its own member list, read at each request).
  await registerWitnessRoutes(
    app,
    hub.witness &&
      storeWitnessService({
        store: hub.store,
        cosigner: hub.witness,
        logs: () => {
          const own = join(hub.dir, HUB_FILES.public, LOG_VKEY_FILE);
          return witnessLogsOf(
            hubParties(readHubState(hub.dir)),
            existsSync(own) ? readFileSync(own, 'utf8').trim() : undefined,
          );
        },
        clock: hub.clock,
        ...(options.witnessRateLimit !== undefined ? { rateLimit: options.witnessRateLimit } : {}),
      }),
  );
  await app.ready();
  return app;
}

/** A running hub server. */
export interface RunningHub {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the hub's server.
 *
 * @example
 * ```ts
 * const srv = await serveHub(hub, '127.0.0.1', 8090);
 * ```
 */
export async function serveHub(
  hub: HubContext,
  host: string,
  port: number,
  logger = false,
  options: { cosign?: CosignHook; sequencer?: boolean } = {},
): Promise<RunningHub> {
  const app = await buildHubApp(hub, { logger });
  try {
    await app.listen({ host, port });
  } catch (e) {
    await app.close();
    throw portInUse(e, host, port, '--port');
  }
  const addr = app.server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  // The hub's own log (membership changes, lists of trusted lists) is sequenced here.
  const sequencer =
    options.sequencer === false
      ? undefined
      : new Sequencer({
          store: hub.store,
          log: hub.log,
          clock: hub.clock,
          cosign:
            options.cosign ??
            witnessedCosign(hubCosignHook(hub.dir, hub.log.vkey), app.log, {
              db: hub.store.db,
              clock: hub.clock,
            }),
          onError: (e) => app.log.error({ err: e }, 'transparency log sequencer run failed'),
        });
  sequencer?.start();
  return {
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    close: async () => {
      await sequencer?.stop();
      await app.close();
    },
  };
}
