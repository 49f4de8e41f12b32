import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enrolPerson } from '../../src/eid/issuance.js';
import { revoke } from '../../src/eid/lifecycle.js';
import { ocspServiceOf } from '../../src/node/ocsp_service.js';
import { openStore } from '../../src/store/database.js';
import { PERSON_A, csrPair, makeTestNode, testClock } from '../fixtures/node.js';
import { certId, ocspRequest } from '../fixtures/ocsp.js';
import { PG_SKIP, pgCleanup, pgTestUrl } from '../fixtures/pg.js';

test('PostgreSQL: a revocation committed by another process reaches a running responder by NOTIFY', async (t) => {
  const url = await pgTestUrl();
  if (!url) return t.skip(PG_SKIP);
  const node = await makeTestNode({ db: url, clock: testClock() });
  const other = await openStore(url); // stands for the CLI process beside the server
  const ocsp = ocspServiceOf(node);
  try {
    const enrolled = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), 'officer-1');
    const serial = enrolled.certificates.authentication.serial;
    const req = ocspRequest([certId(node.eidCa.certificate, serial)]);
    await ocsp.start();
    assert.equal((await ocsp.respond(req)).result, 'good');
    const again = await ocsp.respond(req);
    assert.deepEqual([again.result, again.cached], ['good', true], 'answered from memory');

    // A change written without a notification is not seen: the status really is served from memory.
    await other.db
      .updateTable('certificate')
      .set({ status_changed_at: '2026-03-02T09:30:00.000Z' })
      .where('serial', '=', serial)
      .execute();
    await other.db
      .updateTable('certificate')
      .set({ status: 'suspended', revocation_reason: 'certificateHold' })
      .where('serial', '=', serial)
      .execute();
    assert.equal((await ocsp.respond(req)).result, 'good', 'no notification, no re-read');
    await other.db
      .updateTable('certificate')
      .set({ status: 'good', revocation_reason: null, status_changed_at: null })
      .where('serial', '=', serial)
      .execute();

    await revoke({ ...node.eid, store: other }, { serial }, 'keyCompromise', 'supervisor');
    let result = '';
    for (let i = 0; i < 100 && result !== 'revoked'; i++) {
      result = (await ocsp.respond(req)).result;
      if (result !== 'revoked') await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(result, 'revoked', 'the responder saw the other process revoke within 2 s');
  } finally {
    await ocsp.stop();
    await other.close();
    await node.close();
    await pgCleanup(url);
  }
});
