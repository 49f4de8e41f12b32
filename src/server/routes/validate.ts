/**
 * `POST /api/v1/validate`: the EN 319 102-1 validation of a signed document for relying parties,
 * without an operator token. The document comes as the raw body (PDF, CMS, JWS, XML, ASiC) or as
 * JSON with base64 fields; the answer is the validation report as JSON, ETSI TS 119 102-2 XML or
 * HTML. Revocation data for the node's own certificates is answered in-process; other URLs are
 * fetched over HTTP with a shared cache.
 */
import type { FastifyInstance } from 'fastify';
import { nodeTrustOf } from '../../node/node_trust.js';
import type { TrustServiceSource } from '../../validation/path_check.js';
import { UsageError } from '../../lib/errors.js';
import { FORMATS, checkJsonBody, malformed } from './validate_body.js';
import { HttpError } from '../errors.js';
import { ValidationError } from '../../validation/errors.js';
import type { NodeContext } from '../../node/context.js';
import type { OcspService } from '../../node/ocsp_service.js';
import { httpRevocationFetcher } from '../../signature/revocation_fetcher.js';
import type { RevocationFetcher } from '../../signature/revocation_fetcher.js';
import { renderHtml } from '../../validation/report_html.js';
import { renderEtsiXml } from '../../validation/report_xml.js';
import { RevocationCache } from '../../validation/revocation_check.js';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { bufferSource, fileSource } from '../../lib/document_source.js';
import type { DocumentSource } from '../../lib/document_source.js';
import { NODE_FILES, VALIDATE_LIMIT_DEFAULTS } from '../../node/config.js';
import type { ValidateLimits } from '../../node/config.js';
import { memorySink, prepareSpoolDir, receiveBody, removeSpool, spoolBody } from '../body_spool.js';
import { UPLOAD_RETRY_AFTER_SECONDS, UploadGate } from '../upload_gate.js';
import type { UploadTicket } from '../upload_gate.js';
import { validateDocument } from '../../validation/validate_document.js';
import type { ValidationOptions } from '../../validation/validate_document.js';
import { currentCrl } from '../../eid/crl_publisher.js';
import { eidContextOf } from '../../node/eid_context.js';
import {
  addTransparency,
  requireTransparency,
  transparencySourceOf,
} from '../../ledger/report_transparency.js';
import type { TslPointer } from '../../trust/parse/model.js';
import type { SeenCertificates } from '../../ledger/seen_certificates.js';
import type { ValidationReport } from '../../validation/report.js';
import { createHash } from 'node:crypto';

/** Largest document accepted by default (bytes of the body). */
export const VALIDATE_BODY_LIMIT = VALIDATE_LIMIT_DEFAULTS.maxBodyBytes;

/** A raw body, received into a spool file. */
class SpooledBody {
  readonly path: string;
  readonly size: number;
  constructor(path: string, size: number) {
    this.path = path;
    this.size = size;
  }
}
const RAW_TYPES = [
  'application/octet-stream',
  'application/pdf',
  'application/pkcs7-signature',
  'application/pkcs7-mime',
  'application/cms',
  'application/jose',
  'application/jose+json',
  'application/xml',
  'text/xml',
  'application/vnd.etsi.asic-e+zip',
  'application/vnd.etsi.asic-s+zip',
  'application/zip',
];
/** The node's own OCSP responder and CRLs in-process; anything else over HTTP. */
function nodeFetcher(node: NodeContext, ocsp: OcspService): RevocationFetcher {
  const http = httpRevocationFetcher();
  const base = node.config.baseUrl;
  const eid = eidContextOf(node);
  return {
    async ocsp(url, requestDer) {
      if (url === `${base}/ocsp`) return (await ocsp.respond(requestDer)).der;
      return http.ocsp(url, requestDer);
    },
    async crl(url) {
      const m = url.startsWith(`${base}/crl/`) ? /\/crl\/(root|eid-ca)\.crl$/.exec(url) : null;
      if (m) return currentCrl(eid, m[1]!, m[1] === 'root' ? node.root : node.eidCa);
      return http.crl!(url);
    },
  };
}

function parseTime(at: string | undefined): Date | undefined {
  if (at === undefined) return undefined;
  const d = new Date(at);
  if (Number.isNaN(d.getTime()))
    throw new ValidationError('VALIDATION_TIME_INVALID', `at ${at} is not a date-time`);
  return d;
}

function fromBody(
  body: unknown,
  query: Record<string, string | undefined>,
): { doc: Buffer | SpooledBody; options: Partial<ValidationOptions>; format: string; require: boolean } {
  const required = query['requireTransparency'];
  if (required !== undefined && required !== 'true' && required !== 'false')
    malformed('requireTransparency must be true or false');
  if (body instanceof SpooledBody) {
    const time = parseTime(query['at']);
    return {
      doc: body,
      options: time ? { time } : {},
      format: query['reportFormat'] ?? 'json',
      require: required === 'true',
    };
  }
  if (typeof body === 'string' || body === undefined)
    throw new HttpError(
      'HTTP_UNSUPPORTED_MEDIA_TYPE',
      'send the document as a raw body (application/octet-stream, application/pdf, ...) or as JSON',
    );
  const b = checkJsonBody(body);
  const time = parseTime(b.at);
  return {
    doc: Buffer.from(b.document, 'base64'),
    options: {
      ...(time ? { time } : {}),
      detached: (b.detached ?? []).map((d) => ({
        ...(d.name ? { name: d.name } : {}),
        bytes: Buffer.from(d.content, 'base64'),
      })),
    },
    format: b.reportFormat ?? query['reportFormat'] ?? 'json',
    require: b.requireTransparency ?? required === 'true',
  };
}

/**
 * Records the signers whose certificate a CA of the node issued (the path's second certificate
 * is the node's eID CA or root) as seen, for `log monitor`.
 */
async function recordSigners(
  seen: SeenCertificates | undefined,
  cas: ReadonlyMap<string, string>,
  report: ValidationReport,
): Promise<void> {
  if (!seen) return;
  for (const s of report.signatures) {
    const issuerCa = s.signer && s.chain[1] ? cas.get(s.chain[1].sha256) : undefined;
    if (s.signer && issuerCa && s.chain[0]?.sha256 === s.signer.sha256)
      await seen.record({
        sha256: s.signer.sha256,
        serial: s.signer.serialNumber,
        issuerCa,
        source: 'validate',
      });
  }
}

/** The node's validation of a document, as the route runs it (the report before its format). */
export type NodeValidator = (
  source: DocumentSource,
  options?: Partial<ValidationOptions>,
) => Promise<ValidationReport>;

/** The route's validation and its upload budgets, shared with the citizen page's form. */
export interface NodeValidation {
  validate: NodeValidator;
  admit(client: string, bytes: number): UploadTicket;
}

/** Options of {@link registerValidateRoute}. */
export interface ValidateRouteOptions {
  /**
   * Trust anchors from trusted lists (a loaded `TrustStore`). Default: the node's trust store
   * (node/node_trust.ts, shared with the login federation), when `node.json` `lotlUrl` and the
   * signer pinned in `DIR/lotl-signer.pem` both exist.
   */
  trustServices?: TrustServiceSource;
  /** Upload limits, over `node.json` `validateLimits` and the defaults. */
  limits?: Partial<ValidateLimits>;
  /**
   * The transparency lookups of signers (issue 15): the LOTL pointers whose logs are asked
   * (default: the node's trust store's, or `trustServices`' when it is a trust store), the
   * HTTP client and timeout.
   */
  transparency?: { pointers?: () => readonly TslPointer[]; fetch?: typeof fetch; timeoutMs?: number };
}

/**
 * The upload limits of a node: the defaults, then `node.json` `validateLimits`, then `override`.
 *
 * @param node - the node
 * @param override - limits given by the caller (tests, embedding)
 * @example
 * ```ts
 * validateLimitsOf(node).maxBodyBytes; // 50331648
 * ```
 */
export function validateLimitsOf(node: NodeContext, override: Partial<ValidateLimits> = {}): ValidateLimits {
  return { ...VALIDATE_LIMIT_DEFAULTS, ...node.config.validateLimits, ...override };
}

function contentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** An upload in progress: its share of the budgets and its spool files, freed when the answer is sent. */
interface Upload {
  ticket: UploadTicket;
  spools: string[];
}

/** How often the node's own trust store is refreshed (in the background, on use). */
const TRUST_REFRESH_MS = 10 * 60_000;

/** The node's trust store, loaded on first use and refreshed every 10 minutes. */
function nodeTrust(
  node: NodeContext,
  log: (msg: string) => void,
): (() => Promise<TrustServiceSource>) | undefined {
  const trust = nodeTrustOf(node);
  if (!trust) return undefined;
  trust.onEvent((e) => log(`trust store ${e.level}: ${e.url}: ${e.message}`));
  const store = trust.store;
  let loaded: Promise<unknown> | undefined;
  let at = 0;
  return async () => {
    const now = Date.now();
    if (!loaded) loaded = store.refresh();
    else if (now - at > TRUST_REFRESH_MS) void store.refresh();
    if (now - at > TRUST_REFRESH_MS) at = now;
    await loaded;
    return store;
  };
}

/** The LOTL pointers whose logs the route asks: given, the trust services' own, or the node's. */
function lotlPointersOf(node: NodeContext, options: ValidateRouteOptions): () => readonly TslPointer[] {
  if (options.transparency?.pointers) return options.transparency.pointers;
  const given = options.trustServices as Partial<{ lotlPointers: () => readonly TslPointer[] }> | undefined;
  if (given) return typeof given.lotlPointers === 'function' ? () => given.lotlPointers!() : () => [];
  return () => nodeTrustOf(node)?.store.lotlPointers() ?? [];
}

/**
 * Registers `POST /api/v1/validate` in its own plugin scope (raw-body parsers, 48 MiB limit).
 * Returns the node's validation (trust, revocation, transparency, seen signers) and its upload
 * budgets, for the citizen page's form.
 *
 * @param app - the Fastify application (before `ready()`)
 * @param node - the open node (its root is the trust anchor)
 * @param ocsp - its OCSP service, for in-process revocation answers
 * @param options - trust anchors from trusted lists
 * @example
 * ```ts
 * registerValidateRoute(app, node, ocspServiceOf(node));
 * ```
 */
export function registerValidateRoute(
  app: FastifyInstance,
  node: NodeContext,
  ocsp: OcspService,
  options: ValidateRouteOptions = {},
): NodeValidation {
  const fetcher = nodeFetcher(node, ocsp);
  const transparencyIo = {
    ...(options.transparency?.fetch ? { fetch: options.transparency.fetch } : {}),
    ...(options.transparency?.timeoutMs ? { timeoutMs: options.transparency.timeoutMs } : {}),
  };
  const cache = new RevocationCache();
  const given = options.trustServices;
  const trust = given ? () => Promise.resolve(given) : nodeTrust(node, (m) => app.log.warn(m));
  const limits = validateLimitsOf(node, options.limits);
  const pointers = lotlPointersOf(node, options);
  const spoolDir = prepareSpoolDir(limits.spoolDir ?? join(node.dir, NODE_FILES.spool));
  const gate = new UploadGate(limits);
  const sha256 = (der: Buffer): string => createHash('sha256').update(der).digest('hex');
  const cas = new Map([
    [sha256(node.eidCa.certificate.der), 'eid-ca'],
    [sha256(node.root.certificate.der), 'root'],
  ]);
  const uploads = new WeakMap<object, Upload>();
  const finish = (raw: object): void => {
    const u = uploads.get(raw);
    if (!u) return;
    u.ticket.release();
    for (const p of u.spools) void removeSpool(p);
  };
  const validate: NodeValidator = async (source, options = {}) => {
    const trustServices = trust ? await trust() : undefined;
    const report = await validateDocument(source, {
      anchors: [node.root.certificate.der],
      ...(trustServices ? { trustServices } : {}),
      fetcher,
      cache,
      ...options,
      time: options.time ?? node.clock(),
    });
    await recordSigners(ocsp.seen, cas, report);
    await addTransparency(report, transparencySourceOf({ pointers: pointers(), ...transparencyIo }));
    return report;
  };
  void app.register(async (scoped) => {
    // Only the types this route takes, each read within the limits: anything else is refused
    // (415) before its body is read.
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser(RAW_TYPES, async (req: { raw: object }, payload: Readable) => {
      const u = uploads.get(req.raw);
      const { path, size } = await spoolBody(payload, spoolDir, limits, (p) => u?.spools.push(p));
      return new SpooledBody(path, size);
    });
    scoped.addContentTypeParser('application/json', async (_req: unknown, payload: Readable) => {
      const m = memorySink();
      await receiveBody(payload, m.sink, limits);
      try {
        return JSON.parse(m.bytes().toString('utf8')) as unknown;
      } catch {
        return malformed('not JSON');
      }
    });
    // Admission before the body is read: the node's and the client's budgets (issue 13).
    scoped.addHook('onRequest', async (req, reply) => {
      const declared = contentLength(req.headers['content-length']);
      if (declared !== undefined && declared > limits.maxBodyBytes) {
        void reply.header('connection', 'close');
        throw new UsageError('INPUT_TOO_LARGE', `the body is over ${limits.maxBodyBytes} bytes`);
      }
      try {
        const ticket = gate.admit(req.ip, declared ?? limits.maxBodyBytes);
        uploads.set(req.raw, { ticket, spools: [] });
      } catch (e) {
        void reply.header('retry-after', String(UPLOAD_RETRY_AFTER_SECONDS)).header('connection', 'close');
        throw e;
      }
      reply.raw.once('close', () => finish(req.raw));
    });
    scoped.addHook('onResponse', async (req) => finish(req.raw));
    scoped.addHook('onError', async (_req, reply) => {
      // A body refused half-way (408, 413) is not read further: the connection closes after the answer.
      void reply.header('connection', 'close');
    });
    scoped.post(
      '/api/v1/validate',
      {
        bodyLimit: limits.maxBodyBytes,
        schema: {
          summary: 'Validate the signatures of a document (EN 319 102-1); raw body or JSON with base64',
          tags: ['validation'],
          querystring: {
            type: 'object',
            properties: {
              at: { type: 'string' },
              reportFormat: { type: 'string', enum: FORMATS },
              requireTransparency: { type: 'string', enum: ['true', 'false'] },
            },
          },
        },
      },
      async (req, reply) => {
        const { doc, options, format, require } = fromBody(
          req.body,
          req.query as Record<string, string | undefined>,
        );
        if ((doc instanceof SpooledBody ? doc.size : doc.length) === 0)
          throw new UsageError('INPUT_MALFORMED', 'the document is empty');
        const source: DocumentSource & { close?: () => Promise<void> } =
          doc instanceof SpooledBody ? await fileSource(doc.path) : bufferSource(doc);
        const report = await validate(source, options).finally(() => source.close?.());
        if (require) requireTransparency(report);
        if (format === 'etsi-xml')
          return reply.type('application/xml; charset=utf-8').send(renderEtsiXml(report));
        if (format === 'html') return reply.type('text/html; charset=utf-8').send(renderHtml(report));
        return reply.send(report);
      },
    );
  });
  return { validate, admit: (client, bytes) => gate.admit(client, bytes) };
}
