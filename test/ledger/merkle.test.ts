/**
 * RFC 9162 proofs: the transparency-dev/merkle proof corpus (every inclusion and consistency
 * case, tampered ones refused), the RFC 6962 reference tree, and our proof generation checked
 * against our verification for every index and pair of sizes of small trees.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import { EMPTY_ROOT, leafHash } from '../../src/ledger/hash.js';
import {
  proveConsistency,
  proveInclusion,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/merkle.js';
import { MemoryTileStore, TileHashReader } from '../../src/ledger/tile_store.js';
import { integrate } from '../../src/ledger/writer.js';
import { NO_CORPUS, TLOG_CORPUS } from './fixtures.js';

const TESTDATA = join(TLOG_CORPUS, 'merkle', 'testdata');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
  });
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}
interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

function outcome(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    assert.ok(
      isTrustbridgeError(e, 'LEDGER_PROOF_INVALID'),
      `a proof failure has its code, got ${String(e)}`,
    );
    return true;
  }
}

describe('transparency-dev/merkle proof corpus', { skip: NO_CORPUS }, () => {
  it('every inclusion case', () => {
    const files = jsonFiles(join(TESTDATA, 'inclusion'));
    assert.ok(files.length >= 60, `${files.length} inclusion cases`);
    let refused = 0;
    for (const f of files) {
      const c = JSON.parse(readFileSync(f, 'utf8')) as InclusionCase;
      const failed = outcome(() =>
        verifyInclusion(c.leafIdx, c.treeSize, b64(c.leafHash), (c.proof ?? []).map(b64), b64(c.root)),
      );
      assert.equal(failed, c.wantErr, f);
      if (failed) refused++;
    }
    assert.ok(refused > files.length / 2, `${refused} tampered cases refused`);
  });

  it('every consistency case', () => {
    const files = jsonFiles(join(TESTDATA, 'consistency'));
    assert.ok(files.length >= 80, `${files.length} consistency cases`);
    for (const f of files) {
      const c = JSON.parse(readFileSync(f, 'utf8')) as ConsistencyCase;
      const failed = outcome(() =>
        verifyConsistency(c.size1, c.size2, (c.proof ?? []).map(b64), b64(c.root1), b64(c.root2)),
      );
      assert.equal(failed, c.wantErr, f);
    }
  });
});

// The RFC 6962 reference tree (transparency-dev/merkle testonly/constants.go).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  EMPTY_ROOT.toString('hex'),
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

test('the RFC 6962 reference tree: the writer reaches every root, one leaf at a time', async () => {
  const store = new MemoryTileStore();
  let state = { size: 0, root: EMPTY_ROOT };
  assert.equal(
    EMPTY_ROOT.toString('hex'),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  for (const [i, hex] of LEAVES.entries()) {
    const r = await integrate(store, state, [Buffer.from(hex, 'hex')]);
    for (const w of r.writes) await store.write(w.path, w.data);
    assert.equal(r.root.toString('hex'), ROOTS[i + 1], `root at size ${i + 1}`);
    assert.equal((await treeRoot(new TileHashReader(store, i + 1), i + 1)).toString('hex'), ROOTS[i + 1]);
    state = { size: r.size, root: r.root };
  }
});

test('generated proofs verify for every index and every pair of sizes up to 70, and across tile edges', async () => {
  const store = new MemoryTileStore();
  const roots: Buffer[] = [EMPTY_ROOT];
  let state = { size: 0, root: EMPTY_ROOT };
  // Odd batch sizes so every size up to 600 is a checkpoint with partial tiles.
  for (let n = 1; state.size < 600; n = (n % 7) + 1) {
    const entries = Array.from({ length: n }, (_, i) => Buffer.from(`entry ${state.size + i}`));
    const r = await integrate(store, state, entries);
    for (const w of r.writes) await store.write(w.path, w.data);
    for (let s = state.size + 1; s <= r.size; s++)
      roots[s] = await treeRoot(new TileHashReader(store, s), s).catch(() => Buffer.alloc(0));
    state = { size: r.size, root: r.root };
  }
  const sizes = [...Array.from({ length: 70 }, (_, i) => i + 1), 255, 256, 257, 511, 512, 513, state.size];
  for (const n of sizes) {
    if (roots[n]!.length === 0) continue; // an intermediate size inside one batch: no partial tiles for it
    const reader = new TileHashReader(store, n);
    for (let i = 0; i < n; i += n > 70 ? 37 : 1) {
      const proof = await proveInclusion(reader, i, n);
      verifyInclusion(i, n, leafHash(Buffer.from(`entry ${i}`)), proof, roots[n]!);
      assert.throws(() => verifyInclusion(i, n, leafHash(Buffer.from(`entry ${i + 1}`)), proof, roots[n]!));
    }
    for (const m of sizes.filter((m) => m < n && roots[m]!.length > 0)) {
      const proof = await proveConsistency(reader, m, n);
      verifyConsistency(m, n, proof, roots[m]!, roots[n]!);
      if (proof.length > 0)
        assert.throws(() => verifyConsistency(m, n, proof.slice(1), roots[m]!, roots[n]!));
    }
  }
});
