/**
 * The TAXII 2.1 conformance suite (test/conformance/taxii/) run black-box against a real node:
 * `trustbridge node init`, three partners added with `cert partner add` (one left reading and
 * writing `indicators`, one made read-only and one write-only in the store before the node
 * starts, for the 403 checks), `node serve` on a free port, then every check over HTTP.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { cliJson, freePort, initNode, startServe, storeFile, tempDir } from '../fixtures/cli.js';
import type { Served } from '../fixtures/cli.js';
import { TAXII_CHECKS, formatResults, runTaxiiConformance } from './taxii/index.js';

type NewPartner = { id: string; username: string; password: string; apiRoot: string };

let tmp: ReturnType<typeof tempDir>;
let served: Served;
const partners: Record<'main' | 'readOnly' | 'writeOnly', NewPartner> = {} as never;

before(async () => {
  tmp = tempDir('tb-taxii-conformance-');
  const dir = join(tmp.path, 'ph');
  const port = await freePort();
  await initNode(dir, ['--base-url', `http://127.0.0.1:${port}`]);
  const add = (name: string) =>
    cliJson<NewPartner>(['cert', 'partner', 'add', '--dir', dir, '--name', name, '--country', 'VN']);
  partners.main = await add('VN CERT');
  partners.readOnly = await add('VN CERT reader');
  partners.writeOnly = await add('VN CERT writer');
  // No command narrows a partner's rights yet: set them in the store while the node is down.
  const db = new BetterSqlite3(storeFile(dir));
  try {
    const set = db.prepare('UPDATE cert_permission SET can_read = ?, can_write = ? WHERE partner_id = ?');
    assert.equal(set.run(1, 0, partners.readOnly.id).changes, 1);
    assert.equal(set.run(0, 1, partners.writeOnly.id).changes, 1);
  } finally {
    db.close();
  }
  served = await startServe(dir, { port });
});

after(async () => {
  await served?.stop();
  tmp?.remove();
});

test('the TAXII 2.1 server of a running node passes every conformance check', async () => {
  const started = Date.now();
  const results = await runTaxiiConformance({
    discoveryUrl: `${served.url}/taxii2/`,
    username: partners.main.username,
    password: partners.main.password,
    readOnly: partners.readOnly,
    writeOnly: partners.writeOnly,
  });
  process.stdout.write(`${formatResults(results)}\n(${Date.now() - started} ms)\n`);
  assert.equal(results.length, TAXII_CHECKS.length, 'every check ran');
  for (const r of results) assert.ok(r.section.startsWith('§'), `${r.name} names its section`);
  const failed = results.filter((r) => r.outcome !== 'pass');
  assert.deepEqual(
    failed.map((r) => `${r.name} (${r.section}): ${r.outcome} ${r.detail ?? ''}`),
    [],
    'every check passes, none skipped',
  );
});

test('the suite reports a failing server: wrong credentials fail the checks, the run completes', async () => {
  const results = await runTaxiiConformance(
    {
      discoveryUrl: `${served.url}/taxii2/`,
      username: partners.main.username,
      password: 'not the password',
    },
    ['discovery resource', 'API root resource'],
  );
  assert.deepEqual(
    results.map((r) => [r.name, r.outcome]),
    [
      ['discovery resource', 'fail'],
      ['API root resource', 'fail'],
    ],
  );
  assert.match(results[0]!.detail ?? '', /HTTP 401, expected 200/);
});

test('the suite names what a non-conforming server gets wrong', async () => {
  // A discovery endpoint answering plain JSON with an API root URL that carries a query.
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ title: 'not quite TAXII', api_roots: ['https://cert.example/root/?x=1'] }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const { port } = server.address() as AddressInfo;
    const results = await runTaxiiConformance(
      { discoveryUrl: `http://127.0.0.1:${port}/taxii2/`, username: 'u', password: 'p' },
      ['discovery resource', 'Content-Type is application'],
    );
    assert.deepEqual(
      results.map((r) => [r.name, r.outcome]),
      [
        ['discovery resource', 'fail'],
        ['Content-Type is application/taxii+json;version=2.1', 'fail'],
      ],
    );
    for (const r of results) assert.match(r.detail ?? '', /Content-Type is 'application\/json'/);
  } finally {
    server.close();
  }
});
