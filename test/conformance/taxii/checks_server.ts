/**
 * Checks of the server information endpoints (§4: discovery, API root, status), the collections
 * endpoints (§5.1, §5.2), content negotiation (§1.6.8, §3.1) and authentication (§1.6.9).
 */
import { randomUUID } from 'node:crypto';
import type { TaxiiCheck } from './check.js';
import type { Ctx } from './context.js';
import {
  TAXII_21,
  basic,
  expect,
  expectError,
  expectList,
  expectResource,
  expectTaxiiType,
  isCount,
  isIdentifier,
  isTaxiiTimestamp,
} from './http.js';
import type { Reply } from './http.js';

/** §4.1.1: an API root URL is an HTTPS absolute URL or a relative one, without a query. */
function checkApiRootUrl(ctx: Ctx, u: string): void {
  expect(!u.startsWith('//') && !u.startsWith('../'), `API root ${u} starts with // or ../ (§4.1.1)`);
  if (u.startsWith('/')) return;
  const url = new URL(u);
  // Run over plain HTTP (a test deployment), the server cannot be faulted for naming its own
  // scheme; over HTTPS (§8.2.2) every absolute API root must be HTTPS.
  const overHttps = new URL(ctx.o.discoveryUrl).protocol === 'https:';
  expect(
    url.protocol === 'https:' || (!overHttps && url.protocol === 'http:'),
    `API root ${u} is neither an HTTPS absolute URL nor a relative URL (§4.1.1)`,
  );
  expect(url.search === '', `API root ${u} has a query component (§4.1.1)`);
}

/** The endpoints every account may GET, for the header and authentication checks. */
async function readEndpoints(ctx: Ctx): Promise<string[]> {
  return [ctx.o.discoveryUrl, await ctx.apiRoot(), `${await ctx.apiRoot()}collections/`, await ctx.url()];
}

/** A collection resource (§5.2.1). */
function checkCollection(r: Reply, c: Record<string, unknown>): void {
  expect(isIdentifier(c['id']), `${r.what}: collection id ${String(c['id'])} is not an identifier (§5.2.1)`);
  expect(typeof c['title'] === 'string', `${r.what}: collection without title (§5.2.1)`);
  for (const k of ['description', 'alias'])
    expect(c[k] === undefined || typeof c[k] === 'string', `${r.what}: collection ${k} is not a string`);
  for (const k of ['can_read', 'can_write'])
    expect(typeof c[k] === 'boolean', `${r.what}: collection ${k} is not a boolean (§5.2.1)`);
  const types = expectList(r, 'media_types', c);
  expect(
    types === undefined || types.every((t) => typeof t === 'string'),
    `${r.what}: media_types is not a list of strings (§5.2.1)`,
  );
}

/** The checks of §1.6, §4 and §5.1–5.2. */
export const SERVER_CHECKS: TaxiiCheck[] = [
  {
    name: 'discovery resource',
    section: '§4.1, §4.1.1',
    requirement: 'MUST',
    async run(ctx) {
      const d = await ctx.discovery();
      expect(typeof d['title'] === 'string', 'discovery without title (§4.1.1)');
      for (const k of ['description', 'contact', 'default'])
        expect(d[k] === undefined || typeof d[k] === 'string', `discovery ${k} is not a string (§4.1.1)`);
      const r = await ctx.req(ctx.o.discoveryUrl);
      const roots = (expectList(r, 'api_roots', d) ?? []) as unknown[];
      expect(
        roots.every((u) => typeof u === 'string'),
        'api_roots is not a list of strings (§4.1.1)',
      );
      expect(
        d['default'] === undefined || roots.some((u) => u === d['default']),
        'the default API root is not in api_roots (§4.1.1)',
      );
      for (const u of roots as string[]) checkApiRootUrl(ctx, u);
      if (d['default'] !== undefined) checkApiRootUrl(ctx, d['default'] as string);
    },
  },
  {
    name: 'API root resource',
    section: '§4.2, §4.2.1',
    requirement: 'MUST',
    async run(ctx) {
      const r = await ctx.req(await ctx.apiRoot());
      const a = expectResource(r);
      expect(typeof a['title'] === 'string', 'API root without title (§4.2.1)');
      const versions = expectList(r, 'versions', a);
      expect(versions, 'API root without versions (§4.2.1)');
      expect(
        versions.includes(TAXII_21 as unknown),
        `API root versions ${JSON.stringify(versions)} lack ${TAXII_21}`,
      );
      expect(
        versions.every((v) => typeof v === 'string' && /^application\/taxii\+json;version=\d+\.\d+$/.test(v)),
        'an API root version lacks the version parameter (§4.2.1)',
      );
      const max = a['max_content_length'];
      expect(isCount(max) && max > 0, `max_content_length ${String(max)} is not a positive integer (§4.2.1)`);
    },
  },
  {
    name: 'unknown API root is 404',
    section: '§4.2',
    requirement: 'MUST',
    async run(ctx) {
      expectError(await ctx.req(new URL(`../absent-${randomUUID()}/`, await ctx.apiRoot()).toString()), 404);
    },
  },
  {
    name: 'Content-Type is application/taxii+json;version=2.1',
    section: '§1.6.8, §3.1',
    requirement: 'MUST',
    async run(ctx) {
      for (const u of await readEndpoints(ctx)) expectResource(await ctx.req(u));
    },
  },
  {
    name: 'Accept naming TAXII 2.1 is served (no version, spaces, lists)',
    section: '§1.6.8.2, §3.1',
    requirement: 'MUST',
    async run(ctx) {
      for (const accept of [
        'application/taxii+json',
        'application/taxii+json; version=2.1',
        'application/json, application/taxii+json;version=2.1',
        `${TAXII_21},application/stix+json;version=2.1`,
      ])
        for (const u of await readEndpoints(ctx)) {
          const r = await ctx.req({ url: u, accept });
          expect(r.status === 200, `${r.what} with Accept '${accept}': HTTP ${r.status}, not 200 (§3.1)`);
          expectTaxiiType(r);
        }
    },
  },
  {
    name: 'Accept without a TAXII 2.1 media range is 406',
    section: '§3.1, §4.1',
    requirement: 'MAY',
    async run(ctx) {
      for (const accept of ['application/json', 'application/taxii+json;version=2.0', 'text/html'])
        for (const u of await readEndpoints(ctx)) expectError(await ctx.req({ url: u, accept }), 406);
    },
  },
  {
    name: 'no credentials: 401 with WWW-Authenticate (or 404)',
    section: '§1.6.9, §5.1–§5.8',
    requirement: 'MUST',
    async run(ctx) {
      const discovery = await ctx.req({ url: ctx.o.discoveryUrl, authorization: null });
      expectError(discovery, 401);
      const urls = [await ctx.apiRoot(), `${await ctx.apiRoot()}collections/`, await ctx.url()];
      urls.push(await ctx.url('objects/'), await ctx.url('manifest/'));
      for (const url of urls) {
        const r = await ctx.req({ url, authorization: null });
        expectError(r, 401, 404);
        if (r.status === 401)
          expect(r.headers.get('www-authenticate'), `${r.what}: 401 without WWW-Authenticate (§1.6.9)`);
      }
      const post = await ctx.req({
        url: await ctx.url('objects/'),
        method: 'POST',
        authorization: null,
        contentType: TAXII_21,
        body: JSON.stringify({ objects: [ctx.indicator()] }),
      });
      expectError(post, 401, 404);
      expect(discovery.headers.get('www-authenticate'), 'discovery 401 without WWW-Authenticate (§1.6.9)');
    },
  },
  {
    name: 'wrong credentials: 401 with WWW-Authenticate',
    section: '§1.6.9',
    requirement: 'MUST',
    async run(ctx) {
      for (const authorization of [
        basic(ctx.o.username, `${ctx.o.password}-wrong`),
        basic(`absent-${randomUUID()}`, ctx.o.password),
        'Basic !!!not-base64',
      ]) {
        const r = await ctx.req({ url: ctx.o.discoveryUrl, authorization });
        expectError(r, 401);
        const challenge = r.headers.get('www-authenticate') ?? '';
        expect(
          /\bbasic\b/i.test(challenge) || challenge !== '',
          `${r.what}: 401 without a challenge (§1.6.9)`,
        );
      }
    },
  },
  {
    name: 'collections resource, in a consistent order',
    section: '§5.1, §5.1.1, §3.3',
    requirement: 'MUST',
    async run(ctx) {
      const url = `${await ctx.apiRoot()}collections/`;
      const r1 = await ctx.req(url);
      const list = (expectList(r1, 'collections', expectResource(r1)) ?? []) as Record<string, unknown>[];
      for (const c of list) checkCollection(r1, c);
      const aliases = list.map((c) => c['alias']).filter((a) => a !== undefined);
      expect(new Set(aliases).size === aliases.length, 'two collections share an alias (§5.2.1)');
      const r2 = await ctx.req(url);
      const again = ((expectResource(r2)['collections'] as Record<string, unknown>[] | undefined) ?? []).map(
        (c) => c['id'],
      );
      expect(
        JSON.stringify(again) === JSON.stringify(list.map((c) => c['id'])),
        'the collections come in another order on a second request (§3.3)',
      );
    },
  },
  {
    name: 'collection resource by id',
    section: '§5.2, §5.2.1',
    requirement: 'MUST',
    async run(ctx) {
      const listed = await ctx.collection();
      const r = await ctx.req(await ctx.url());
      const c = expectResource(r);
      checkCollection(r, c);
      expect(
        JSON.stringify(c) === JSON.stringify(listed),
        `the collection differs from its list entry: ${JSON.stringify(c)} vs ${JSON.stringify(listed)}`,
      );
    },
  },
  {
    name: 'unknown collection is 404',
    section: '§5.2, §5.4',
    requirement: 'MUST',
    async run(ctx) {
      const root = await ctx.apiRoot();
      const id = randomUUID();
      expectError(await ctx.req(`${root}collections/${id}/`), 404);
      expectError(await ctx.req(`${root}collections/${id}/objects/`), 404);
      expectError(await ctx.req(`${root}collections/${id}/manifest/`), 404);
    },
  },
  {
    name: 'status resource of a POST, then GET status',
    section: '§4.3, §4.3.1, §5.5',
    requirement: 'MUST',
    async run(ctx) {
      const objects = [ctx.indicator(), ctx.indicator()];
      const posted = await ctx.postRaw(JSON.stringify({ objects }));
      const s = expectResource(posted, 202);
      checkStatus(posted, s, objects.length);
      const r = await ctx.req(`${await ctx.apiRoot()}status/${String(s['id'])}/`);
      const again = expectResource(r);
      checkStatus(r, again, objects.length);
      expect(again['id'] === s['id'], 'GET status answers another status id (§4.3)');
      if (again['status'] === 'complete') {
        expect(again['success_count'] === objects.length, `success_count ${String(again['success_count'])}`);
        const ids = ((again['successes'] as { id: string }[] | undefined) ?? []).map((x) => x.id).sort();
        expect(
          ids.length === 0 || JSON.stringify(ids) === JSON.stringify(objects.map((o) => o['id']).sort()),
          `successes ${JSON.stringify(ids)} are not the posted objects (§4.3.1)`,
        );
      }
    },
  },
  {
    name: 'unknown status id is 404',
    section: '§4.3',
    requirement: 'MUST',
    async run(ctx) {
      expectError(await ctx.req(`${await ctx.apiRoot()}status/${randomUUID()}/`), 404);
    },
  },
];

/** §4.3.1 on a status resource of a POST of `total` objects. */
export function checkStatus(r: Reply, s: Record<string, unknown>, total: number): void {
  expect(isIdentifier(s['id']), `${r.what}: status id ${String(s['id'])} is not an identifier (§4.3.1)`);
  expect(s['status'] === 'complete' || s['status'] === 'pending', `${r.what}: status ${String(s['status'])}`);
  expect(
    s['request_timestamp'] === undefined || isTaxiiTimestamp(s['request_timestamp']),
    `${r.what}: request_timestamp ${String(s['request_timestamp'])} is not a TAXII timestamp (§2, §4.3.1)`,
  );
  for (const k of ['total_count', 'success_count', 'failure_count', 'pending_count'])
    expect(isCount(s[k]), `${r.what}: ${k} ${String(s[k])} is not an integer ≥ 0 (§4.3.1)`);
  expect(s['total_count'] === total, `${r.what}: total_count ${String(s['total_count'])}, posted ${total}`);
  const sum =
    (s['success_count'] as number) + (s['failure_count'] as number) + (s['pending_count'] as number);
  expect(sum === total, `${r.what}: success + failure + pending = ${sum}, total_count ${total}`);
  for (const k of ['successes', 'failures', 'pendings']) {
    const list = expectList(r, k, s) ?? [];
    for (const d of list as Record<string, unknown>[]) {
      expect(typeof d['id'] === 'string', `${r.what}: a ${k} entry has no id (§4.3.1 status-details)`);
      expect(
        typeof d['version'] === 'string',
        `${r.what}: a ${k} entry has no version (§4.3.1 status-details)`,
      );
      expect(d['message'] === undefined || typeof d['message'] === 'string', `${r.what}: ${k} message`);
    }
  }
}
