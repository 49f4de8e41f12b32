import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  certificateTimeWindows,
  decodeCertificate,
  pathTimeWindow,
  validationSecond,
} from '../../../src/validation/index.js';
import { NOT_AFTER, NOT_BEFORE, issue, standardChain } from '../fixtures.js';

test('validationSecond rounds down to the second', () => {
  assert.deepEqual(validationSecond(new Date('2024-04-01T00:00:00.999Z')), new Date('2024-04-01T00:00:00Z'));
});

test('certificateTimeWindows and pathTimeWindow (the intersection)', async () => {
  const { root, ca } = await standardChain();
  const leaf = await issue({
    cn: 'short',
    key: 'citizen-b-sig',
    issuer: ca,
    notBefore: new Date('2026-02-01T00:00:00Z'),
    notAfter: new Date('2027-02-01T00:00:00Z'),
  });
  const path = [leaf, ca, root].map((c) => decodeCertificate(c.der));
  const windows = certificateTimeWindows(path);
  assert.deepEqual(
    windows.map((w) => [w.certificateIndex, w.subject]),
    [
      [0, 'CN=short'],
      [1, 'CN=Test Issuing CA'],
      [2, 'CN=Test Root'],
    ],
  );
  assert.deepEqual(windows[2]!.notBefore, NOT_BEFORE);
  assert.deepEqual(pathTimeWindow(path), {
    notBefore: new Date('2026-02-01T00:00:00Z'),
    notAfter: new Date('2027-02-01T00:00:00Z'),
  });
  const disjoint = await issue({
    cn: 'late',
    key: 'citizen-c-sig',
    issuer: ca,
    notBefore: new Date('2031-06-01T00:00:00Z'),
    notAfter: new Date('2032-01-01T00:00:00Z'),
  });
  assert.equal(pathTimeWindow([decodeCertificate(disjoint.der), path[1]!]), undefined);
  assert.equal(pathTimeWindow([]), undefined);
  assert.deepEqual(NOT_AFTER, new Date('2031-01-01T00:00:00Z'));
});
