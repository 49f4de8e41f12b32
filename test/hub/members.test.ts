/**
 * Membership changes: add, suspend, resume, remove, re-add; history appended, never backwards in
 * time; refused transitions are HUB_MEMBER_* errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HubState } from '../../src/hub/config.js';
import { HubError } from '../../src/hub/errors.js';
import { addMember, changeMemberStatus, memberStatus } from '../../src/hub/members.js';
import { FIXED_NOW } from '../fixtures/node.js';

const EMPTY: HubState = { version: 1, sequenceNumber: 0, members: [] };
const PH = { country: 'PH', trustListUrl: 'http://ph.example/trustlist.xml', signers: ['AAAA'] };
const t = (s: number): Date => new Date(FIXED_NOW.getTime() + s * 1000);

function hubError(code: string) {
  return (e: unknown): boolean => e instanceof HubError && e.code === code;
}

test('a member lives through add, suspend, resume, remove and re-add with its whole history', () => {
  let s = addMember(EMPTY, PH, t(0));
  s = addMember(s, { ...PH, country: 'BE' }, t(0));
  assert.deepEqual(
    s.members.map((m) => m.country),
    ['BE', 'PH'],
  );
  s = changeMemberStatus(s, 'PH', 'suspended', t(10));
  s = changeMemberStatus(s, 'PH', 'active', t(20));
  s = changeMemberStatus(s, 'PH', 'removed', t(30));
  s = addMember(s, { ...PH, trustListUrl: 'http://ph2.example/trustlist.xml' }, t(40));
  const ph = s.members.find((m) => m.country === 'PH')!;
  assert.equal(ph.trustListUrl, 'http://ph2.example/trustlist.xml');
  assert.deepEqual(
    ph.history.map((h) => `${h.status}@${h.at.slice(17)}`),
    ['active@00Z', 'suspended@10Z', 'active@20Z', 'removed@30Z', 'active@40Z'],
  );
  assert.equal(memberStatus(ph), 'active');
  // A clock that goes back never makes the history go back.
  s = changeMemberStatus(s, 'PH', 'suspended', t(-100));
  assert.equal(s.members.find((m) => m.country === 'PH')!.history.at(-1)!.at, '2026-03-02T09:30:40Z');
});

test('refused transitions', () => {
  const s = addMember(EMPTY, PH, t(0));
  assert.throws(() => addMember(s, PH, t(1)), hubError('HUB_MEMBER_EXISTS'));
  assert.throws(() => changeMemberStatus(s, 'VN', 'suspended', t(1)), hubError('HUB_MEMBER_UNKNOWN'));
  assert.throws(() => changeMemberStatus(s, 'PH', 'active', t(1)), hubError('HUB_MEMBER_STATE'));
  const suspended = changeMemberStatus(s, 'PH', 'suspended', t(1));
  assert.throws(() => changeMemberStatus(suspended, 'PH', 'suspended', t(2)), hubError('HUB_MEMBER_STATE'));
  assert.throws(() => addMember(suspended, PH, t(2)), hubError('HUB_MEMBER_EXISTS'));
  const removed = changeMemberStatus(suspended, 'PH', 'removed', t(2));
  assert.throws(() => changeMemberStatus(removed, 'PH', 'removed', t(3)), hubError('HUB_MEMBER_STATE'));
  assert.throws(() => changeMemberStatus(removed, 'PH', 'suspended', t(3)), hubError('HUB_MEMBER_STATE'));
});
