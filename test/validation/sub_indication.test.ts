import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PATH_VALIDATION_ERRORS, subIndicationFor } from '../../src/validation/index.js';
import type { PathValidationCode } from '../../src/validation/index.js';

test('every path code maps to an ETSI EN 319 102-1 INDETERMINATE sub-indication', () => {
  const expected: Record<PathValidationCode, string> = {
    PATH_NO_CHAIN_FOUND: 'NO_CERTIFICATE_CHAIN_FOUND',
    PATH_SIGNATURE_INVALID: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    PATH_ALGORITHM_UNSUPPORTED: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    PATH_EXPIRED: 'OUT_OF_BOUNDS_NO_POE',
    PATH_NOT_YET_VALID: 'OUT_OF_BOUNDS_NO_POE',
    PATH_NOT_A_CA: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    PATH_LENGTH_EXCEEDED: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    PATH_NAME_CONSTRAINTS: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    PATH_POLICY: 'CHAIN_CONSTRAINTS_FAILURE',
    PATH_UNKNOWN_CRITICAL_EXTENSION: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    PATH_KEY_USAGE: 'CHAIN_CONSTRAINTS_FAILURE',
    PATH_EKU: 'CHAIN_CONSTRAINTS_FAILURE',
    PATH_REVOKED: 'REVOKED_NO_POE',
    PATH_CA_REVOKED: 'REVOKED_CA_NO_POE',
    PATH_REVOCATION_UNKNOWN: 'TRY_LATER',
    PATH_PROFILE_VIOLATION: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    PATH_PEER_NAME_MISMATCH: 'CHAIN_CONSTRAINTS_FAILURE',
    PATH_MALFORMED: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  };
  assert.deepEqual(Object.keys(expected).sort(), Object.keys(PATH_VALIDATION_ERRORS).sort());
  for (const [code, sub] of Object.entries(expected)) {
    assert.deepEqual(subIndicationFor(code as PathValidationCode), {
      indication: 'INDETERMINATE',
      subIndication: sub,
    });
  }
});
