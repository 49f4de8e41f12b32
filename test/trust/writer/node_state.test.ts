/**
 * The state of a node's list: services appear granted since their certificate's notBefore,
 * revocation withdraws, explicit changes append history, and a corrupt file is TL_STATE_CORRUPT.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVICE_STATUS } from '../../../src/trust/uris.js';
import { TrustListPublishError } from '../../../src/trust/writer/errors.js';
import {
  currentStatus,
  emptyNodeListState,
  parseNodeListState,
  reconcileServices,
  serviceKey,
  setServiceStatus,
} from '../../../src/trust/writer/node_state.js';
import { FIXED_NOW } from '../../fixtures/node.js';

const CA = Buffer.from('ca certificate');
const TSA = Buffer.from('tsa certificate');
const LATER = new Date(FIXED_NOW.getTime() + 3_600_500);

function code(c: string) {
  return (e: unknown): boolean => e instanceof TrustListPublishError && e.code === c;
}

test('new services are granted from notBefore; a second reconcile changes nothing', () => {
  const observed = [
    { kind: 'eid-ca' as const, certificate: CA, notBefore: FIXED_NOW },
    { kind: 'tsa' as const, certificate: TSA, notBefore: FIXED_NOW },
  ];
  const first = reconcileServices(emptyNodeListState(), observed);
  assert.equal(first.changed, true);
  assert.deepEqual(
    first.state.services.map((s) => [s.key, s.history]),
    [
      [serviceKey('eid-ca', CA), [{ status: SERVICE_STATUS.granted, at: '2026-03-02T09:30:00Z' }]],
      [serviceKey('tsa', TSA), [{ status: SERVICE_STATUS.granted, at: '2026-03-02T09:30:00Z' }]],
    ],
  );
  assert.match(first.state.services[0]!.key, /^eid-ca-[0-9a-f]{16}$/);
  assert.equal(reconcileServices(first.state, observed).changed, false);
  const revoked = reconcileServices(first.state, [{ ...observed[1]!, revokedAt: LATER }]);
  assert.equal(revoked.changed, true);
  assert.deepEqual(currentStatus(revoked.state.services[1]!), {
    status: SERVICE_STATUS.withdrawn,
    at: '2026-03-02T10:30:00Z',
  });
  assert.equal(first.state.services[1]!.history.length, 1, 'the input state is not mutated');
});

test('setServiceStatus by kind or key, never backwards in time, unknown selector refused', () => {
  const { state } = reconcileServices(emptyNodeListState(), [
    { kind: 'eid-ca', certificate: CA, notBefore: LATER },
  ]);
  const withdrawn = setServiceStatus(state, 'eid-ca', SERVICE_STATUS.withdrawn, FIXED_NOW);
  assert.deepEqual(currentStatus(withdrawn.services[0]!), {
    status: SERVICE_STATUS.withdrawn,
    at: '2026-03-02T10:30:00Z',
  });
  const regranted = setServiceStatus(withdrawn, serviceKey('eid-ca', CA), SERVICE_STATUS.granted, LATER);
  assert.equal(regranted.services[0]!.history.length, 3);
  assert.throws(
    () => setServiceStatus(regranted, 'tsa', SERVICE_STATUS.withdrawn, LATER),
    code('TL_SERVICE_UNKNOWN'),
  );
  assert.throws(
    () => setServiceStatus(regranted, 'eid-ca', SERVICE_STATUS.granted, LATER),
    code('TL_SERVICE_UNKNOWN'),
  );
  assert.throws(() => setServiceStatus(regranted, 'eid-ca', 'urn:x', LATER), code('TL_INPUT_INVALID'));
});

test('a state file round-trips; corrupt ones are TL_STATE_CORRUPT', () => {
  const { state } = reconcileServices(emptyNodeListState(), [
    { kind: 'tsa', certificate: TSA, notBefore: FIXED_NOW },
  ]);
  assert.deepEqual(parseNodeListState(JSON.stringify(state)), state);
  assert.deepEqual(parseNodeListState(undefined), emptyNodeListState());
  const bad = [
    'not json',
    'null',
    '{"version":2,"sequenceNumber":0,"services":[]}',
    '{"version":1,"sequenceNumber":1.5,"services":[]}',
    '{"version":1,"sequenceNumber":1,"services":{}}',
    JSON.stringify({ ...state, services: [{ ...state.services[0], kind: 'root' }] }),
    JSON.stringify({ ...state, services: [{ ...state.services[0], history: [] }] }),
    JSON.stringify({
      ...state,
      services: [{ ...state.services[0], history: [{ status: 'granted', at: 'x' }] }],
    }),
    JSON.stringify({
      ...state,
      services: [
        {
          ...state.services[0],
          history: [
            { status: SERVICE_STATUS.granted, at: '2026-03-02T10:00:00Z' },
            { status: SERVICE_STATUS.withdrawn, at: '2026-03-02T09:00:00Z' },
          ],
        },
      ],
    }),
  ];
  for (const text of bad) assert.throws(() => parseNodeListState(text), code('TL_STATE_CORRUPT'), text);
});
