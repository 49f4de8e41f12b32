import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { enrolPerson, issueCertificates, proveCsrPair } from '../../src/eid/issuance.js';
import { revoke } from '../../src/eid/lifecycle.js';
import { registerPerson } from '../../src/eid/register.js';
import { toPem } from '../../src/lib/pem.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { rejectsCode, rejectsUnchanged, throwsCode } from '../fixtures/assert.js';
import { forEachEngine } from '../fixtures/engines.js';
import { fixedKey, spkiOf } from '../fixtures/keys.js';
import {
  FIXED_NOW,
  PERSON_A,
  PERSON_B,
  csrFor,
  csrPair,
  freshCsrPair,
  makeTestNode,
} from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { rowCounts } from '../fixtures/store_snapshot.js';

const OFFICER = 'officer-registrar-1';

async function withNode(location: string, fn: (node: TestNode) => Promise<void>): Promise<void> {
  const node = await makeTestNode({ db: location });
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

/** A copy of `der` whose signature (the last octet of the ECDSA s value) is changed. */
function forge(der: Buffer): Buffer {
  const out = Buffer.from(der);
  out[out.length - 1]! ^= 0x55;
  return out;
}

test('proveCsrPair accepts DER and PEM and checks the two keys differ', async () => {
  const pair = await csrPair('a');
  const proven = proveCsrPair({
    authentication: toPem(pair.authentication, 'CERTIFICATE REQUEST'),
    signature: pair.signature,
  });
  assert.ok(proven.authentication.equals(spkiOf(fixedKey('citizen-a-auth'))));
  assert.ok(proven.signature.equals(spkiOf(fixedKey('citizen-a-sig'))));
  throwsCode(
    () => proveCsrPair({ authentication: pair.authentication, signature: pair.authentication }),
    'PKI_CSR_KEY_REUSED',
  );
});

forEachEngine('issuance', (dbTest) => {
  dbTest('enrolPerson registers the person and issues two certificates with events', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const pair = await csrPair('a');
      const r = await enrolPerson(node.eid, PERSON_A, pair, OFFICER);
      const id = r.person.nationalId;
      assert.equal(r.personId, `PH/PH/${id}`);
      assert.equal(r.person.createdBy, OFFICER);
      const ca = new X509Certificate(node.eidCa.certificate.der);
      for (const usage of ['authentication', 'signature'] as const) {
        const c = r.certificates[usage];
        assert.equal(c.usage, usage);
        const x = new X509Certificate(c.der);
        assert.ok(x.verify(ca.publicKey), `${usage} certificate is signed by the eID CA`);
        assert.ok(x.checkIssued(ca));
        const info = parseCertificate(c.der);
        assert.equal(info.serial, c.serial);
        assert.ok(
          info.spki.equals(spkiOf(fixedKey(usage === 'authentication' ? 'citizen-a-auth' : 'citizen-a-sig'))),
        );
        assert.equal(info.notBefore.toISOString(), FIXED_NOW.toISOString());
        assert.match(info.subject, new RegExp(`serialNumber=PNOPH-${id}`));
      }
      const certs = await node.store.db
        .selectFrom('certificate')
        .select(['serial', 'usage', 'status', 'issuer_ca', 'created_at'])
        .where('national_id', '=', id)
        .orderBy('usage')
        .execute();
      assert.deepEqual(certs, [
        {
          serial: r.certificates.authentication.serial,
          usage: 'authentication',
          status: 'good',
          issuer_ca: 'eid-ca',
          created_at: FIXED_NOW.toISOString(),
        },
        {
          serial: r.certificates.signature.serial,
          usage: 'signature',
          status: 'good',
          issuer_ca: 'eid-ca',
          created_at: FIXED_NOW.toISOString(),
        },
      ]);
      const events = await node.store.db
        .selectFrom('event')
        .select(['at', 'officer', 'action', 'serial', 'detail'])
        .where('national_id', '=', id)
        .orderBy('id')
        .execute();
      const at = FIXED_NOW.toISOString();
      assert.deepEqual(events, [
        { at, officer: OFFICER, action: 'register', serial: null, detail: '{}' },
        {
          at,
          officer: OFFICER,
          action: 'issue',
          serial: r.certificates.authentication.serial,
          detail: '{"usage":"authentication"}',
        },
        {
          at,
          officer: OFFICER,
          action: 'issue',
          serial: r.certificates.signature.serial,
          detail: '{"usage":"signature"}',
        },
      ]);
    });
  });

  dbTest('enrolling the same person twice → EID_PERSON_DUPLICATE, store unchanged', async (_t, db) => {
    await withNode(db.location, async (node) => {
      await enrolPerson(node.eid, PERSON_A, await csrPair('a'), OFFICER);
      const again = { ...PERSON_A, givenNames: 'MARIA  clara', familyName: 'Sántos' };
      await rejectsUnchanged(
        node.store,
        async () => enrolPerson(node.eid, again, await csrPair('b'), OFFICER),
        'EID_PERSON_DUPLICATE',
      );
    });
  });

  dbTest('bad CSRs and bad person data are refused before anything is stored', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const good = await csrPair('a');
      const p384 = await csrFor(fixedKey('citizen-p384'));
      const cases: [string, { authentication: Uint8Array | string; signature: Uint8Array | string }][] = [
        ['PKI_CSR_SIGNATURE_INVALID', { ...good, signature: forge(good.signature) }],
        ['PKI_CSR_SIGNATURE_INVALID', { ...good, authentication: forge(good.authentication) }],
        ['PKI_CSR_MALFORMED', { ...good, authentication: Buffer.from('this is not a CSR at all') }],
        ['PKI_CSR_MALFORMED', { ...good, signature: good.signature.subarray(0, 40) }],
        ['PKI_CSR_MALFORMED', { ...good, signature: toPem(good.signature, 'CERTIFICATE') }],
        ['PKI_CSR_ALGORITHM_UNSUPPORTED', { ...good, signature: p384 }],
        ['PKI_CSR_KEY_REUSED', { authentication: good.signature, signature: good.signature }],
      ];
      for (const [code, csrs] of cases) {
        await rejectsUnchanged(node.store, () => enrolPerson(node.eid, PERSON_A, csrs, OFFICER), code);
      }
      const people: [Partial<typeof PERSON_A>, string][] = [
        [{ birthDate: '2023-02-30' }, 'EID_INVALID_DATE'],
        [{ birthDate: '2027-01-01' }, 'EID_INVALID_DATE'],
        [{ birthDate: '1899-01-01' }, 'EID_INVALID_DATE'],
        [{ familyName: '' }, 'EID_INVALID_NAME'],
        [{ sex: 'male' }, 'EID_INVALID_SEX'],
      ];
      for (const [patch, code] of people) {
        await rejectsUnchanged(
          node.store,
          () => enrolPerson(node.eid, { ...PERSON_A, ...patch }, good, OFFICER),
          code,
        );
      }
      assert.equal((await rowCounts(node.store)).person, 0);
    });
  });

  dbTest('issueCertificates issues to a registered person with no certificate in force', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const p = await registerPerson(node.eid, PERSON_B, OFFICER);
      const r = await issueCertificates(node.eid, p.nationalId, await csrPair('b'), 'officer-2');
      assert.equal(r.person.nationalId, p.nationalId);
      assert.equal(r.personId, `PH/PH/${p.nationalId}`);
      const rows = await node.store.db
        .selectFrom('certificate')
        .select(['serial', 'status'])
        .where('national_id', '=', p.nationalId)
        .execute();
      assert.deepEqual(
        rows.map((x) => x.serial).sort(),
        [r.certificates.authentication.serial, r.certificates.signature.serial].sort(),
      );
      const issued = await node.store.db
        .selectFrom('event')
        .select(['officer', 'action'])
        .where('national_id', '=', p.nationalId)
        .where('action', '=', 'issue')
        .execute();
      assert.deepEqual(issued, [
        { officer: 'officer-2', action: 'issue' },
        { officer: 'officer-2', action: 'issue' },
      ]);
    });
  });

  dbTest(
    'issueCertificates with certificates in force → EID_INVALID_STATE, store unchanged',
    async (_t, db) => {
      await withNode(db.location, async (node) => {
        const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), OFFICER);
        await rejectsUnchanged(
          node.store,
          async () => issueCertificates(node.eid, r.person.nationalId, await csrPair('b'), OFFICER),
          'EID_INVALID_STATE',
          /renew instead/,
        );
        await rejectsCode(
          async () => issueCertificates(node.eid, '12345', await csrPair('b'), OFFICER),
          'EID_INVALID_NATIONAL_ID',
        );
        // After a revocation nothing is in force: new keys are issued again.
        await revoke(node.eid, { nationalId: r.person.nationalId }, 'affiliationChanged', 'supervisor-1');
        const again = await issueCertificates(node.eid, r.person.nationalId, await freshCsrPair(), OFFICER);
        assert.notEqual(again.certificates.signature.serial, r.certificates.signature.serial);
      });
    },
  );

  dbTest('issueCertificates refuses a key certified before (revoked for keyCompromise)', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), OFFICER);
      await revoke(node.eid, { nationalId: r.person.nationalId }, 'keyCompromise', 'supervisor-1');
      // The compromised keys must never be certified again (renew refuses them; so must issue).
      await rejectsUnchanged(
        node.store,
        async () => issueCertificates(node.eid, r.person.nationalId, await csrPair('a'), OFFICER),
        'PKI_CSR_KEY_REUSED',
      );
    });
  });
});
