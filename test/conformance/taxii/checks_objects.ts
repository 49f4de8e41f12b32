/**
 * Checks of Get Objects and Add Objects (§5.4, §5.5): the envelope, sorting, the date-added
 * headers, every filter of §3.4 and pagination (§3.5), and the refusals of a POST.
 */
import { randomUUID } from 'node:crypto';
import type { TaxiiCheck } from './check.js';
import { VERSIONS, pageOf, pageThrough, query } from './context.js';
import type { Ctx, Page } from './context.js';
import { expect, expectError, expectResource, isTaxiiTimestamp } from './http.js';

type Stix = { id: string; type: string; modified?: string; spec_version?: string };

/** GET `{collection}/objects/` with `params`. */
export async function objects(ctx: Ctx, params: Record<string, string | undefined>): Promise<Page> {
  return pageOf(await ctx.req(`${await ctx.url('objects/')}${query(params)}`), 'objects');
}

/** GET `{collection}/manifest/` with `params`. */
export async function manifest(ctx: Ctx, params: Record<string, string | undefined>): Promise<Page> {
  return pageOf(await ctx.req(`${await ctx.url('manifest/')}${query(params)}`), 'objects');
}

/** The ids of a page's objects, in order. */
export function idsOf(p: Page): string[] {
  return (p.items as Stix[]).map((o) => o.id);
}

/** The `modified` of a page's objects, sorted. */
function modifiedOf(p: Page): string[] {
  return (p.items as Stix[]).map((o) => String(o.modified)).sort();
}

/** Same members, any order. */
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/**
 * §3.2, §3.3: a non-empty page carries X-TAXII-Date-Added-First/Last as TAXII timestamps, and
 * `dates` (the date_added of its items, when known) ascend from the first to the last.
 */
export function checkDateHeaders(p: Page, dates?: string[]): void {
  if (p.items.length === 0) return;
  const first = p.reply.headers.get('x-taxii-date-added-first');
  const last = p.reply.headers.get('x-taxii-date-added-last');
  expect(
    isTaxiiTimestamp(first),
    `${p.reply.what}: X-TAXII-Date-Added-First '${first}' is not a TAXII timestamp (§3.2)`,
  );
  expect(
    isTaxiiTimestamp(last),
    `${p.reply.what}: X-TAXII-Date-Added-Last '${last}' is not a TAXII timestamp (§3.2)`,
  );
  expect(Date.parse(first) <= Date.parse(last), `${p.reply.what}: X-TAXII-Date-Added-First is after -Last`);
  if (!dates) return;
  for (let i = 1; i < dates.length; i++)
    expect(
      dates[i - 1]! <= dates[i]!,
      `${p.reply.what}: not sorted by date_added (${dates[i - 1]} > ${dates[i]}) (§3.3)`,
    );
  expect(
    first === dates[0],
    `${p.reply.what}: X-TAXII-Date-Added-First ${first} is not the first date_added ${dates[0]}`,
  );
  expect(
    last === dates.at(-1),
    `${p.reply.what}: X-TAXII-Date-Added-Last ${last} is not the last date_added ${dates.at(-1)}`,
  );
}

/** The date_added of each manifest record, in order. */
export function datesOf(p: Page): string[] {
  return (p.items as { date_added: string }[]).map((m) => m.date_added);
}

/** The checks of §5.4 and §5.5. */
export const OBJECTS_CHECKS: TaxiiCheck[] = [
  {
    name: 'envelope of STIX objects, latest versions by default',
    section: '§3.7, §5.4, §3.4.1',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const p = await objects(ctx, { 'match[id]': seed.all.join(',') });
      for (const o of p.items as Stix[])
        expect(
          typeof o.type === 'string' && typeof o.id === 'string',
          `${p.reply.what}: an item is not a STIX object`,
        );
      expect(
        sameSet(idsOf(p), seed.all),
        `${p.reply.what}: ids ${JSON.stringify(idsOf(p))}, expected the ${seed.all.length} posted`,
      );
      const v = (p.items as Stix[]).find((o) => o.id === seed.versioned);
      expect(
        v?.modified === VERSIONS[2],
        `the latest version is ${v?.modified}, not ${VERSIONS[2]} (§3.4.1 version)`,
      );
    },
  },
  {
    name: 'sorted by date_added, X-TAXII-Date-Added-First/Last',
    section: '§3.3, §3.2, §5.4',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const ids = [seed.c, seed.a, seed.b].join(',');
      const p = await objects(ctx, { 'match[id]': ids });
      expect(
        JSON.stringify(idsOf(p)) === JSON.stringify([seed.a, seed.b, seed.c]),
        `${p.reply.what}: order ${JSON.stringify(idsOf(p))}, not the order they were added (§3.3)`,
      );
      const m = await manifest(ctx, { 'match[id]': ids });
      checkDateHeaders(m, datesOf(m));
      checkDateHeaders(p, datesOf(m));
    },
  },
  {
    name: 'added_after',
    section: '§3.4, §5.4',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const ids = [seed.a, seed.b, seed.c].join(',');
      const dates = datesOf(await manifest(ctx, { 'match[id]': ids }));
      const p = await objects(ctx, { 'match[id]': ids, added_after: dates[0] });
      expect(
        sameSet(idsOf(p), [seed.b, seed.c]),
        `${p.reply.what}: ${JSON.stringify(idsOf(p))}, expected b and c`,
      );
      const none = await objects(ctx, { 'match[id]': ids, added_after: dates[2] });
      expect(none.items.length === 0, `${none.reply.what}: objects added at or before added_after returned`);
    },
  },
  {
    name: 'limit: no more objects than asked, more = true',
    section: '§3.4, §3.5',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const p = await objects(ctx, { 'match[id]': seed.all.join(','), limit: '3' });
      expect(
        p.items.length === 3,
        `${p.reply.what}: ${p.items.length} objects for limit=3 of ${seed.all.length}`,
      );
      expect(p.more, `${p.reply.what}: more is not true with objects left (§3.5)`);
      const all = await objects(ctx, { 'match[id]': seed.all.join(','), limit: String(seed.all.length) });
      expect(
        all.items.length === seed.all.length,
        `${all.reply.what}: limit equal to the count lost objects (§3.4)`,
      );
    },
  },
  {
    name: 'paging with next: every object version once',
    section: '§3.5, §3.4',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const url = `${await ctx.url('objects/')}${query({ 'match[id]': seed.all.join(','), 'match[version]': 'all' })}`;
      const pages = await pageThrough(ctx, url, 'objects', 3);
      const seen = pages.flatMap((p) => (p.items as Stix[]).map((o) => `${o.id}@${o.modified}`));
      expect(new Set(seen).size === seen.length, `an object version came twice: ${JSON.stringify(seen)}`);
      expect(
        seen.length === seed.all.length + 2,
        `${seen.length} versions over ${pages.length} pages, expected ${seed.all.length + 2}`,
      );
      expect(pages.length >= 4, `${pages.length} pages of at most 3 for ${seen.length} versions`);
    },
  },
  {
    name: 'match[id], comma-separated values are ORed',
    section: '§3.4, §3.4.1',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const p = await objects(ctx, { 'match[id]': `${seed.a},${seed.b}` });
      expect(sameSet(idsOf(p), [seed.a, seed.b]), `${p.reply.what}: ${JSON.stringify(idsOf(p))}`);
    },
  },
  {
    name: 'match[type], ORed within, ANDed with match[id]',
    section: '§3.4, §3.4.1',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const ids = `${seed.a},${seed.malware}`;
      const m = await objects(ctx, { 'match[id]': ids, 'match[type]': 'malware' });
      expect(sameSet(idsOf(m), [seed.malware]), `${m.reply.what}: ${JSON.stringify(idsOf(m))}`);
      const both = await objects(ctx, { 'match[id]': ids, 'match[type]': 'indicator,malware' });
      expect(
        sameSet(idsOf(both), [seed.a, seed.malware]),
        `${both.reply.what}: ${JSON.stringify(idsOf(both))}`,
      );
      // A STIX 2.1 type that is not held: no error (§3.4.1 type), an empty envelope.
      const none = await objects(ctx, { 'match[id]': ids, 'match[type]': 'campaign' });
      expect(none.items.length === 0 && !none.more, `${none.reply.what}: not an empty envelope`);
    },
  },
  {
    name: 'match[version]: last, first, all, timestamps, combinations',
    section: '§3.4.1',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      const [t1, t2, t3] = VERSIONS as [string, string, string];
      const cases: [string, string[]][] = [
        ['last', [t3]],
        ['first', [t1]],
        ['all', [t1, t2, t3]],
        [t2, [t2]],
        ['first,last', [t1, t3]],
        [`${t1},${t3}`, [t1, t3]],
        [`first,${t2}`, [t1, t2]],
      ];
      for (const [version, want] of cases) {
        const p = await objects(ctx, { 'match[id]': seed.versioned, 'match[version]': version });
        expect(
          JSON.stringify(modifiedOf(p)) === JSON.stringify(want),
          `${p.reply.what}: versions ${JSON.stringify(modifiedOf(p))}, expected ${JSON.stringify(want)}`,
        );
      }
    },
  },
  {
    name: 'match[spec_version]',
    section: '§3.4.1',
    requirement: 'MUST',
    async run(ctx) {
      const seed = await ctx.seed();
      for (const [spec, want] of [
        ['2.1', [seed.a]],
        ['2.0', []],
        ['2.0,2.1', [seed.a]],
      ] as const) {
        const p = await objects(ctx, { 'match[id]': seed.a, 'match[spec_version]': spec });
        expect(sameSet(idsOf(p), want), `${p.reply.what}: ${JSON.stringify(idsOf(p))}`);
        for (const o of p.items as Stix[])
          expect(
            (o.spec_version ?? '2.0') === '2.1',
            `${p.reply.what}: spec_version ${o.spec_version} returned`,
          );
      }
    },
  },
  {
    name: 'empty envelope when nothing matches',
    section: '§3.7, §5.4',
    requirement: 'MUST',
    async run(ctx) {
      const r = await ctx.req(
        `${await ctx.url('objects/')}${query({ 'match[id]': `indicator--${randomUUID()}` })}`,
      );
      const body = expectResource(r);
      expect(body['objects'] === undefined, `${r.what}: objects present in an empty envelope (§2, §3.7)`);
      expect(body['more'] !== true, `${r.what}: more is true for an empty result`);
    },
  },
  {
    name: 'malformed filter parameters are 400',
    section: '§3.4',
    requirement: 'MUST',
    async run(ctx) {
      const base = await ctx.url('objects/');
      for (const q of [
        'limit=0',
        'limit=-5',
        'limit=ten',
        'added_after=yesterday',
        'added_after=2026-13-45T00:00:00.000000Z',
        `match[version]=not-a-version`,
      ])
        expectError(await ctx.req(`${base}?${q}`), 400);
    },
  },
  {
    name: 'POST an exact duplicate: no error for it',
    section: '§5.5',
    requirement: 'MUST',
    async run(ctx) {
      const o = ctx.indicator();
      await ctx.post([o]);
      const again = await ctx.post([o]);
      expect(again['failure_count'] === 0, `the duplicate failed: ${JSON.stringify(again['failures'])}`);
      const p = await objects(ctx, { 'match[id]': o['id'] as string, 'match[version]': 'all' });
      expect(p.items.length === 1, `${p.reply.what}: ${p.items.length} copies of one object version`);
    },
  },
  {
    name: 'POST with Content-Type application/taxii+json (no version) is accepted',
    section: '§1.6.8.2, §3.1',
    requirement: 'MUST',
    async run(ctx) {
      const r = await ctx.postRaw(JSON.stringify({ objects: [ctx.indicator()] }), 'application/taxii+json');
      expectResource(r, 202);
    },
  },
  {
    name: 'POST with a non-TAXII Content-Type is 415',
    section: '§3.1, §5.5',
    requirement: 'MAY',
    async run(ctx) {
      const body = JSON.stringify({ objects: [ctx.indicator()] });
      for (const type of ['application/json', 'text/plain', 'application/taxii+json;version=2.0'])
        expectError(await ctx.postRaw(body, type), 415);
    },
  },
  {
    name: 'POST over max_content_length is 413',
    section: '§4.2.1, §5.5',
    requirement: 'MUST',
    async run(ctx) {
      const root = expectResource(await ctx.req(await ctx.apiRoot()));
      const max = root['max_content_length'] as number;
      const cap = ctx.o.maxUploadBytes ?? 64 * 1024 * 1024;
      if (max + 1 > cap) return { skip: `max_content_length ${max} is above the suite's upload cap ${cap}` };
      const head = '{"objects":[],"x_padding":"';
      const body = `${head}${'a'.repeat(max + 1 - head.length - 2)}"}`;
      expectError(await ctx.postRaw(body), 413);
      return undefined;
    },
  },
  {
    name: 'POST a malformed body is 400 or 422',
    section: '§5.5',
    requirement: 'MUST',
    async run(ctx) {
      for (const body of ['{"objects": [', '[1, 2]', '"objects"', 'not json'])
        expectError(await ctx.postRaw(body), 400, 422);
    },
  },
];
