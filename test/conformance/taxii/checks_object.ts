/**
 * Checks of the per-object endpoints and the manifest: Get an Object (§5.6), Delete an Object
 * (§5.7), Get Object Versions (§5.8), Get Object Manifests (§5.3), and the 403s of can_read /
 * can_write false (§5.3–§5.8) when the run was given such accounts.
 */
import { randomUUID } from 'node:crypto';
import type { TaxiiCheck } from './check.js';
import { VERSIONS, collectionMediaTypes, pageOf, pageThrough, query } from './context.js';
import type { Account, Ctx, Page } from './context.js';
import { checkDateHeaders, datesOf, idsOf, manifest, objects } from './checks_objects.js';
import { STIX_21, TAXII_21, basic, expect, expectError, expectResource, isTaxiiTimestamp } from './http.js';
import type { Reply } from './http.js';

/** GET `{collection}/objects/{id}/` + `rest` with `params`. */
async function byId(ctx: Ctx, id: string, rest = '', params: Record<string, string | undefined> = {}) {
  return ctx.req(`${await ctx.url(`objects/${encodeURIComponent(id)}/${rest}`)}${query(params)}`);
}

/** The same instants (STIX timestamps may be served with another number of digits). */
function sameInstants(a: readonly string[], b: readonly string[]): boolean {
  const norm = (l: readonly string[]) => JSON.stringify(l.map((t) => Date.parse(t)).sort((x, y) => x - y));
  return norm(a) === norm(b);
}

/** §5.6: 404, or 200 with an empty envelope, when no version is returned. */
function expectNoObject(r: Reply): void {
  if (r.status === 200) {
    const p = pageOf(r, 'objects');
    expect(p.items.length === 0, `${r.what}: ${p.items.length} objects returned`);
  } else expectError(r, 404);
}

/** A second account's view of the collection under test, or a skip when none was given. */
async function otherAccount(
  ctx: Ctx,
  a: Account | undefined,
): Promise<{ auth: string; c: Record<string, unknown> }> {
  const auth = basic(a!.username, a!.password);
  const r = await ctx.req({ url: `${await ctx.apiRoot()}collections/`, authorization: auth });
  const list = (expectResource(r)['collections'] as Record<string, unknown>[] | undefined) ?? [];
  const id = (await ctx.collection())['id'];
  const c = list.find((x) => x['id'] === id);
  expect(c, `${r.what}: the collection under test is not listed for ${a!.username}`);
  return { auth, c };
}

/** The checks of §5.3 and §5.6–§5.8. */
export const OBJECT_CHECKS: TaxiiCheck[] = [
  {
    name: 'get an object: its latest version in an envelope, headers',
    section: '§5.6, §3.2, §3.4.1',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const last = pageOf(await byId(ctx, seed.versioned), 'objects');
      const items = last.items as { id: string; modified: string }[];
      expect(
        items.length === 1 && items[0]!.id === seed.versioned,
        `${last.reply.what}: ${JSON.stringify(idsOf(last))}`,
      );
      expect(
        items[0]!.modified === VERSIONS[2],
        `${last.reply.what}: version ${items[0]!.modified}, not the latest`,
      );
      checkDateHeaders(last);
      const all = pageOf(await byId(ctx, seed.versioned, '', { 'match[version]': 'all' }), 'objects');
      expect(all.items.length === 3, `${all.reply.what}: ${all.items.length} versions, expected 3`);
      checkDateHeaders(all);
      const first = pageOf(await byId(ctx, seed.versioned, '', { 'match[version]': 'first' }), 'objects');
      expect(
        (first.items as { modified: string }[])[0]?.modified === VERSIONS[0],
        `${first.reply.what}: not the first version`,
      );
    },
  },
  {
    name: 'get an unknown object is 404',
    section: '§5.6',
    requirement: 'MUST',
    async run(ctx) {
      expectNoObject(await byId(ctx, `indicator--${randomUUID()}`));
    },
  },
  {
    name: 'versions resource, headers',
    section: '§5.8, §5.8.1, §3.2',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const p = pageOf(await byId(ctx, seed.versioned, 'versions/'), 'versions');
      expect(
        p.items.every((v) => typeof v === 'string'),
        `${p.reply.what}: versions are not strings (§5.8.1)`,
      );
      expect(
        sameInstants(p.items as string[], VERSIONS),
        `${p.reply.what}: versions ${JSON.stringify(p.items)}`,
      );
      checkDateHeaders(p);
      expectError(await byId(ctx, `indicator--${randomUUID()}`, 'versions/'), 404);
    },
  },
  {
    name: 'versions: paging, added_after, match[spec_version]',
    section: '§5.8, §3.4, §3.5',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const url = await ctx.url(`objects/${encodeURIComponent(seed.versioned)}/versions/`);
      const pages = await pageThrough(ctx, url, 'versions', 1);
      const seen = pages.flatMap((p) => p.items as string[]);
      expect(seen.length === 3 && sameInstants(seen, VERSIONS), `paged versions ${JSON.stringify(seen)}`);
      const dates = datesOf(await manifest(ctx, { 'match[id]': seed.versioned, 'match[version]': 'all' }));
      // VERSIONS[0] and [2] were added first, together; VERSIONS[1] later.
      const after = pageOf(
        await byId(ctx, seed.versioned, 'versions/', { added_after: dates[0] }),
        'versions',
      );
      expect(
        sameInstants(after.items as string[], [VERSIONS[1]!]),
        `${after.reply.what}: ${JSON.stringify(after.items)}`,
      );
      const spec = pageOf(
        await byId(ctx, seed.versioned, 'versions/', { 'match[spec_version]': '2.1' }),
        'versions',
      );
      expect(
        spec.items.length === 3,
        `${spec.reply.what}: ${spec.items.length} versions for spec_version 2.1`,
      );
    },
  },
  {
    name: 'manifest records, sorted, headers',
    section: '§5.3, §5.3.1, §3.3, §3.2',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const types = collectionMediaTypes(await ctx.collection());
      const p = await manifest(ctx, { 'match[id]': seed.all.join(',') });
      for (const m of p.items as Record<string, unknown>[]) {
        expect(typeof m['id'] === 'string', `${p.reply.what}: a record without id (§5.3.1)`);
        expect(
          isTaxiiTimestamp(m['date_added']),
          `${p.reply.what}: date_added ${String(m['date_added'])} is not a TAXII timestamp (§2, §5.3.1)`,
        );
        expect(typeof m['version'] === 'string', `${p.reply.what}: a record without version (§5.3.1)`);
        expect(
          m['media_type'] === undefined || types.includes(m['media_type'] as string),
          `${p.reply.what}: media_type ${String(m['media_type'])} is not one of the collection's ${JSON.stringify(types)}`,
        );
      }
      expect(
        JSON.stringify(idsOf(p).sort()) === JSON.stringify([...seed.all].sort()),
        `${p.reply.what}: ids ${JSON.stringify(idsOf(p))}`,
      );
      checkDateHeaders(p, datesOf(p));
      const accept = `${TAXII_21},${STIX_21}`;
      const r = await ctx.req({
        url: `${await ctx.url('manifest/')}${query({ 'match[id]': seed.a })}`,
        accept,
      });
      expect(r.status === 200, `${r.what} with Accept '${accept}' (the header §5.3 names): HTTP ${r.status}`);
    },
  },
  {
    name: 'manifest filters: match[id|type|version], added_after',
    section: '§5.3, §3.4.1',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const m = await manifest(ctx, { 'match[id]': seed.all.join(','), 'match[type]': 'malware' });
      expect(
        JSON.stringify(idsOf(m)) === JSON.stringify([seed.malware]),
        `${m.reply.what}: ${JSON.stringify(idsOf(m))}`,
      );
      const all = await manifest(ctx, { 'match[id]': seed.versioned, 'match[version]': 'all' });
      const versions = (all.items as { version: string }[]).map((x) => x.version);
      expect(
        sameInstants(versions, VERSIONS),
        `${all.reply.what}: one record per version expected, got ${JSON.stringify(versions)}`,
      );
      const first = await manifest(ctx, { 'match[id]': seed.versioned, 'match[version]': 'first' });
      const v = (first.items as { version: string }[]).map((x) => x.version);
      expect(sameInstants(v, [VERSIONS[0]!]), `${first.reply.what}: ${JSON.stringify(v)}`);
      const ids = [seed.a, seed.b, seed.c].join(',');
      const dates = datesOf(await manifest(ctx, { 'match[id]': ids }));
      const after = await manifest(ctx, { 'match[id]': ids, added_after: dates[1] });
      expect(
        JSON.stringify(idsOf(after)) === JSON.stringify([seed.c]),
        `${after.reply.what}: ${JSON.stringify(idsOf(after))}`,
      );
    },
  },
  {
    name: 'manifest paging: every record once',
    section: '§5.3, §3.5',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const url = `${await ctx.url('manifest/')}${query({ 'match[id]': seed.all.join(','), 'match[version]': 'all' })}`;
      const pages: Page[] = await pageThrough(ctx, url, 'objects', 4);
      const seen = pages.flatMap((p) =>
        (p.items as { id: string; version: string }[]).map((m) => `${m.id}@${Date.parse(m.version)}`),
      );
      expect(
        new Set(seen).size === seen.length && seen.length === seed.all.length + 2,
        `paged manifest ${JSON.stringify(seen)}`,
      );
      const dates = pages.flatMap(datesOf);
      for (let i = 1; i < dates.length; i++)
        expect(dates[i - 1]! <= dates[i]!, 'manifest pages not in date_added order (§3.3)');
    },
  },
  {
    name: 'delete an object: 200, then 404, gone from objects and manifest',
    section: '§5.7',
    requirement: 'MUST',
    async run(ctx) {
      const o = ctx.indicator();
      const id = o['id'] as string;
      await ctx.post([o]);
      const del = await ctx.req({
        url: await ctx.url(`objects/${encodeURIComponent(id)}/`),
        method: 'DELETE',
      });
      expect(del.status === 200, `${del.what}: HTTP ${del.status}: ${del.text.slice(0, 200)}`);
      expect(
        (del.headers.get('content-type') ?? '').replace(/\s+/g, '').toLowerCase() === TAXII_21,
        `${del.what}: Content-Type ${del.headers.get('content-type')} (§5.7)`,
      );
      expectError(await byId(ctx, id), 404);
      expect(
        (await objects(ctx, { 'match[id]': id })).items.length === 0,
        'the deleted object is still in Get Objects',
      );
      expect(
        (await manifest(ctx, { 'match[id]': id })).items.length === 0,
        'the deleted object is still in the manifest',
      );
      expectError(
        await ctx.req({ url: await ctx.url(`objects/${encodeURIComponent(id)}/`), method: 'DELETE' }),
        404,
      );
    },
  },
  {
    name: 'delete one version with match[version]',
    section: '§5.7, §3.4.1',
    requirement: 'MUST',
    async run(ctx) {
      const id = `indicator--${randomUUID()}`;
      await ctx.post([ctx.indicator(id, VERSIONS[0]), ctx.indicator(id, VERSIONS[1])]);
      const url = `${await ctx.url(`objects/${encodeURIComponent(id)}/`)}${query({ 'match[version]': VERSIONS[0] })}`;
      const del = await ctx.req({ url, method: 'DELETE' });
      expect(del.status === 200, `${del.what}: HTTP ${del.status}: ${del.text.slice(0, 200)}`);
      const left = pageOf(await byId(ctx, id, 'versions/'), 'versions');
      expect(
        sameInstants(left.items as string[], [VERSIONS[1]!]),
        `${left.reply.what}: ${JSON.stringify(left.items)}`,
      );
      expectNoObject(await byId(ctx, id, '', { 'match[version]': VERSIONS[0] }));
    },
  },
  {
    name: 'can_write false: POST 403 (or 404), DELETE 403',
    section: '§5.5, §5.7, §5.2.1',
    requirement: 'MUST',
    async run(ctx) {
      if (!ctx.o.readOnly) return { skip: 'no read-only account given' };
      const seed = await ctx.seed();
      const { auth, c } = await otherAccount(ctx, ctx.o.readOnly);
      expect(
        c['can_read'] === true && c['can_write'] === false,
        `the read-only account sees can_read ${String(c['can_read'])}, can_write ${String(c['can_write'])}`,
      );
      expectError(
        await ctx.postRaw(JSON.stringify({ objects: [ctx.indicator()] }), TAXII_21, auth),
        403,
        404,
      );
      const del = await ctx.req({
        url: await ctx.url(`objects/${encodeURIComponent(seed.b)}/`),
        method: 'DELETE',
        authorization: auth,
      });
      expectError(del, 403);
      expect(
        (await objects(ctx, { 'match[id]': seed.b })).items.length === 1,
        'the refused DELETE removed the object',
      );
      expectResource(await ctx.req({ url: await ctx.url('objects/'), authorization: auth }));
      return undefined;
    },
  },
  {
    name: 'can_read false: GET objects/object/versions/manifest 403 (or 404), DELETE 403',
    section: '§5.3, §5.4, §5.6, §5.7, §5.8',
    requirement: 'MUST',
    async run(ctx) {
      if (!ctx.o.writeOnly) return { skip: 'no write-only account given' };
      const seed = await ctx.seed();
      const { auth, c } = await otherAccount(ctx, ctx.o.writeOnly);
      expect(
        c['can_read'] === false && c['can_write'] === true,
        `the write-only account sees can_read ${String(c['can_read'])}, can_write ${String(c['can_write'])}`,
      );
      const id = encodeURIComponent(seed.c);
      for (const rest of ['objects/', `objects/${id}/`, `objects/${id}/versions/`, 'manifest/'])
        expectError(await ctx.req({ url: await ctx.url(rest), authorization: auth }), 403, 404);
      // Its own object: writing it is allowed, deleting it is not (§5.7, can_read false).
      const own = ctx.indicator();
      expectResource(await ctx.postRaw(JSON.stringify({ objects: [own] }), TAXII_21, auth), 202);
      for (const target of [seed.c, own['id'] as string]) {
        const url = await ctx.url(`objects/${encodeURIComponent(target)}/`);
        expectError(await ctx.req({ url, method: 'DELETE', authorization: auth }), 403);
        expect(
          (await objects(ctx, { 'match[id]': target })).items.length === 1,
          `the refused DELETE removed ${target}`,
        );
      }
      return undefined;
    },
  },
];
