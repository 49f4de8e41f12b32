import assert from 'node:assert/strict';
import { enrolPerson } from '../../src/eid/issuance.js';
import { suspend } from '../../src/eid/lifecycle.js';
import { getPersonWithCertificates } from '../../src/eid/register.js';
import { countRows, listPersonEvents } from '../../src/eid/register_store/index.js';
import { rejectsCode } from '../fixtures/assert.js';
import { forEachEngine } from '../fixtures/engines.js';
import { FIXED_NOW, PERSON_A, UNKNOWN_NATIONAL_ID, csrPair, makeTestNode } from '../fixtures/node.js';

const OFFICER = 'officer-registrar-1';

forEachEngine('register store', (dbTest) => {
  dbTest('a person with certificates in issuance order, and their audit trail', async (_t, db) => {
    const node = await makeTestNode({ db: db.location });
    try {
      const r = await enrolPerson(node.eid, PERSON_A, await csrPair('c'), OFFICER);
      const id = r.person.nationalId;
      await suspend(node.eid, { serial: r.certificates.signature.serial }, 'officer-supervisor-1');
      const { person, certificates } = await getPersonWithCertificates(node.store, id);
      assert.deepEqual(person, r.person);
      assert.deepEqual(certificates.map((c) => [c.usage, c.status, c.revocation_reason]).sort(), [
        ['authentication', 'good', null],
        ['signature', 'suspended', 'certificateHold'],
      ]);
      const events = await listPersonEvents(node.store, id);
      assert.deepEqual(
        events.map((e) => e.action),
        ['register', 'issue', 'issue', 'suspend'],
      );
      assert.deepEqual(events[3]!.detail, { reason: 'certificateHold' });
      assert.equal(events[0]!.at, FIXED_NOW.toISOString());
      assert.equal(await countRows(node.store, 'person'), 1);
      assert.equal(await countRows(node.store, 'certificate'), 6, 'four node certificates and two eID');
      await rejectsCode(
        () => getPersonWithCertificates(node.store, UNKNOWN_NATIONAL_ID),
        'EID_PERSON_NOT_FOUND',
      );
    } finally {
      await node.close();
    }
  });
});
