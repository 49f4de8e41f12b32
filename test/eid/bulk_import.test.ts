import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPeople } from '../../src/eid/bulk_import.js';
import { getPerson, registerPerson } from '../../src/eid/register.js';
import { listReviews } from '../../src/eid/review.js';
import { forEachEngine } from '../fixtures/engines.js';
import { PERSON_A, makeTestNode } from '../fixtures/node.js';
import { rowCounts } from '../fixtures/store_snapshot.js';

const CSV = [
  'given_names,family_name,birth_date,place_of_birth,sex',
  'Maria Clara,Santos,1990-05-17,,', // line 2: PERSON_A with place and sex unknown → duplicate
  'MARÍA  CLARA,santos,1990-05-17,Manila,F', // line 3: accents, case, spacing → duplicate
  'Maria Clara,Santos,1990-05-17,Cebu City,F', // line 4: another known place → new person
  'Maria Clara,Santso,1990-05-17,,F', // line 5: one edit from both Marias → held
  'Juan,Dela Cruz,1985-02-01,Manila,M', // line 6: new
  'Juan,Dela Cruz,1985-02-01,,', // line 7: the same person, later in the same file → duplicate
  'Dela Cruz,Juan,1985-02-01,,M', // line 8: given and family swapped → held
].join('\n');

forEachEngine('bulk import de-duplication', (dbTest) => {
  dbTest('import applies the enrolment rule and lists the national ids it created', async (_t, db) => {
    const tmp = mkdtempSync(join(tmpdir(), 'tb-import-'));
    const node = await makeTestNode({ db: db.location });
    try {
      const maria = await registerPerson(node.eid, PERSON_A, 'officer-1');
      const file = join(tmp, 'people.csv');
      writeFileSync(file, CSV);
      const s = await importPeople(node.eid, file, { officer: 'import-1', batchSize: 3 });
      assert.equal(s.rows, 7);
      assert.equal(s.imported, 2);
      assert.equal(s.duplicates, 3);
      assert.deepEqual(
        s.created.map((c) => c.line),
        [4, 6],
      );
      const cebu = await getPerson(node.store, s.created[0]!.nationalId);
      assert.equal(cebu.placeOfBirth, 'Cebu City');
      const juan = await getPerson(node.store, s.created[1]!.nationalId);
      assert.equal(juan.familyName, 'Dela Cruz');
      assert.deepEqual(
        s.held.map((h) => [h.line, [...h.candidates].sort()]),
        [
          [5, [maria.nationalId, cebu.nationalId].sort()],
          [8, [juan.nationalId]],
        ],
      );
      const pending = await listReviews(node.store, 'pending');
      assert.deepEqual(pending.map((r) => r.id).sort(), s.held.map((h) => h.review).sort());
      assert.ok(pending.every((r) => r.submittedBy === 'import-1'));
      assert.equal((await rowCounts(node.store)).person, 3);

      const again = await importPeople(node.eid, file, { officer: 'import-1' });
      assert.equal(again.imported, 0);
      assert.deepEqual(again.created, []);
      assert.deepEqual(again.held, []);
    } finally {
      await node.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

forEachEngine('bulk import of a damaged file', (dbTest) => {
  dbTest(
    'an unterminated quote or a stray quote rejects that row only; the rows after it are imported',
    async (_t, db) => {
      const tmp = mkdtempSync(join(tmpdir(), 'tb-import-'));
      const node = await makeTestNode({ db: db.location });
      try {
        const file = join(tmp, 'people.csv');
        writeFileSync(
          file,
          [
            'given_names,family_name,birth_date,place_of_birth,sex',
            'Juan,Dela Cruz,1985-02-01,Manila,M', // line 2: new
            'Ana,"Reyes,1979-11-30,Cebu City,F', // line 3: the quote is never closed
            'Jose,Rizal,1961-06-19,Calamba,M', // line 4: new
            'Pedro,Pen"ia,1970-01-01,,M', // line 5: a quote inside an unquoted field
            'Luz,Bautista,1992-08-08,Davao City,F', // line 6: new
          ].join('\r\n') + '\r\n',
        );
        const s = await importPeople(node.eid, file, { officer: 'import-1' });
        assert.equal(s.imported, 3);
        assert.deepEqual(
          s.created.map((c) => c.line),
          [2, 4, 6],
        );
        assert.deepEqual(
          s.rejected.map((r) => [r.line, r.code]),
          [
            [3, 'EID_IMPORT_MALFORMED'],
            [5, 'EID_IMPORT_MALFORMED'],
          ],
        );
        assert.match(s.rejected[0]!.message, /line 3: quoted field is not terminated/);
        assert.match(s.rejected[1]!.message, /line 5: quote in an unquoted field/);
      } finally {
        await node.close();
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});
