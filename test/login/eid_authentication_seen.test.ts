/**
 * eID login records the presented authentication certificate as seen (for `log monitor`),
 * once it chains to the node's root, by the CA that issued it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SeenCertificates, readSeenCertificates } from '../../src/ledger/seen_certificates.js';
import { authenticateCertificate } from '../../src/login/eid_authentication.js';
import type { EidVerifier } from '../../src/login/eid_authentication.js';
import { currentCrl } from '../../src/eid/crl_publisher.js';
import { eidContextOf } from '../../src/node/eid_context.js';
import { ocspServiceOf } from '../../src/node/ocsp_service.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { PERSON_A, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { enrolCitizen } from './fixtures.js';

let node: TestNode;
let v: EidVerifier;

before(async () => {
  node = await makeTestNode();
  const ocsp = ocspServiceOf(node);
  v = {
    country: 'PH',
    anchors: [node.root.certificate.der],
    pool: [node.eidCa.certificate.der],
    fetcher: {
      ocsp: async (_url, req) => (await ocsp.respond(req)).der,
      crl: (url) =>
        currentCrl(
          eidContextOf(node),
          url.endsWith('root.crl') ? 'root' : 'eid-ca',
          url.endsWith('root.crl') ? node.root : node.eidCa,
        ),
    },
    store: node.store,
    clock: node.clock,
    seen: new SeenCertificates(node.store.db, node.clock),
  };
});
after(() => node?.close());

test('a login records the authentication certificate, counted per login', async () => {
  const { wallet } = await enrolCitizen(node, 'a', PERSON_A);
  const der = wallet.keys.authentication.certificate!;
  await authenticateCertificate(v, der);
  await authenticateCertificate(v, der);
  const rows = await readSeenCertificates(node.store.db);
  assert.deepEqual(
    rows.map((r) => [r.source, r.sha256, r.serial, r.issuerCa, r.count]),
    [['login', createHash('sha256').update(der).digest('hex'), parseCertificate(der).serial, 'eid-ca', 2]],
  );
  assert.equal(v.seen?.failures, 0);
});
