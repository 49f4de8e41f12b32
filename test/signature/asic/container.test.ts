import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openAsicContainer } from '../../../src/signature/asic/container.js';
import { buildZip } from './fixtures.js';
import type { BuildEntry } from './fixtures.js';

const ASICS = 'application/vnd.etsi.asic-s+zip';
const ASICE = 'application/vnd.etsi.asic-e+zip';

function open(entries: BuildEntry[], comment?: string) {
  return openAsicContainer(buildZip(entries, { comment }));
}

test('the type comes from the mimetype, the ZIP comment, then the root data objects', () => {
  const sig = { name: 'META-INF/signature.p7s', data: 'p7s' };
  const cases: [BuildEntry[], string | undefined, string | undefined, string | undefined][] = [
    [[{ name: 'mimetype', data: ASICS }, { name: 'a' }, { name: 'b' }, sig], undefined, 'ASiC-S', 'mimetype'],
    [[{ name: 'mimetype', data: ASICE }, { name: 'a' }, sig], undefined, 'ASiC-E', 'mimetype'],
    [[{ name: 'a' }, sig], `mimetype=${ASICE}`, 'ASiC-E', 'zip-comment'],
    [[{ name: 'a' }, { name: 'b' }, sig], undefined, 'ASiC-E', 'structure'],
    [[{ name: 'a' }, { name: 'dir/b' }, sig], undefined, 'ASiC-S', 'structure'],
    [[{ name: 'dir/b' }, sig], undefined, undefined, undefined],
    [[{ name: 'mimetype', data: 'text/plain' }, { name: 'dir/b' }, sig], undefined, undefined, undefined],
    [
      [{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.text' }, { name: 'a' }],
      undefined,
      'ASiC-E',
      'mimetype',
    ],
    [
      [{ name: 'mimetype', data: 'application/vnd.bdoc-1.0' }, { name: 'a' }],
      undefined,
      'ASiC-E',
      'mimetype',
    ],
  ];
  for (const [entries, comment, type, from] of cases) {
    const c = open(entries, comment);
    assert.deepEqual([c.type, c.typeFrom], [type, from], JSON.stringify(entries.map((e) => e.name)));
  }
});

test('entries are sorted into signatures, time-stamps, manifests and data objects', () => {
  const c = open([
    { name: 'mimetype', data: ASICE },
    { name: 'doc.pdf', data: 'pdf' },
    { name: 'dir/' },
    { name: 'dir/img.png', data: 'png' },
    { name: 'META-INF/ASiCManifest001.xml', data: '<x/>' },
    { name: 'META-INF/ASiCArchiveManifest.xml', data: '<x/>' },
    { name: 'META-INF/signature001.p7s', data: 'p7s' },
    { name: 'META-INF/signatures002.xml', data: '<x/>' },
    { name: 'META-INF/timestamp001.tst', data: 'tst' },
    { name: 'META-INF/manifest.xml', data: '<x/>' },
  ]);
  assert.deepEqual(c.signatureFiles, [
    { path: 'META-INF/signature001.p7s', kind: 'CAdES' },
    { path: 'META-INF/signatures002.xml', kind: 'XAdES' },
  ]);
  assert.deepEqual(c.timestampFiles, ['META-INF/timestamp001.tst']);
  assert.deepEqual(c.manifestFiles, ['META-INF/ASiCManifest001.xml']);
  assert.deepEqual(c.archiveManifestFiles, ['META-INF/ASiCArchiveManifest.xml']);
  assert.deepEqual(c.dataObjects, ['doc.pdf', 'dir/img.png']);
  assert.deepEqual(c.rootDataObjects, ['doc.pdf']);
  assert.equal(c.files.get('dir/img.png')?.toString(), 'png');
  assert.ok(!c.files.has('dir/'));
  assert.deepEqual(c.warnings, []);
});

test('what DSS only warns about becomes a warning', () => {
  const c = open([
    { name: 'doc.txt', data: 'x' },
    { name: 'mimetype', data: 'application/vnd.lt.archyvai.adoc-2008', method: 8 },
    { name: 'META-INF/sigs/signature-1.xml', data: '<x/>' },
  ]);
  assert.equal(c.type, 'ASiC-S');
  assert.deepEqual(c.warnings, [
    'the mimetype entry is not the first entry of the ZIP',
    'the mimetype entry is compressed',
    'the mimetype "application/vnd.lt.archyvai.adoc-2008" is not an ASiC media type',
    'the signature file name META-INF/sigs/signature-1.xml does not follow EN 319 162-1',
  ]);
  const noMimetype = open([{ name: 'doc.txt' }, { name: 'META-INF/signatures.xml', data: '<x/>' }]);
  assert.deepEqual(noMimetype.warnings, [
    'no mimetype entry: the container type was read from the structure',
  ]);
});
