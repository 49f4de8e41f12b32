import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { certRootOf } from '../../../src/cert/collections.js';
import { addPartner } from '../../../src/cert/partners.js';
import { decodeEntry } from '../../../src/ledger/entry.js';
import { readQueuedEntries } from '../../../src/ledger/outbox.js';
import { forEachEngine } from '../../fixtures/engines.js';
import { enrolBody, expectError, withApp } from '../../fixtures/http.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import type { TestNode } from '../../fixtures/node.js';
import { certId, decodeOcsp, ocspRequest } from '../../fixtures/ocsp.js';
import { snapshotStore } from '../../fixtures/store_snapshot.js';
import { indicator } from '../../cert/fixtures.js';

const TAXII = 'application/taxii+json;version=2.1';

interface Alert {
  id: string;
  status: string;
  kind: string;
  matchedOn: string;
  stixObject: { id: string };
  source: { partnerId: string; name: string; country: string } | null;
  certificate: { serial: string; usage: string; nationalId: string | null };
  officer: string | null;
  note: string | null;
  outcome: Record<string, unknown> | null;
}

function x509(props: Record<string, unknown>): Record<string, unknown> {
  return { type: 'x509-certificate', spec_version: '2.1', id: `x509-certificate--${randomUUID()}`, ...props };
}

/** A partner CERT (VN) and a way for it to POST to this node's TAXII collection. */
async function partnerPoster(
  node: TestNode,
  app: FastifyInstance,
): Promise<(objects: unknown[]) => Promise<Record<string, unknown>>> {
  const p = await addPartner(
    node.store,
    certRootOf(node.config.country, node.config.name),
    { name: 'VN CERT', country: 'VN', tlpMax: 'amber' },
    FIXED_NOW,
  );
  return async (objects) => {
    const res = await app.inject({
      method: 'POST',
      url: `/taxii2/${node.config.country.toLowerCase()}/collections/indicators/objects/`,
      headers: {
        authorization: `Basic ${Buffer.from(`${p.username}:${p.password}`).toString('base64')}`,
        accept: TAXII,
        'content-type': TAXII,
      },
      payload: JSON.stringify({ objects }),
    });
    assert.equal(res.statusCode, 202, res.body);
    return res.json() as Record<string, unknown>;
  };
}

forEachEngine('CERT alerts in the officer API', (dbTest) => {
  dbTest(
    'a partner names a citizen certificate: alert open, acknowledged, acted (suspended, OCSP hold, logged)',
    async (_t, db) => {
      await withApp(db.location, async ({ node, app, call, registrar, supervisor }) => {
        const enrolled = (
          await call('POST', '/api/v1/enrolments', { token: registrar, body: await enrolBody() })
        ).json() as { nationalId: string };
        const cert = await node.store.db
          .selectFrom('certificate')
          .select(['serial', 'cert_der'])
          .where('national_id', '=', enrolled.nationalId)
          .where('usage', '=', 'authentication')
          .executeTakeFirstOrThrow();
        const sha256 = createHash('sha256').update(cert.cert_der).digest('hex');
        const post = await partnerPoster(node, app);
        const named = x509({ serial_number: cert.serial, issuer: node.eidCa.certificate.subject });
        const byPattern = {
          ...indicator('amber'),
          pattern: `[x509-certificate:hashes.'SHA-256' = '${sha256}']`,
        };
        const toDismiss = {
          ...indicator('green'),
          pattern: `[x509-certificate:hashes.'SHA-256' = '${sha256}' OR x509-certificate:serial_number = '01']`,
        };
        const status = await post([named, byPattern, toDismiss, indicator('green')]);
        assert.equal(status['success_count'], 4);

        expectError(await call('GET', '/api/v1/alerts'), 401, 'AUTH_TOKEN_MISSING');
        const list = (await call('GET', '/api/v1/alerts?status=open', { token: registrar })).json() as {
          alerts: Alert[];
        };
        assert.equal(list.alerts.length, 3);
        const alertOf = (o: Record<string, unknown>) => list.alerts.find((a) => a.stixObject.id === o['id'])!;
        const first = alertOf(named);
        assert.equal(first.kind, 'eid-cert');
        assert.equal(first.matchedOn, 'serial+issuer');
        assert.deepEqual(first.source, {
          partnerId: first.source?.partnerId,
          name: 'VN CERT',
          country: 'VN',
        });
        assert.match(first.source?.partnerId ?? '', /.+/);
        assert.deepEqual(first.certificate, {
          serial: cert.serial,
          sha256,
          usage: 'authentication',
          nationalId: enrolled.nationalId,
        });
        expectError(
          await call('GET', '/api/v1/alerts?status=maybe', { token: registrar }),
          400,
          'INPUT_MALFORMED',
        );

        // A registrar sees, a supervisor decides; refusals change nothing.
        const before = await snapshotStore(node.store);
        for (const op of ['acknowledge', 'act', 'dismiss'])
          expectError(
            await call('POST', `/api/v1/alerts/${first.id}/${op}`, { token: registrar, body: { note: 'x' } }),
            403,
            'AUTH_FORBIDDEN',
          );
        expectError(
          await call('POST', `/api/v1/alerts/alert--${randomUUID()}/act`, { token: supervisor, body: {} }),
          404,
          'CERT_ALERT_NOT_FOUND',
        );
        expectError(
          await call('POST', '/api/v1/alerts/nonsense/act', { token: supervisor, body: {} }),
          400,
          'INPUT_MALFORMED',
        );
        expectError(
          await call('POST', `/api/v1/alerts/${alertOf(toDismiss).id}/dismiss`, {
            token: supervisor,
            body: {},
          }),
          400,
          'INPUT_MALFORMED',
        );
        assert.equal(await snapshotStore(node.store), before);

        const acked = await call('POST', `/api/v1/alerts/${first.id}/acknowledge`, {
          token: supervisor,
          body: {},
        });
        assert.equal(acked.statusCode, 200, acked.body);
        assert.equal((acked.json() as Alert).status, 'acknowledged');
        expectError(
          await call('POST', `/api/v1/alerts/${first.id}/acknowledge`, { token: supervisor, body: {} }),
          409,
          'CERT_ALERT_STATE',
        );

        const acted = await call('POST', `/api/v1/alerts/${first.id}/act`, {
          token: supervisor,
          body: { note: 'VN CERT reports the key stolen' },
        });
        assert.equal(acted.statusCode, 200, acted.body);
        const a = acted.json() as { alert: Alert; suspended: string[] };
        assert.deepEqual(a.suspended, [cert.serial]);
        assert.equal(a.alert.status, 'acted');
        assert.equal(a.alert.note, 'VN CERT reports the key stolen');
        assert.match(a.alert.officer ?? '', /^officer-/);
        assert.deepEqual(a.alert.outcome, { action: 'suspended', serials: [cert.serial] });

        // The certificate is on hold: in the store, at the OCSP responder, in the log's outbox.
        const row = await node.store.db
          .selectFrom('certificate')
          .select(['status', 'revocation_reason'])
          .where('serial', '=', cert.serial)
          .executeTakeFirstOrThrow();
        assert.deepEqual(row, { status: 'suspended', revocation_reason: 'certificateHold' });
        const ocsp = await app.inject({
          method: 'POST',
          url: '/ocsp',
          headers: { 'content-type': 'application/ocsp-request' },
          payload: ocspRequest([certId(node.eidCa.certificate, cert.serial)]),
        });
        const answer = decodeOcsp(ocsp.rawPayload).answers[0]!;
        assert.deepEqual([answer.status, answer.reason], ['revoked', 'certificateHold']);
        const entries = (await readQueuedEntries(node.store.db, 10_000)).map((q) => decodeEntry(q.entry));
        assert.ok(
          entries.some(
            (e) => e.type === 'eid-cert-suspended' && (e as { sha256?: string }).sha256 === sha256,
          ),
          'an eid-cert-suspended entry waits for the log sequencer',
        );
        // The alert is the recorded reason in the person's event trail.
        const events = (
          await call('GET', `/api/v1/persons/${enrolled.nationalId}/events`, { token: registrar })
        ).json() as { events: { action: string; serial: string; detail: Record<string, unknown> }[] };
        const suspension = events.events.find((e) => e.action === 'suspend')!;
        assert.equal(suspension.serial, cert.serial);
        assert.deepEqual(suspension.detail, {
          reason: 'certificateHold',
          alert: first.id,
          stixObject: named['id'],
          stixVersion: (acked.json() as { stixObject: { version: string } }).stixObject.version,
          sourcePartner: 'VN CERT',
          note: 'VN CERT reports the key stolen',
        });

        for (const op of ['act', 'acknowledge', 'dismiss'])
          expectError(
            await call('POST', `/api/v1/alerts/${first.id}/${op}`, {
              token: supervisor,
              body: { note: 'again' },
            }),
            409,
            'CERT_ALERT_ACTED',
          );
        // A second alert on the same, now suspended, certificate: acting records that nothing was left to do.
        const second = (
          await call('POST', `/api/v1/alerts/${alertOf(byPattern).id}/act`, { token: supervisor, body: {} })
        ).json() as { alert: Alert; suspended: string[] };
        assert.deepEqual(second.suspended, []);
        assert.deepEqual(second.alert.outcome, { action: 'none', certificateStatus: 'suspended' });
        const dismissed = await call('POST', `/api/v1/alerts/${alertOf(toDismiss).id}/dismiss`, {
          token: supervisor,
          body: { note: 'same report as the first' },
        });
        assert.equal((dismissed.json() as Alert).status, 'dismissed');
        expectError(
          await call('POST', `/api/v1/alerts/${alertOf(toDismiss).id}/act`, { token: supervisor, body: {} }),
          409,
          'CERT_ALERT_STATE',
        );
        const all = (await call('GET', '/api/v1/alerts?status=all', { token: registrar })).json() as {
          alerts: Alert[];
        };
        assert.deepEqual(all.alerts.map((x) => x.status).sort(), ['acted', 'acted', 'dismissed']);
        assert.deepEqual((await call('GET', '/api/v1/alerts', { token: registrar })).json(), all);
        assert.deepEqual((await call('GET', '/api/v1/alerts?status=open', { token: registrar })).json(), {
          alerts: [],
        });
      });
    },
  );

  dbTest(
    "a partner names the node's eID CA: acting proposes withdrawing its services, revokes nothing",
    async (_t, db) => {
      await withApp(db.location, async ({ node, app, call, supervisor }) => {
        const post = await partnerPoster(node, app);
        const caHash = createHash('sha256').update(node.eidCa.certificate.der).digest('hex');
        await post([{ ...indicator('green'), pattern: `[x509-certificate:hashes.'SHA-256' = '${caHash}']` }]);
        const { alerts } = (await call('GET', '/api/v1/alerts', { token: supervisor })).json() as {
          alerts: Alert[];
        };
        assert.equal(alerts.length, 1);
        assert.deepEqual([alerts[0]!.kind, alerts[0]!.certificate.usage], ['ca', 'eid-ca']);
        const statuses = () =>
          node.store.db.selectFrom('certificate').select(['serial', 'status']).orderBy('serial').execute();
        const before = await statuses();
        const crls = await node.store.db.selectFrom('crl').select('crl_number').execute();
        const res = await call('POST', `/api/v1/alerts/${alerts[0]!.id}/act`, {
          token: supervisor,
          body: {},
        });
        assert.equal(res.statusCode, 200, res.body);
        const r = res.json() as { alert: Alert; operatorAction: string };
        assert.equal(
          r.operatorAction,
          'trustbridge node trustlist withdraw --dir DIR --service eid-ca && trustbridge node trustlist withdraw --dir DIR --service ocsp',
        );
        assert.deepEqual(r.alert.outcome, {
          proposal: {
            action: 'withdraw-services',
            status: 'proposed',
            services: ['eid-ca', 'ocsp'],
            run: r.operatorAction,
          },
        });
        assert.deepEqual(await statuses(), before);
        assert.deepEqual(await node.store.db.selectFrom('crl').select('crl_number').execute(), crls);
      });
    },
  );

  dbTest('the OpenAPI document lists the alert routes behind the officer token', async (_t, db) => {
    await withApp(db.location, async ({ call }) => {
      const doc = (await call('GET', '/openapi.json')).json() as {
        paths: Record<string, Record<string, { security?: unknown; summary?: string }>>;
      };
      for (const [p, m] of [
        ['/api/v1/alerts', 'get'],
        ['/api/v1/alerts/{id}/acknowledge', 'post'],
        ['/api/v1/alerts/{id}/act', 'post'],
        ['/api/v1/alerts/{id}/dismiss', 'post'],
      ] as const) {
        const op = doc.paths[p]?.[m];
        assert.ok(op, `OpenAPI lists ${m} ${p}`);
        assert.deepEqual(op.security, [{ officerToken: [] }]);
        assert.equal(typeof op.summary, 'string');
      }
    });
  });
});
