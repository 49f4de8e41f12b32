/**
 * `trustbridge log monitor --dir DIR` on a node directory whose log is served over HTTP: the
 * defaults (`<baseUrl>/log/`, `public/log.vkey`), exit 0 with the counts and events, events
 * only since the last run (or `--since N`), exit 1 with the problem's code when the register
 * holds a certificate the log does not, and usage errors.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { enrolPerson } from '../../src/eid/issuance.js';
import { revoke } from '../../src/eid/lifecycle.js';
import { serviceCertificateEntry } from '../../src/ledger/entry_certificate.js';
import { enqueueLedgerEntries } from '../../src/ledger/outbox.js';
import { Sequencer } from '../../src/ledger/sequencer.js';
import { StoredLog } from '../../src/ledger/store_lookup.js';
import { registerLogRoutes } from '../../src/server/routes/log.js';
import { runCli, tempDir } from '../fixtures/cli.js';
import { FIXED_NOW, PERSON_A, csrPair, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { testLogIdentity } from '../ledger/fixtures.js';

const LOG = testLogIdentity();

interface Report {
  ok: boolean;
  url: string;
  size: number;
  since: number;
  entries: Record<string, number>;
  events: { index: number; type: string; serial: string }[];
  problems: { code: string; serial?: string }[];
}

async function drain(node: TestNode): Promise<void> {
  const seq = new Sequencer({ store: node.store, log: LOG, clock: () => FIXED_NOW });
  while ((await seq.run()).integrated > 0);
}

describe('trustbridge log monitor', () => {
  const tmp = tempDir('tb-log-monitor-');
  const dir = join(tmp.path, 'node');
  const state = join(tmp.path, 'state', 'log-state.json');
  let node: TestNode;
  let app: FastifyInstance;

  const monitor = async (extra: string[] = []) => {
    const r = await runCli(['log', 'monitor', '--dir', dir, '--state', state, ...extra]);
    return { code: r.code, out: r.stdout ? (JSON.parse(r.stdout) as Report) : undefined, stderr: r.stderr };
  };

  before(async () => {
    mkdirSync(join(dir, 'public'), { recursive: true });
    node = await makeTestNode({ db: join(dir, 'node.db') });
    const rows = await node.store.db.selectFrom('certificate').select(['cert_der', 'usage']).execute();
    await node.store.transaction((trx) =>
      enqueueLedgerEntries(
        trx,
        rows.flatMap((r) => serviceCertificateEntry(r.cert_der, r.usage, FIXED_NOW) ?? []),
      ),
    );
    await drain(node);
    app = Fastify();
    registerLogRoutes(app, new StoredLog(node.store.db, LOG.verifier), LOG.vkey);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    writeFileSync(
      join(dir, 'node.json'),
      JSON.stringify({ ...node.config, baseUrl, db: 'node.db' }, null, 2),
    );
    writeFileSync(join(dir, 'public', 'log.vkey'), `${LOG.vkey}\n`);
  });
  after(async () => {
    await app?.close();
    await node?.close();
    tmp.remove();
  });

  it('exit 0: the node’s log by default, its events, then only the new ones', async () => {
    const first = await monitor();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.out?.ok, true);
    assert.match(first.out!.url, /^http:\/\/127\.0\.0\.1:\d+\/log\/$/);
    assert.equal(first.out?.size, 4);
    assert.deepEqual(first.out?.entries, { 'ca-cert': 2, 'ocsp-cert': 1, 'tsa-cert': 1 });
    assert.equal(first.out?.events.length, 4);
    const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), 'officer-1');
    await revoke(node.eid, { serial: r.certificates.signature.serial }, 'keyCompromise', 'officer-1');
    await drain(node);
    const second = await monitor();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.out?.since, 4);
    assert.deepEqual(
      second.out?.events.map((e) => [e.index, e.type]),
      [
        [4, 'eid-cert-issued'],
        [5, 'eid-cert-issued'],
        [6, 'eid-cert-revoked'],
      ],
    );
    assert.equal(second.out?.events[2]?.serial, r.certificates.signature.serial);
    const all = await monitor(['--since', '0']);
    assert.equal(all.out?.events.length, 7);
  });

  it('exit 1 with LEDGER_MONITOR_UNLOGGED for a certificate the log does not hold', async () => {
    const row = await node.store.db
      .selectFrom('certificate')
      .selectAll()
      .where('usage', '=', 'tsa')
      .executeTakeFirstOrThrow();
    await node.store.db
      .insertInto('certificate')
      .values({ ...row, serial: `${row.serial}01`, cert_der: Buffer.concat([row.cert_der, Buffer.of(0)]) })
      .execute();
    const r = await monitor();
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.out?.problems.map((p) => [p.code, p.serial]),
      [['LEDGER_MONITOR_UNLOGGED', `${row.serial}01`]],
    );
    await node.store.db.deleteFrom('certificate').where('serial', '=', `${row.serial}01`).execute();
    assert.equal((await monitor()).code, 0);
  });

  it('usage errors exit 3', async () => {
    for (const extra of [
      ['--since', 'abc'],
      ['--url', 'ftp://x/log/'],
      ['--vkey', 'not a key'],
    ]) {
      const r = await monitor(extra);
      assert.equal(r.code, 3, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /USAGE_INVALID_ARGUMENT|USAGE/);
    }
    const none = await runCli(['log', 'monitor', '--dir', join(tmp.path, 'nowhere')]);
    assert.notEqual(none.code, 0);
  });
});
