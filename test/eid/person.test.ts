import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertBirthDate, dedupKey, normalisePerson } from '../../src/eid/person.js';
import type { PersonInput } from '../../src/eid/person.js';
import { throwsCode } from '../fixtures/assert.js';
import { FIXED_NOW, PERSON_A } from '../fixtures/node.js';

const TODAY = FIXED_NOW; // 2026-03-02

test('normalisePerson trims, collapses spaces, applies NFC and the defaults', () => {
  const p = normalisePerson(
    { givenNames: '  Maria \t Clara ', familyName: 'Jose\u0301', birthDate: '1990-05-17' },
    'PH',
    TODAY,
  );
  assert.deepEqual(p, {
    givenNames: 'Maria Clara',
    familyName: 'José', // e + combining acute composed (NFC)
    birthDate: '1990-05-17',
    placeOfBirth: '',
    sex: 'X',
    nationality: 'PH',
  });
  const q = normalisePerson({ ...PERSON_A, sex: 'f', nationality: 'sg' }, 'PH', TODAY);
  assert.equal(q.sex, 'F');
  assert.equal(q.nationality, 'SG');
});

test('names of several scripts and with hyphen, apostrophe and full stop are accepted', () => {
  for (const name of [
    "O'Brien",
    'Dela Cruz-Santos',
    'Nguyễn Thị',
    'Đỗ',
    'محمد',
    '李小龙',
    'Jr.',
    'D\u2019Souza',
  ]) {
    assert.equal(normalisePerson({ ...PERSON_A, familyName: name }, 'PH', TODAY).familyName, name);
  }
});

test('invalid names → EID_INVALID_NAME', () => {
  const bad: [Partial<PersonInput>, RegExp][] = [
    [{ givenNames: '' }, /given names is empty/],
    [{ givenNames: '   ' }, /given names is empty/],
    [{ familyName: '' }, /family name is empty/],
    [{ familyName: 'S4ntos' }, /characters/],
    [{ familyName: '<script>' }, /characters/],
    [{ familyName: '-Santos' }, /characters/],
    [{ familyName: 'Santos\u200b' }, /characters/],
    [{ familyName: 'Robert; DROP TABLE person' }, /characters/],
    [{ givenNames: 'A'.repeat(101) }, /longer than 100/],
    [{ placeOfBirth: 'Manila <b>' }, /place of birth/],
    [{ placeOfBirth: '-Manila' }, /place of birth/],
  ];
  for (const [patch, message] of bad) {
    throwsCode(() => normalisePerson({ ...PERSON_A, ...patch }, 'PH', TODAY), 'EID_INVALID_NAME', message);
  }
  assert.equal(
    normalisePerson({ ...PERSON_A, givenNames: 'A'.repeat(100) }, 'PH', TODAY).givenNames.length,
    100,
  );
  const place = 'Barangay 12, Quezon City (NCR)';
  assert.equal(normalisePerson({ ...PERSON_A, placeOfBirth: place }, 'PH', TODAY).placeOfBirth, place);
});

test('birth dates: real calendar dates from 1900-01-01 to today only → EID_INVALID_DATE', () => {
  for (const ok of ['1900-01-01', '2024-02-29', '2000-02-29', '2026-03-02', '1990-12-31']) {
    assert.doesNotThrow(() => assertBirthDate(ok, TODAY), ok);
  }
  const bad: [string, RegExp][] = [
    ['2023-02-30', /not a calendar date/],
    ['2023-02-29', /not a calendar date/],
    ['1900-02-29', /not a calendar date/],
    ['2023-13-01', /not a calendar date/],
    ['2023-04-31', /not a calendar date/],
    ['1990-5-17', /not a calendar date/],
    ['17/05/1990', /not a calendar date/],
    ['', /not a calendar date/],
    ['1990-05-17T00:00', /not a calendar date/],
    ['1899-12-31', /before 1900/],
    ['2026-03-03', /in the future/],
    ['2999-01-01', /in the future/],
  ];
  for (const [s, message] of bad) throwsCode(() => assertBirthDate(s, TODAY), 'EID_INVALID_DATE', message);
  throwsCode(
    () => normalisePerson({ ...PERSON_A, birthDate: '2023-02-30' }, 'PH', TODAY),
    'EID_INVALID_DATE',
  );
});

test('the future is judged by the injected clock, not the current time', () => {
  const early = new Date('2001-01-01T00:00:00Z');
  throwsCode(() => assertBirthDate('2001-01-02', early), 'EID_INVALID_DATE', /future/);
  assert.doesNotThrow(() => assertBirthDate('2001-01-01', early));
});

test('bad sex → EID_INVALID_SEX, bad nationality → EID_INVALID_COUNTRY', () => {
  for (const sex of ['Q', 'female', '', 'FM']) {
    throwsCode(() => normalisePerson({ ...PERSON_A, sex }, 'PH', TODAY), 'EID_INVALID_SEX');
  }
  for (const nationality of ['PHL', 'P', '12', 'P1']) {
    throwsCode(() => normalisePerson({ ...PERSON_A, nationality }, 'PH', TODAY), 'EID_INVALID_COUNTRY');
  }
});

test('dedupKey ignores case, accents, spacing and punctuation of names', () => {
  const key = (p: PersonInput): string => dedupKey(normalisePerson(p, 'PH', TODAY));
  const base = key(PERSON_A);
  assert.match(base, /^[0-9a-f]{64}$/);
  for (const variant of [
    { ...PERSON_A, givenNames: 'maria   CLARA', familyName: 'SANTOS' },
    { ...PERSON_A, givenNames: 'Marîa Clára', familyName: 'Sañtos' },
    { ...PERSON_A, givenNames: 'Maria-Clara', placeOfBirth: 'MANILA' },
    { ...PERSON_A, sex: 'f' },
  ]) {
    assert.equal(key(variant), base, JSON.stringify(variant));
  }
  for (const other of [
    { ...PERSON_A, birthDate: '1990-05-18' },
    { ...PERSON_A, sex: 'M' },
    { ...PERSON_A, familyName: 'Santo' },
    { ...PERSON_A, placeOfBirth: 'Cebu' },
    { ...PERSON_A, givenNames: 'Clara Maria' },
  ]) {
    assert.notEqual(key(other), base, JSON.stringify(other));
  }
});
