import assert from 'node:assert/strict';
import type { Transaction } from 'kysely';
import { certRootOf, ensureCertRoot } from '../../src/cert/collections.js';
import { addObjects, countObjects, queryObjects } from '../../src/cert/object_store.js';
import type { ObjectQuery } from '../../src/cert/object_store.js';
import {
  addPartner,
  authenticatePartner,
  issueToken,
  listPartners,
  removePartner,
} from '../../src/cert/partners.js';
import { certDb } from '../../src/cert/schema.js';
import type { CertDatabase } from '../../src/cert/schema.js';
import { findStatus } from '../../src/cert/status_store.js';
import { ingest } from '../../src/cert/taxii/ingest.js';
import { readableLevels } from '../../src/cert/tlp.js';
import { openStore } from '../../src/store/database.js';
import { forEachEngine } from '../fixtures/engines.js';
import { indicator } from './fixtures.js';

const ROOT = certRootOf('PH', 'Philippines');
const NOW = new Date('2026-03-02T09:30:00.000Z');

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

forEachEngine('cert store', (dbTest) => {
  dbTest('partners: credentials shown once, hashed, Basic and bearer, removal', async (_t, db) => {
    const store = await openStore(db.location);
    try {
      const vn = await addPartner(store, ROOT, { name: 'VN CERT', country: 'vn', tlpMax: 'amber' }, NOW);
      assert.equal(vn.username, 'vn-cert');
      const row = await certDb(store).selectFrom('cert_partner').selectAll().executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^scrypt\$16384\$8\$1\$/);
      assert.ok(!row.password_hash.includes(vn.password));
      assert.equal(row.country, 'VN');
      await assert.rejects(addPartner(store, ROOT, { name: 'VN  cert' }, NOW), {
        code: 'CERT_PARTNER_EXISTS',
      });
      assert.equal((await authenticatePartner(store, basic('vn-cert', vn.password)))?.id, vn.id);
      assert.equal(await authenticatePartner(store, basic('vn-cert', 'wrong')), undefined);
      const token = await issueToken(store, 'vn-cert', NOW);
      assert.equal((await authenticatePartner(store, `Bearer ${token}`))?.tlpMax, 'amber');
      const stored = await certDb(store)
        .selectFrom('cert_token')
        .select('token_hash')
        .executeTakeFirstOrThrow();
      assert.match(stored.token_hash, /^[0-9a-f]{64}$/);
      assert.deepEqual(
        (await listPartners(store)).map((p) => p.username),
        ['vn-cert'],
      );
      await removePartner(store, 'vn-cert');
      assert.equal(await authenticatePartner(store, basic('vn-cert', vn.password)), undefined);
      assert.equal(await authenticatePartner(store, `Bearer ${token}`), undefined);
      await assert.rejects(removePartner(store, 'vn-cert'), { code: 'CERT_PARTNER_UNKNOWN' });
    } finally {
      await store.close();
    }
  });

  dbTest(
    'a POST stores its valid objects and the status in one transaction; the invalid are failures',
    async (_t, db) => {
      const store = await openStore(db.location);
      try {
        const c = await ensureCertRoot(store, ROOT, NOW);
        const good = indicator('green');
        const bad = { ...indicator('green'), modified: '2025-01-01T00:00:00.000Z' };
        const status = await ingest(store, ROOT.id, c.id, null, [good, bad, 42], NOW);
        assert.equal(status.total_count, 3);
        assert.equal(status.success_count, 1);
        assert.deepEqual(status.successes, [{ id: good['id'], version: '2026-01-01T00:00:00.000Z' }]);
        assert.equal(status.failure_count, 2);
        assert.match(status.failures[0]!.message!, /\[stix\.timestamps\.order\]/);
        assert.equal(status.failures[1]!.id, 'objects[2]');
        assert.equal(await countObjects(store, c.id), 1);
        assert.equal(await findStatus(store, ROOT.id, status.id, 'nobody', NOW), undefined);
        // The same version again is acknowledged, not duplicated; a new version is kept beside it.
        await ingest(
          store,
          ROOT.id,
          c.id,
          null,
          [good, { ...good, modified: '2026-02-01T00:00:00.000Z' }],
          NOW,
        );
        assert.equal(await countObjects(store, c.id), 2);
        // A failure inside the transaction leaves nothing behind.
        await assert.rejects(
          store.transaction(async (t) => {
            await addObjects(
              t as unknown as Transaction<CertDatabase>,
              store.engine,
              c.id,
              null,
              [indicator('clear')],
              NOW,
            );
            throw new Error('crash');
          }),
        );
        assert.equal(await countObjects(store, c.id), 2);
      } finally {
        await store.close();
      }
    },
  );

  dbTest(
    'keyset paging sees each object once while others add objects, dates added strictly increase',
    async (_t, db) => {
      const store = await openStore(db.location);
      try {
        const c = await ensureCertRoot(store, ROOT, NOW);
        for (let i = 0; i < 5; i++)
          await ingest(
            store,
            ROOT.id,
            c.id,
            null,
            Array.from({ length: 7 }, () => indicator('green')),
            NOW,
          );
        const base: ObjectQuery = {
          collectionId: c.id,
          levels: readableLevels('green'),
          version: { all: true },
          limit: 4,
        };
        const seen: string[] = [];
        let after: ObjectQuery['after'];
        let added = 0;
        for (;;) {
          const { rows, more } = await queryObjects(store, { ...base, ...(after ? { after } : {}) });
          seen.push(...rows.map((r) => r.id));
          // Another CERT posts while this client pages (same clock reading: the date still advances).
          if (added < 3) {
            await ingest(store, ROOT.id, c.id, null, [indicator('green'), indicator('green')], NOW);
            added++;
          }
          const last = rows[rows.length - 1];
          if (!more || !last) break;
          after = { dateAdded: last.date_added, id: last.id, version: last.version };
        }
        assert.equal(seen.length, 35 + 6);
        assert.equal(new Set(seen).size, seen.length);
        const dates = await certDb(store).selectFrom('cert_object').select('date_added').distinct().execute();
        assert.equal(dates.length, 5 + 3);
      } finally {
        await store.close();
      }
    },
  );
});
