/**
 * The TAXII 2.1 client (OASIS Standard, 10 June 2021) of a CERT: discovery (§4.1), API root
 * (§4.2), collections (§5.1, §5.2), manifest (§5.3) and objects (§5.4) with `added_after`,
 * `limit`, `match[…]` and paging by `next`, adding objects (§5.5) and following the status
 * resource (§4.3) until it is complete. Every resource is checked for the members the sync
 * relies on; a server that answers otherwise fails with TAXII_CLIENT_MALFORMED.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CertError } from '../errors.js';
import type { TaxiiStatus } from '../status_store.js';
import { taxiiRequest } from './http.js';
import type { TaxiiAnswer, TaxiiClientOptions } from './http.js';

/** A collection resource (§5.2.1). */
export interface RemoteCollection {
  id: string;
  title: string;
  alias?: string;
  can_read: boolean;
  can_write: boolean;
}

/** One manifest record (§5.3.1). */
export interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
}

/** One page of a manifest or of objects. */
export interface Page<T> {
  items: T[];
  more: boolean;
  next?: string;
  /**
   * `X-TAXII-Date-Added-Last`: with `more` and no `next`, the server pages by `added_after`
   * (TAXII 2.1 §3.4.1): the next page is asked with this value as `added_after`.
   */
  dateAddedLast?: string;
}

/** Filters of a manifest or objects request. */
export interface PageQuery {
  addedAfter?: string;
  limit?: number;
  next?: string;
  ids?: readonly string[];
  types?: readonly string[];
  /** `match[version]` values: `first`, `last`, `all` or timestamps. */
  versions?: readonly string[];
}

function malformed(url: string, what: string): CertError {
  return new CertError('TAXII_CLIENT_MALFORMED', `${url}: ${what}`);
}

function pageOf<T>(a: TaxiiAnswer, url: string, member: string, check: (x: unknown) => x is T): Page<T> {
  const raw = a.body[member] ?? [];
  if (!Array.isArray(raw) || !raw.every(check)) throw malformed(url, `'${member}' is not a list of records`);
  const more = a.body['more'] ?? false;
  const next = a.body['next'];
  if (typeof more !== 'boolean') throw malformed(url, "'more' is not a boolean");
  if (next !== undefined && typeof next !== 'string') throw malformed(url, "'next' is not a string");
  if (more && raw.length === 0 && next === undefined)
    throw malformed(url, "'more' without objects or 'next'");
  const last = a.headers.get('x-taxii-date-added-last') ?? undefined;
  return {
    items: raw,
    more,
    ...(next !== undefined ? { next } : {}),
    ...(last !== undefined ? { dateAddedLast: last } : {}),
  };
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

const isManifestRecord = (x: unknown): x is ManifestRecord =>
  isObject(x) &&
  typeof x['id'] === 'string' &&
  typeof x['date_added'] === 'string' &&
  typeof x['version'] === 'string';

const isStixObject = (x: unknown): x is Record<string, unknown> =>
  isObject(x) && typeof x['id'] === 'string' && typeof x['type'] === 'string';

function isCollection(x: unknown): x is RemoteCollection {
  return (
    isObject(x) &&
    typeof x['id'] === 'string' &&
    typeof x['title'] === 'string' &&
    typeof x['can_read'] === 'boolean' &&
    typeof x['can_write'] === 'boolean'
  );
}

function query(q: PageQuery): string {
  const p = new URLSearchParams();
  if (q.addedAfter) p.set('added_after', q.addedAfter);
  if (q.limit) p.set('limit', String(q.limit));
  if (q.next) p.set('next', q.next);
  if (q.ids?.length) p.set('match[id]', q.ids.join(','));
  if (q.types?.length) p.set('match[type]', q.types.join(','));
  if (q.versions?.length) p.set('match[version]', q.versions.join(','));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * A client of one TAXII API root.
 *
 * @example
 * ```ts
 * const client = new TaxiiClient('https://ph.example/taxii2/ph/', { auth: { type: 'basic', username, password } });
 * const c = await client.collection('indicators');
 * const page = await client.manifest(c.id, { limit: 500, versions: ['all'] });
 * ```
 */
export class TaxiiClient {
  readonly apiRootUrl: string;
  readonly #o: TaxiiClientOptions;

  /**
   * @param apiRootUrl - the API root's URL (a trailing `/` is added when missing)
   * @param options - authentication, timeout, response size limit
   */
  constructor(apiRootUrl: string, options: TaxiiClientOptions) {
    let u: URL;
    try {
      u = new URL(apiRootUrl);
    } catch (e) {
      throw new CertError('CERT_ARGUMENT_INVALID', `${apiRootUrl} is not a URL`, { cause: e });
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      throw new CertError('CERT_ARGUMENT_INVALID', `${apiRootUrl}: use an http(s) URL`);
    this.apiRootUrl = u.href.endsWith('/') ? u.href : `${u.href}/`;
    this.#o = options;
  }

  /**
   * The discovery resource of the server at `url` (`…/taxii2/`).
   *
   * @example
   * ```ts
   * const d = await TaxiiClient.discover('https://ph.example/taxii2/', { auth });
   * ```
   */
  static async discover(
    url: string,
    options: TaxiiClientOptions,
  ): Promise<{ api_roots: string[]; default?: string }> {
    const a = await taxiiRequest(options, 'GET', url);
    const roots = a.body['api_roots'] ?? [];
    if (
      typeof a.body['title'] !== 'string' ||
      !Array.isArray(roots) ||
      !roots.every((r) => typeof r === 'string')
    )
      throw malformed(url, 'not a discovery resource');
    const def = a.body['default'];
    return { api_roots: roots, ...(typeof def === 'string' ? { default: def } : {}) };
  }

  /** The API root resource (§4.2.1). */
  async apiRoot(): Promise<{ title: string; versions: string[]; max_content_length: number }> {
    const a = await taxiiRequest(this.#o, 'GET', this.apiRootUrl);
    const b = a.body;
    if (
      typeof b['title'] !== 'string' ||
      !Array.isArray(b['versions']) ||
      typeof b['max_content_length'] !== 'number'
    )
      throw malformed(this.apiRootUrl, 'not an API root resource');
    return {
      title: b['title'],
      versions: b['versions'] as string[],
      max_content_length: b['max_content_length'],
    };
  }

  /** The collections the client may see. */
  async collections(): Promise<RemoteCollection[]> {
    const url = `${this.apiRootUrl}collections/`;
    const a = await taxiiRequest(this.#o, 'GET', url);
    const list = a.body['collections'] ?? [];
    if (!Array.isArray(list) || !list.every(isCollection)) throw malformed(url, 'not a collections resource');
    return list;
  }

  /**
   * One collection by id, alias or title.
   *
   * @throws CertError TAXII_NOT_FOUND when the server lists none of that name
   */
  async collection(name: string): Promise<RemoteCollection> {
    const all = await this.collections();
    const c =
      all.find((x) => x.id === name) ??
      all.find((x) => x.alias === name) ??
      all.find((x) => x.title === name);
    if (!c) throw new CertError('TAXII_NOT_FOUND', `${this.apiRootUrl} lists no collection ${name}`);
    return c;
  }

  #collectionUrl(collectionId: string, tail: string): string {
    return `${this.apiRootUrl}collections/${encodeURIComponent(collectionId)}/${tail}`;
  }

  /** One page of the manifest (§5.3). */
  async manifest(collectionId: string, q: PageQuery = {}): Promise<Page<ManifestRecord>> {
    const url = this.#collectionUrl(collectionId, 'manifest/');
    return pageOf(await taxiiRequest(this.#o, 'GET', url + query(q)), url, 'objects', isManifestRecord);
  }

  /** One page of objects (§5.4). */
  async objects(collectionId: string, q: PageQuery = {}): Promise<Page<Record<string, unknown>>> {
    const url = this.#collectionUrl(collectionId, 'objects/');
    return pageOf(await taxiiRequest(this.#o, 'GET', url + query(q)), url, 'objects', isStixObject);
  }

  /** Every object matching `q`, following `next` (for small, bounded queries). */
  async allObjects(collectionId: string, q: PageQuery = {}): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let at: PageQuery = q;
    for (;;) {
      const page = await this.objects(collectionId, at);
      out.push(...page.items);
      if (!page.more) return out;
      if (page.next !== undefined) at = { ...q, next: page.next };
      // A server that pages by date (§3.4.1): from the last date added it returned, while it moves.
      else if (page.dateAddedLast && page.dateAddedLast !== at.addedAfter && page.items.length > 0)
        at = { ...q, addedAfter: page.dateAddedLast };
      else return out;
    }
  }

  /**
   * Adds objects (§5.5): POSTs the envelope and follows the status resource until it is
   * complete or `waitMs` has passed (then the pending status is returned).
   *
   * @example
   * ```ts
   * const status = await client.addObjects(c.id, bundle.objects);
   * ```
   */
  async addObjects(collectionId: string, objects: readonly unknown[], waitMs = 30_000): Promise<TaxiiStatus> {
    const url = this.#collectionUrl(collectionId, 'objects/');
    const a = await taxiiRequest(this.#o, 'POST', url, { objects });
    let status = statusOf(a.body, url);
    const until = Date.now() + waitMs;
    for (
      let pause = 250;
      status.status === 'pending' && Date.now() < until;
      pause = Math.min(pause * 2, 5000)
    ) {
      await sleep(pause, undefined, this.#o.signal ? { signal: this.#o.signal } : {});
      status = await this.status(status.id);
    }
    return status;
  }

  /** A status resource (§4.3). */
  async status(id: string): Promise<TaxiiStatus> {
    const url = `${this.apiRootUrl}status/${encodeURIComponent(id)}/`;
    return statusOf((await taxiiRequest(this.#o, 'GET', url)).body, url);
  }
}

function statusOf(b: Record<string, unknown>, url: string): TaxiiStatus {
  const counts = ['total_count', 'success_count', 'failure_count', 'pending_count'];
  if (
    typeof b['id'] !== 'string' ||
    (b['status'] !== 'complete' && b['status'] !== 'pending') ||
    !counts.every((k) => b[k] === undefined || typeof b[k] === 'number') ||
    typeof b['total_count'] !== 'number'
  )
    throw malformed(url, 'not a status resource');
  return {
    successes: [],
    failures: [],
    pendings: [],
    success_count: 0,
    failure_count: 0,
    pending_count: 0,
    ...b,
  } as unknown as TaxiiStatus;
}
