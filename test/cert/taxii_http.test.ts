import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { certRootOf } from '../../src/cert/collections.js';
import { addPartner } from '../../src/cert/partners.js';
import { certDb } from '../../src/cert/schema.js';
import { TLP2_MARKINGS } from '../../src/cert/tlp.js';
import { buildApp } from '../../src/server/app.js';
import { makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { indicator } from './fixtures.js';

const TAXII = 'application/taxii+json;version=2.1';

describe('TAXII 2.1 server on a running node', () => {
  let dir: string;
  let node: TestNode;
  let app: FastifyInstance;
  let base: string;
  const creds: Record<string, string> = {};
  let clock = new Date('2026-03-02T09:30:00.000Z');

  async function call(
    method: string,
    path: string,
    o: { who?: string; auth?: string; accept?: string; type?: string; body?: unknown; raw?: string } = {},
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
    const auth = o.auth ?? (o.who ? `Basic ${Buffer.from(creds[o.who]!).toString('base64')}` : undefined);
    const body = o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined);
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(o.accept !== '' ? { accept: o.accept ?? TAXII } : {}),
        ...(body !== undefined ? { 'content-type': o.type ?? TAXII } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tb-taxii-'));
    node = await makeTestNode({ db: join(dir, 'node.db'), clock: () => new Date(clock) });
    app = await buildApp(node);
    const port = await app
      .listen({ port: 0, host: '127.0.0.1' })
      .then(() => (app.server.address() as { port: number }).port);
    base = `http://127.0.0.1:${port}`;
    const root = certRootOf(node.config.country, node.config.name);
    for (const [name, tlpMax] of [
      ['VN CERT', 'amber'],
      ['BE CERT', 'green'],
      ['Own SOC', 'amber+strict'],
    ] as const) {
      const p = await addPartner(node.store, root, { name, tlpMax }, clock);
      creds[name] = `${p.username}:${p.password}`;
    }
  });

  after(async () => {
    await app.close();
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rootPath = () => `/taxii2/${node.config.country.toLowerCase()}/`;
  const objectsPath = () => `${rootPath()}collections/indicators/objects/`;

  it('discovery, API root and collections', async () => {
    const d = await call('GET', '/taxii2/', { who: 'VN CERT' });
    assert.equal(d.status, 200);
    assert.equal(d.headers.get('content-type'), TAXII);
    assert.deepEqual(d.json['api_roots'], [
      `${node.config.baseUrl.replace(/\/+$/, '')}/taxii2/${node.config.country.toLowerCase()}/`,
    ]);
    const r = await call('GET', rootPath(), { who: 'VN CERT' });
    assert.deepEqual(r.json['versions'], [TAXII]);
    assert.equal(typeof r.json['max_content_length'], 'number');
    const c = await call('GET', `${rootPath()}collections/`, { who: 'VN CERT' });
    const [col] = c.json['collections'] as Record<string, unknown>[];
    assert.equal(col!['title'], 'indicators');
    assert.equal(col!['can_read'], true);
    assert.equal(col!['can_write'], true);
    assert.deepEqual(col!['media_types'], ['application/stix+json;version=2.1']);
    const one = await call('GET', `${rootPath()}collections/${String(col!['id'])}/`, { who: 'VN CERT' });
    assert.equal(one.json['id'], col!['id']);
    assert.equal((await call('GET', '/taxii2/zz/', { who: 'VN CERT' })).status, 404);
  });

  it('authentication and media types: 401 with WWW-Authenticate, 406, 415, 400, 413', async () => {
    const anon = await call('GET', '/taxii2/');
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /Basic realm=/);
    assert.equal(anon.json['http_status'], '401');
    assert.equal(anon.json['error_code'], 'TAXII_UNAUTHORIZED');
    assert.equal((await call('GET', '/taxii2/', { auth: 'Basic dm4tY2VydDp3cm9uZw==' })).status, 401);
    assert.equal((await call('GET', '/taxii2/', { who: 'VN CERT', accept: 'application/json' })).status, 406);
    assert.equal(
      (await call('GET', '/taxii2/', { who: 'VN CERT', accept: 'application/taxii+json;version=2.0' }))
        .status,
      406,
    );
    assert.equal(
      (await call('GET', '/taxii2/', { who: 'VN CERT', accept: 'application/taxii+json' })).status,
      200,
    );
    const wrongType = await call('POST', objectsPath(), {
      who: 'VN CERT',
      type: 'application/json',
      body: { objects: [] },
    });
    assert.equal(wrongType.status, 415);
    const malformed = await call('POST', objectsPath(), { who: 'VN CERT', raw: '{"objects": [' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json['error_code'], 'TAXII_BAD_REQUEST');
    const deep = await call('POST', objectsPath(), {
      who: 'VN CERT',
      raw: `{"objects":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
    });
    assert.equal(deep.status, 400, 'nesting beyond any object refuses the whole body');
    assert.match(String(deep.json['description']), /nests deeper than 100000 levels/);
    const huge = await call('POST', objectsPath(), {
      who: 'VN CERT',
      raw: `{"objects":[],"x":"${'a'.repeat(33 * 1024 * 1024)}"}`,
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.json['http_status'], '413');
    const manifest = await call('GET', `${rootPath()}collections/indicators/manifest/`, { who: 'Own SOC' });
    assert.equal(manifest.json['objects'], undefined, 'nothing was stored by the refused requests');
  });

  it('POST answers 202 with a status resource; TLP decides what each partner reads on every path', async () => {
    const red = indicator('red');
    const strict = indicator('amber+strict');
    const amber = indicator('amber');
    const green = indicator('green');
    const clear = indicator('clear');
    const unmarked = indicator();
    const invalid = { ...indicator('green'), created_by_ref: TLP2_MARKINGS.green };
    const post = await call('POST', objectsPath(), {
      who: 'VN CERT',
      body: { objects: [red, strict, amber, green, clear, unmarked, invalid] },
    });
    assert.equal(post.status, 202);
    assert.equal(post.json['status'], 'complete');
    assert.equal(post.json['success_count'], 6);
    assert.equal(post.json['failure_count'], 1);
    assert.match(
      String((post.json['failures'] as { message: string }[])[0]!.message),
      /stix\.ref\.target-type/,
    );
    const status = await call('GET', `${rootPath()}status/${String(post.json['id'])}/`, { who: 'VN CERT' });
    assert.equal(status.json['success_count'], 6);
    assert.equal(
      (await call('GET', `${rootPath()}status/${String(post.json['id'])}/`, { who: 'BE CERT' })).status,
      404,
    );

    const ids = async (who: string, path = objectsPath()) =>
      (((await call('GET', path, { who })).json['objects'] as { id: string }[] | undefined) ?? [])
        .map((o) => o.id)
        .sort();
    const expect = (...objs: Record<string, unknown>[]) => objs.map((o) => o['id'] as string).sort();
    assert.deepEqual(await ids('BE CERT'), expect(green, clear));
    assert.deepEqual(await ids('VN CERT'), expect(amber, green, clear, unmarked));
    assert.deepEqual(await ids('Own SOC'), expect(strict, amber, green, clear, unmarked));
    assert.deepEqual(
      await ids('BE CERT', `${rootPath()}collections/indicators/manifest/`),
      expect(green, clear),
    );
    for (const hidden of [red, strict, amber, unmarked]) {
      const path = `${objectsPath()}${String(hidden['id'])}/`;
      assert.equal((await call('GET', path, { who: 'BE CERT' })).status, 404);
      assert.equal((await call('GET', `${path}versions/`, { who: 'BE CERT' })).status, 404);
    }
    for (const who of ['VN CERT', 'BE CERT', 'Own SOC'])
      assert.equal(
        (await call('GET', `${objectsPath()}${String(red['id'])}/`, { who })).status,
        404,
        `${who} never reads RED`,
      );
    const one = await call('GET', `${objectsPath()}${String(green['id'])}/`, { who: 'BE CERT' });
    assert.equal((one.json['objects'] as unknown[]).length, 1);
    assert.ok(one.headers.get('x-taxii-date-added-first'));
    // DELETE: only what the partner added, within what it can see.
    assert.equal(
      (await call('DELETE', `${objectsPath()}${String(green['id'])}/`, { who: 'BE CERT' })).status,
      403,
    );
    assert.equal(
      (await call('DELETE', `${objectsPath()}${String(green['id'])}/`, { who: 'VN CERT' })).status,
      200,
    );
    assert.equal(
      (await call('GET', `${objectsPath()}${String(green['id'])}/`, { who: 'BE CERT' })).status,
      404,
    );
  });

  it('paging with next, filters, versions and headers', async () => {
    const id = `indicator--8b1c2c1e-7d5f-4f70-9a0e-3c8f0a6d2b11`;
    const versions = ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'];
    clock = new Date('2026-03-03T00:00:00.000Z');
    for (const modified of versions)
      assert.equal(
        (
          await call('POST', objectsPath(), {
            who: 'BE CERT',
            body: { objects: [indicator('green', { id, modified })] },
          })
        ).status,
        202,
      );
    const batch = Array.from({ length: 25 }, () => indicator('clear'));
    await call('POST', objectsPath(), { who: 'BE CERT', body: { objects: batch } });
    const v = await call('GET', `${objectsPath()}${id}/versions/`, { who: 'BE CERT' });
    assert.deepEqual(v.json['versions'], versions);
    const last = await call('GET', `${objectsPath()}?match[id]=${id}`, { who: 'BE CERT' });
    assert.deepEqual(
      (last.json['objects'] as { modified: string }[]).map((o) => o.modified),
      [versions[2]],
    );
    const first = await call('GET', `${objectsPath()}?match[id]=${id}&match[version]=first`, {
      who: 'BE CERT',
    });
    assert.deepEqual(
      (first.json['objects'] as { modified: string }[]).map((o) => o.modified),
      [versions[0]],
    );
    const all = await call('GET', `${objectsPath()}?match[id]=${id}&match[version]=all`, { who: 'BE CERT' });
    assert.equal((all.json['objects'] as unknown[]).length, 3);
    const exact = await call('GET', `${objectsPath()}?match[id]=${id}&match[version]=${versions[1]}`, {
      who: 'BE CERT',
    });
    assert.deepEqual(
      (exact.json['objects'] as { modified: string }[]).map((o) => o.modified),
      [versions[1]],
    );
    const typed = await call('GET', `${objectsPath()}?match[type]=malware`, { who: 'BE CERT' });
    assert.equal(typed.json['objects'], undefined);
    assert.equal(typed.json['more'], false);

    // Page through everything BE may read, 7 at a time, while VN keeps posting.
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    let lastAdded = '';
    do {
      const res = await call(
        'GET',
        `${objectsPath()}?match[version]=all&limit=7${next ? `&next=${encodeURIComponent(next)}` : ''}`,
        { who: 'BE CERT' },
      );
      assert.equal(res.status, 200);
      const objs = (res.json['objects'] as { id: string; modified: string }[] | undefined) ?? [];
      seen.push(...objs.map((o) => `${o.id}@${o.modified}`));
      if (objs.length) {
        const firstAdded = res.headers.get('x-taxii-date-added-first')!;
        assert.ok(firstAdded >= lastAdded, 'sorted by date added');
        lastAdded = res.headers.get('x-taxii-date-added-last')!;
      }
      next = res.json['more'] === true ? String(res.json['next']) : undefined;
      if (pages++ < 2)
        await call('POST', objectsPath(), { who: 'VN CERT', body: { objects: [indicator('green')] } });
    } while (next);
    assert.equal(new Set(seen).size, seen.length, 'no object twice');
    assert.equal(seen.length, 1 + 3 + 25 + 2, 'clear + 3 versions + 25 + the 2 added while paging');
    // The cursor is bound to its query and authenticated.
    const page = await call('GET', `${objectsPath()}?limit=2`, { who: 'BE CERT' });
    const cursor = String(page.json['next']);
    assert.equal(
      (await call('GET', `${objectsPath()}?limit=2&next=${encodeURIComponent(cursor)}`, { who: 'BE CERT' }))
        .status,
      200,
    );
    assert.equal(
      (
        await call(
          'GET',
          `${objectsPath()}?limit=2&match[type]=indicator&next=${encodeURIComponent(cursor)}`,
          { who: 'BE CERT' },
        )
      ).status,
      400,
    );
    assert.equal(
      (await call('GET', `${objectsPath()}?limit=2&next=${encodeURIComponent(cursor)}`, { who: 'VN CERT' }))
        .status,
      400,
    );
    const forged = await call(
      'GET',
      `${objectsPath()}?limit=2&next=${encodeURIComponent(`${cursor.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAA`)}`,
      { who: 'BE CERT' },
    );
    assert.equal(forged.status, 400);
    assert.equal(forged.json['error_code'], 'TAXII_CURSOR_INVALID');
    assert.equal((await call('GET', `${objectsPath()}?limit=0`, { who: 'BE CERT' })).status, 400);
    assert.equal(
      (await call('GET', `${objectsPath()}?added_after=yesterday`, { who: 'BE CERT' })).status,
      400,
    );
    const capped = await call('GET', `${objectsPath()}?limit=999999`, { who: 'BE CERT' });
    assert.equal(capped.status, 200);
    const after = await call('GET', `${objectsPath()}?added_after=${encodeURIComponent(lastAdded)}`, {
      who: 'BE CERT',
    });
    assert.equal(after.json['objects'], undefined);
  });

  const stored = async (): Promise<{ objects: number; statuses: number }> => {
    const count = async (table: 'cert_object' | 'cert_status') =>
      Number(
        (
          await certDb(node.store)
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { objects: await count('cert_object'), statuses: await count('cert_status') };
  };

  it('absurd nesting in one object: that object fails, the others of the envelope are stored', async () => {
    const before = await stored();
    const good = indicator('green');
    const deepArray = indicator('green');
    const deepObject = indicator('green');
    // Custom properties nested 10,000 levels, as text: no JSON.stringify of them in the test either.
    const withDeep = (o: Record<string, unknown>, deep: string) =>
      JSON.stringify({ ...o, x_deep: 0 }).replace('"x_deep":0', `"x_deep":${deep}`);
    const post = await call('POST', objectsPath(), {
      who: 'VN CERT',
      raw: `{"objects":[${[
        JSON.stringify(good),
        withDeep(deepArray, `${'['.repeat(10_000)}${']'.repeat(10_000)}`),
        withDeep(deepObject, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
      ].join(',')}]}`,
    });
    assert.equal(post.status, 202);
    assert.equal(post.json['success_count'], 1);
    assert.equal(post.json['failure_count'], 2);
    const failures = post.json['failures'] as { id: string; message: string }[];
    assert.deepEqual(failures.map((f) => f.id).sort(), [deepArray['id'], deepObject['id']].sort());
    for (const f of failures)
      assert.match(f.message, /^\[stix\.depth\] the object nests deeper than 32 levels$/);
    assert.deepEqual(await stored(), { objects: before.objects + 1, statuses: before.statuses + 1 });
  });

  it('a bundle of 10,000 objects is taken in one request; 10,001 are refused whole (413)', async () => {
    const before = await stored();
    const many = Array.from({ length: 10_000 }, () => indicator('clear'));
    const over = await call('POST', objectsPath(), {
      who: 'VN CERT',
      body: { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [...many, indicator('clear')] },
    });
    assert.equal(over.status, 413);
    assert.equal(over.json['error_code'], 'TAXII_TOO_LARGE');
    assert.match(String(over.json['description']), /10001 objects, at most 10000 per request/);
    assert.deepEqual(await stored(), before, 'nothing stored, no status resource');
    const post = await call('POST', objectsPath(), { who: 'VN CERT', body: { objects: many } });
    assert.equal(post.status, 202);
    assert.equal(post.json['success_count'], 10_000);
    assert.equal(post.json['failure_count'], 0);
    assert.deepEqual(await stored(), { objects: before.objects + 10_000, statuses: before.statuses + 1 });
  });

  it("node.json's cert limits: objects per POST, body size, failed authentications per client (429)", async () => {
    const saved = node.config.cert;
    node.config.cert = {
      maxObjectsPerPost: 3,
      maxBodyBytes: 4096,
      authFailureLimit: { burst: 3, perSecond: 0.01 },
    };
    const limited = await buildApp(node);
    node.config.cert = saved;
    try {
      const vn = `Basic ${Buffer.from(creds['VN CERT']!).toString('base64')}`;
      const wrong = `Basic ${Buffer.from('vn-cert:wrong').toString('base64')}`;
      const inject = (o: { auth: string; body?: unknown; ip?: string; url?: string }) =>
        limited.inject({
          method: o.body === undefined ? 'GET' : 'POST',
          url: o.url ?? objectsPath(),
          remoteAddress: o.ip ?? '192.0.2.10',
          headers: {
            authorization: o.auth,
            accept: TAXII,
            ...(o.body === undefined ? {} : { 'content-type': TAXII }),
          },
          ...(o.body === undefined ? {} : { payload: JSON.stringify(o.body) }),
        });
      const root = await inject({ auth: vn, url: rootPath() });
      assert.equal(root.json().max_content_length, 4096);
      const before = await stored();
      const four = await inject({ auth: vn, body: { objects: [1, 2, 3, 4].map(() => indicator('clear')) } });
      assert.equal(four.statusCode, 413);
      const big = await inject({
        auth: vn,
        body: { objects: [{ ...indicator('clear'), description: 'x'.repeat(5000) }] },
      });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json().error_code, 'TAXII_TOO_LARGE');
      assert.deepEqual(await stored(), before);
      assert.equal((await inject({ auth: vn, body: { objects: [indicator('clear')] } })).statusCode, 202);

      for (let i = 0; i < 3; i++) assert.equal((await inject({ auth: wrong })).statusCode, 401);
      const refused = await inject({ auth: wrong });
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error_code, 'TAXII_AUTH_RATE_LIMITED');
      assert.match(String(refused.headers['retry-after']), /^\d+$/);
      assert.equal((await inject({ auth: vn })).statusCode, 429, 'right credentials wait too');
      assert.equal(
        (await inject({ auth: vn, ip: '192.0.2.11' })).statusCode,
        200,
        'other clients are not held',
      );
      for (let i = 0; i < 5; i++)
        assert.equal(
          (await inject({ auth: '', ip: '192.0.2.12' })).statusCode,
          401,
          'no credentials: no penalty',
        );
      assert.equal((await inject({ auth: vn, ip: '192.0.2.12' })).statusCode, 200);
    } finally {
      await limited.close();
    }
  });
});
