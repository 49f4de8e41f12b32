import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareDemographics,
  editDistance,
  screenEnrolment,
  transliterate,
} from '../../src/eid/demographic_match.js';
import type { MatchKind } from '../../src/eid/demographic_match.js';
import { normalisePerson } from '../../src/eid/person.js';
import type { PersonData, PersonInput } from '../../src/eid/person.js';
import { FIXED_NOW } from '../fixtures/node.js';

const MARIA: PersonInput = { givenNames: 'Maria Clara', familyName: 'Santos', birthDate: '1990-05-17' };

function data(p: Partial<PersonInput>): PersonData {
  return normalisePerson({ ...MARIA, ...p }, 'PH', FIXED_NOW);
}

function kind(a: Partial<PersonInput>, b: Partial<PersonInput>): MatchKind {
  return compareDemographics(data(a), data(b));
}

test('unknown place of birth or sex is unknown, not different (both ways round)', () => {
  const full = { placeOfBirth: 'Manila', sex: 'F' };
  assert.equal(kind({}, full), 'exact');
  assert.equal(kind(full, {}), 'exact');
  assert.equal(kind({ placeOfBirth: 'Manila' }, { sex: 'F' }), 'exact');
  assert.equal(kind({ sex: 'X', placeOfBirth: 'Manila' }, { sex: 'F', placeOfBirth: 'manila' }), 'exact');
});

test('a different known place of birth or sex is a different person', () => {
  assert.equal(kind({ placeOfBirth: 'Manila' }, { placeOfBirth: 'Cebu City' }), 'different');
  assert.equal(kind({ sex: 'F' }, { sex: 'M' }), 'different');
  assert.equal(kind({ birthDate: '1990-05-18' }, {}), 'different');
  // A near name does not outweigh a known place that disagrees.
  assert.equal(kind({ familyName: 'Santo', placeOfBirth: 'Manila' }, { placeOfBirth: 'Davao' }), 'different');
});

test('accents, case, spacing and punctuation of names do not make two people', () => {
  for (const v of [
    { givenNames: '  maria   CLARA ', familyName: 'SANTOS' },
    { givenNames: 'María Clara', familyName: 'Santós' },
    { givenNames: 'Maria-Clara', familyName: 'Santos.' },
  ]) {
    assert.equal(kind(v, { placeOfBirth: 'Manila', sex: 'F' }), 'exact', JSON.stringify(v));
  }
});

test('near matches: an edit or two, reordered or swapped names, transliterations', () => {
  const cases: [Partial<PersonInput>, Partial<PersonInput>][] = [
    [{ familyName: 'Santso' }, {}], // transposition: distance 1
    [{ familyName: 'Sanchos' }, {}], // two substitutions
    [{ givenNames: 'Mara Clare' }, {}],
    [{ givenNames: 'Clara Maria' }, {}],
    [{ givenNames: 'Santos', familyName: 'Maria Clara' }, {}],
    [{ givenNames: 'Clara', familyName: 'Santos Maria' }, {}],
    [
      { givenNames: 'Jürgen', familyName: 'Groß' },
      { givenNames: 'Jurgen', familyName: 'Gross' },
    ],
    [
      { givenNames: 'Søren', familyName: 'Ærø' },
      { givenNames: 'Soren', familyName: 'Aero' },
    ],
    [
      { givenNames: 'Đorđe', familyName: 'Łukasz' },
      { givenNames: 'Dorde', familyName: 'Lukasz' },
    ],
  ];
  for (const [a, b] of cases) assert.equal(kind(a, b), 'near', `${JSON.stringify(a)} ~ ${JSON.stringify(b)}`);
});

test('names three edits apart, or both names changed, are different people', () => {
  assert.equal(kind({ familyName: 'Sandoval' }, {}), 'different');
  assert.equal(kind({ givenNames: 'Mario Clara', familyName: 'Santo' }, {}), 'different');
  assert.equal(kind({ givenNames: 'Ana' }, {}), 'different');
});

test('editDistance counts a transposition as one edit and stops above max', () => {
  assert.equal(editDistance('santos', 'santos', 2), 0);
  assert.equal(editDistance('santos', 'satnos', 2), 1);
  assert.equal(editDistance('ca', 'abc', 3), 3);
  assert.equal(editDistance('santos', 'sandoval', 2), 3);
  assert.equal(editDistance('a', 'abcdef', 2), 3);
  assert.equal(transliterate('ÆØ ẞ Đ Ł'), 'aeo ss d l');
});

test('screenEnrolment: an exact match wins, otherwise every near match is a candidate', () => {
  const reg = (nationalId: string, p: Partial<PersonInput>): PersonData & { nationalId: string } => ({
    ...data(p),
    nationalId,
  });
  const people = [reg('1', { familyName: 'Santso' }), reg('2', { givenNames: 'Clara Maria' }), reg('3', {})];
  assert.deepEqual(screenEnrolment(data({}), people), { kind: 'duplicate', nationalId: '3' });
  assert.deepEqual(screenEnrolment(data({}), people.slice(0, 2)), { kind: 'near', candidates: ['1', '2'] });
  assert.deepEqual(screenEnrolment(data({ givenNames: 'Ana' }), people), { kind: 'new' });
});
