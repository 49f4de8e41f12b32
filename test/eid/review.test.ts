import assert from 'node:assert/strict';
import { enrolPerson } from '../../src/eid/issuance.js';
import type { PersonInput } from '../../src/eid/person.js';
import { getPerson, registerPerson } from '../../src/eid/register.js';
import { listPersonEvents } from '../../src/eid/register_store/index.js';
import { acceptReview, listReviews, rejectReview } from '../../src/eid/review.js';
import type { TrustbridgeError } from '../../src/lib/errors.js';
import { rejectsCode, rejectsUnchanged } from '../fixtures/assert.js';
import { forEachEngine } from '../fixtures/engines.js';
import { FIXED_NOW, PERSON_A, csrPair, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { rowCounts } from '../fixtures/store_snapshot.js';

const MARIA_BARE: PersonInput = { givenNames: 'Maria Clara', familyName: 'Santos', birthDate: '1990-05-17' };

async function withNode(location: string, fn: (node: TestNode) => Promise<void>): Promise<void> {
  const node = await makeTestNode({ db: location });
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

/** Registers `input`, expecting a hold; returns the review id from the message. */
async function held(node: TestNode, input: PersonInput, officer = 'officer-2'): Promise<string> {
  let id = '';
  await rejectsCode(
    async () => {
      try {
        await registerPerson(node.eid, input, officer);
      } catch (e) {
        id = /review ([0-9a-f]{16})/.exec((e as TrustbridgeError).message)?.[1] ?? '';
        throw e;
      }
    },
    'EID_ENROLMENT_HELD',
    /^held for review [0-9a-f]{16}: nearly matches \d{12}; not registered$/,
  );
  return id;
}

forEachEngine('demographic de-duplication and review', (dbTest) => {
  dbTest('Maria without a place of birth, then with Manila and F → the same person', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const first = await registerPerson(node.eid, MARIA_BARE, 'officer-1');
      await rejectsUnchanged(
        node.store,
        () => registerPerson(node.eid, PERSON_A, 'officer-2'),
        'EID_PERSON_DUPLICATE',
        new RegExp(`already registered as ${first.nationalId}`),
      );
    });
  });

  dbTest('Maria with Manila and F, then without → the same person; other places differ', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const first = await registerPerson(node.eid, PERSON_A, 'officer-1');
      for (const v of [
        MARIA_BARE,
        { ...MARIA_BARE, sex: 'X' },
        { ...MARIA_BARE, givenNames: ' MARÍA  clara', familyName: 'santos', placeOfBirth: 'MANILA' },
      ]) {
        await rejectsUnchanged(
          node.store,
          () => registerPerson(node.eid, v, 'officer-2'),
          'EID_PERSON_DUPLICATE',
          new RegExp(first.nationalId),
        );
      }
      const cebu = await registerPerson(node.eid, { ...MARIA_BARE, placeOfBirth: 'Cebu City' }, 'officer-2');
      assert.notEqual(cebu.nationalId, first.nationalId);
      const male = await registerPerson(node.eid, { ...MARIA_BARE, sex: 'M', placeOfBirth: 'Manila' }, 'o');
      assert.notEqual(male.nationalId, first.nationalId);
      // Unknown place now matches two registered people: the first exact match refuses it.
      await rejectsCode(() => registerPerson(node.eid, MARIA_BARE, 'o'), 'EID_PERSON_DUPLICATE');
      assert.equal((await rowCounts(node.store)).person, 3);
    });
  });

  dbTest('a near match is held, not registered; a supervisor accepts it once', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const first = await registerPerson(node.eid, PERSON_A, 'officer-1');
      const before = await rowCounts(node.store);
      const id = await held(node, { ...PERSON_A, familyName: 'Santso' });
      const after = await rowCounts(node.store);
      assert.equal(after.person, before.person, 'nobody registered');
      assert.equal(after.certificate, before.certificate);
      assert.equal(after.event, before.event + 1, 'one review-hold event');
      const [review] = await listReviews(node.store, 'pending');
      assert.deepEqual(review, {
        id,
        person: {
          givenNames: 'Maria Clara',
          familyName: 'Santso',
          birthDate: '1990-05-17',
          placeOfBirth: 'Manila',
          sex: 'F',
          nationality: 'PH',
        },
        candidates: [first.nationalId],
        submittedBy: 'officer-2',
        submittedAt: FIXED_NOW.toISOString(),
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
        reason: null,
        nationalId: null,
      });

      const person = await acceptReview(node.eid, id, 'supervisor-1');
      assert.deepEqual(await getPerson(node.store, person.nationalId), person);
      assert.equal(person.familyName, 'Santso');
      const events = await listPersonEvents(node.store, person.nationalId);
      assert.deepEqual(
        events.map((e) => [e.action, e.officer, e.detail]),
        [
          ['register', 'supervisor-1', { review: id }],
          ['review-accept', 'supervisor-1', { review: id, candidates: [first.nationalId] }],
        ],
      );
      const [decided] = await listReviews(node.store, 'accepted');
      assert.equal(decided?.nationalId, person.nationalId);
      assert.equal(decided?.decidedBy, 'supervisor-1');
      assert.deepEqual(await listReviews(node.store), [decided]);
      for (const decide of [
        () => acceptReview(node.eid, id, 'supervisor-2'),
        () => rejectReview(node.eid, id, 'supervisor-2', 'late'),
      ]) {
        await rejectsUnchanged(
          node.store,
          decide,
          'EID_REVIEW_DECIDED',
          new RegExp(`review ${id} is already accepted`),
        );
      }
    });
  });

  dbTest(
    'the same held enrolment submitted again joins its pending review; after a decision it is new',
    async (_t, db) => {
      await withNode(db.location, async (node) => {
        await registerPerson(node.eid, PERSON_A, 'officer-1');
        const near = { ...PERSON_A, familyName: 'Santso' };
        const id = await held(node, near);
        const before = await rowCounts(node.store);
        assert.equal(await held(node, near, 'officer-3'), id, 'the same review');
        assert.deepEqual(await rowCounts(node.store), before, 'no second review, no event');
        assert.equal((await listReviews(node.store, 'pending')).length, 1);
        const other = await held(node, { ...PERSON_A, familyName: 'Sanots' });
        assert.notEqual(other, id, 'other data: its own review');
        await rejectReview(node.eid, id, 'supervisor-1', 'same person');
        const again = await held(node, near);
        assert.notEqual(again, id, 'a decided review is not reopened: a new one');
        assert.equal((await listReviews(node.store, 'pending')).length, 2);
      });
    },
  );

  dbTest('rejecting records the reason and an event; unknown ids → EID_REVIEW_NOT_FOUND', async (_t, db) => {
    await withNode(db.location, async (node) => {
      await registerPerson(node.eid, { ...PERSON_A, givenNames: 'Jürgen', familyName: 'Groß' }, 'officer-1');
      const id = await held(node, { ...PERSON_A, givenNames: 'Jurgen', familyName: 'Gross' });
      const r = await rejectReview(node.eid, id, 'supervisor-1', 'same person, spelling of the birth record');
      assert.equal(r.status, 'rejected');
      assert.equal(r.reason, 'same person, spelling of the birth record');
      assert.equal(r.decidedAt, FIXED_NOW.toISOString());
      const ev = await node.store.db
        .selectFrom('event')
        .selectAll()
        .where('action', '=', 'review-reject')
        .execute();
      assert.equal(ev.length, 1);
      assert.equal(ev[0]!.officer, 'supervisor-1');
      assert.equal((JSON.parse(ev[0]!.detail) as { review: string }).review, id);
      await rejectsUnchanged(
        node.store,
        () => acceptReview(node.eid, id, 's'),
        'EID_REVIEW_DECIDED',
        /already rejected/,
      );
      await rejectsUnchanged(
        node.store,
        () => rejectReview(node.eid, '0123456789abcdef', 's'),
        'EID_REVIEW_NOT_FOUND',
        /no held enrolment 0123456789abcdef/,
      );
      assert.equal((await rowCounts(node.store)).person, 1);
    });
  });

  dbTest('a held enrolment issues nothing; swapped names and transliterations are held', async (_t, db) => {
    await withNode(db.location, async (node) => {
      await registerPerson(node.eid, { ...PERSON_A, givenNames: 'Søren Đorđe', familyName: 'Łaska' }, 'o');
      const before = await rowCounts(node.store);
      const csrs = await csrPair('c');
      await rejectsCode(
        () =>
          enrolPerson(node.eid, { ...PERSON_A, givenNames: 'Soren Dorde', familyName: 'Laska' }, csrs, 'o'),
        'EID_ENROLMENT_HELD',
      );
      await held(node, { ...PERSON_A, givenNames: 'Łaska', familyName: 'Søren Đorđe' });
      await held(node, { ...PERSON_A, givenNames: 'Đorđe  Søren', familyName: 'ŁASKA' });
      const after = await rowCounts(node.store);
      assert.equal(after.person, before.person);
      assert.equal(after.certificate, before.certificate);
      assert.equal(after.enrolment_review, 3);
    });
  });
});
