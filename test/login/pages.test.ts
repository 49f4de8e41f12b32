/**
 * The consent page lists exactly the claims the request's scopes release: no person identifier
 * without the `eidas` scope, no name without `profile`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimsOf, releasedClaims } from '../../src/login/claims.js';
import { consentPage } from '../../src/login/pages.js';

const CITIZEN = {
  country: 'PH',
  nationalId: '351993079659',
  givenName: 'Maria Clara',
  familyName: 'Santos',
  birthDate: '1990-05-17',
};

function listed(scope: string): string[] {
  const page = consentPage({
    uid: 'u1',
    csrf: 'c1',
    clientName: 'VN tax portal',
    claims: releasedClaims(claimsOf(CITIZEN, 'VN'), scope),
  });
  return [...page.body.matchAll(/data-claim="([^"]+)"/g)].map((m) => m[1]!);
}

test('the consent page lists only what the scopes release', () => {
  assert.deepEqual(listed('openid'), []);
  assert.deepEqual(listed('openid profile'), ['given_name', 'family_name', 'birthdate']);
  assert.deepEqual(listed('openid profile eidas'), [
    'given_name',
    'family_name',
    'birthdate',
    'person_identifier',
    'issuing_country',
  ]);
  assert.deepEqual(listed('openid eidas unknown-scope'), ['person_identifier', 'issuing_country']);
});

test('releasedClaims keeps sub and the requested scopes claims, with their values', () => {
  const claims = releasedClaims(claimsOf(CITIZEN, 'VN'), 'openid eidas');
  assert.deepEqual(claims, {
    sub: 'PH/VN/351993079659',
    person_identifier: 'PH/VN/351993079659',
    issuing_country: 'PH',
  });
});
