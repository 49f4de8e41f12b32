/**
 * The TAXII 2.1 client against a server that is not ours: a stub answering with the
 * specification's resource shapes (TAXII Version 2.1, OASIS Standard, 10 June 2021), including
 * what our server never does — `more` without `next`, paging by `added_after` and the
 * `X-TAXII-Date-Added-Last` header (§3.4.1), millisecond timestamps, a `pending` status (§4.3).
 * What the client sends is held to the specification too: the Accept and Content-Type media
 * types (§1.6.8), HTTP Basic (§1.6.9), the query parameters (§3.4, §3.5).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TaxiiClient } from '../../src/cert/client/client.js';
import { certRootOf } from '../../src/cert/collections.js';
import { addRemote } from '../../src/cert/remotes.js';
import { searchObjects } from '../../src/cert/search.js';
import { syncRemote } from '../../src/cert/sync.js';
import { makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { indicator } from './fixtures.js';

const TAXII = 'application/taxii+json;version=2.1';
const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
const AUTH = `Basic ${Buffer.from('cert-vn:s3cret', 'utf8').toString('base64')}`;

/** Five objects, one a day (their date added), as a collection of another server holds them. */
const OBJECTS = Array.from({ length: 5 }, (_v, i) => ({
  object: indicator('green', { id: `indicator--00000000-0000-4000-8000-00000000000${i}` }),
  dateAdded: `2026-02-0${i + 1}T10:00:00.000Z`,
}));

interface Seen {
  method: string;
  url: URL;
  accept: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
}

/** Two records a page, paged by date only (`more` without `next`), as §3.4.1 allows. */
function page(items: typeof OBJECTS, after: string | null): { items: typeof OBJECTS; more: boolean } {
  const rest = items.filter((o) => after === null || o.dateAdded > after);
  return { items: rest.slice(0, 2), more: rest.length > 2 };
}

function answer(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': `application/taxii+json; version=2.1`, ...headers });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse, seen: Seen[], base: string): void {
  const url = new URL(req.url ?? '/', base);
  seen.push({
    method: req.method ?? 'GET',
    url,
    accept: req.headers.accept,
    contentType: req.headers['content-type'],
    authorization: req.headers.authorization,
  });
  if (req.headers.authorization !== AUTH) return answer(res, 401, { title: 'Unauthorized' });
  const path = url.pathname;
  const after = url.searchParams.get('added_after');
  const dated = (p: { items: typeof OBJECTS; more: boolean }) => ({
    'X-TAXII-Date-Added-First': p.items[0]?.dateAdded ?? '',
    'X-TAXII-Date-Added-Last': p.items.at(-1)?.dateAdded ?? '',
  });
  if (path === '/taxii2/')
    return answer(res, 200, {
      title: 'Some TAXII Server',
      description: 'This TAXII Server contains a listing of',
      contact: 'string containing contact information',
      default: `${base}api1/`,
      api_roots: [`${base}api1/`, `${base}api2/`, 'https://example.net/trustgroup1/'],
    });
  if (path === '/api1/')
    return answer(res, 200, {
      title: 'Malware Research Group',
      description: 'A trust group setup for malware researchers',
      versions: [TAXII],
      max_content_length: 104857600,
    });
  if (path === '/api1/collections/')
    return answer(res, 200, {
      collections: [
        {
          id: COLLECTION,
          title: 'High Value Indicator Collection',
          description: 'This data collection contains high value IOCs',
          can_read: true,
          can_write: true,
          media_types: ['application/stix+json;version=2.1'],
        },
      ],
    });
  if (path === `/api1/collections/${COLLECTION}/manifest/`) {
    const p = page(OBJECTS, after);
    return answer(
      res,
      200,
      {
        more: p.more,
        objects: p.items.map((o) => ({
          id: o.object['id'],
          date_added: o.dateAdded,
          version: o.object['modified'],
          media_type: 'application/stix+json;version=2.1',
        })),
      },
      dated(p),
    );
  }
  if (path === `/api1/collections/${COLLECTION}/objects/` && req.method === 'GET') {
    const ids = url.searchParams.get('match[id]')?.split(',');
    const p = page(
      OBJECTS.filter((o) => !ids || ids.includes(o.object['id'] as string)),
      after,
    );
    return answer(res, 200, { more: p.more, objects: p.items.map((o) => o.object) }, dated(p));
  }
  if (path === `/api1/collections/${COLLECTION}/objects/` && req.method === 'POST') {
    req.resume();
    return answer(res, 202, {
      id: '2d086da7-4bdc-4f91-900e-d77486753710',
      status: 'pending',
      request_timestamp: '2016-11-02T12:34:34.123456Z',
      total_count: 2,
      success_count: 1,
      successes: [{ id: OBJECTS[0]!.object['id'], version: OBJECTS[0]!.object['modified'] }],
      failure_count: 0,
      pending_count: 1,
      pendings: [{ id: OBJECTS[1]!.object['id'], version: OBJECTS[1]!.object['modified'] }],
    });
  }
  if (path === '/api1/status/2d086da7-4bdc-4f91-900e-d77486753710/')
    return answer(res, 200, {
      id: '2d086da7-4bdc-4f91-900e-d77486753710',
      status: 'complete',
      request_timestamp: '2016-11-02T12:34:34.123456Z',
      total_count: 2,
      success_count: 2,
      failure_count: 0,
      pending_count: 0,
    });
  answer(res, 404, { title: 'Not found', http_status: '404' });
}

describe('TAXII 2.1 client against a server answering as the specification allows', () => {
  let server: Server;
  let base: string;
  let node: TestNode;
  const seen: Seen[] = [];
  const auth = { type: 'basic' as const, username: 'cert-vn', password: 's3cret' };

  before(async () => {
    server = createServer((req, res) => handle(req, res, seen, base));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    node = await makeTestNode();
  });
  after(async () => {
    await node.close();
    await new Promise((r) => server.close(r));
  });

  it('discovery, API root and collections; what it sends is what §1.6.8 and §1.6.9 ask', async () => {
    const d = await TaxiiClient.discover(`${base}taxii2/`, { auth });
    assert.equal(d.default, `${base}api1/`);
    assert.equal(d.api_roots.length, 3);
    const client = new TaxiiClient(d.default!, { auth });
    assert.deepEqual((await client.apiRoot()).versions, [TAXII]);
    assert.equal((await client.collection('High Value Indicator Collection')).id, COLLECTION);
    for (const s of seen) {
      assert.equal(s.accept, TAXII, `${s.url.pathname}: Accept`);
      assert.equal(s.authorization, AUTH);
    }
  });

  it('every object through date paging (`more` without `next`, X-TAXII-Date-Added-Last)', async () => {
    const client = new TaxiiClient(`${base}api1/`, { auth });
    const from = seen.length;
    const all = await client.allObjects(COLLECTION);
    assert.deepEqual(
      all.map((o) => o['id']),
      OBJECTS.map((o) => o.object['id']),
    );
    const asked = seen.slice(from).map((s) => s.url.searchParams.get('added_after'));
    assert.deepEqual(asked, [null, OBJECTS[1]!.dateAdded, OBJECTS[3]!.dateAdded]);
  });

  it('adding objects: the envelope as §5.5 asks, a pending status followed until complete', async () => {
    const client = new TaxiiClient(`${base}api1/`, { auth });
    const status = await client.addObjects(COLLECTION, [OBJECTS[0]!.object, OBJECTS[1]!.object]);
    assert.equal(status.status, 'complete');
    assert.equal(status.success_count, 2);
    const post = seen.find((s) => s.method === 'POST')!;
    assert.equal(post.contentType, TAXII);
    assert.equal(post.accept, TAXII);
  });

  it('a sync from that server gets every object, paging its manifest by date', async () => {
    const key = randomBytes(32);
    await addRemote(
      node.store,
      certRootOf(node.config.country, node.config.name),
      key,
      { name: 'Other CERT', apiRootUrl: `${base}api1/`, collection: COLLECTION, auth },
      node.clock(),
    );
    const r = await syncRemote(node.store, 'Other CERT', { key, clock: node.clock, pageSize: 2 });
    assert.equal(r.stored, OBJECTS.length, JSON.stringify(r));
    const held = await searchObjects(node.store, { types: ['indicator'], limit: 100 });
    assert.deepEqual(held.map((h) => h.id).sort(), OBJECTS.map((o) => o.object['id'] as string).sort());
    const again = await syncRemote(node.store, 'Other CERT', { key, clock: node.clock, pageSize: 2 });
    assert.equal(again.stored, 0);
  });
});
