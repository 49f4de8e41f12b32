import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { KeyStoreError } from '../../src/lib/errors.js';
import { toPem } from '../../src/lib/pem.js';
import { buildApp } from '../../src/server/app.js';
import { addOfficer, disableOfficer } from '../../src/server/officers.js';
import { forEachEngine } from '../fixtures/engines.js';
import { FIXED_NOW, PERSON_A, PERSON_B, csrPair, freshCsrPair, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { certId, decodeOcsp, ocspRequest } from '../fixtures/ocsp.js';
import { parseCrl } from '../fixtures/pki.js';
import { snapshotStore } from '../fixtures/store_snapshot.js';

interface Ctx {
  node: TestNode;
  app: FastifyInstance;
  registrar: string;
  supervisor: string;
  call(method: 'GET' | 'POST', url: string, o?: { token?: string; body?: unknown; raw?: string }): Promise<LightMyRequestResponse>;
}

async function withApp(location: string, fn: (c: Ctx) => Promise<void>, prepare?: (n: TestNode) => void): Promise<void> {
  const node = await makeTestNode({ db: location });
  prepare?.(node);
  const app = await buildApp(node);
  try {
    const registrar = (await addOfficer(node.store, 'Rita Registrar', 'registrar', FIXED_NOW)).token;
    const supervisor = (await addOfficer(node.store, 'Sam Supervisor', 'supervisor', FIXED_NOW)).token;
    const call: Ctx['call'] = (method, url, o = {}) =>
      app.inject({
        method,
        url,
        headers: {
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(o.raw !== undefined ? { payload: o.raw } : o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
      });
    await fn({ node, app, registrar, supervisor, call });
  } finally {
    await app.close();
    await node.close();
  }
}

async function enrolBody(who: 'a' | 'b' | 'c' = 'a', person = PERSON_A): Promise<Record<string, unknown>> {
  const pair = await csrPair(who);
  return {
    person,
    csrs: {
      authentication: toPem(pair.authentication, 'CERTIFICATE REQUEST'),
      signature: toPem(pair.signature, 'CERTIFICATE REQUEST'),
    },
  };
}

function errorOf(res: LightMyRequestResponse): { code: string; message: string } {
  assert.match(String(res.headers['content-type']), /application\/json/);
  return (res.json() as { error: { code: string; message: string } }).error;
}

function expectError(res: LightMyRequestResponse, status: number, code: string): { code: string; message: string } {
  assert.equal(res.statusCode, status, res.body);
  const e = errorOf(res);
  assert.equal(e.code, code);
  return e;
}

forEachEngine('HTTP API', (dbTest) => {
  dbTest('public endpoints: healthz, CA certificates, CRL, OpenAPI, metrics', async (_t, db) => {
    await withApp(db.location, async ({ node, call }) => {
      const health = await call('GET', '/healthz');
      assert.equal(health.statusCode, 200);
      assert.deepEqual(health.json(), { status: 'ok', country: 'PH' });
      const pem = await call('GET', '/ca/root.pem');
      assert.equal(pem.statusCode, 200);
      assert.match(String(pem.headers['content-type']), /application\/x-pem-file/);
      assert.equal(pem.body, toPem(node.root.certificate.der, 'CERTIFICATE'));
      const cer = await call('GET', '/ca/eid-ca.cer');
      assert.ok(cer.rawPayload.equals(node.eidCa.certificate.der));
      expectError(await call('GET', '/ca/nothing.pem'), 404, 'HTTP_NOT_FOUND');
      const crl = await call('GET', '/crl/eid-ca.crl');
      assert.equal(crl.statusCode, 200);
      assert.match(String(crl.headers['content-type']), /application\/pkix-crl/);
      assert.equal(parseCrl(crl.rawPayload).crlNumber, 1);

      const doc = (await call('GET', '/openapi.json')).json() as {
        openapi: string;
        servers: { url: string }[];
        paths: Record<string, Record<string, { security?: unknown; responses: Record<string, { description?: string }> }>>;
        components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      };
      assert.equal(doc.openapi, '3.1.0');
      assert.equal(doc.servers[0]?.url, node.config.baseUrl);
      assert.deepEqual(doc.components.securitySchemes['officerToken'], {
        ...doc.components.securitySchemes['officerToken']!,
        type: 'http',
        scheme: 'bearer',
      });
      for (const p of [
        '/api/v1/persons',
        '/api/v1/enrolments',
        '/api/v1/persons/{nationalId}',
        '/api/v1/persons/{nationalId}/events',
        '/api/v1/persons/{nationalId}/certificates',
        '/api/v1/persons/{nationalId}/renewal',
        '/api/v1/persons/{nationalId}/suspend',
        '/api/v1/certificates/{serial}/revoke',
      ]) {
        assert.ok(doc.paths[p], `OpenAPI lists ${p}`);
        for (const op of Object.values(doc.paths[p]!)) {
          assert.deepEqual(op.security, [{ officerToken: [] }]);
          for (const r of Object.values(op.responses)) assert.equal(typeof r.description, 'string');
        }
      }
      const metrics = await call('GET', '/metrics');
      assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      assert.match(metrics.body, /# TYPE trustbridge_http_requests_total counter/);
      assert.match(metrics.body, /trustbridge_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    });
  });

  dbTest('enrol over HTTP, then OCSP (POST and GET), suspension by a supervisor, fresh CRL', async (_t, db) => {
    await withApp(db.location, async ({ node, app, call, registrar, supervisor }) => {
      const res = await call('POST', '/api/v1/enrolments', { token: registrar, body: await enrolBody() });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as { nationalId: string; personId: string; certificates: Record<string, string>; chain: string[] };
      assert.equal(body.personId, `PH/PH/${body.nationalId}`);
      for (const pem of Object.values(body.certificates)) assert.match(pem, /^-----BEGIN CERTIFICATE-----\n/);
      assert.deepEqual(body.chain, [toPem(node.eidCa.certificate.der, 'CERTIFICATE'), toPem(node.root.certificate.der, 'CERTIFICATE')]);
      const person = (await call('GET', `/api/v1/persons/${body.nationalId}`, { token: registrar })).json() as {
        certificates: { serial: string; status: string }[];
      };
      const serials = person.certificates.map((c) => c.serial);
      assert.equal(serials.length, 2);

      const req = ocspRequest([certId(node.eidCa.certificate, serials[0]!)]);
      const ocsp = await app.inject({
        method: 'POST',
        url: '/ocsp',
        headers: { 'content-type': 'application/ocsp-request' },
        payload: req,
      });
      assert.equal(ocsp.statusCode, 200);
      assert.match(String(ocsp.headers['content-type']), /application\/ocsp-response/);
      assert.equal(decodeOcsp(ocsp.rawPayload).answers[0]?.status, 'good');
      const get = await call('GET', `/ocsp/${encodeURIComponent(req.toString('base64'))}`);
      assert.equal(decodeOcsp(get.rawPayload).answers[0]?.status, 'good');
      assert.match(String(get.headers['cache-control']), /max-age=\d+/);

      const suspended = await call('POST', `/api/v1/certificates/${serials[0]!.toUpperCase()}/suspend`, { token: supervisor, body: {} });
      assert.equal(suspended.statusCode, 200, suspended.body);
      assert.deepEqual(suspended.json(), { changed: [serials[0]], status: 'suspended' });
      const crl = parseCrl((await call('GET', '/crl/eid-ca.crl')).rawPayload);
      assert.deepEqual([crl.crlNumber, crl.entries.map((e) => [e.serial, e.reason])], [2, [[serials[0], 'certificateHold']]]);
      const revoked = await call('POST', `/api/v1/persons/${body.nationalId}/revoke`, { token: supervisor, body: { reason: 'keyCompromise' } });
      assert.deepEqual((revoked.json() as { changed: string[] }).changed.sort(), [...serials].sort());
      expectError(await call('POST', `/api/v1/persons/${body.nationalId}/resume`, { token: supervisor, body: {} }), 409, 'EID_INVALID_STATE');
      const events = (await call('GET', `/api/v1/persons/${body.nationalId}/events`, { token: registrar })).json() as {
        events: { action: string; officer: string }[];
      };
      assert.deepEqual(events.events.map((e) => e.action), ['register', 'issue', 'issue', 'suspend', 'revoke', 'revoke']);
      assert.ok(events.events.every((e) => e.officer.startsWith('officer-')));
    });
  });

  dbTest('401 without or with an unknown/disabled token, 403 for a registrar revoking: store unchanged', async (_t, db) => {
    await withApp(db.location, async ({ node, call, registrar }) => {
      const enrolled = (await call('POST', '/api/v1/enrolments', { token: registrar, body: await enrolBody() })).json() as {
        nationalId: string;
      };
      const disabled = await addOfficer(node.store, 'Gone Officer', 'supervisor', FIXED_NOW);
      await disableOfficer(node.store, disabled.id);
      const before = await snapshotStore(node.store);
      const body = await enrolBody('b', PERSON_B);
      expectError(await call('POST', '/api/v1/enrolments', { body }), 401, 'AUTH_TOKEN_MISSING');
      expectError(await call('POST', '/api/v1/enrolments', { body, token: 'tbo_unknown' }), 401, 'AUTH_TOKEN_INVALID');
      expectError(await call('POST', `/api/v1/persons/${enrolled.nationalId}/revoke`, { body: {}, token: disabled.token }), 401, 'AUTH_TOKEN_INVALID');
      expectError(await call('GET', `/api/v1/persons/${enrolled.nationalId}`), 401, 'AUTH_TOKEN_MISSING');
      for (const op of ['suspend', 'resume', 'revoke']) {
        const e = expectError(
          await call('POST', `/api/v1/persons/${enrolled.nationalId}/${op}`, { token: registrar, body: { reason: 'keyCompromise' } }),
          403,
          'AUTH_FORBIDDEN',
        );
        assert.match(e.message, /supervisor/);
      }
      const raw = await node.store.db.selectFrom('officer').select('token_hash').execute();
      assert.ok(raw.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash) && !r.token_hash.includes(registrar)));
      assert.equal(await snapshotStore(node.store), before);
    });
  });

  dbTest('input errors: 413, malformed JSON, schema violations, duplicate, bad reason, 404', async (_t, db) => {
    await withApp(db.location, async ({ node, call, registrar, supervisor }) => {
      await call('POST', '/api/v1/enrolments', { token: registrar, body: await enrolBody() });
      const before = await snapshotStore(node.store);
      const huge = { ...(await enrolBody('b', PERSON_B)), padding: 'x'.repeat(70 * 1024) };
      expectError(await call('POST', '/api/v1/enrolments', { token: registrar, body: huge }), 413, 'INPUT_TOO_LARGE');
      expectError(await call('POST', '/api/v1/enrolments', { token: registrar, raw: '{"person": {' }), 400, 'INPUT_MALFORMED');
      expectError(await call('POST', '/api/v1/persons', { token: registrar, raw: '' }), 400, 'INPUT_MALFORMED');
      expectError(
        await call('POST', '/api/v1/persons', { token: registrar, body: { ...PERSON_B, birthDate: '19/06/1961' } }),
        400,
        'INPUT_MALFORMED',
      );
      expectError(await call('POST', '/api/v1/persons', { token: registrar, body: { givenNames: 'Only' } }), 400, 'INPUT_MALFORMED');
      expectError(
        await call('POST', '/api/v1/persons', { token: registrar, body: { ...PERSON_B, birthDate: '2023-02-30' } }),
        400,
        'EID_INVALID_DATE',
      );
      expectError(await call('POST', '/api/v1/enrolments', { token: registrar, body: await enrolBody('b') }), 409, 'EID_PERSON_DUPLICATE');
      const enrolled = await node.store.db.selectFrom('person').select('national_id').executeTakeFirstOrThrow();
      expectError(
        await call('POST', `/api/v1/persons/${enrolled.national_id}/revoke`, { token: supervisor, body: { reason: 'lost-it' } }),
        400,
        'EID_INVALID_REASON',
      );
      expectError(await call('GET', '/api/v1/persons/12345', { token: registrar }), 400, 'INPUT_MALFORMED');
      expectError(await call('GET', '/nowhere'), 404, 'HTTP_NOT_FOUND');
      expectError(await call('POST', '/api/v1/nowhere', { token: registrar, body: {} }), 404, 'HTTP_NOT_FOUND');
      assert.equal(await snapshotStore(node.store), before);
    });
  });

  dbTest('a request with an extra property is refused, not silently trimmed', async (_t, db) => {
    await withApp(db.location, async ({ node, call, registrar }) => {
      const before = await snapshotStore(node.store);
      // additionalProperties: false must reject; Fastify's default Ajv (removeAdditional: true) drops it instead.
      const res = await call('POST', '/api/v1/persons', { token: registrar, body: { ...PERSON_B, nickname: 'Pepe' } });
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
          signer: { ...node.eidCa.signer, sign: () => Promise.reject(new KeyStoreError('KEY_STORE_UNAVAILABLE', secret)) },
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
      assert.equal((await call('POST', `/api/v1/persons/${id}/certificates`, { token: registrar, body: { csrs: await pem() } })).statusCode, 201);
      expectError(await call('POST', `/api/v1/persons/${id}/certificates`, { token: registrar, body: { csrs: await pem() } }), 409, 'EID_INVALID_STATE');
      assert.equal((await call('POST', `/api/v1/persons/${id}/renewal`, { token: registrar, body: { csrs: await pem() } })).statusCode, 201);
      const certs = (await call('GET', `/api/v1/persons/${id}`, { token: registrar })).json() as {
        certificates: { status: string; revocation_reason: string | null }[];
      };
      assert.deepEqual(
        certs.certificates.map((c) => [c.status, c.revocation_reason]).sort(),
        [
          ['good', null],
          ['good', null],
          ['revoked', 'superseded'],
          ['revoked', 'superseded'],
        ],
      );
    });
  });
});
