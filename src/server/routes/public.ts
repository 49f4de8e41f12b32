import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError } from '../errors.js';
import { toPem } from '../../lib/pem.js';
import type { KeyHolder, NodeContext } from '../../node/context.js';
import { currentCrl } from '../../eid/crl_publisher.js';
import { probeRegister } from '../../eid/register_store/index.js';
import { eidContextOf } from '../../node/eid_context.js';
import type { OcspService } from '../../node/ocsp_service.js';
import type { ServerMetrics } from '../server_metrics.js';

/**
 * Public, unauthenticated endpoints: CA certificates, CRLs (RFC 5280), the OCSP responder
 * (RFC 6960 §A.1, GET and POST).
 */
export function registerPublicRoutes(
  app: FastifyInstance,
  node: NodeContext,
  ocsp: OcspService,
  metrics: ServerMetrics,
): void {
  const cas: Record<string, KeyHolder> = {
    root: node.root,
    'eid-ca': node.eidCa,
    ocsp: node.ocsp,
    tsa: node.tsa,
  };

  app.get(
    '/ca/:file',
    {
      schema: {
        summary: 'CA, OCSP responder and TSA certificates (.pem or .cer DER)',
        tags: ['pki'],
        params: {
          type: 'object',
          properties: { file: { type: 'string', pattern: '^[a-z-]+\\.(pem|cer|crt)$' } },
        },
        response: {},
      },
    },
    async (req, reply) => {
      const { file } = req.params as { file: string };
      const [name, ext] = file.split('.') as [string, string];
      const holder = cas[name];
      if (!holder) throw new HttpError('HTTP_NOT_FOUND', `no certificate ${file}`);
      if (ext === 'pem')
        return reply.type('application/x-pem-file').send(toPem(holder.certificate.der, 'CERTIFICATE'));
      return reply.type('application/pkix-cert').send(holder.certificate.der);
    },
  );

  app.get(
    '/crl/:file',
    {
      schema: {
        summary: 'Full CRL of a CA (DER, application/pkix-crl)',
        tags: ['pki'],
        params: {
          type: 'object',
          properties: { file: { type: 'string', pattern: '^(root|eid-ca)\\.crl$' } },
        },
        response: {},
      },
    },
    async (req, reply) => {
      const caId = (req.params as { file: string }).file.replace(/\.crl$/, '');
      const der = await currentCrl(eidContextOf(node), caId, caId === 'root' ? node.root : node.eidCa);
      return reply.type('application/pkix-crl').header('cache-control', 'max-age=300').send(der);
    },
  );

  const answer = async (der: Buffer, reply: FastifyReply, get: boolean): Promise<unknown> => {
    const out = await ocsp.respond(der);
    metrics.ocsp.inc({ result: out.result, cached: String(out.cached) });
    void reply.type('application/ocsp-response');
    // RFC 5019 §6.2: GET responses may be cached until nextUpdate; nonce responses never.
    if (get && out.maxAge > 0)
      void reply.header('cache-control', `max-age=${out.maxAge}, public, no-transform, must-revalidate`);
    return reply.send(out.der);
  };

  app.post('/ocsp', { bodyLimit: 64 * 1024 }, async (req, reply) => {
    // RFC 6960 §A.1.1: the request is DER with Content-Type application/ocsp-request; anything
    // else (JSON, a form) is the client's mistake, not an OCSP request to parse.
    if (!Buffer.isBuffer(req.body))
      throw new HttpError('HTTP_UNSUPPORTED_MEDIA_TYPE', 'POST /ocsp takes application/ocsp-request');
    return answer(req.body, reply, false);
  });
  app.get('/ocsp/*', async (req, reply) => {
    let b64: string;
    try {
      b64 = decodeURIComponent((req.params as { '*': string })['*']);
    } catch {
      throw new HttpError('HTTP_URL_MALFORMED', 'the OCSP request in the URL has a bad % escape');
    }
    return answer(Buffer.from(b64, 'base64'), reply, true);
  });

  app.get(
    '/healthz',
    { schema: { summary: 'Liveness and store reachability', tags: ['ops'], response: {} } },
    async () => {
      await probeRegister(node.store);
      return { status: 'ok', country: node.config.country };
    },
  );

  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(metrics.registry.render()));
}
