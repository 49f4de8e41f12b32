import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { toPem } from '../../src/lib/pem.js';
import type { NodeContext } from '../../src/node/context.js';
import { nodeTrustOf } from '../../src/node/node_trust.js';
import type { TrustStoreEvent } from '../../src/trust/store/trust_store.js';
import { FIXED_NOW, makeTestNode } from '../fixtures/node.js';

/** A node whose LOTL is at an address nothing listens on. */
function nodeAt(dir: string, root: Buffer): NodeContext {
  writeFileSync(join(dir, 'lotl-signer.pem'), toPem(root, 'CERTIFICATE'));
  return {
    dir,
    config: { lotlUrl: 'http://127.0.0.1:1/lotl.xml' },
    clock: () => FIXED_NOW,
  } as unknown as NodeContext;
}

test('one trust store per node, shared by every user, events to every receiver', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-node-trust-'));
  const fixture = await makeTestNode();
  try {
    const node = nodeAt(dir, fixture.root.certificate.der);
    const a = nodeTrustOf(node);
    const b = nodeTrustOf(node);
    assert.ok(a);
    assert.equal(a, b);
    assert.notEqual(
      nodeTrustOf(nodeAt(dir, fixture.root.certificate.der))!.store,
      a.store,
      'another node, another store',
    );
    const seen: TrustStoreEvent[] = [];
    a.onEvent((e) => seen.push(e));
    const lists = await a.store.refresh();
    assert.equal(lists.length, 1);
    assert.equal(lists[0]!.used, false);
    assert.ok(lists[0]!.problem, 'an unreachable list is reported, not thrown');
    assert.ok(seen.length > 0);
  } finally {
    await fixture.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no trust store without both the LOTL URL and the pinned signer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-node-trust-'));
  try {
    const node = { dir, config: { lotlUrl: 'http://127.0.0.1:1/lotl.xml' }, clock: () => FIXED_NOW };
    assert.equal(nodeTrustOf(node as unknown as NodeContext), undefined);
    assert.equal(nodeTrustOf({ ...node, config: {} } as unknown as NodeContext), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
