import assert from 'node:assert/strict';
import { KeyStoreError } from '../../../src/pki/errors.js';
import { toPem } from '../../../src/lib/pem.js';
import { forEachEngine } from '../../fixtures/engines.js';
import { enrolBody, errorOf, expectError, withApp } from '../../fixtures/http.js';
import { PERSON_B, freshCsrPair } from '../../fixtures/node.js';
import { snapshotStore } from '../../fixtures/store_snapshot.js';

forEachEngine('HTTP API errors', (dbTest) => {
  dbTest(
    'input errors: 413, malformed JSON, schema violations, duplicate, bad reason, 404',
    async (_t, db) => {
      await withApp(db.location, async ({ node, call, registrar, supervisor }) => {
        await call('POST', '/api/v1/enrolments', { token: registrar, body: await enrolBody() });
        const before = await snapshotStore(node.store);
        const huge = { ...(await enrolBody('b', PERSON_B)), padding: 'x'.repeat(70 * 1024) };
        expectError(
          await call('POST', '/api/v1/enrolments', { token: registrar, body: huge }),
          413,
          'INPUT_TOO_LARGE',
        );
        expectError(
          await call('POST', '/api/v1/enrolments', { token: registrar, raw: '{"person": {' }),
          400,
          'INPUT_MALFORMED',
        );
        expectError(
          await call('POST', '/api/v1/persons', { token: registrar, raw: '' }),
          400,
          'INPUT_MALFORMED',
        );
        expectError(
          await call('POST', '/api/v1/persons', {
            token: registrar,
            body: { ...PERSON_B, birthDate: '19/06/1961' },
          }),
          400,
          'INPUT_MALFORMED',
        );
        expectError(
          await call('POST', '/api/v1/persons', { token: registrar, body: { givenNames: 'Only' } }),
          400,
          'INPUT_MALFORMED',
        );
        expectError(
          await call('POST', '/api/v1/persons', {
            token: registrar,
            body: { ...PERSON_B, birthDate: '2023-02-30' },
          }),
          400,
          'EID_INVALID_DATE',
        );
        expectError(
          await call('POST', '/api/v1/enrolments', { token: registrar, body: await enrolBody('b') }),
          409,
          'EID_PERSON_DUPLICATE',
        );
        const enrolled = await node.store.db
          .selectFrom('person')
          .select('national_id')
          .executeTakeFirstOrThrow();
        expectError(
          await call('POST', `/api/v1/persons/${enrolled.national_id}/revoke`, {
            token: supervisor,
            body: { reason: 'lost-it' },
          }),
          400,
          'EID_INVALID_REASON',
        );
        expectError(await call('GET', '/api/v1/persons/12345', { token: registrar }), 400, 'INPUT_MALFORMED');
        expectError(await call('GET', '/nowhere'), 404, 'HTTP_NOT_FOUND');
        expectError(
          await call('POST', '/api/v1/nowhere', { token: registrar, body: {} }),
          404,
          'HTTP_NOT_FOUND',
        );
        assert.equal(await snapshotStore(node.store), before);
      });
    },
  );

  dbTest('a request with an extra property is refused, not silently trimmed', async (_t, db) => {
    await withApp(db.location, async ({ node, call, registrar }) => {
      const before = await snapshotStore(node.store);
      // additionalProperties: false must reject; Fastify's default Ajv (removeAdditional: true) drops it instead.
      const res = await call('POST', '/api/v1/persons', {
        token: registrar,
        body: { ...PERSON_B, nickname: 'Pepe' },
      });
      expectError(res, 400, 'INPUT_MALFORMED');
      assert.equal(await snapshotStore(node.store), before);
      const enrol = await call('POST', '/api/v1/enrolments', {
        token: registrar,
        body: { ...(await enrolBody('c', PERSON_B)), officerOverride: 'root' },
      });
      expectError(enrol, 400, 'INPUT_MALFORMED');
    });
  });

  dbTest('an internal error answers 500 INTERNAL with the generic message', async (_t, db) => {
    await withApp(db.location, async ({ node, call }) => {
      await node.store.close();
      node.close = () => Promise.resolve(); // already closed
      const down = await call('GET', '/healthz');
      assert.equal(down.statusCode, 500);
      assert.deepEqual(errorOf(down), { code: 'INTERNAL', message: 'internal error' });
    });
  });

  dbTest('a 5xx trustbridge error keeps its code but hides the detail message', async (_t, db) => {
    const secret = 'HSM slot 3 at /opt/secret/libpkcs11.so refused PIN 1234';
    await withApp(
      db.location,
      async ({ node, call, registrar }) => {
        const before = await snapshotStore(node.store);
        const res = await call('POST', '/api/v1/enrolments', { token: registrar, body: await enrolBody() });
        assert.equal(res.statusCode, 503);
        const e = errorOf(res);
        assert.equal(e.code, 'KEY_STORE_UNAVAILABLE');
        assert.equal(await snapshotStore(node.store), before, 'the failed enrolment left nothing');
        // ApiErrorBody: "a stable code and a message (hidden for 5xx)".
        assert.ok(!res.body.includes('/opt/secret'), `the answer leaks: ${res.body}`);
        assert.equal(e.message, 'the key store (file or HSM) cannot be used');
      },
      (node) => {
        node.eidCa = {
          ...node.eidCa,
          signer: {
            ...node.eidCa.signer,
            sign: () => Promise.reject(new KeyStoreError('KEY_STORE_UNAVAILABLE', secret)),
          },
        };
      },
    );
  });

  dbTest('a fresh pair issued to a registered person over HTTP; renewal supersedes', async (_t, db) => {
    await withApp(db.location, async ({ call, registrar }) => {
      const p = await call('POST', '/api/v1/persons', { token: registrar, body: PERSON_B });
      assert.equal(p.statusCode, 201, p.body);
      const id = (p.json() as { nationalId: string }).nationalId;
      const pem = async (): Promise<{ authentication: string; signature: string }> => {
        const pair = await freshCsrPair();
        return {
          authentication: toPem(pair.authentication, 'CERTIFICATE REQUEST'),
          signature: toPem(pair.signature, 'CERTIFICATE REQUEST'),
        };
      };
      assert.equal(
        (
          await call('POST', `/api/v1/persons/${id}/certificates`, {
            token: registrar,
            body: { csrs: await pem() },
          })
        ).statusCode,
        201,
      );
      expectError(
        await call('POST', `/api/v1/persons/${id}/certificates`, {
          token: registrar,
          body: { csrs: await pem() },
        }),
        409,
        'EID_INVALID_STATE',
      );
      assert.equal(
        (
          await call('POST', `/api/v1/persons/${id}/renewal`, {
            token: registrar,
            body: { csrs: await pem() },
          })
        ).statusCode,
        201,
      );
      const certs = (await call('GET', `/api/v1/persons/${id}`, { token: registrar })).json() as {
        certificates: { status: string; revocation_reason: string | null }[];
      };
      assert.deepEqual(certs.certificates.map((c) => [c.status, c.revocation_reason]).sort(), [
        ['good', null],
        ['good', null],
        ['revoked', 'superseded'],
        ['revoked', 'superseded'],
      ]);
    });
  });
});
