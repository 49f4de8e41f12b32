/**
 * `updateNodeConfig`: `node.json` changed through the node's config module — the fields set,
 * the others kept, the file replaced whole with the node's mode, and the same checks as on read.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNodeConfig, updateNodeConfig, writeNodeConfig } from '../../src/node/config.js';
import type { NodeConfig } from '../../src/node/config.js';
import { isTrustbridgeError } from '../../src/lib/errors.js';

const CONFIG: NodeConfig = {
  version: 1,
  country: 'PH',
  name: 'Republic of the Philippines',
  baseUrl: 'http://127.0.0.1:8081',
  db: 'node.db',
  caKeys: { type: 'file' },
  curves: { root: 'P-384', eidCa: 'P-256' },
  crlValidityHours: 24,
  ocspValidityMinutes: 60,
};

function withNode(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tb-node-config-'));
  try {
    writeNodeConfig(dir, CONFIG);
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('updateNodeConfig', () => {
  it('sets the given fields, keeps the others and writes what readNodeConfig reads back', () => {
    withNode((dir) => {
      const out = updateNodeConfig(dir, { lotlUrl: 'http://127.0.0.1:8080/lotl.xml' });
      assert.deepEqual(out, { ...CONFIG, lotlUrl: 'http://127.0.0.1:8080/lotl.xml' });
      assert.deepEqual(readNodeConfig(dir), out);
      const text = readFileSync(join(dir, 'node.json'), 'utf8');
      assert.equal(text, `${JSON.stringify(out, null, 2)}\n`);
    });
  });

  it('keeps the file readable by its owner only and leaves no temporary file behind', () => {
    withNode((dir) => {
      updateNodeConfig(dir, { loginRateLimit: { burst: 5, perSecond: 1 } });
      assert.equal(statSync(join(dir, 'node.json')).mode & 0o777, 0o600);
      assert.equal(existsSync(join(dir, 'node.json.tmp')), false);
    });
  });

  it('refuses a change that leaves node.json unsupported, and leaves the file as it was', () => {
    withNode((dir) => {
      const before = readFileSync(join(dir, 'node.json'), 'utf8');
      assert.throws(
        () => updateNodeConfig(dir, { country: 'Philippines' }),
        (e: unknown) => isTrustbridgeError(e, 'USAGE_INVALID_ARGUMENT') && /unsupported/.test(e.message),
      );
      assert.equal(readFileSync(join(dir, 'node.json'), 'utf8'), before);
    });
  });

  it('refuses a directory that holds no node or an unreadable node.json', () => {
    withNode((dir) => {
      writeFileSync(join(dir, 'node.json'), '{"version": 2}');
      assert.throws(
        () => updateNodeConfig(dir, { name: 'x' }),
        (e: unknown) => isTrustbridgeError(e, 'NODE_NOT_INITIALISED') && /unreadable/.test(e.message),
      );
      rmSync(join(dir, 'node.json'));
      assert.throws(
        () => updateNodeConfig(dir, { name: 'x' }),
        (e: unknown) => isTrustbridgeError(e, 'NODE_NOT_INITIALISED'),
      );
    });
  });
});
