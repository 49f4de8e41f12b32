import assert from 'node:assert/strict';
import { isValidNationalId, verhoeffCheckDigit } from '../../src/eid/national_id.js';
import { normalisePerson } from '../../src/eid/person.js';
import type { PersonInput } from '../../src/eid/person.js';
import {
  getPerson,
  insertPerson,
  personIdentifier,
  registerPerson,
  screenPerson,
  withFreshNationalId,
} from '../../src/eid/register.js';
import type { Store } from '../../src/store/database.js';
import type { PersonTable } from '../../src/store/schema.js';
import { sql } from 'kysely';
import { rejectsCode, rejectsUnchanged } from '../fixtures/assert.js';
import { forEachEngine } from '../fixtures/engines.js';
import { FIXED_NOW, PERSON_A, PERSON_B, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { rowCounts } from '../fixtures/store_snapshot.js';

const OFFICER = 'officer-registrar-1';

function row(nationalId: string, dedupKey: string): PersonTable {
  return {
    national_id: nationalId,
    given_names: 'Test',
    family_name: 'Person',
    birth_date: '1990-01-01',
    place_of_birth: '',
    sex: 'X',
    nationality: 'PH',
    dedup_key: dedupKey,
    created_at: FIXED_NOW.toISOString(),
    created_by: OFFICER,
  };
}

async function withNode(location: string, fn: (node: TestNode) => Promise<void>): Promise<void> {
  const node = await makeTestNode({ db: location });
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

/**
 * Resolves once another transaction waits for an advisory lock of this database (PostgreSQL);
 * SQLite transactions queue on the store's one connection, which cannot be observed: a pause.
 */
async function someoneWaitsForLock(store: Store): Promise<void> {
  if (store.engine !== 'postgres') {
    await new Promise((r) => setTimeout(r, 100));
    return;
  }
  for (let i = 0; i < 500; i++) {
    const r = await sql<{ n: string }>`
      select count(*) as n from pg_locks
      where locktype = 'advisory' and not granted
        and database = (select oid from pg_database where datname = current_database())`.execute(store.db);
    if (Number(r.rows[0]?.n) > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no transaction waits for the birth-date lock');
}

forEachEngine('register', (dbTest) => {
  dbTest('registerPerson stores the person and a register event with officer and time', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const p = await registerPerson(node.eid, PERSON_A, OFFICER);
      assert.ok(isValidNationalId(p.nationalId), p.nationalId);
      assert.deepEqual(
        { ...p, nationalId: 'x' },
        {
          nationalId: 'x',
          givenNames: 'Maria Clara',
          familyName: 'Santos',
          birthDate: '1990-05-17',
          placeOfBirth: 'Manila',
          sex: 'F',
          nationality: 'PH',
          createdAt: FIXED_NOW.toISOString(),
          createdBy: OFFICER,
        },
      );
      assert.deepEqual(await getPerson(node.store, p.nationalId), p);
      const events = await node.store.db
        .selectFrom('event')
        .selectAll()
        .where('national_id', '=', p.nationalId)
        .execute();
      assert.equal(events.length, 1);
      assert.deepEqual(
        { ...events[0]!, id: 0 },
        {
          id: 0,
          at: FIXED_NOW.toISOString(),
          officer: OFFICER,
          action: 'register',
          national_id: p.nationalId,
          serial: null,
          detail: '{}',
        },
      );
      assert.equal((await rowCounts(node.store)).certificate, 4, 'registering issues no certificate');
      assert.equal(personIdentifier('PH', 'SG', p.nationalId), `PH/SG/${p.nationalId}`);
    });
  });

  dbTest(
    'the same person again (case, accents, spacing) → EID_PERSON_DUPLICATE, store unchanged',
    async (_t, db) => {
      await withNode(db.location, async (node) => {
        const first = await registerPerson(node.eid, PERSON_A, OFFICER);
        await registerPerson(node.eid, PERSON_B, OFFICER);
        const variants: PersonInput[] = [
          PERSON_A,
          { ...PERSON_A, givenNames: ' maria   CLARA ', familyName: 'SANTOS', placeOfBirth: 'manila' },
          { ...PERSON_A, givenNames: 'Maríа Clara'.replace('а', 'a'), familyName: 'Santós' },
          { ...PERSON_B, givenNames: 'Jose Rizal', familyName: 'MERCADO' },
        ];
        for (const v of variants) {
          await rejectsUnchanged(
            node.store,
            () => registerPerson(node.eid, v, 'officer-2'),
            'EID_PERSON_DUPLICATE',
            /already registered/,
          );
        }
        await rejectsCode(
          () => registerPerson(node.eid, PERSON_A, OFFICER),
          'EID_PERSON_DUPLICATE',
          new RegExp(first.nationalId),
        );
        assert.equal((await rowCounts(node.store)).person, 2);
      });
    },
  );

  dbTest('invalid demographic data → validation codes, store unchanged', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const cases: [Partial<PersonInput>, string][] = [
        [{ birthDate: '2023-02-30' }, 'EID_INVALID_DATE'],
        [{ birthDate: '2026-03-03' }, 'EID_INVALID_DATE'],
        [{ birthDate: '1899-12-31' }, 'EID_INVALID_DATE'],
        [{ givenNames: '' }, 'EID_INVALID_NAME'],
        [{ familyName: 'x'.repeat(101) }, 'EID_INVALID_NAME'],
        [{ familyName: 'Santos2' }, 'EID_INVALID_NAME'],
        [{ sex: 'Q' }, 'EID_INVALID_SEX'],
        [{ nationality: 'PHL' }, 'EID_INVALID_COUNTRY'],
      ];
      for (const [patch, code] of cases) {
        await rejectsUnchanged(
          node.store,
          () => registerPerson(node.eid, { ...PERSON_A, ...patch }, OFFICER),
          code,
        );
      }
    });
  });

  dbTest(
    'getPerson: bad national id → EID_INVALID_NATIONAL_ID, unknown → EID_PERSON_NOT_FOUND',
    async (_t, db) => {
      await withNode(db.location, async (node) => {
        for (const bad of ['', '12345', '12345678901a', '1234567890123', '123456789012']) {
          await rejectsCode(() => getPerson(node.store, bad), 'EID_INVALID_NATIONAL_ID');
        }
        await registerPerson(node.eid, PERSON_A, OFFICER);
        const unknown = '29372581460' + verhoeffCheckDigit('29372581460');
        assert.ok(isValidNationalId(unknown));
        await rejectsCode(() => getPerson(node.store, unknown), 'EID_PERSON_NOT_FOUND', new RegExp(unknown));
      });
    },
  );

  dbTest('two concurrent registrations of one person: one lands, one is a duplicate', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const results = await Promise.allSettled([
        registerPerson(node.eid, PERSON_A, 'officer-1'),
        registerPerson(node.eid, { ...PERSON_A, familyName: 'SANTOS' }, 'officer-2'),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(ok.length, 1);
      assert.equal(failed.length, 1);
      assert.equal((failed[0]!.reason as { code?: string }).code, 'EID_PERSON_DUPLICATE');
      const counts = await rowCounts(node.store);
      assert.equal(counts.person, 1);
      assert.equal(counts.event, 2, 'node-init and one register event');
    });
  });

  dbTest('withFreshNationalId draws again when the identifier is taken', async (_t, db) => {
    await withNode(db.location, async (node) => {
      await node.store.db.insertInto('person').values(row('000000000000', 'taken')).execute();
      const ids: string[] = [];
      const out = await withFreshNationalId(node.store, async (trx, id) => {
        ids.push(id);
        // First attempt collides with the existing identifier, as a drawn duplicate would.
        await trx
          .insertInto('person')
          .values(row(ids.length === 1 ? '000000000000' : id, `k${ids.length}`))
          .execute();
        return id;
      });
      assert.equal(ids.length, 2);
      assert.equal(out, ids[1]);
      assert.equal((await rowCounts(node.store)).person, 2);
    });
  });

  dbTest('withFreshNationalId reports a dedup_key race as EID_PERSON_DUPLICATE', async (_t, db) => {
    await withNode(db.location, async (node) => {
      await node.store.db.insertInto('person').values(row('000000000000', 'same-key')).execute();
      await rejectsUnchanged(
        node.store,
        () =>
          withFreshNationalId(node.store, async (trx, id) => {
            await trx.insertInto('person').values(row(id, 'same-key')).execute();
          }),
        'EID_PERSON_DUPLICATE',
      );
    });
  });

  dbTest(
    'an enrolment that waited for the birth-date lock sees the person registered meanwhile',
    async (_t, db) => {
      await withNode(db.location, async (node) => {
        // Place of birth and sex unknown in the second enrolment: another dedup key, so only the
        // lock and a read made after it is granted can find the first.
        const bare = {
          givenNames: PERSON_A.givenNames,
          familyName: PERSON_A.familyName,
          birthDate: PERSON_A.birthDate,
        };
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        let inserted!: () => void;
        const inside = new Promise<void>((r) => (inserted = r));
        const first = withFreshNationalId(node.store, async (trx, id) => {
          const data = normalisePerson(PERSON_A, 'PH', FIXED_NOW);
          assert.deepEqual(await screenPerson(trx, node.store.engine, data), { kind: 'new' });
          await insertPerson(trx, data, OFFICER, FIXED_NOW, id);
          inserted();
          await held;
        });
        await inside;
        const second = registerPerson(node.eid, bare, 'officer-2');
        second.catch(() => undefined);
        await someoneWaitsForLock(node.store);
        release();
        await first;
        await rejectsCode(() => second, 'EID_PERSON_DUPLICATE');
        assert.equal((await rowCounts(node.store)).person, 1);
      });
    },
  );
});
