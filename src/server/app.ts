import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { eidContextOf } from '../node/eid_context.js';
import type { NodeContext } from '../node/context.js';
import { ocspServiceOf } from '../node/ocsp_service.js';
import { HTTP_STATUS, handleError } from './errors.js';
import { registerCitizenPages } from '../portal/citizen_pages.js';
import { bufferSource } from '../lib/document_source.js';
import { OpenApiCollector } from './openapi.js';
import { registerApiRoutes } from './routes/api.js';
import { registerPublicRoutes } from './routes/public.js';
import { registerTsaRoute, timeStampAuthorityOf } from './routes/tsa.js';
import { registerTrustListRoutes } from './routes/trustlist.js';
import { registerValidateRoute, validateLimitsOf } from './routes/validate.js';
import type { ValidateRouteOptions } from './routes/validate.js';
import type { ValidateLimits } from '../node/config.js';
import { answerClientError, answerFrameworkError, serializeRequest } from './http_edge.js';
import { registerLoginRoutes } from './routes/login.js';
import type { LoginRoutes } from './routes/login.js';
import type { LoginOptions } from '../login/service.js';
import { createServerMetrics } from './server_metrics.js';
import { registerCertRoutes } from './routes/cert.js';
import { registerLogRoutes } from './routes/log.js';
import { registerNotariseRoutes } from './routes/notarise.js';
import { nodeWitnessPolicy } from '../node/cosign.js';
import type { NotariseRouteOptions } from './routes/notarise.js';
import { StoredLog } from '../ledger/store_lookup.js';
import { registerWitnessRoutes } from './routes/witness.js';
import { nodeWitnessLogs, storeWitnessService } from '../node/witness.js';
import type { WitnessLogs } from '../ledger/witness.js';
import type { WitnessRateLimit } from '../ledger/witness_service.js';

/** Options of the node HTTP server. */
export interface AppOptions {
  /** Largest JSON body accepted (bytes). */
  bodyLimit?: number;
  /** Fastify request logging. */
  logger?: boolean;
  /** Where the request log goes when `logger` is on (default standard output). */
  logStream?: NodeJS.WritableStream;
  /** Options of the login service (for example the TLS client-certificate listener's URL). */
  login?: LoginOptions;
  /** Upload limits of `POST /api/v1/validate`, over `node.json` `validateLimits`. */
  validateLimits?: Partial<ValidateLimits>;
  /**
   * The logs the witness serves (default: the other members' logs from the hub's verified
   * LOTL), and its per-client rate limit (false: none).
   */
  witness?: { logs?: () => WitnessLogs | Promise<WitnessLogs>; rateLimit?: WitnessRateLimit | false };
  /** How `POST /api/v1/validate` looks signers up in the transparency logs (tests: fetch, pointers). */
  transparency?: ValidateRouteOptions['transparency'];
  /** How long `POST /api/v1/notarise` waits for its receipt (default 10 s). */
  notarise?: NotariseRouteOptions;
}

/** Largest upload of the citizen page's validate form (bytes). */
export const PORTAL_UPLOAD_LIMIT = 10 * 1024 * 1024;

const loginRoutes = new WeakMap<FastifyInstance, LoginRoutes>();

/** The login service mounted on an application built by {@link buildApp}. */
export function loginRoutesOf(app: FastifyInstance): LoginRoutes | undefined {
  return loginRoutes.get(app);
}

/**
 * Builds the node's HTTP application (not yet listening): public PKI endpoints, the operator
 * API, `/openapi.json`, `/healthz`, `/metrics`.
 *
 * @param node - an open node
 * @param options - body limit, logging
 * @example
 * ```ts
 * const app = await buildApp(node);
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * ```
 */
export async function buildApp(node: NodeContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const limits = validateLimitsOf(node, options.validateLimits);
  const app = Fastify({
    // Query strings are not logged: a logout's id_token_hint names the citizen (issue 13).
    logger: options.logger
      ? {
          serializers: { req: serializeRequest },
          ...(options.logStream ? { stream: options.logStream } : {}),
        }
      : false,
    // Malformed HTTP, slow requests and bad URLs answer in the JSON error shape too.
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // Node's own deadline for a whole request; validate uploads have their own, shorter one.
    requestTimeout: Math.max(120, limits.bodyTimeoutSeconds + 30) * 1000,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // A path parameter may be a SHA-512 digest in hex (`/api/v1/notarise/<128 digits>`).
    routerOptions: { maxParamLength: 160 },
    return503OnClosing: true,
    // Refuse unknown properties (additionalProperties: false) instead of silently dropping them.
    ajv: { customOptions: { removeAdditional: false } },
  });
  const metrics = createServerMetrics();
  const openapi = new OpenApiCollector();
  openapi.attach(app);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({
      error: { code: 'HTTP_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` },
    });
  });
  app.addContentTypeParser(['application/ocsp-request'], { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: req.method, route, status: reply.statusCode });
    metrics.duration.observe({ route }, reply.elapsedTime / 1000);
  });
  const ocsp = ocspServiceOf(node);
  await ocsp.start();
  app.addHook('onClose', () => ocsp.stop());
  registerPublicRoutes(app, node, ocsp, metrics);
  registerTsaRoute(app, timeStampAuthorityOf(node));
  registerTrustListRoutes(app, node);
  if (node.log) {
    const log = new StoredLog(node.store.db, node.log.verifier);
    registerLogRoutes(app, log, node.log.vkey, nodeWitnessPolicy(node, node.log.vkey));
    registerNotariseRoutes(app, node, log, options.notarise);
  }
  const { validate, admit } = registerValidateRoute(app, node, ocsp, {
    limits,
    ...(options.transparency ? { transparency: options.transparency } : {}),
  });
  // The citizen page (`GET /`) and its validate form, held in memory: at most 10 MiB.
  registerCitizenPages(app, {
    country: node.config.country,
    baseUrl: node.config.baseUrl,
    hasLog: node.log !== undefined,
    maxUploadBytes: Math.min(limits.maxBodyBytes, PORTAL_UPLOAD_LIMIT),
    validate: (doc, name) => validate(bufferSource(doc), name ? { documentName: name } : {}),
    // The form's uploads count against the same budgets as the API's.
    admit,
    httpStatus: HTTP_STATUS,
  });
  const rateLimit = node.config.loginRateLimit;
  loginRoutes.set(
    app,
    registerLoginRoutes(app, node, ocsp, { ...(rateLimit ? { rateLimit } : {}), ...options.login }),
  );
  registerApiRoutes(app, node, eidContextOf(node), metrics);
  registerCertRoutes(app, node);
  await registerWitnessRoutes(
    app,
    node.witness &&
      storeWitnessService({
        store: node.store,
        cosigner: node.witness,
        logs: options.witness?.logs ?? nodeWitnessLogs(node),
        clock: node.clock,
        ...(options.witness?.rateLimit !== undefined ? { rateLimit: options.witness.rateLimit } : {}),
      }),
  );
  app.get('/openapi.json', async () =>
    openapi.document({
      title: `trustbridge node ${node.config.country}`,
      version: '1',
      serverUrl: node.config.baseUrl,
    }),
  );
  await app.ready();
  return app;
}
