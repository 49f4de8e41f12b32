import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import { decodeBundle, encodeBundle, parseTilePath, tilePath, tilesOfTree } from '../../src/ledger/tiles.js';

test('tile paths: the x001/x234/067 index encoding, partial widths, entry bundles', () => {
  assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067');
  assert.equal(tilePath({ level: 0, index: 5, width: 256 }), 'tile/0/005');
  assert.equal(tilePath({ level: 2, index: 1000, width: 17 }), 'tile/2/x001/000.p/17');
  assert.equal(tilePath({ level: 'entries', index: 0, width: 15 }), 'tile/entries/000.p/15');
  for (const p of [
    'tile/0/x001/x234/067',
    'tile/63/000.p/255',
    'tile/entries/x999/999',
    'tile/1/x001/000.p/1',
  ])
    assert.equal(tilePath(parseTilePath(p)), p);
  assert.deepEqual(parseTilePath('tile/0/x001/x234/067.p/8'), { level: 0, index: 1234067, width: 8 });
});

test('tile paths off the grammar are refused with LEDGER_TILE_PATH_INVALID (no traversal)', () => {
  for (const p of [
    '../checkpoint',
    'tile/0/../../etc/passwd',
    'tile/0/000/../001',
    'tile/0/./000',
    'tile//000',
    'tile/0/000/',
    '/tile/0/000',
    'tile/0/00',
    'tile/0/0000',
    'tile/0/x000/001', // leading zero group
    'tile/0/001/x002', // x not on the leading groups
    'tile/01/000', // leading zero level
    'tile/64/000', // level above 63
    'tile/0/000.p/0',
    'tile/0/000.p/256',
    'tile/0/000.p/01',
    'tile/0/000.p/',
    'tile/entries/000.p/300',
    'tile/ENTRIES/000',
    'tile/0/000\0',
    'tile/0/000%2f',
    'tile\\0\\000',
    'checkpoint',
    '',
  ])
    assert.throws(
      () => parseTilePath(p),
      (e) => isTrustbridgeError(e, 'LEDGER_TILE_PATH_INVALID'),
      p,
    );
});

test('tiles of a tree: the spec example of size 70,000', () => {
  const tiles = tilesOfTree(70_000).filter((t) => t.level !== 'entries');
  const partial = tiles.filter((t) => t.width < 256).map(tilePath);
  assert.equal(tiles.filter((t) => t.level === 0 && t.width === 256).length, 273);
  assert.equal(tiles.filter((t) => t.level === 1 && t.width === 256).length, 1);
  assert.deepEqual(partial, ['tile/0/273.p/112', 'tile/1/001.p/17', 'tile/2/000.p/1']);
  assert.deepEqual(tilesOfTree(256).map(tilePath), ['tile/0/000', 'tile/1/000.p/1', 'tile/entries/000']);
});

test('entry bundles: uint16 big-endian lengths; truncation and wrong counts refused', () => {
  const b = encodeBundle([Buffer.from('one'), Buffer.alloc(0), Buffer.from('three')]);
  assert.equal(b.toString('hex'), '00036f6e650000000574687265' + '65');
  assert.deepEqual(decodeBundle(b, 3).map(String), ['one', '', 'three']);
  assert.throws(
    () => decodeBundle(b.subarray(0, b.length - 1)),
    (e) => isTrustbridgeError(e, 'LEDGER_TILE_MALFORMED'),
  );
  assert.throws(
    () => decodeBundle(Buffer.from([0])),
    (e) => isTrustbridgeError(e, 'LEDGER_TILE_MALFORMED'),
  );
  assert.throws(
    () => decodeBundle(b, 4),
    (e) => isTrustbridgeError(e, 'LEDGER_TILE_MALFORMED'),
  );
  assert.throws(
    () => encodeBundle([Buffer.alloc(65536)]),
    (e) => isTrustbridgeError(e, 'LEDGER_ENTRY_TOO_LARGE'),
  );
  assert.equal(decodeBundle(encodeBundle([Buffer.alloc(65535, 7)]))[0]!.length, 65535);
});
