/**
 * eID authentication decisions on a test node: a good authentication certificate identifies the
 * citizen with the eIDAS claims; the signature certificate, an unknown certificate, another
 * country's eID, a revoked or suspended eID are refused. Also the cross-border claim mapping.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { revoke, suspend } from '../../src/eid/lifecycle.js';
import { accountClaims, claimsOf } from '../../src/login/claims.js';
import { authenticateCertificate, LOA } from '../../src/login/eid_authentication.js';
import type { EidVerifier } from '../../src/login/eid_authentication.js';
import { citizenFromClaims } from '../../src/login/proxy.js';
import { ocspServiceOf } from '../../src/node/ocsp_service.js';
import { currentCrl } from '../../src/eid/crl_publisher.js';
import { eidContextOf } from '../../src/node/eid_context.js';
import { rejectsCode, throwsCode } from '../fixtures/assert.js';
import { PERSON_A, PERSON_B, makeTestNode } from '../fixtures/node.js';
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
  };
});
after(() => node?.close());

test('a good authentication certificate identifies the citizen', async () => {
  const { wallet, nationalId } = await enrolCitizen(node, 'a', PERSON_A);
  const c = await authenticateCertificate(v, wallet.keys.authentication.certificate!);
  assert.deepEqual(
    [c.country, c.nationalId, c.givenName, c.familyName, c.birthDate, c.acr],
    ['PH', nationalId, 'Maria Clara', 'Santos', '1990-05-17', LOA.substantial],
  );
  assert.deepEqual(claimsOf(c, 'VN'), {
    sub: `PH/VN/${nationalId}`,
    given_name: 'Maria Clara',
    family_name: 'Santos',
    birthdate: '1990-05-17',
    person_identifier: `PH/VN/${nationalId}`,
    issuing_country: 'PH',
  });
  assert.equal(
    (await accountClaims(node.store, 'PH', `PH/PH/${nationalId}`, 'BE'))?.person_identifier,
    `PH/BE/${nationalId}`,
  );
  assert.equal(await accountClaims(node.store, 'PH', 'junk', 'PH'), undefined);
  await rejectsCode(
    () => authenticateCertificate(v, wallet.keys.signature.certificate!),
    'LOGIN_CERTIFICATE_UNTRUSTED',
  );
  await rejectsCode(
    () => authenticateCertificate({ ...v, country: 'VN' }, wallet.keys.authentication.certificate!),
    'LOGIN_WRONG_COUNTRY',
  );
  await rejectsCode(
    () => authenticateCertificate(v, node.ocsp.certificate.der),
    'LOGIN_CERTIFICATE_UNTRUSTED',
  );
  await rejectsCode(() => authenticateCertificate(v, Buffer.from('junk')), 'LOGIN_CERTIFICATE_UNTRUSTED');
  await rejectsCode(
    () =>
      authenticateCertificate(
        { ...v, anchors: [node.tsa.certificate.der] },
        wallet.keys.authentication.certificate!,
      ),
    'LOGIN_CERTIFICATE_UNTRUSTED',
  );
});

test('suspended and revoked eIDs are refused', async () => {
  const { wallet, nationalId } = await enrolCitizen(node, 'b', PERSON_B);
  await suspend(node.eid, { nationalId }, 'officer');
  await rejectsCode(
    () => authenticateCertificate(v, wallet.keys.authentication.certificate!),
    'LOGIN_EID_SUSPENDED',
  );
  await revoke(node.eid, { nationalId }, 'keyCompromise', 'officer');
  await rejectsCode(
    () => authenticateCertificate(v, wallet.keys.authentication.certificate!),
    'LOGIN_EID_REVOKED',
    /keyCompromise/,
  );
});

test('the proxy maps a home node ID token only for the right countries and with a level of assurance', () => {
  const claims = {
    sub: 'PH/PH/123456789012',
    person_identifier: 'PH/VN/123456789012',
    issuing_country: 'PH',
    given_name: 'Maria Clara',
    family_name: 'Santos',
    birthdate: '1990-05-17',
    acr: LOA.substantial,
    amr: ['pop', 'swk'],
  };
  const c = citizenFromClaims(claims, 'PH', 'VN');
  assert.deepEqual(
    [c.country, c.nationalId, c.acr, c.amr],
    ['PH', '123456789012', LOA.substantial, ['pop', 'swk']],
  );
  throwsCode(() => citizenFromClaims(claims, 'BE', 'VN'), 'LOGIN_UPSTREAM_TOKEN_INVALID');
  throwsCode(() => citizenFromClaims(claims, 'PH', 'BE'), 'LOGIN_UPSTREAM_TOKEN_INVALID');
  throwsCode(
    () => citizenFromClaims({ ...claims, acr: 'urn:weak' }, 'PH', 'VN'),
    'LOGIN_UPSTREAM_TOKEN_INVALID',
  );
  throwsCode(
    () => citizenFromClaims({ ...claims, given_name: 7 }, 'PH', 'VN'),
    'LOGIN_UPSTREAM_TOKEN_INVALID',
  );
});
