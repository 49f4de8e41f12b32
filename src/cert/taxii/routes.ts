/**
 * The TAXII 2.1 server (OASIS Standard, 10 June 2021) of a node, registered under `/taxii2/`:
 * discovery, the CERT's API root, its collections, objects (GET, POST), object by id (GET,
 * DELETE), versions, manifest and status. Every endpoint requires a partner (HTTP Basic or
 * bearer token), answers `application/taxii+json;version=2.1` (406 otherwise), and applies the
 * partner's TLP clearance on every read.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/database.js';
import {
  DEFAULT_MAX_CONTENT_LENGTH,
  ensureCertRoot,
  partnerCollection,
  partnerCollections,
} from '../collections.js';
import type { CertRoot, PartnerCollection } from '../collections.js';
import { Cursors, cursorKey } from '../cursor.js';
import { CERT_ERRORS, CertError } from '../errors.js';
import { deleteObject, queryObjects } from '../object_store.js';
import type { ObjectQuery } from '../object_store.js';
import { authenticatePartner } from '../partners.js';
import type { Partner } from '../partners.js';
import { servedTime, storedTime } from '../schema.js';
import type { CertObjectTable } from '../schema.js';
import { findStatus } from '../status_store.js';
import type { TaxiiStatus } from '../status_store.js';
import { readableLevels } from '../tlp.js';
import { AUTH_FAILURE_LIMIT, AuthFailureLimiter } from './auth_limit.js';
import type { AuthFailureLimit } from './auth_limit.js';
import { envelopeObjects, ingest } from './ingest.js';
import {
  STIX_MEDIA_TYPE,
  TAXII_MEDIA_TYPE,
  errorResource,
  requireAccept,
  requireContentType,
  sendTaxii,
} from './media.js';
import { parseFilters, scopeOf } from './params.js';
import type { TaxiiFilters } from './params.js';

/** What the TAXII server needs from its node. */
export interface TaxiiOptions {
  store: Store;
  /** The node's CERT API root. */
  root: CertRoot;
  /** The node's public base URL (`https://ph.example`). */
  baseUrl: string;
  clock: () => Date;
  /** Largest POST body (bytes); default 32 MiB. */
  maxContentLength?: number;
  /** Most objects in one POSTed envelope (default 10,000); more: 413, nothing stored. */
  maxObjectsPerPost?: number;
  /** Failed authentications allowed per client address (default {@link AUTH_FAILURE_LIMIT}); false: none. */
  authFailureLimit?: AuthFailureLimit | false;
}

type Params = { root?: string; collection?: string; object?: string; status?: string };
type Req = FastifyRequest<{ Params: Params; Querystring: Record<string, string | string[]> }>;

const DELETE_PARAMS = new Set(['match[version]', 'match[spec_version]']);
const OBJECT_PARAMS = new Set(['added_after', 'limit', 'next', 'match[version]', 'match[spec_version]']);

/**
 * Registers the TAXII server on `app` (a Fastify plugin scope of its own: its body parser,
 * error resource and 32 MiB body limit apply to `/taxii2/` only).
 *
 * @example
 * ```ts
 * await registerTaxiiRoutes(app, { store: node.store, root: certRootOf('PH', 'Philippines'), baseUrl, clock });
 * ```
 */
export function registerTaxiiRoutes(app: FastifyInstance, o: TaxiiOptions): void {
  const bodyLimit = o.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  const base = `${o.baseUrl.replace(/\/+$/, '')}/taxii2`;
  const limiter =
    o.authFailureLimit === false
      ? undefined
      : new AuthFailureLimiter(o.authFailureLimit ?? AUTH_FAILURE_LIMIT, () => o.clock().getTime());
  let ready: Promise<Cursors> | undefined;
  const cursors = () =>
    (ready ??= (async () => {
      await ensureCertRoot(o.store, o.root, o.clock());
      return new Cursors(await cursorKey(o.store));
    })().catch((e: unknown) => {
      ready = undefined;
      throw e;
    }));

  void app.register(
    async (scoped) => {
      scoped.removeAllContentTypeParsers();
      scoped.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) =>
        done(null, body),
      );
      scoped.setErrorHandler((e: FastifyError, _req, reply) => answerError(reply, e, bodyLimit));
      scoped.setNotFoundHandler((req, reply) =>
        answerError(
          reply,
          new CertError('TAXII_NOT_FOUND', `no TAXII resource ${req.url.split('?')[0]}`),
          bodyLimit,
        ),
      );

      const partnerOf = async (req: FastifyRequest): Promise<Partner> => {
        const wait = limiter?.blockedFor(req.ip) ?? 0;
        if (wait > 0) throw new CertError('TAXII_AUTH_RATE_LIMITED', `retry in ${wait} s`);
        const p = await authenticatePartner(o.store, req.headers.authorization);
        if (!p) {
          if (req.headers.authorization) limiter?.fail(req.ip);
          throw new CertError(
            'TAXII_UNAUTHORIZED',
            'present partner credentials (HTTP Basic or a bearer token)',
          );
        }
        requireAccept(req);
        return p;
      };
      const rootOf = (req: Req): void => {
        if (req.params.root !== o.root.id)
          throw new CertError('TAXII_NOT_FOUND', `no API root ${req.params.root}`);
      };
      const collectionOf = async (
        req: Req,
        p: Partner,
        need: 'read' | 'write',
      ): Promise<PartnerCollection> => {
        rootOf(req);
        await cursors();
        const c = await partnerCollection(o.store, o.root.id, req.params.collection!, p.id);
        if (!c) throw new CertError('TAXII_NOT_FOUND', `no collection ${req.params.collection}`);
        if (need === 'read' ? !c.can_read : !c.can_write)
          throw new CertError('TAXII_FORBIDDEN', `${p.username} may not ${need} collection ${c.title}`);
        return c;
      };
      const route = (
        method: 'GET' | 'POST' | 'DELETE',
        path: string,
        handler: (req: Req, reply: FastifyReply) => Promise<unknown>,
      ) => {
        for (const url of [path, path.replace(/\/$/, '')])
          if (url) scoped.route({ method, url, bodyLimit, handler: handler as never });
      };

      route('GET', '/', async (req, reply) => {
        await partnerOf(req);
        const apiRoot = `${base}/${o.root.id}/`;
        return sendTaxii(reply, 200, {
          title: `${o.root.title} TAXII server`,
          description: 'TAXII 2.1 server of the CERT-to-CERT exchange',
          default: apiRoot,
          api_roots: [apiRoot],
        });
      });

      route('GET', '/:root/', async (req, reply) => {
        await partnerOf(req);
        rootOf(req);
        return sendTaxii(reply, 200, {
          title: o.root.title,
          ...(o.root.description ? { description: o.root.description } : {}),
          versions: [TAXII_MEDIA_TYPE],
          max_content_length: bodyLimit,
        });
      });

      route('GET', '/:root/collections/', async (req, reply) => {
        const p = await partnerOf(req);
        rootOf(req);
        await cursors();
        const list = await partnerCollections(o.store, o.root.id, p.id);
        return sendTaxii(reply, 200, list.length ? { collections: list.map(collectionResource) } : {});
      });

      route('GET', '/:root/collections/:collection/', async (req, reply) => {
        const p = await partnerOf(req);
        rootOf(req);
        const c = await partnerCollection(o.store, o.root.id, req.params.collection!, p.id);
        if (!c) throw new CertError('TAXII_NOT_FOUND', `no collection ${req.params.collection}`);
        return sendTaxii(reply, 200, collectionResource(c));
      });

      const page = async (
        kind: string,
        c: PartnerCollection,
        p: Partner,
        f: TaxiiFilters,
        objectId?: string,
      ) => {
        const scope = scopeOf(kind, c.id, p.id, f, objectId);
        const cur = await cursors();
        const q: ObjectQuery = {
          collectionId: c.id,
          levels: readableLevels(p.tlpMax),
          version: f.version,
          limit: f.limit,
          ...(f.addedAfter ? { addedAfter: f.addedAfter } : {}),
          ...(objectId ? { ids: [objectId] } : f.ids ? { ids: f.ids } : {}),
          ...(f.types ? { types: f.types } : {}),
          ...(f.specVersions ? { specVersions: f.specVersions } : {}),
          ...(f.next ? { after: cur.open(scope, f.next) } : {}),
        };
        const { rows, more } = await queryObjects(o.store, q);
        const last = rows[rows.length - 1];
        const next =
          more && last
            ? cur.seal(scope, { dateAdded: last.date_added, id: last.id, version: last.version })
            : undefined;
        return { rows, more, next };
      };
      /** A page of rows as its envelope (`more`, `next`, and `member` when not empty) with the date headers. */
      const sendPage = (
        reply: FastifyReply,
        { rows, more, next }: { rows: CertObjectTable[]; more: boolean; next: string | undefined },
        member: 'objects' | 'versions',
        item: (r: CertObjectTable) => unknown,
      ) => {
        const head = { more, ...(next ? { next } : {}) };
        if (rows.length === 0) return sendTaxii(reply, 200, head);
        // TAXII timestamps (§2) have microsecond precision: the stored form, as is.
        void reply.header('X-TAXII-Date-Added-First', rows[0]!.date_added);
        void reply.header('X-TAXII-Date-Added-Last', rows[rows.length - 1]!.date_added);
        return sendTaxii(reply, 200, { ...head, [member]: rows.map(item) });
      };
      const stixObject = (r: CertObjectTable): unknown => JSON.parse(r.body) as unknown;

      route('GET', '/:root/collections/:collection/objects/', async (req, reply) => {
        const p = await partnerOf(req);
        const c = await collectionOf(req, p, 'read');
        return sendPage(
          reply,
          await page('objects', c, p, parseFilters(req.query, 'last')),
          'objects',
          stixObject,
        );
      });

      route('POST', '/:root/collections/:collection/objects/', async (req, reply) => {
        const p = await partnerOf(req);
        requireContentType(req);
        const c = await collectionOf(req, p, 'write');
        const objects = envelopeObjects(req.body as Buffer | undefined, {
          ...(o.maxObjectsPerPost !== undefined ? { maxObjects: o.maxObjectsPerPost } : {}),
        });
        const status = await ingest(o.store, o.root.id, c.id, p.id, objects, o.clock());
        return sendTaxii(reply, 202, statusResource(status));
      });

      route('GET', '/:root/collections/:collection/objects/:object/', async (req, reply) => {
        const p = await partnerOf(req);
        const c = await collectionOf(req, p, 'read');
        const f = parseFilters(req.query, 'last', OBJECT_PARAMS);
        const found = await page('object', c, p, f, req.params.object);
        if (found.rows.length === 0 && !f.next)
          throw new CertError('TAXII_NOT_FOUND', `no object ${req.params.object}`);
        return sendPage(reply, found, 'objects', stixObject);
      });

      route('DELETE', '/:root/collections/:collection/objects/:object/', async (req, reply) => {
        const p = await partnerOf(req);
        const c = await collectionOf(req, p, 'write');
        // §5.7: DELETE needs can_read as well as can_write (403 otherwise).
        if (!c.can_read)
          throw new CertError('TAXII_FORBIDDEN', `${p.username} may not read collection ${c.title}`);
        const f = parseFilters(req.query, 'all', DELETE_PARAMS);
        const q: ObjectQuery = {
          collectionId: c.id,
          levels: readableLevels(p.tlpMax),
          ids: [req.params.object!],
          version: f.version,
          limit: 0,
          ...(f.specVersions ? { specVersions: f.specVersions } : {}),
        };
        const r = await deleteObject(o.store, q, p.id);
        if (r.visible === 0) throw new CertError('TAXII_NOT_FOUND', `no object ${req.params.object}`);
        if (r.deleted === 0)
          throw new CertError('TAXII_FORBIDDEN', 'a partner deletes only the versions it added');
        return reply.status(200).header('content-type', TAXII_MEDIA_TYPE).send(Buffer.alloc(0));
      });

      route('GET', '/:root/collections/:collection/objects/:object/versions/', async (req, reply) => {
        const p = await partnerOf(req);
        const c = await collectionOf(req, p, 'read');
        const f = parseFilters(
          req.query,
          'all',
          new Set(['added_after', 'limit', 'next', 'match[spec_version]']),
        );
        const found = await page('versions', c, p, f, req.params.object);
        if (found.rows.length === 0 && !f.next)
          throw new CertError('TAXII_NOT_FOUND', `no object ${req.params.object}`);
        return sendPage(reply, found, 'versions', (r) => servedTime(r.version));
      });

      route('GET', '/:root/collections/:collection/manifest/', async (req, reply) => {
        const p = await partnerOf(req);
        const c = await collectionOf(req, p, 'read');
        return sendPage(
          reply,
          await page('manifest', c, p, parseFilters(req.query, 'last')),
          'objects',
          (r) => ({
            id: r.id,
            date_added: r.date_added,
            version: servedTime(r.version),
            media_type: STIX_MEDIA_TYPE,
          }),
        );
      });

      route('GET', '/:root/status/:status/', async (req, reply) => {
        const p = await partnerOf(req);
        rootOf(req);
        const s = await findStatus(o.store, o.root.id, req.params.status!, p.id, o.clock());
        if (!s) throw new CertError('TAXII_NOT_FOUND', `no status ${req.params.status}`);
        return sendTaxii(reply, 200, statusResource(s));
      });
    },
    { prefix: '/taxii2' },
  );
}

/**
 * A status resource as served (§4.3.1): `request_timestamp` a TAXII timestamp (microseconds,
 * §2), and the successes / failures / pendings lists omitted when empty (§2: no empty lists).
 */
function statusResource(s: TaxiiStatus): Record<string, unknown> {
  const { successes, failures, pendings, ...rest } = s;
  return {
    ...rest,
    request_timestamp: storedTime(s.request_timestamp) ?? s.request_timestamp,
    ...(successes.length ? { successes } : {}),
    ...(failures.length ? { failures } : {}),
    ...(pendings.length ? { pendings } : {}),
  };
}

function collectionResource(c: PartnerCollection): Record<string, unknown> {
  return {
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    ...(c.alias ? { alias: c.alias } : {}),
    can_read: c.can_read,
    can_write: c.can_write,
    media_types: [STIX_MEDIA_TYPE],
  };
}

/** Fastify's own refusals, as TAXII codes. */
const FRAMEWORK: Record<string, keyof typeof CERT_ERRORS> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'TAXII_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'TAXII_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'TAXII_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'TAXII_BAD_REQUEST',
};

/**
 * After a 413 the client is still sending its body: read and drop up to `limit` more bytes (for
 * 10 s at most) before closing. Closing at once would reset the connection while the client
 * writes, and the reset destroys the 413 before the client reads it (RFC 9112 §9.6, lingering
 * close), so the client would never see the status TAXII §5.5 requires.
 */
function lingerAfterRefusal(reply: FastifyReply, limit: number): void {
  void reply.removeHeader('connection');
  const req = reply.request.raw;
  let dropped = 0;
  const stop = (): void => {
    clearTimeout(timer);
    // An injected request (tests) has a stand-in socket without destroy.
    if (typeof req.socket?.destroy === 'function') req.socket.destroy();
  };
  const timer = setTimeout(stop, 10_000);
  timer.unref();
  req.on('data', (d: Buffer) => {
    dropped += d.length;
    if (dropped > limit) stop();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
}

function answerError(reply: FastifyReply, e: unknown, bodyLimit: number): FastifyReply {
  let err: CertError;
  if (e instanceof CertError) err = e;
  else {
    const code = FRAMEWORK[String((e as { code?: unknown }).code)];
    err = code
      ? new CertError(code, (e as Error).message)
      : new CertError('INTERNAL', 'the server could not answer', { cause: e });
    if (!code) reply.log.error({ err: e }, 'TAXII request failed');
  }
  const status = err.status;
  if (err.code === 'TAXII_AUTH_RATE_LIMITED')
    void reply.header('Retry-After', /retry in (\d+) s/.exec(err.message)?.[1] ?? '60');
  if (status === 413 && !reply.request.raw.complete) lingerAfterRefusal(reply, bodyLimit);
  if (status === 401)
    void reply.header('WWW-Authenticate', 'Basic realm="taxii2", charset="UTF-8", Bearer realm="taxii2"');
  const title =
    err.code === 'INTERNAL'
      ? 'internal error'
      : ((CERT_ERRORS as Record<string, { text: string }>)[err.code]?.text ?? err.code);
  return sendTaxii(reply, status, errorResource(status, err.code, title, err.message));
}
