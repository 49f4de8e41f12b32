/**
 * The outbox at node set-up (`initNode`, both engines) and on the hub (its own SQLite store
 * beside its state files): every service certificate, trust list, list of trusted lists and
 * membership change queues its entry, and a publication interrupted after its state was
 * written reaches the log exactly once when the hub is next opened.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fromPemAll, toPem } from '../../src/lib/pem.js';
import { HUB_FILES, readHubState, writeHubFile } from '../../src/hub/config.js';
import { initHub, openHub } from '../../src/hub/hub.js';
import { memberEntries, pendingPublication } from '../../src/hub/log_outbox.js';
import { addHubMember, setHubMemberStatus } from '../../src/hub/operations.js';
import { decodeEntry } from '../../src/ledger/entry.js';
import type { LedgerEntry } from '../../src/ledger/entry.js';
import { readQueuedEntries } from '../../src/ledger/outbox.js';
import { initNode } from '../../src/node/init.js';
import { openStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/database.js';
import { tempDir } from '../fixtures/cli.js';
import { forEachEngine } from '../fixtures/engines.js';
import { FIXED_NOW, TEST_IDENTITY, makeTestNode, testClock } from '../fixtures/node.js';
import { fixedTlSigner } from '../trust/writer/fixtures.js';

const PASS = 'ledger test passphrase';
const T = FIXED_NOW.toISOString();

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

async function queued(store: Store): Promise<LedgerEntry[]> {
  return (await readQueuedEntries(store.db, 10_000)).map((q) => decodeEntry(q.entry));
}

forEachEngine('ledger outbox at node init', (dbTest) => {
  dbTest(
    'node init queues its CA, OCSP, TSA and TL-signer certificates and its first trust list',
    async (_t, db) => {
      const tmp = tempDir('tb-ledger-node-');
      try {
        const dir = join(tmp.path, 'ph');
        await initNode({
          dir,
          country: 'PH',
          name: 'Philippines',
          db: db.location,
          passphrase: PASS,
          now: FIXED_NOW,
        });
        const store = await openStore(db.location);
        try {
          const entries = await queued(store);
          const pem = (f: string) =>
            fromPemAll(readFileSync(join(dir, 'public', f), 'utf8'), 'CERTIFICATE')[0]!;
          const cert = (f: string) => sha256(pem(f));
          assert.deepEqual(
            entries.map((e) => [
              e.type,
              (e as { profile?: string }).profile,
              (e as { sha256: string }).sha256,
            ]),
            [
              ['ca-cert', 'root-ca', cert('root.pem')],
              ['ca-cert', 'eid-ca', cert('eid-ca.pem')],
              ['ocsp-cert', 'ocsp', cert('ocsp.pem')],
              ['tsa-cert', 'tsa', cert('tsa.pem')],
              ['tl-signer-cert', 'tl-signer', cert('tl-signer.pem')],
              ['trust-list', undefined, sha256(readFileSync(join(dir, 'public', 'trustlist.xml')))],
            ],
          );
          const root = entries[0] as { subject: string; issuer: string; time: string };
          assert.equal(root.subject, root.issuer, 'the root is self-issued');
          assert.match(root.subject, /C=PH/);
          assert.equal(root.time, T);
          assert.equal((entries[5] as { sequence: number }).sequence, 1);
        } finally {
          await store.close();
        }
      } finally {
        tmp.remove();
      }
    },
  );
});

test('the hub queues each LOTL and membership change in its own store, and finishes an interrupted publication once', async () => {
  const tmp = tempDir('tb-ledger-hub-');
  const dir = join(tmp.path, 'hub');
  const clock = testClock();
  const node = await makeTestNode();
  let signerDer: Buffer;
  try {
    signerDer = (await fixedTlSigner(TEST_IDENTITY, node.root)).certificate;
  } finally {
    await node.close();
  }
  let hub = await initHub({ dir, name: 'Regional Digital Trust Hub', passphrase: PASS, clock });
  try {
    const lotl = () => readFileSync(join(dir, 'public', 'lotl.xml'));
    const first = lotl();
    await addHubMember(hub, {
      country: 'PH',
      trustListUrl: 'http://127.0.0.1:8080/trustlist.xml',
      signerPem: toPem(signerDer, 'CERTIFICATE'),
    });
    const second = lotl();
    clock.advance(1000);
    await setHubMemberStatus(hub, 'PH', 'suspended');
    const third = lotl();
    const at = clock().toISOString();
    const list = (n: number, xml: Buffer, time: string) => ({
      v: 1,
      type: 'lotl',
      time,
      sha256: sha256(xml),
      territory: 'XR',
      sequence: n,
      issued: time,
      nextUpdate: new Date(Date.parse(time) + 180 * 86_400_000).toISOString(),
    });
    assert.deepEqual(await queued(hub.store), [
      list(1, first, T),
      {
        v: 1,
        type: 'hub-member',
        time: T,
        country: 'PH',
        action: 'add',
        status: 'active',
        trustListUrl: 'http://127.0.0.1:8080/trustlist.xml',
        signers: [sha256(signerDer)],
      },
      list(2, second, T),
      { v: 1, type: 'hub-member', time: at, country: 'PH', action: 'suspend', status: 'suspended' },
      list(3, third, at),
    ]);
    assert.equal(readHubState(dir).pending, undefined);

    // A crash right after the state (the commit point) was written: the entries are not queued,
    // the list not written. Opening the hub finishes the publication, once.
    const before = readHubState(dir);
    const after = {
      ...before,
      members: before.members.map((m) => ({
        ...m,
        history: [...m.history, { status: 'active' as const, at: '2026-03-02T09:30:02Z' }],
      })),
    };
    const changes = memberEntries(before, after, new Date('2026-03-02T09:30:02.000Z'));
    assert.deepEqual(
      changes.map((c) => [c.action, c.status]),
      [['resume', 'active']],
    );
    const fakeList = Buffer.from('<TrustServiceStatusList/>');
    const pending = pendingPublication(
      changes,
      fakeList,
      {
        territory: 'XR',
        sequence: 4,
        issued: new Date('2026-03-02T09:30:02.000Z'),
        nextUpdate: new Date('2026-08-29T09:30:02.000Z'),
      },
      new Date('2026-03-02T09:30:02.000Z'),
    );
    writeHubFile(dir, HUB_FILES.state, JSON.stringify({ ...after, sequenceNumber: 4, pending }));
    await hub.close();
    hub = await openHub(dir, { passphrase: PASS, clock });
    assert.deepEqual(lotl(), fakeList, 'the staged list is written');
    assert.equal(readHubState(dir).pending, undefined);
    assert.equal(readHubState(dir).sequenceNumber, 4);
    const types = (await queued(hub.store)).map((e) => e.type);
    assert.deepEqual(types.slice(5), ['hub-member', 'lotl']);

    // A crash after the entries were committed but before the files: they are not queued twice.
    writeHubFile(dir, HUB_FILES.state, JSON.stringify({ ...after, sequenceNumber: 4, pending }));
    await hub.close();
    hub = await openHub(dir, { passphrase: PASS, clock });
    assert.equal((await queued(hub.store)).length, 7);
    assert.equal(readHubState(dir).pending, undefined);
  } finally {
    await hub.close();
    tmp.remove();
  }
});
