/** The upload budgets of `POST /api/v1/validate`: per client first (429), then per node (503). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UploadGate } from '../../src/server/upload_gate.js';
import { throwsCode } from '../fixtures/assert.js';

const LIMITS = {
  maxConcurrent: 3,
  maxInFlightBytes: 1000,
  perClientConcurrent: 2,
  perClientInFlightBytes: 600,
};

describe('UploadGate', () => {
  it('counts uploads and bytes per client and per node, and gives them back once', () => {
    const gate = new UploadGate(LIMITS);
    const a = gate.admit('192.0.2.1', 300);
    const b = gate.admit('192.0.2.1', 300);
    throwsCode(() => gate.admit('192.0.2.1', 1), 'HTTP_CLIENT_BUSY');
    const c = gate.admit('192.0.2.2', 300);
    // The node has 100 bytes and no upload left: another client is told the node is busy.
    throwsCode(() => gate.admit('192.0.2.3', 1), 'HTTP_BUSY');
    assert.deepEqual(gate.usage(), { count: 3, bytes: 900 });
    a.release();
    a.release();
    assert.deepEqual(gate.usage(), { count: 2, bytes: 600 });
    assert.deepEqual(gate.usage('192.0.2.1'), { count: 1, bytes: 300 });
    throwsCode(() => gate.admit('192.0.2.3', 500), 'HTTP_BUSY');
    const d = gate.admit('192.0.2.3', 400);
    for (const t of [b, c, d]) t.release();
    assert.deepEqual(gate.usage(), { count: 0, bytes: 0 });
    assert.deepEqual(gate.usage('192.0.2.1'), { count: 0, bytes: 0 });
  });

  it('a client over its byte budget gets 429 even when the node has room', () => {
    const gate = new UploadGate(LIMITS);
    throwsCode(() => gate.admit('192.0.2.1', 601), 'HTTP_CLIENT_BUSY');
    assert.deepEqual(gate.usage(), { count: 0, bytes: 0 });
  });
});
