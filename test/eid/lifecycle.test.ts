import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enrolPerson } from '../../src/eid/issuance.js';
import type { IssuanceResult } from '../../src/eid/issuance.js';
import { parseRevocationReason, renew, resume, revoke, suspend } from '../../src/eid/lifecycle.js';
import { latestCrl } from '../../src/eid/crl_publisher.js';
import { rejectsCode, rejectsUnchanged, throwsCode } from '../fixtures/assert.js';
import { forEachEngine } from '../fixtures/engines.js';
import {
  FIXED_NOW,
  PERSON_A,
  UNKNOWN_NATIONAL_ID,
  csrPair,
  freshCsrPair,
  makeTestNode,
  testClock,
} from '../fixtures/node.js';
import type { TestClock, TestNode } from '../fixtures/node.js';
import { opensslCrlText, opensslVerifiesCrl, parseCrl } from '../fixtures/pki.js';
import type { ParsedCrl } from '../fixtures/pki.js';

const SUPERVISOR = 'officer-supervisor-1';
const HOUR = 3600_000;

interface Ctx {
  node: TestNode;
  clock: TestClock;
  enrolled: IssuanceResult;
  serials: [string, string];
}

async function withEnrolled(location: string, fn: (c: Ctx) => Promise<void>): Promise<void> {
  const clock = testClock();
  const node = await makeTestNode({ db: location, clock });
  try {
    const enrolled = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), 'officer-registrar-1');
    const serials: [string, string] = [
      enrolled.certificates.authentication.serial,
      enrolled.certificates.signature.serial,
    ];
    clock.advance(HOUR);
    await fn({ node, clock, enrolled, serials });
  } finally {
    await node.close();
  }
}

async function eidCrl(node: TestNode): Promise<ParsedCrl & { der: Buffer }> {
  const latest = await latestCrl(node.store, 'eid-ca');
  assert.ok(latest, 'the eID CA has a CRL');
  const parsed = parseCrl(latest.der);
  assert.equal(parsed.crlNumber, latest.crlNumber);
  assert.ok(opensslVerifiesCrl(latest.der, node.eidCa.certificate.der), 'openssl verifies the CRL signature');
  return { ...parsed, der: latest.der };
}

async function statuses(node: TestNode, serials: string[]): Promise<Record<string, unknown>[]> {
  return node.store.db
    .selectFrom('certificate')
    .select(['serial', 'status', 'status_changed_at', 'revocation_reason', 'replaced_by'])
    .where('serial', 'in', serials)
    .orderBy('serial')
    .execute();
}

test('parseRevocationReason accepts officer reasons only → EID_INVALID_REASON', () => {
  assert.equal(parseRevocationReason(undefined), 'unspecified');
  for (const r of [
    'keyCompromise',
    'affiliationChanged',
    'superseded',
    'cessationOfOperation',
    'privilegeWithdrawn',
  ]) {
    assert.equal(parseRevocationReason(r), r);
  }
  for (const r of [
    'certificateHold',
    'removeFromCRL',
    'stolen',
    'KEYCOMPROMISE',
    '',
    'toString',
    '__proto__',
  ]) {
    throwsCode(() => parseRevocationReason(r), 'EID_INVALID_REASON');
  }
});

forEachEngine('lifecycle', (dbTest) => {
  dbTest(
    'suspend → suspended, next CRL lists both with certificateHold; resume → good and off the CRL',
    async (_t, db) => {
      await withEnrolled(db.location, async ({ node, clock, enrolled, serials }) => {
        const before = await eidCrl(node);
        assert.equal(before.crlNumber, 1);
        assert.deepEqual(before.entries, []);
        const at = clock().toISOString();
        const s = await suspend(node.eid, { nationalId: enrolled.person.nationalId }, SUPERVISOR);
        assert.deepEqual([...s.changed].sort(), [...serials].sort());
        assert.equal(s.status, 'suspended');
        for (const row of await statuses(node, serials)) {
          assert.deepEqual(
            { ...row, serial: '' },
            {
              serial: '',
              status: 'suspended',
              status_changed_at: at,
              revocation_reason: 'certificateHold',
              replaced_by: null,
            },
          );
        }
        const held = await eidCrl(node);
        assert.equal(held.crlNumber, 2);
        assert.deepEqual(
          held.entries.map((e) => [e.serial, e.reason, e.revokedAt.toISOString()]).sort(),
          serials.map((x) => [x, 'certificateHold', at]).sort(),
        );
        const text = opensslCrlText(held.der);
        assert.match(text, /Certificate Hold/);
        for (const x of serials) assert.match(text.toLowerCase(), new RegExp(`serial number: ${x}`));

        clock.advance(HOUR);
        const r = await resume(node.eid, { serial: serials[1] }, SUPERVISOR);
        assert.deepEqual(r, { changed: [serials[1]], status: 'good' });
        const resumed = await eidCrl(node);
        assert.equal(resumed.crlNumber, 3);
        assert.deepEqual(
          resumed.entries.map((e) => e.serial),
          [serials[0]],
        );
        const [row] = await statuses(node, [serials[1]]);
        assert.equal(row!['status'], 'good');
        assert.equal(row!['revocation_reason'], null);
        const events = await node.store.db
          .selectFrom('event')
          .select(['action', 'officer', 'serial', 'detail', 'at'])
          .where('action', 'in', ['suspend', 'resume'])
          .orderBy('id')
          .execute();
        assert.deepEqual(
          events.map((e) => [e.action, e.officer, e.detail]),
          [
            ['suspend', SUPERVISOR, '{"reason":"certificateHold"}'],
            ['suspend', SUPERVISOR, '{"reason":"certificateHold"}'],
            ['resume', SUPERVISOR, '{}'],
          ],
        );
      });
    },
  );

  dbTest(
    'revoke by serial with keyCompromise: only that certificate, listed with its reason',
    async (_t, db) => {
      await withEnrolled(db.location, async ({ node, clock, serials }) => {
        const r = await revoke(node.eid, { serial: serials[0] }, 'keyCompromise', SUPERVISOR);
        assert.deepEqual(r, { changed: [serials[0]], status: 'revoked' });
        const crl = await eidCrl(node);
        assert.deepEqual(crl.entries, [{ serial: serials[0], revokedAt: clock(), reason: 'keyCompromise' }]);
        assert.match(opensslCrlText(crl.der), /Key Compromise/);
        const rows = await statuses(node, serials);
        assert.deepEqual(
          rows.map((x) => [x['serial'], x['status'], x['revocation_reason']]).sort(),
          [
            [serials[0], 'revoked', 'keyCompromise'],
            [serials[1], 'good', null],
          ].sort(),
        );
        // A revoked certificate cannot be resumed or suspended; 'unspecified' carries no reason code.
        await rejectsUnchanged(
          node.store,
          () => resume(node.eid, { serial: serials[0] }, SUPERVISOR),
          'EID_INVALID_STATE',
        );
        await rejectsUnchanged(
          node.store,
          () => suspend(node.eid, { serial: serials[0] }, SUPERVISOR),
          'EID_INVALID_STATE',
        );
        await revoke(node.eid, { serial: serials[1] }, 'unspecified', SUPERVISOR);
        const last = await eidCrl(node);
        const entry = last.entries.find((e) => e.serial === serials[1]);
        assert.ok(entry, 'the second certificate is listed');
        assert.equal(entry.reason, undefined, 'unspecified carries no reason code');
      });
    },
  );

  dbTest('invalid lifecycle requests → codes, store unchanged', async (_t, db) => {
    await withEnrolled(db.location, async ({ node, enrolled, serials }) => {
      const id = enrolled.person.nationalId;
      await rejectsUnchanged(
        node.store,
        () => resume(node.eid, { nationalId: id }, SUPERVISOR),
        'EID_INVALID_STATE',
        /suspended/,
      );
      await rejectsUnchanged(
        node.store,
        () => resume(node.eid, { serial: serials[0] }, SUPERVISOR),
        'EID_INVALID_STATE',
      );
      await rejectsUnchanged(
        node.store,
        () => suspend(node.eid, { serial: 'abc123' }, SUPERVISOR),
        'EID_CERT_NOT_FOUND',
      );
      await rejectsUnchanged(
        node.store,
        () => suspend(node.eid, { serial: 'XYZ' }, SUPERVISOR),
        'EID_CERT_NOT_FOUND',
      );
      await rejectsUnchanged(
        node.store,
        () => revoke(node.eid, { nationalId: '12345' }, 'keyCompromise', SUPERVISOR),
        'EID_INVALID_NATIONAL_ID',
      );
      await rejectsUnchanged(
        node.store,
        () => suspend(node.eid, { nationalId: UNKNOWN_NATIONAL_ID }, SUPERVISOR),
        'EID_PERSON_NOT_FOUND',
      );
      await rejectsCode(
        async () => revoke(node.eid, { nationalId: id }, parseRevocationReason('lost'), SUPERVISOR),
        'EID_INVALID_REASON',
      );
    });
  });

  dbTest('the eID CA operations cannot touch the OCSP responder certificate', async (_t, db) => {
    await withEnrolled(db.location, async ({ node }) => {
      // The responder certificate is issued by eid-ca too; revoking it by serial leaves the node
      // unable to start (openNode loads the current *good* ocsp certificate).
      const serial = node.ocsp.certificate.serial;
      await rejectsUnchanged(
        node.store,
        () => revoke(node.eid, { serial }, 'keyCompromise', SUPERVISOR),
        'EID_CERT_NOT_FOUND',
      );
      await rejectsUnchanged(
        node.store,
        () => suspend(node.eid, { serial }, SUPERVISOR),
        'EID_CERT_NOT_FOUND',
      );
    });
  });

  dbTest('renew: new certificates, old ones revoked as superseded with replaced_by', async (_t, db) => {
    await withEnrolled(db.location, async ({ node, clock, enrolled, serials }) => {
      const id = enrolled.person.nationalId;
      await suspend(node.eid, { serial: serials[1] }, SUPERVISOR);
      clock.advance(HOUR);
      const at = clock().toISOString();
      const r = await renew(node.eid, id, await csrPair('b'), 'officer-registrar-2');
      const fresh = [r.certificates.authentication.serial, r.certificates.signature.serial];
      const rows = await statuses(node, [...serials, ...fresh]);
      const bySerial = new Map(rows.map((x) => [x['serial'], x]));
      assert.deepEqual(bySerial.get(serials[0]), {
        serial: serials[0],
        status: 'revoked',
        status_changed_at: at,
        revocation_reason: 'superseded',
        replaced_by: fresh[0],
      });
      assert.equal(
        bySerial.get(serials[1])?.['revocation_reason'],
        'superseded',
        'a suspended one is superseded too',
      );
      assert.equal(bySerial.get(serials[1])?.['replaced_by'], fresh[1]);
      for (const s of fresh) assert.equal(bySerial.get(s)?.['status'], 'good');
      const crl = await eidCrl(node);
      assert.deepEqual(
        crl.entries.map((e) => [e.serial, e.reason]).sort(),
        serials.map((s) => [s, 'superseded']).sort(),
      );
      const renewEvent = await node.store.db
        .selectFrom('event')
        .select(['officer', 'at', 'detail'])
        .where('action', '=', 'renew')
        .executeTakeFirstOrThrow();
      assert.equal(renewEvent.officer, 'officer-registrar-2');
      assert.equal(renewEvent.at, at);
      assert.deepEqual(
        (JSON.parse(renewEvent.detail) as { superseded: string[] }).superseded.sort(),
        [...serials].sort(),
      );
    });
  });

  dbTest('renew with a key certified before → PKI_CSR_KEY_REUSED, store unchanged', async (_t, db) => {
    await withEnrolled(db.location, async ({ node, enrolled }) => {
      const id = enrolled.person.nationalId;
      const old = await csrPair('a');
      const fresh = await freshCsrPair();
      await rejectsUnchanged(node.store, () => renew(node.eid, id, old, 'o'), 'PKI_CSR_KEY_REUSED');
      await rejectsUnchanged(
        node.store,
        () => renew(node.eid, id, { ...fresh, signature: old.signature }, 'o'),
        'PKI_CSR_KEY_REUSED',
      );
      await rejectsUnchanged(
        node.store,
        () => renew(node.eid, id, { ...fresh, authentication: old.signature }, 'o'),
        'PKI_CSR_KEY_REUSED',
      );
      await renew(node.eid, id, await csrPair('b'), 'o');
      // Keys of the first renewal are now "before" too, even after their certificates were superseded.
      await rejectsUnchanged(
        node.store,
        async () => renew(node.eid, id, await csrPair('b'), 'o'),
        'PKI_CSR_KEY_REUSED',
      );
      await rejectsUnchanged(
        node.store,
        () => renew(node.eid, UNKNOWN_NATIONAL_ID, fresh, 'o'),
        'EID_PERSON_NOT_FOUND',
      );
      await rejectsUnchanged(
        node.store,
        () => renew(node.eid, '1234', fresh, 'o'),
        'EID_INVALID_NATIONAL_ID',
      );
    });
  });

  dbTest(
    'concurrent suspensions of one person: one changes, one is refused, CRL numbers stay unique',
    async (_t, db) => {
      await withEnrolled(db.location, async ({ node, enrolled }) => {
        const target = { nationalId: enrolled.person.nationalId };
        const results = await Promise.allSettled([
          suspend(node.eid, target, 'a'),
          suspend(node.eid, target, 'b'),
        ]);
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal((rejected?.reason as { code?: string }).code, 'EID_INVALID_STATE');
        const crls = await node.store.db
          .selectFrom('crl')
          .select('crl_number')
          .where('ca_id', '=', 'eid-ca')
          .execute();
        assert.deepEqual(crls.map((c) => Number(c.crl_number)).sort(), [1, 2]);
      });
    },
  );
});

test('FIXED_NOW is the time the test node and its first CRL start at', async () => {
  const node = await makeTestNode();
  try {
    const crl = parseCrl((await latestCrl(node.store, 'eid-ca'))!.der);
    assert.equal(crl.thisUpdate.toISOString(), FIXED_NOW.toISOString());
    assert.equal(crl.nextUpdate?.getTime(), FIXED_NOW.getTime() + 24 * HOUR);
  } finally {
    await node.close();
  }
});
