/**
 * The one list of sample citizens: who each demo enrols, in which order (wallet file names and
 * the demos' output follow it).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_NODE_COUNTRY, SAMPLE_COUNTRIES, sampleCitizensOf } from '../../src/federation/index.js';

const names = (country: string, demo: 'federation' | 'node'): string[] =>
  sampleCitizensOf(
    SAMPLE_COUNTRIES.find((c) => c.country === country)!,
    demo,
  ).map((p) => `${p.givenNames} ${p.familyName}`);

describe('sample citizens', () => {
  it('the federation enrols two citizens in each of PH, VN and BE, in port order', () => {
    assert.deepEqual(
      SAMPLE_COUNTRIES.map((c) => c.country),
      ['PH', 'VN', 'BE'],
    );
    assert.deepEqual(names('PH', 'federation'), ['Maria Clara Santos', 'Jose Rizal Mercado']);
    assert.deepEqual(names('VN', 'federation'), ['Lan Nguyen Thi', 'Minh Tran Van']);
    assert.deepEqual(names('BE', 'federation'), ['Amélie Dubois', 'Pieter Janssens']);
  });

  it('the single-node demo is PH with one more citizen', () => {
    assert.equal(DEMO_NODE_COUNTRY.country, 'PH');
    assert.equal(DEMO_NODE_COUNTRY.name, 'Republic of the Philippines');
    assert.deepEqual(names('PH', 'node'), ['Maria Clara Santos', 'Jose Rizal Mercado', 'Andrea Bautista']);
  });
});
