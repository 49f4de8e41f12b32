import assert from 'node:assert/strict';
import { enrolPerson } from '../../src/eid/issuance.js';
import { revoke, suspend } from '../../src/eid/lifecycle.js';
import { latestCrl, publishCrl } from '../../src/eid/crl_publisher.js';
import { buildApp } from '../../src/server/app.js';
import { forEachEngine } from '../fixtures/engines.js';
import { PERSON_A, csrPair, makeTestNode, testClock } from '../fixtures/node.js';
import type { TestClock, TestNode } from '../fixtures/node.js';
import { opensslVerifiesCrl, parseCrl } from '../fixtures/pki.js';
import { snapshotStore } from '../fixtures/store_snapshot.js';

const HOUR = 3600_000;

async function withNode(
  location: string,
  fn: (node: TestNode, clock: TestClock) => Promise<void>,
): Promise<void> {
  const clock = testClock();
  const node = await makeTestNode({ db: location, clock });
  try {
    await fn(node, clock);
  } finally {
    await node.close();
  }
}

function publish(node: TestNode, caId: 'root' | 'eid-ca'): Promise<Buffer> {
  const ca = caId === 'root' ? node.root : node.eidCa;
  return node.store.transaction((trx) =>
    publishCrl(trx, { caId, issuer: ca.ref, signer: ca.signer, now: node.clock(), validityHours: 24 }),
  );
}

forEachEngine('CRL publisher', (dbTest) => {
  dbTest('each CA has its own increasing CRL numbers; times truncated to the second', async (_t, db) => {
    await withNode(db.location, async (node, clock) => {
      assert.equal((await latestCrl(node.store, 'root'))?.crlNumber, 1);
      assert.equal((await latestCrl(node.store, 'eid-ca'))?.crlNumber, 1);
      clock.advance(1234);
      const der = await publish(node, 'eid-ca');
      const crl = parseCrl(der);
      assert.equal(crl.crlNumber, 2);
      const second = new Date(Math.floor(clock().getTime() / 1000) * 1000);
      assert.equal(crl.thisUpdate.toISOString(), second.toISOString());
      assert.equal(crl.nextUpdate?.getTime(), second.getTime() + 24 * HOUR);
      const latest = await latestCrl(node.store, 'eid-ca');
      assert.ok(latest?.der.equals(der));
      assert.equal(latest?.nextUpdate.getTime(), second.getTime() + 24 * HOUR);
      assert.equal((await latestCrl(node.store, 'root'))?.crlNumber, 1, 'the root CRL did not move');
      assert.equal(await latestCrl(node.store, 'nobody'), undefined);
      assert.ok(opensslVerifiesCrl(await publish(node, 'root'), node.root.certificate.der));
    });
  });

  dbTest('lists the revoked and suspended certificates of its CA only', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), 'o');
      await suspend(node.eid, { serial: r.certificates.authentication.serial }, 's');
      await revoke(node.eid, { serial: r.certificates.signature.serial }, 'privilegeWithdrawn', 's');
      const eid = parseCrl(await publish(node, 'eid-ca'));
      assert.deepEqual(
        eid.entries.map((e) => [e.serial, e.reason]).sort(),
        [
          [r.certificates.authentication.serial, 'certificateHold'],
          [r.certificates.signature.serial, 'privilegeWithdrawn'],
        ].sort(),
      );
      assert.deepEqual(parseCrl(await publish(node, 'root')).entries, []);
    });
  });

  dbTest(
    'a transaction that fails after publishing leaves number and CRL rows as they were',
    async (_t, db) => {
      await withNode(db.location, async (node) => {
        const before = await snapshotStore(node.store);
        await assert.rejects(
          node.store.transaction(async (trx) => {
            await publishCrl(trx, {
              caId: 'eid-ca',
              issuer: node.eidCa.ref,
              signer: node.eidCa.signer,
              now: node.clock(),
              validityHours: 24,
            });
            throw new Error('status change failed later');
          }),
          /failed later/,
        );
        assert.equal(await snapshotStore(node.store), before);
        assert.equal(parseCrl(await publish(node, 'eid-ca')).crlNumber, 2);
      });
    },
  );

  dbTest('GET /crl re-publishes once less than a quarter of the validity is left', async (_t, db) => {
    await withNode(db.location, async (node, clock) => {
      const app = await buildApp(node);
      try {
        const get = async (): Promise<number> =>
          parseCrl((await app.inject({ method: 'GET', url: '/crl/eid-ca.crl' })).rawPayload).crlNumber;
        clock.advance(17 * HOUR);
        assert.equal(await get(), 1, '7 hours left of 24: still fresh');
        clock.advance(1 * HOUR + 1000);
        assert.equal(await get(), 2, 'under 6 hours left: a new CRL');
        assert.equal(await get(), 2, 'and it is reused');
      } finally {
        await app.close();
      }
    });
  });
});
