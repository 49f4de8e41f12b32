import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import { after, before, describe, it, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { TaxiiClient } from '../../src/cert/client/client.js';
import type { TaxiiClientOptions } from '../../src/cert/client/http.js';
import { certRootOf, ensureCertRoot } from '../../src/cert/collections.js';
import { CertError } from '../../src/cert/errors.js';
import { addPartner } from '../../src/cert/partners.js';
import { addRemote, findRemote, listRemotes } from '../../src/cert/remotes.js';
import { certDb } from '../../src/cert/schema.js';
import { searchObjects } from '../../src/cert/search.js';
import { syncRemote } from '../../src/cert/sync.js';
import { takeLease } from '../../src/cert/sync_store.js';
import { ingest } from '../../src/cert/taxii/ingest.js';
import type { TlpLevel } from '../../src/cert/tlp.js';
import { buildApp } from '../../src/server/app.js';
import { ENGINES, freshDb } from '../fixtures/engines.js';
import type { FreshDb } from '../fixtures/engines.js';
import { makeTestNode } from '../fixtures/node.js';
import { PG_SKIP } from '../fixtures/pg.js';
import type { TestNode } from '../fixtures/node.js';
import { indicator } from './fixtures.js';

const TAXII = 'application/taxii+json;version=2.1';

/** A fetch that records the path of every request and the object ids every objects page returned. */
function recordingFetch() {
  const paths: string[] = [];
  const objectIds: string[] = [];
  const f: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    paths.push(url.pathname);
    const res = await fetch(input, init);
    if (url.pathname.endsWith('/objects/') && (init?.method ?? 'GET') === 'GET') {
      const body = (await res.clone().json()) as { objects?: { id: string }[] };
      objectIds.push(...(body.objects ?? []).map((o) => o.id));
    }
    return res;
  };
  return { fetch: f, paths, objectIds };
}

for (const engine of ENGINES)
  describe(`TAXII 2.1 client and sync between two nodes [${engine}]`, () => {
    let dbs: FreshDb[] = [];
    let skipped = false;
    const it = (name: string, fn: () => Promise<void>) =>
      test(name, async (t) => {
        if (skipped) t.skip(PG_SKIP);
        else await fn();
      });
    let a: TestNode;
    let b: TestNode;
    let c: TestNode;
    let app: FastifyInstance;
    let apiRoot: string;
    const key = randomBytes(32);
    const credentials: Record<string, { username: string; password: string }> = {};

    async function publishAtA(objects: Record<string, unknown>[]) {
      const root = certRootOf(a.config.country, a.config.name);
      const col = await ensureCertRoot(a.store, root, a.clock());
      return ingest(a.store, root.id, col.id, null, objects, a.clock());
    }

    async function mirrorIds(node: TestNode, remote: string): Promise<string[]> {
      const r = await findRemote(node.store, remote);
      const rows = await certDb(node.store)
        .selectFrom('cert_object')
        .select(['id', 'version'])
        .where('collection_id', '=', r.collection_id)
        .execute();
      return rows.map((x) => `${x.id}|${x.version}`).sort();
    }

    before(async () => {
      for (let i = 0; i < 3; i++) {
        const db = await freshDb(engine);
        if (!db) {
          skipped = true;
          return;
        }
        dbs.push(db);
      }
      [a, b, c] = await Promise.all(dbs.map((db) => makeTestNode({ db: db.location })));
      app = await buildApp(a);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as { port: number }).port;
      apiRoot = `http://127.0.0.1:${port}/taxii2/${a.config.country.toLowerCase()}/`;
      const rootA = certRootOf(a.config.country, a.config.name);
      // B is a partner named for AMBER; C only for GREEN.
      for (const [name, tlpMax] of [
        ['B CERT', 'amber'],
        ['C CERT', 'green'],
      ] as const)
        credentials[name] = await addPartner(a.store, rootA, { name, tlpMax }, a.clock());
      for (const [node, name] of [
        [b, 'B CERT'],
        [c, 'C CERT'],
      ] as const)
        await addRemote(
          node.store,
          certRootOf(node.config.country, node.config.name),
          key,
          { name: 'A CERT', apiRootUrl: apiRoot, auth: { type: 'basic', ...credentials[name]! } },
          node.clock(),
        );
    });

    after(async () => {
      if (skipped) return;
      await app.close();
      for (const n of [a, b, c]) await n.close();
      for (const db of dbs) await db.cleanup();
      dbs = [];
    });

    it('keeps the remote secret sealed and lists remotes without it', async () => {
      const row = await findRemote(b.store, 'A CERT');
      assert.ok(!row.secret.includes(credentials['B CERT']!.password));
      assert.match(row.secret, /^v1\./);
      const listed = await listRemotes(b.store);
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.apiRootUrl, apiRoot);
      assert.ok(!JSON.stringify(listed).includes(row.secret));
      await assert.rejects(
        addRemote(
          b.store,
          certRootOf('PH', 'x'),
          key,
          { name: 'A CERT', apiRootUrl: apiRoot, auth: { type: 'bearer', token: 't' } },
          b.clock(),
        ),
        (e: CertError) => e.code === 'CERT_REMOTE_EXISTS',
      );
    });

    it('publish at A, sync at B: objects by TLP, paged; a re-sync reads the manifest only', async () => {
      const levels: (TlpLevel | undefined)[] = [
        'clear',
        'green',
        'green',
        'amber',
        'amber+strict',
        'red',
        undefined,
      ];
      const objects = levels.map((l) => indicator(l));
      const status = await publishAtA(objects);
      assert.equal(status.success_count, objects.length);

      const rec = recordingFetch();
      const r = await syncRemote(b.store, 'A CERT', { key, clock: b.clock, pageSize: 2, fetch: rec.fetch });
      // B (AMBER) receives CLEAR, GREEN, AMBER and the unmarked (handled as AMBER); never AMBER+STRICT or RED.
      assert.deepEqual([r.remote, r.fetched, r.stored, r.failed], ['A CERT', 5, 5, 0]);
      assert.ok(r.durationMs >= 0);
      assert.ok(rec.paths.filter((p) => p.endsWith('/manifest/')).length >= 3, 'the manifest was paged');
      const held = await mirrorIds(b, 'A CERT');
      const expected = objects
        .filter((_, i) => i !== 4 && i !== 5)
        .map((o) => `${String(o['id'])}|2026-01-01T00:00:00.000000Z`);
      assert.deepEqual(held, expected.sort());

      const hits = await searchObjects(b.store, { types: ['indicator'], text: '198.51.100.7' });
      assert.equal(hits.length, 5);
      assert.ok(hits.every((h) => h.source === 'A CERT'));
      assert.ok(!hits.some((h) => h.tlp === 'red' || h.tlp === 'amber+strict'));

      const again = recordingFetch();
      const r2 = await syncRemote(b.store, 'A CERT', {
        key,
        clock: b.clock,
        pageSize: 2,
        fetch: again.fetch,
      });
      assert.deepEqual([r2.fetched, r2.stored, r2.failed], [0, 0, 0]);
      assert.ok(!again.paths.some((p) => p.endsWith('/objects/')), 'no objects were requested');

      // C, named for GREEN only: no AMBER (nor unmarked) object reaches it.
      const rc = await syncRemote(c.store, 'A CERT', { key, clock: c.clock, pageSize: 3 });
      assert.equal(rc.stored, 3);
      const cHits = await searchObjects(c.store, {});
      assert.deepEqual(cHits.map((h) => h.tlp).sort(), ['clear', 'green', 'green']);
    });

    it('a new version is fetched alone; an interrupted sync resumes and gets each object once', async () => {
      const first = (await searchObjects(b.store, { limit: 1 }))[0]!;
      const renewed = indicator('green', { id: first.id, modified: '2026-02-01T00:00:00.000Z' });
      const batches = [
        [renewed, indicator('green')],
        [indicator('clear'), indicator('green')],
        [indicator('green'), indicator('clear')],
      ];
      for (const batch of batches) await publishAtA(batch);

      const rec = recordingFetch();
      const stop = new AbortController();
      await assert.rejects(
        syncRemote(b.store, 'A CERT', {
          key,
          clock: b.clock,
          pageSize: 2,
          fetch: rec.fetch,
          signal: stop.signal,
          onPage: () => stop.abort(new CertError('CERT_ARGUMENT_INVALID', 'stopped after one page')),
        }),
        (e: CertError) => e.message.includes('stopped after one page'),
      );
      const row = await findRemote(b.store, 'A CERT');
      assert.ok(row.next_cursor, 'the paging position was kept with the stored page');
      assert.equal(row.lease_holder, null, 'the lease was given back');
      const resumed = await syncRemote(b.store, 'A CERT', {
        key,
        clock: b.clock,
        pageSize: 2,
        fetch: rec.fetch,
      });
      assert.equal(resumed.failed, 0);
      const all = batches.flat().map((o) => String(o['id']));
      assert.deepEqual([...rec.objectIds].sort(), [...all].sort(), 'each object fetched exactly once');
      const versions = await searchObjects(b.store, { text: first.id.slice(11) });
      assert.deepEqual(versions.map((h) => h.version).sort(), [
        '2026-01-01T00:00:00.000Z',
        '2026-02-01T00:00:00.000Z',
      ]);
      assert.equal((await findRemote(b.store, 'A CERT')).next_cursor, null);

      // A cursor the server refuses (expired, another server's): the pass starts again, nothing is fetched twice.
      const held = await mirrorIds(b, 'A CERT');
      await certDb(b.store)
        .updateTable('cert_remote')
        .set({ next_cursor: 'forged.cursor', added_after: null })
        .execute();
      const restarted = await syncRemote(b.store, 'A CERT', { key, clock: b.clock, pageSize: 4 });
      assert.deepEqual([restarted.fetched, restarted.stored, restarted.failed], [0, 0, 0]);
      assert.ok(restarted.skipped >= held.length, 'every held version was skipped');
      assert.deepEqual(await mirrorIds(b, 'A CERT'), held);
    });

    it('one sync of a remote at a time: a held lease answers CERT_SYNC_BUSY', async () => {
      const row = await findRemote(c.store, 'A CERT');
      await takeLease(c.store, row.id, 'another-worker', c.clock(), 60_000);
      await assert.rejects(
        syncRemote(c.store, 'A CERT', { key, clock: c.clock }),
        (e: CertError) => e.code === 'CERT_SYNC_BUSY',
      );
      const later = new Date(c.clock().getTime() + 120_000);
      const r = await syncRemote(c.store, 'A CERT', { key, clock: () => later });
      assert.equal(r.failed, 0, 'a lapsed lease is taken over');
    });

    it('the client publishes over TAXII: 202, the status resource names the failing rules', async () => {
      const client = new TaxiiClient(apiRoot, { auth: { type: 'basic', ...credentials['B CERT']! } });
      assert.equal((await client.apiRoot()).versions[0], TAXII);
      const col = await client.collection('indicators');
      const bad = { ...indicator('green'), modified: '2025-01-01T00:00:00.000Z' };
      const status = await client.addObjects(col.id, [indicator('green'), bad]);
      assert.equal(status.status, 'complete');
      assert.deepEqual([status.success_count, status.failure_count], [1, 1]);
      assert.match(status.failures[0]!.message ?? '', /\[stix\.timestamps\.order\]/);
      assert.equal((await client.status(status.id)).id, status.id);
      const discovery = await TaxiiClient.discover(apiRoot.replace(/ph\/$/, ''), {
        auth: { type: 'basic', ...credentials['B CERT']! },
      });
      assert.equal(discovery.api_roots.length, 1);
      const wrong = new TaxiiClient(apiRoot, {
        auth: { type: 'basic', username: 'b-cert', password: 'wrong' },
      });
      await assert.rejects(
        wrong.collections(),
        (e: CertError) => e.code === 'TAXII_CLIENT_REFUSED' && /TAXII_UNAUTHORIZED/.test(e.message),
      );
    });
  });

describe('TAXII 2.1 client against bad servers', () => {
  let server: Server;
  let base: string;
  const answers: Record<string, (res: ServerResponse) => void> = {
    '/media/': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"collections":[]}'),
    '/unversioned/': (res) => res.writeHead(200, { 'content-type': 'application/taxii+json' }).end('{}'),
    '/malformed/': (res) => res.writeHead(200, { 'content-type': TAXII }).end('{"collections": ['),
    '/array/': (res) => res.writeHead(200, { 'content-type': TAXII }).end('[]'),
    '/shape/': (res) => res.writeHead(200, { 'content-type': TAXII }).end('{"collections":[{"id":1}]}'),
    '/large/': (res) => res.writeHead(200, { 'content-type': TAXII }).end(`{"x":"${'a'.repeat(5000)}"}`),
    '/stream/': (res) => {
      res.writeHead(200, { 'content-type': TAXII });
      for (let i = 0; i < 10; i++) res.write('a'.repeat(1000));
      res.end();
    },
    '/error/': (res) =>
      res.writeHead(500, { 'content-type': TAXII }).end(
        JSON.stringify({
          title: 'broken',
          description: 'the store is down',
          error_code: 'X_DOWN',
          http_status: '500',
        }),
      ),
    '/slow/': () => undefined,
  };

  before(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/collections\/$/, '');
      (answers[path] ?? ((r) => r.writeHead(404).end()))(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const o: TaxiiClientOptions = {
    auth: { type: 'bearer', token: 't' },
    maxResponseBytes: 4096,
    timeoutMs: 300,
  };
  const code = (path: string, extra: Partial<TaxiiClientOptions> = {}) =>
    new TaxiiClient(`${base}${path}`, { ...o, ...extra }).collections().then(
      () => 'no error',
      (e: CertError) => `${e.code}: ${e.message}`,
    );

  it('answers each bad answer with a stable code', async () => {
    assert.match(await code('/media/'), /^TAXII_CLIENT_MEDIA_TYPE: .*application\/json/);
    assert.match(await code('/unversioned/'), /^TAXII_CLIENT_MEDIA_TYPE/);
    assert.match(await code('/malformed/'), /^TAXII_CLIENT_MALFORMED: .*not JSON/);
    assert.match(await code('/array/'), /^TAXII_CLIENT_MALFORMED/);
    assert.match(await code('/shape/'), /^TAXII_CLIENT_MALFORMED/);
    assert.match(await code('/large/'), /^TAXII_CLIENT_TOO_LARGE/);
    assert.match(await code('/stream/'), /^TAXII_CLIENT_TOO_LARGE/);
    assert.match(
      await code('/error/'),
      /^TAXII_CLIENT_ERROR: .*HTTP 500 \(X_DOWN: broken: the store is down\)/,
    );
    assert.match(await code('/slow/'), /^TAXII_CLIENT_TIMEOUT/);
    assert.match(await code('/missing/'), /^TAXII_CLIENT_ERROR: .*HTTP 404/);
  });

  it('an unreachable server and a bad URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await new TaxiiClient(`http://127.0.0.1:${port}/taxii2/x/`, o)
      .collections()
      .catch((x: CertError) => x);
    assert.equal((e as CertError).code, 'TAXII_CLIENT_UNREACHABLE');
    assert.throws(
      () => new TaxiiClient('ftp://x/', o),
      (x: CertError) => x.code === 'CERT_ARGUMENT_INVALID',
    );
  });
});
