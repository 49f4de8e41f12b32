/**
 * The log over HTTP on a served node (its sequencer running in the server): a citizen enrolled
 * through the API appears at `/log/lookup/<sha256 of the certificate>` with an inclusion proof
 * against the published checkpoint; tiles, entry bundles, checkpoint and key with their status
 * codes, content types and cache headers; bad tile paths and lookup keys refused; the hub serves
 * its log too; Go's sumdb/note and sumdb/tlog verify what a node serves.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fromPemAll } from '../../../src/lib/pem.js';
import { openCheckpoint } from '../../../src/ledger/checkpoint.js';
import { leafHash } from '../../../src/ledger/hash.js';
import { noteVerifier } from '../../../src/ledger/keys.js';
import { verifyInclusion } from '../../../src/ledger/merkle.js';
import { Sequencer } from '../../../src/ledger/sequencer.js';
import { decodeBundle, tilePath, tilesOfTree } from '../../../src/ledger/tiles.js';
import { addOfficer } from '../../../src/node/officers.js';
import { initHub } from '../../../src/hub/hub.js';
import { serveHub } from '../../../src/server/hub_app.js';
import { buildApp } from '../../../src/server/app.js';
import { serveNode } from '../../../src/server/serve.js';
import { forEachEngine } from '../../fixtures/engines.js';
import { enrolBody } from '../../fixtures/http.js';
import { FIXED_NOW, makeTestNode } from '../../fixtures/node.js';
import { REPO_ROOT } from '../../fixtures/cli.js';
import { snapshotStore } from '../../fixtures/store_snapshot.js';
import { testLogIdentity } from '../../ledger/fixtures.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Lookup {
  index: number;
  checkpoint: string;
  inclusionProof: string[];
}

function goMissing(): string | false {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    return 'go is not installed';
  }
  return existsSync('/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog')
    ? false
    : 'golang.org/x/mod is not installed';
}

/** Mirrors the log a node serves into a folder and runs the Go verifier on it. */
async function goVerify(
  url: string,
  proofs: { index: number; entry: Buffer; proof: string[] }[],
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-log-go-'));
  try {
    const checkpoint = await (await fetch(`${url}/log/checkpoint`)).text();
    writeFileSync(join(dir, 'checkpoint'), checkpoint);
    writeFileSync(join(dir, 'log.vkey'), await (await fetch(`${url}/log/key`)).text());
    const size = Number(checkpoint.split('\n')[1]);
    for (const t of tilesOfTree(size)) {
      const path = tilePath(t);
      const res = await fetch(`${url}/log/${path}`);
      assert.equal(res.status, 200, path);
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), Buffer.from(await res.arrayBuffer()));
    }
    writeFileSync(
      join(dir, 'proofs.json'),
      JSON.stringify({
        inclusion: proofs.map((p) => ({ index: p.index, entry: p.entry.toString('base64'), proof: p.proof })),
        consistency: [],
      }),
    );
    const r = spawnSync('go', ['run', join(REPO_ROOT, 'test', 'ledger', 'go', 'verify.go'), dir], {
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: '/usr/share/gocode',
        GOCACHE: join(tmpdir(), 'trustbridge-go-cache'),
        GOPROXY: 'off',
      },
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

forEachEngine('log routes', (dbTest, engine) => {
  dbTest('an enrolled citizen is looked up in the served log; tiles, key and checkpoint', async (_t, db) => {
    const node = await makeTestNode({ db: db.location });
    const log = testLogIdentity();
    node.log = log;
    node.config.log = { intervalMs: 20, batchSize: 128 };
    const srv = await serveNode(node, '127.0.0.1', 0);
    const get = (path: string): Promise<Response> => fetch(`${srv.url}${path}`);
    try {
      const registrar = (await addOfficer(node.store, 'Rita Registrar', 'registrar', FIXED_NOW)).token;
      const enrolled = await fetch(`${srv.url}/api/v1/enrolments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${registrar}`, 'content-type': 'application/json' },
        body: JSON.stringify(await enrolBody()),
      });
      assert.equal(enrolled.status, 201);
      const pem = ((await enrolled.json()) as { certificates: { signature: string } }).certificates.signature;
      const der = fromPemAll(pem, 'CERTIFICATE')[0]!;

      // The key, one line; the checkpoint verifies with it.
      const keyRes = await get('/log/key');
      assert.equal(keyRes.status, 200);
      assert.match(String(keyRes.headers.get('content-type')), /^text\/plain/);
      const vkey = await keyRes.text();
      assert.equal(vkey, `${log.vkey}\n`);
      const verifier = noteVerifier(vkey.trim());

      // The sequencer of the server integrates the enrolment's entries; the lookup proves one.
      const found = await until('the certificate in the log', async () => {
        const r = await get(`/log/lookup/${sha256(der)}`);
        return r.status === 200 ? ((await r.json()) as Lookup) : undefined;
      });
      const cp = openCheckpoint(found.checkpoint, [verifier]);
      const bundle = await (
        await get(`/log/${tilePath({ level: 'entries', index: 0, width: cp.size })}`)
      ).arrayBuffer();
      const entry = decodeBundle(Buffer.from(bundle))[found.index]!;
      assert.equal((JSON.parse(entry.toString()) as { sha256: string }).sha256, sha256(der));
      verifyInclusion(
        found.index,
        cp.size,
        leafHash(entry),
        found.inclusionProof.map((p) => Buffer.from(p, 'base64')),
        cp.root,
      );
      const upper = await get(`/log/lookup/${sha256(der).toUpperCase()}`);
      assert.equal(upper.status, 200);

      // Grow the log past a full tile.
      const extra = Array.from({ length: 300 }, (_, i) => Buffer.from(`extra ${i}`));
      await node.store.db
        .insertInto('ledger_queue')
        .values(extra.map((e) => ({ entry: e, lookup_key: null, queued_at: FIXED_NOW.toISOString() })))
        .execute();
      const total = cp.size + extra.length;
      const latest = await until('the grown log', async () => {
        const r = await get('/log/checkpoint');
        const c = openCheckpoint(await r.text(), [verifier]);
        assert.equal(r.headers.get('cache-control'), 'no-cache');
        assert.match(String(r.headers.get('content-type')), /^text\/plain/);
        return c.size === total ? c : undefined;
      });
      const full = await get('/log/tile/0/000');
      assert.equal(full.status, 200);
      assert.equal(full.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(full.headers.get('content-type'), 'application/octet-stream');
      assert.equal((await full.arrayBuffer()).byteLength, 256 * 32);
      const fullBundle = await get('/log/tile/entries/000');
      assert.equal(fullBundle.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(decodeBundle(Buffer.from(await fullBundle.arrayBuffer())).length, 256);
      const w = latest.size - 256;
      const partial = await get(`/log/tile/0/001.p/${w}`);
      assert.equal(partial.status, 200);
      assert.equal(partial.headers.get('cache-control'), 'public, max-age=60');
      const partialBytes = Buffer.from(await partial.arrayBuffer());
      assert.equal(partialBytes.length, w * 32);
      // An older checkpoint's narrower partial tile: the prefix of the stored one.
      const narrow = Buffer.from(await (await get(`/log/tile/0/001.p/${w - 5}`)).arrayBuffer());
      assert.deepEqual(narrow, partialBytes.subarray(0, (w - 5) * 32));
      // An old partial of a now full tile is answered from the full tile.
      const oldPartial = await get(`/log/tile/entries/000.p/${cp.size}`);
      assert.equal(oldPartial.status, 200);
      assert.equal(decodeBundle(Buffer.from(await oldPartial.arrayBuffer())).length, cp.size);

      // Unknown tiles and malformed paths: 404 with the error resource.
      for (const [path, code] of [
        ['/log/tile/0/x001/000', 'LEDGER_TILE_MISSING'],
        [`/log/tile/0/001.p/${w + 1}`, 'LEDGER_TILE_MISSING'],
        ['/log/tile/1/000', 'LEDGER_TILE_MISSING'],
        ['/log/tile/0/0001', 'LEDGER_TILE_PATH_INVALID'],
        ['/log/tile/0/000.p/0', 'LEDGER_TILE_PATH_INVALID'],
        ['/log/tile/0/000.p/256', 'LEDGER_TILE_PATH_INVALID'],
        ['/log/tile/64/000', 'LEDGER_TILE_PATH_INVALID'],
        ['/log/tile/0/x000/001', 'LEDGER_TILE_PATH_INVALID'],
        ['/log/tile/entries/..%2f..%2fnode.db', 'LEDGER_TILE_PATH_INVALID'],
        // The router itself refuses the dot segments: no route, nothing read.
        ['/log/tile/%2e%2e/%2e%2e/etc/passwd', 'HTTP_NOT_FOUND'],
        ['/log/tile/0/000/', 'LEDGER_TILE_PATH_INVALID'],
      ] as const) {
        const res = await srv.app.inject({ method: 'GET', url: path });
        assert.equal(res.statusCode, 404, path);
        assert.equal((res.json() as { error: { code: string } }).error.code, code, path);
      }
      const short = await get('/log/lookup/abc');
      assert.equal(short.status, 400);
      assert.equal(((await short.json()) as { error: { code: string } }).error.code, 'LEDGER_HASH_MALFORMED');
      const unknown = await get(`/log/lookup/${'0'.repeat(64)}`);
      assert.equal(unknown.status, 404);
      assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'LEDGER_NOT_LOGGED');

      if (engine === 'sqlite' && !goMissing()) {
        const again = (await (await get(`/log/lookup/${sha256(der)}`)).json()) as Lookup;
        const out = await goVerify(srv.url, [{ index: again.index, entry, proof: again.inclusionProof }]);
        assert.match(out, /OK tlog: the tiles hash to the checkpoint root/);
        assert.match(out, /OK tlog: inclusion of record/);
      }
    } finally {
      await srv.close();
      await node.close();
    }
  });
});

/** A GET of `path` exactly as written, on a raw connection: status and body. */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

forEachEngine('log routes, bad input', (dbTest) => {
  dbTest(
    'traversal, malformed and too long tile paths, other methods: 404, nothing changed',
    async (_t, db) => {
      const node = await makeTestNode({ db: db.location });
      node.log = testLogIdentity();
      const entries = Array.from({ length: 300 }, (_, i) => Buffer.from(`entry ${i}`));
      await node.store.db
        .insertInto('ledger_queue')
        .values(entries.map((e) => ({ entry: e, lookup_key: null, queued_at: FIXED_NOW.toISOString() })))
        .execute();
      await new Sequencer({ store: node.store, log: node.log }).run();
      const app = await buildApp(node);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as AddressInfo).port;
      try {
        assert.equal((await rawGet(port, '/log/tile/0/000')).status, 200);
        const before = await snapshotStore(node.store);
        const deep = `/log/tile/0/${'x001/'.repeat(2000)}000`;
        for (const url of [
          '/log/tile/../..',
          '/log/tile/../../../etc/passwd',
          '/log/tile/0/../../checkpoint',
          '/log/tile/%2e%2e/%2e%2e',
          '/log/tile/%2e%2e%2f%2e%2e%2fcheckpoint',
          '/log/tile/%252e%252e/checkpoint',
          '/log/tile/..%5c..%5ccheckpoint',
          '/log/tile/0/000%00',
          '/log/tile/0/x001',
          '/log/tile/0/x001/',
          '/log/tile//0/000',
          '/log/tile/entries/000.p/',
          '/log/tile/entries/000.p/01',
          '/log/tile/checkpoint',
          '/log/tile/',
          deep,
        ]) {
          // Sent as is (an HTTP client would resolve the dot segments before sending).
          const res = await rawGet(port, url);
          assert.equal(res.status, 404, url.slice(0, 80));
          const code = (JSON.parse(res.body) as { error: { code: string } }).error.code;
          assert.equal(code, 'LEDGER_TILE_PATH_INVALID', url.slice(0, 80));
          assert.ok(!res.body.includes(deep.slice(12, 200)), 'the error does not echo a long path');
        }
        for (const method of ['POST', 'PUT', 'DELETE'] as const) {
          const res = await app.inject({ method, url: '/log/tile/0/000', payload: 'x' });
          assert.equal(res.statusCode, 404, method);
        }
        assert.equal(await snapshotStore(node.store), before, 'bad requests changed the store');
      } finally {
        await app.close();
        await node.close();
      }
    },
  );
});

test('the hub serves its own log: key file, key, checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-hub-log-'));
  const hub = await initHub({
    dir,
    name: 'Regional Digital Trust Hub',
    passphrase: 'a long test passphrase',
    baseUrl: 'http://127.0.0.1:8090',
  });
  const srv = await serveHub(hub, '127.0.0.1', 0);
  try {
    const vkey = readFileSync(join(dir, 'public', 'log.vkey'), 'utf8');
    assert.match(vkey, /^127\.0\.0\.1:8090\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+\n$/);
    assert.equal(await (await fetch(`${srv.url}/log/key`)).text(), vkey);
    const cp = await until('the hub checkpoint', async () => {
      const r = await fetch(`${srv.url}/log/checkpoint`);
      return r.status === 200 ? openCheckpoint(await r.text(), [noteVerifier(vkey.trim())]) : undefined;
    });
    assert.equal(cp.origin, '127.0.0.1:8090/log');
  } finally {
    await srv.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
