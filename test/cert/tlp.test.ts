import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  TLP1_MARKINGS,
  TLP2_MARKINGS,
  mayShare,
  readableLevels,
  tlpOf,
  tlpOfMarking,
} from '../../src/cert/tlp.js';

test('TLP 1.0 ids map to TLP 2.0 levels; TLP 2.0 ids are their own', () => {
  assert.equal(tlpOfMarking('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9'), 'clear');
  assert.equal(tlpOfMarking('marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da'), 'green');
  assert.equal(tlpOfMarking('marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'), 'amber');
  assert.equal(tlpOfMarking('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed'), 'red');
  assert.equal(Object.keys(TLP1_MARKINGS).length, 4);
  for (const [level, id] of Object.entries(TLP2_MARKINGS)) assert.equal(tlpOfMarking(id), level);
  assert.equal(tlpOfMarking('marking-definition--d4ebd7cd-0f3b-4b87-9b5b-5b1b5f9f5e11'), undefined);
});

test('an object takes its most restrictive TLP marking; unmarked is AMBER; TLP definitions are CLEAR', () => {
  assert.equal(tlpOf({ object_marking_refs: [TLP2_MARKINGS.green] }), 'green');
  assert.equal(
    tlpOf({ object_marking_refs: [TLP2_MARKINGS.clear, TLP2_MARKINGS['amber+strict']] }),
    'amber+strict',
  );
  assert.equal(
    tlpOf({
      object_marking_refs: [TLP2_MARKINGS.green],
      granular_markings: [{ marking_ref: TLP2_MARKINGS.red, selectors: ['name'] }],
    }),
    'red',
  );
  assert.equal(
    tlpOf({ object_marking_refs: ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9'] }),
    'clear',
  );
  assert.equal(tlpOf({ type: 'indicator' }), 'amber');
  assert.equal(tlpOf({ type: 'marking-definition', id: TLP2_MARKINGS.red }), 'clear');
});

test('sharing: RED never; AMBER+STRICT own organisation only; AMBER named partners; GREEN and CLEAR all partners', () => {
  for (const max of ['clear', 'green', 'amber', 'amber+strict'] as const)
    assert.equal(mayShare('red', max), false);
  assert.deepEqual(readableLevels('amber+strict'), ['clear', 'green', 'amber', 'amber+strict']);
  assert.deepEqual(readableLevels('amber'), ['clear', 'green', 'amber']);
  assert.deepEqual(readableLevels('green'), ['clear', 'green']);
  assert.deepEqual(readableLevels('clear'), ['clear']);
  assert.equal(mayShare('amber+strict', 'amber'), false);
  assert.equal(mayShare('amber', 'green'), false);
  assert.equal(mayShare('green', 'green'), true);
});
