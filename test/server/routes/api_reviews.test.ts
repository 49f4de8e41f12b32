import assert from 'node:assert/strict';
import { forEachEngine } from '../../fixtures/engines.js';
import { expectError, withApp } from '../../fixtures/http.js';
import { PERSON_A } from '../../fixtures/node.js';
import { rowCounts } from '../../fixtures/store_snapshot.js';

forEachEngine('HTTP API: held enrolments', (dbTest) => {
  dbTest('a near match → 409 EID_ENROLMENT_HELD; a supervisor accepts or rejects once', async (_t, db) => {
    await withApp(db.location, async ({ node, call, registrar, supervisor }) => {
      const first = await call('POST', '/api/v1/persons', { token: registrar, body: PERSON_A });
      assert.equal(first.statusCode, 201, first.body);
      const firstId = (first.json() as { nationalId: string }).nationalId;
      const bare = { givenNames: 'MARIA CLARA', familyName: 'Santos', birthDate: PERSON_A.birthDate };
      expectError(
        await call('POST', '/api/v1/persons', { token: registrar, body: bare }),
        409,
        'EID_PERSON_DUPLICATE',
      );

      const ids: string[] = [];
      for (const familyName of ['Santso', 'Sants']) {
        const res = await call('POST', '/api/v1/persons', {
          token: registrar,
          body: { ...PERSON_A, familyName },
        });
        const e = expectError(res, 409, 'EID_ENROLMENT_HELD');
        const m = /^held for review ([0-9a-f]{16}): nearly matches (\d{12}); not registered$/.exec(e.message);
        assert.ok(m, e.message);
        assert.equal(m[2], firstId);
        ids.push(m[1]!);
      }
      assert.equal((await rowCounts(node.store)).person, 1);

      const list = await call('GET', '/api/v1/reviews', { token: registrar });
      assert.equal(list.statusCode, 200);
      const reviews = (list.json() as { reviews: { id: string; status: string; candidates: string[] }[] })
        .reviews;
      assert.deepEqual(
        reviews.map((r) => [r.status, r.candidates]),
        [
          ['pending', [firstId]],
          ['pending', [firstId]],
        ],
      );
      assert.deepEqual(reviews.map((r) => r.id).sort(), [...ids].sort());

      expectError(
        await call('POST', `/api/v1/reviews/${ids[0]}/accept`, { token: registrar }),
        403,
        'AUTH_FORBIDDEN',
      );
      expectError(await call('POST', `/api/v1/reviews/${ids[0]}/accept`), 401, 'AUTH_TOKEN_MISSING');
      const accepted = await call('POST', `/api/v1/reviews/${ids[0]}/accept`, { token: supervisor });
      assert.equal(accepted.statusCode, 201, accepted.body);
      const person = accepted.json() as { nationalId: string; familyName: string };
      assert.equal(person.familyName, 'Santso');
      const again = await call('POST', `/api/v1/reviews/${ids[0]}/reject`, { token: supervisor, body: {} });
      expectError(again, 409, 'EID_REVIEW_DECIDED');

      const rejected = await call('POST', `/api/v1/reviews/${ids[1]}/reject`, {
        token: supervisor,
        body: { reason: 'typing error of the first record' },
      });
      assert.equal(rejected.statusCode, 200, rejected.body);
      assert.equal(
        (rejected.json() as { status: string; reason: string }).reason,
        'typing error of the first record',
      );
      expectError(
        await call('POST', '/api/v1/reviews/0123456789abcdef/reject', { token: supervisor, body: {} }),
        404,
        'EID_REVIEW_NOT_FOUND',
      );
      expectError(
        await call('POST', '/api/v1/reviews/nope/accept', { token: supervisor }),
        400,
        'INPUT_MALFORMED',
      );

      const pending = await call('GET', '/api/v1/reviews', { token: registrar });
      assert.deepEqual((pending.json() as { reviews: unknown[] }).reviews, []);
      const all = await call('GET', '/api/v1/reviews?status=all', { token: registrar });
      assert.deepEqual(
        (all.json() as { reviews: { status: string }[] }).reviews.map((r) => r.status).sort(),
        ['accepted', 'rejected'],
      );
      const doc = (await call('GET', '/openapi.json')).json() as {
        paths: Record<string, Record<string, { security?: unknown }>>;
      };
      for (const p of ['/api/v1/reviews', '/api/v1/reviews/{id}/accept', '/api/v1/reviews/{id}/reject']) {
        assert.ok(doc.paths[p], `OpenAPI lists ${p}`);
        for (const op of Object.values(doc.paths[p]!)) assert.deepEqual(op.security, [{ officerToken: [] }]);
      }
      const events = await call('GET', `/api/v1/persons/${person.nationalId}/events`, { token: registrar });
      assert.deepEqual(
        (events.json() as { events: { action: string }[] }).events.map((e) => e.action),
        ['register', 'review-accept'],
      );
    });
  });
});
