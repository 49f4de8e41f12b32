/**
 * The sequencer's cosign hook keeps each witness's last answer in the store (`witness_outcome`)
 * when given a store, so `log monitor` reports refusals: a later answer replaces the earlier one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import type { GatherResult, WitnessOutcome } from '../../src/ledger/gather.js';
import { EMPTY_ROOT } from '../../src/ledger/hash.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import { readWitnessOutcomes } from '../../src/ledger/witness_outcomes.js';
import { witnessedCosign } from '../../src/server/cosign.js';
import { openStore } from '../../src/store/database.js';
import { FIXED_NOW } from '../fixtures/node.js';
import { testLogIdentity } from '../ledger/fixtures.js';

const LOG = testLogIdentity();

function outcome(name: string, x: Partial<WitnessOutcome>): WitnessOutcome {
  return { name, url: `http://${name}/add-checkpoint`, result: 'cosigned', retried: false, ms: 1, ...x };
}

test('each witness’s last answer is stored, replaced by the next', async () => {
  const store = await openStore(':memory:');
  try {
    const checkpoint = await signCheckpoint(
      { origin: LOG.origin, size: 0, root: Buffer.from(EMPTY_ROOT), extensions: [] },
      LOG.signer,
    );
    let answers: WitnessOutcome[] = [
      outcome('vn', { result: 'refused', status: 409, witnessSize: 7, detail: '7' }),
      outcome('be', { status: 200, cosignature: '— be x\n' }),
    ];
    const hook = witnessedCosign(
      () => Promise.resolve({ checkpoint, cosignatures: [], outcomes: answers } as GatherResult),
      undefined,
      { db: store.db, clock: () => FIXED_NOW },
    );
    const request = { checkpoint, size: 0, previous: undefined, tiles: new MemoryTileStore() };
    await hook.cosign(request);
    assert.deepEqual(
      (await readWitnessOutcomes(store.db)).map((o) => [o.witness, o.result, o.status, o.witnessSize]),
      [
        ['be', 'cosigned', 200, undefined],
        ['vn', 'refused', 409, 7],
      ],
    );
    answers = [outcome('vn', { status: 200 })];
    await hook.cosign(request);
    assert.deepEqual(
      (await readWitnessOutcomes(store.db)).map((o) => [o.witness, o.result, o.at]),
      [
        ['be', 'cosigned', FIXED_NOW.toISOString()],
        ['vn', 'cosigned', FIXED_NOW.toISOString()],
      ],
    );
  } finally {
    await store.close();
  }
});
