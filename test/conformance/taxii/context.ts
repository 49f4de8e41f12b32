/**
 * What the conformance checks share: the options, the server's discovery resource, the API root
 * and collection under test, and the STIX objects the suite itself posted (every object check
 * filters by their ids, so the suite runs against a server that already holds data).
 */
import { randomUUID } from 'node:crypto';
import { CheckFailure, TAXII_21, basic, expect, expectList, expectResource, send } from './http.js';
import type { Reply, Send } from './http.js';

/** TLP 2.0 `TLP:CLEAR`: the suite's objects may be read by any account. */
export const TLP_CLEAR = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';

/** Credentials of one account of the server under test. */
export interface Account {
  username: string;
  password: string;
}

/** Where and how to run the suite. */
export interface TaxiiConformanceOptions extends Account {
  /** The discovery URL (`https://host/taxii2/`). */
  discoveryUrl: string;
  /** The collection to test (id or alias); default: the first one the account reads and writes. */
  collection?: string;
  /** An account with can_read true and can_write false on that collection (403 checks). */
  readOnly?: Account;
  /** An account with can_read false and can_write true on that collection (403 checks). */
  writeOnly?: Account;
  /** Marking of the objects the suite posts; default `TLP:CLEAR`. */
  objectMarkingRefs?: string[];
  /** Largest body the 413 check may send (default 64 MiB); above it the check is skipped. */
  maxUploadBytes?: number;
  /** How long to poll a `pending` status (default 30 s). */
  statusTimeoutMs?: number;
}

/** The three versions (`modified`) of the suite's versioned object. */
export const VERSIONS = ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'];

/** The objects the suite posted for the read checks. */
export interface Seed {
  /** Indicators posted in three separate requests, in this order. */
  a: string;
  b: string;
  c: string;
  /** A malware object (posted with `a`). */
  malware: string;
  /** The versioned indicator: VERSIONS[0] and [2] posted with `a`, VERSIONS[1] with `c`. */
  versioned: string;
  /** Five indicators posted together, for paging. */
  batch: string[];
  /** Every id above. */
  all: string[];
}

/** One check's view of the run. */
export class Ctx {
  readonly o: TaxiiConformanceOptions;
  readonly auth: string;
  private memo = new Map<string, Promise<unknown>>();

  constructor(o: TaxiiConformanceOptions) {
    this.o = o;
    this.auth = basic(o.username, o.password);
  }

  /** Sends a request as the suite's account (unless `s.authorization` says otherwise). */
  req(s: Send | string): Promise<Reply> {
    return send(this.o.discoveryUrl, this.auth, typeof s === 'string' ? { url: s } : s);
  }

  /** Runs `make` once per key for the whole run. */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.memo.set(key, p);
    }
    return p;
  }

  /** The discovery resource. */
  discovery(): Promise<Record<string, unknown>> {
    return this.once('discovery', async () => expectResource(await this.req(this.o.discoveryUrl)));
  }

  /** The API root under test (the default, else the first advertised), absolute, with `/`. */
  apiRoot(): Promise<string> {
    return this.once('apiRoot', async () => {
      const d = await this.discovery();
      const roots = (d['api_roots'] as string[] | undefined) ?? [];
      const chosen = (d['default'] as string | undefined) ?? roots[0];
      expect(chosen, 'the discovery resource advertises no API root to test');
      const url = new URL(chosen, this.o.discoveryUrl).toString();
      return url.endsWith('/') ? url : `${url}/`;
    });
  }

  /** The collection under test, as listed for the suite's account. */
  collection(): Promise<Record<string, unknown>> {
    return this.once('collection', async () => {
      const r = await this.req(`${await this.apiRoot()}collections/`);
      const list = (expectList(r, 'collections', expectResource(r)) ?? []) as Record<string, unknown>[];
      const want = this.o.collection;
      const c = want
        ? list.find((x) => x['id'] === want || x['alias'] === want)
        : list.find((x) => x['can_read'] === true && x['can_write'] === true);
      expect(c, want ? `collection ${want} is not listed` : 'no collection the account may read and write');
      return c;
    });
  }

  /** `{api-root}/collections/{id}/` + `rest`. */
  async url(rest = ''): Promise<string> {
    return `${await this.apiRoot()}collections/${encodeURIComponent(String((await this.collection())['id']))}/${rest}`;
  }

  /** A STIX 2.1 indicator with a fresh id (or `id`) and `modified`. */
  indicator(id = `indicator--${randomUUID()}`, modified = VERSIONS[0]!): Record<string, unknown> {
    return {
      type: 'indicator',
      spec_version: '2.1',
      id,
      created: VERSIONS[0],
      modified,
      name: 'Conformance suite indicator',
      pattern: "[ipv4-addr:value = '203.0.113.10']",
      pattern_type: 'stix',
      valid_from: VERSIONS[0],
      object_marking_refs: this.o.objectMarkingRefs ?? [TLP_CLEAR],
    };
  }

  /** A STIX 2.1 malware object with a fresh id. */
  malware(): Record<string, unknown> {
    return {
      type: 'malware',
      spec_version: '2.1',
      id: `malware--${randomUUID()}`,
      created: VERSIONS[0],
      modified: VERSIONS[0],
      name: 'Conformance suite malware',
      is_family: false,
      object_marking_refs: this.o.objectMarkingRefs ?? [TLP_CLEAR],
    };
  }

  /** POSTs an envelope; returns the reply (any status). */
  async postRaw(body: string, contentType = TAXII_21, as?: string): Promise<Reply> {
    return this.req({
      url: await this.url('objects/'),
      method: 'POST',
      contentType,
      body,
      ...(as ? { authorization: as } : {}),
    });
  }

  /** POSTs `objects`, expects 202 and polls the status until complete; returns the final status. */
  async post(objects: Record<string, unknown>[]): Promise<Record<string, unknown>> {
    const r = await this.postRaw(JSON.stringify({ objects }));
    let status = expectResource(r, 202);
    const until = Date.now() + (this.o.statusTimeoutMs ?? 30_000);
    while (status['status'] === 'pending') {
      expect(Date.now() < until, `status ${String(status['id'])} still pending`);
      await new Promise((ok) => setTimeout(ok, 250));
      status = expectResource(await this.req(`${await this.apiRoot()}status/${String(status['id'])}/`));
    }
    expect(
      status['failure_count'] === 0,
      `the server refused objects of the suite: ${JSON.stringify(status['failures'])}`,
    );
    return status;
  }

  /** The objects the read checks work on, posted once per run. */
  seed(): Promise<Seed> {
    return this.once('seed', async () => {
      const a = this.indicator();
      const malware = this.malware();
      const versioned = `indicator--${randomUUID()}`;
      await this.post([
        a,
        malware,
        this.indicator(versioned, VERSIONS[0]),
        this.indicator(versioned, VERSIONS[2]),
      ]);
      // Posted 10 ms apart, so that a server whose clock has millisecond precision still gives
      // each request its own date_added (§3.3 then fixes their order).
      const pause = () => new Promise((ok) => setTimeout(ok, 10));
      await pause();
      const b = this.indicator();
      await this.post([b]);
      await pause();
      const c = this.indicator();
      await this.post([c, this.indicator(versioned, VERSIONS[1])]);
      await pause();
      const batch = Array.from({ length: 5 }, () => this.indicator());
      await this.post(batch);
      const ids = (o: Record<string, unknown>) => o['id'] as string;
      const s = {
        a: ids(a),
        b: ids(b),
        c: ids(c),
        malware: ids(malware),
        versioned,
        batch: batch.map(ids),
      };
      return { ...s, all: [s.a, s.b, s.c, s.malware, s.versioned, ...s.batch] };
    });
  }
}

/** `?k=v&…` with the values URL-encoded (brackets kept readable). */
export function query(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.replace(/[^\w[\]]/g, encodeURIComponent)}=${encodeURIComponent(v!)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** One page of an envelope, manifest or versions resource, checked against §3.7 / §5.3.1 / §5.8.1. */
export interface Page {
  reply: Reply;
  items: unknown[];
  more: boolean;
  next: string | undefined;
}

/** Reads a paged resource (`key`: objects or versions) and checks its envelope shape. */
export function pageOf(r: Reply, key: 'objects' | 'versions'): Page {
  const body = expectResource(r);
  const more = body['more'];
  expect(more === undefined || typeof more === 'boolean', `${r.what}: more is not a boolean (§3.7)`);
  const next = body['next'];
  expect(next === undefined || typeof next === 'string', `${r.what}: next is not a string (§3.7)`);
  expect(next === undefined || more === true, `${r.what}: next is given while more is not true (§3.7)`);
  const items = expectList(r, key, body) ?? [];
  return { reply: r, items, more: more === true, next: next as string | undefined };
}

/**
 * Pages through `url` (which carries its filters) with `limit`, following `next`, or when the
 * server gives none, `added_after` = X-TAXII-Date-Added-Last (§3.5). Returns every page.
 */
export async function pageThrough(
  ctx: Ctx,
  url: string,
  key: 'objects' | 'versions',
  limit: number,
  maxPages = 50,
): Promise<Page[]> {
  const pages: Page[] = [];
  const sep = url.includes('?') ? '&' : '?';
  let cursor = '';
  for (;;) {
    const page = pageOf(await ctx.req(`${url}${sep}limit=${limit}${cursor}`), key);
    expect(
      page.items.length <= limit,
      `${page.reply.what}: ${page.items.length} items for limit=${limit} (§3.4)`,
    );
    pages.push(page);
    if (!page.more) return pages;
    expect(pages.length < maxPages, `${url}: more is still true after ${maxPages} pages`);
    if (page.next) cursor = `&next=${encodeURIComponent(page.next)}`;
    else {
      const last = page.reply.headers.get('x-taxii-date-added-last');
      expect(
        last,
        `${page.reply.what}: more is true but there is neither next nor X-TAXII-Date-Added-Last (§3.5)`,
      );
      if (url.includes('added_after=')) throw new CheckFailure(`${url}: cannot page by added_after twice`);
      cursor = `&added_after=${encodeURIComponent(last)}`;
    }
  }
}

/** The STIX media type a collection declares (§5.2.1: absent means `application/stix+json`). */
export function collectionMediaTypes(c: Record<string, unknown>): string[] {
  return (c['media_types'] as string[] | undefined) ?? ['application/stix+json'];
}
