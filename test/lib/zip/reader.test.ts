import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from '../../../src/lib/zip/crc32.js';
import { readZip } from '../../../src/lib/zip/reader.js';
import type { ZipLimits } from '../../../src/lib/zip/reader.js';
import { missingTools, tempDir, tool } from '../../fixtures/cli.js';
import { buildZip } from '../../signature/asic/fixtures.js';
import type { BuildEntry, BuildOptions } from '../../signature/asic/fixtures.js';

function refuses(bytes: Buffer, code: string, message: RegExp, limits?: Partial<ZipLimits>): void {
  assert.throws(
    () => {
      const zip = readZip(bytes, limits);
      for (const e of zip.entries) zip.read(e);
    },
    (e: unknown) => {
      assert.equal((e as { code?: unknown }).code, code);
      assert.match((e as Error).message, message);
      return true;
    },
  );
}

function build(entries: BuildEntry[], opts?: BuildOptions): Buffer {
  return buildZip(entries, opts);
}

test('CRC-32 of the check string is cbf43926 (ISO 3309)', () => {
  assert.equal(crc32(Buffer.from('123456789')).toString(16), 'cbf43926');
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

test('stored and deflated entries, directories and a UTF-8 name read back', () => {
  const text = 'The quick brown fox '.repeat(100);
  const zip = readZip(
    build([
      { name: 'mimetype', data: 'application/vnd.etsi.asic-e+zip' },
      { name: 'docs/' },
      { name: 'docs/contrat signé.txt', data: text, method: 8, flags: 0x0800 },
    ]),
  );
  assert.deepEqual(
    zip.entries.map((e) => [e.name, e.method, e.isDirectory, e.size]),
    [
      ['mimetype', 0, false, 31],
      ['docs/', 0, true, 0],
      ['docs/contrat signé.txt', 8, false, text.length],
    ],
  );
  assert.equal(zip.read('docs/contrat signé.txt').toString(), text);
  assert.equal(zip.read(zip.get('mimetype')!).toString(), 'application/vnd.etsi.asic-e+zip');
  assert.ok(zip.entries[2]!.compressedSize < 100);
});

test('ZIP64 end records and extra fields are followed', () => {
  const zip = readZip(
    build(
      [
        { name: 'a.txt', data: 'alpha', method: 8 },
        { name: 'b.txt', data: 'beta' },
      ],
      { zip64: true, comment: 'mimetype=application/vnd.etsi.asic-s+zip' },
    ),
  );
  assert.deepEqual(
    zip.entries.map((e) => [e.name, zip.read(e).toString()]),
    [
      ['a.txt', 'alpha'],
      ['b.txt', 'beta'],
    ],
  );
  assert.equal(zip.comment, 'mimetype=application/vnd.etsi.asic-s+zip');
});

test(
  'an archive made by Info-ZIP `zip` reads back byte for byte',
  { skip: missingTools('zip') },
  async () => {
    const dir = tempDir('tb-zip-');
    try {
      mkdirSync(join(dir.path, 'sub'));
      const big = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));
      writeFileSync(join(dir.path, 'mimetype'), 'application/vnd.etsi.asic-s+zip');
      writeFileSync(join(dir.path, 'sub', 'big.bin'), big);
      writeFileSync(join(dir.path, 'empty.txt'), '');
      await tool('zip', ['-X', '-0', 'out.zip', 'mimetype'], { cwd: dir.path });
      await tool('zip', ['-X', '-r', '-9', 'out.zip', 'sub', 'empty.txt'], { cwd: dir.path });
      const zip = readZip(readFileSync(join(dir.path, 'out.zip')));
      assert.deepEqual(
        zip.entries.map((e) => e.name),
        ['mimetype', 'sub/', 'sub/big.bin', 'empty.txt'],
      );
      assert.ok(zip.read('sub/big.bin').equals(big));
      assert.equal(zip.read('empty.txt').length, 0);
      assert.equal(zip.get('mimetype')!.method, 0);
    } finally {
      dir.remove();
    }
  },
);

test('not a ZIP, or too short, is ZIP_MALFORMED', () => {
  refuses(Buffer.alloc(0), 'ZIP_MALFORMED', /at least 22 bytes/);
  refuses(
    Buffer.from('%PDF-1.7 not a zip at all, just text'),
    'ZIP_MALFORMED',
    /no end of central directory/,
  );
  // 200 KB without an end record: the search stops after 64 KiB + 22 bytes.
  refuses(Buffer.alloc(200_000, 0x41), 'ZIP_MALFORMED', /no end of central directory/);
});

test('every truncation of a valid archive is refused with a stable code', () => {
  const whole = build([
    { name: 'mimetype', data: 'application/vnd.etsi.asic-s+zip' },
    { name: 'doc.txt', data: 'hello '.repeat(50), method: 8 },
  ]);
  for (let n = 0; n < whole.length; n++) {
    assert.throws(
      () => readZip(whole.subarray(0, n)),
      (e: unknown) => (e as { code?: unknown }).code === 'ZIP_MALFORMED',
      `truncated to ${n}`,
    );
  }
});

test('random corruption never escapes as anything but a ZIP error', () => {
  const whole = build([
    { name: 'mimetype', data: 'application/vnd.etsi.asic-e+zip' },
    { name: 'a.xml', data: '<a>' + 'x'.repeat(500) + '</a>', method: 8 },
    { name: 'META-INF/signature.p7s', data: Buffer.alloc(300, 7) },
  ]);
  let seed = 42;
  const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  let refused = 0;
  for (let i = 0; i < 1000; i++) {
    const bad = Buffer.from(whole);
    for (let k = 0; k < 1 + rnd(4); k++) bad[rnd(bad.length)] = rnd(256);
    try {
      const zip = readZip(bad);
      for (const e of zip.entries) zip.read(e);
    } catch (e) {
      assert.match(
        String((e as { code?: unknown }).code),
        /^ZIP_(MALFORMED|UNSUPPORTED|LIMIT_EXCEEDED)$/,
        String(e),
      );
      refused++;
    }
  }
  assert.ok(refused > 500, `${refused} of 1000 corrupted archives refused`);
});

test('a wrong CRC-32 is refused when the entry is read', () => {
  const bytes = build([{ name: 'doc.txt', data: 'hello', crc: 0x12345678 }]);
  const zip = readZip(bytes);
  assert.throws(() => zip.read('doc.txt'), { code: 'ZIP_MALFORMED', message: /fails its CRC-32/ });
});

test('zip bombs: ratio, total size, entry count, lying sizes', () => {
  const zeros = { name: 'zeros.bin', data: Buffer.alloc(8 << 20), method: 8 };
  refuses(build([zeros]), 'ZIP_LIMIT_EXCEEDED', /ratio limit 100/);
  // Small entries are never refused for their ratio.
  assert.equal(readZip(build([{ name: 'z', data: Buffer.alloc(4096), method: 8 }])).entries.length, 1);
  refuses(build([zeros]), 'ZIP_LIMIT_EXCEEDED', /uncompressed bytes/, {
    maxTotalSize: 1 << 20,
    maxRatio: 1e6,
  });
  const many = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
  refuses(build(many), 'ZIP_LIMIT_EXCEEDED', /11 entries \(limit 10\)/, { maxEntries: 10 });
  // The header claims 10 bytes; the stream inflates to 8 MiB: inflation stops at the claim.
  const liar = { name: 'liar.bin', data: Buffer.alloc(8 << 20), method: 8, size: 10 };
  refuses(build([liar]), 'ZIP_MALFORMED', /does not inflate to its size/);
  const short = { name: 'short.bin', data: 'abc', method: 8, size: 10 };
  refuses(build([short]), 'ZIP_MALFORMED', /wrong size/);
});

test('names that leave the archive root are refused', () => {
  for (const [name, why] of [
    ['../evil.sh', /'\.\.' segment/],
    ['a/../../evil', /'\.\.' segment/],
    ['/etc/passwd', /absolute/],
    ['C:/Windows/x', /absolute/],
    ['a\\..\\b', /'\\' as a separator/],
    ['a/./b', /'\.' segment/],
    ['a//b', /empty segment/],
    ['a\u0000b', /control characters/],
  ] as const) {
    refuses(build([{ name, data: 'x' }]), 'ZIP_MALFORMED', why);
  }
});

test('duplicate names, a lying local header, overlapping entries are refused', () => {
  refuses(
    build([
      { name: 'doc.txt', data: 'one' },
      { name: 'doc.txt', data: 'two' },
    ]),
    'ZIP_MALFORMED',
    /two entries are named "doc.txt"/,
  );
  refuses(
    build([{ name: 'doc.txt', localName: 'other.txt', data: 'x' }]),
    'ZIP_MALFORMED',
    /names another file/,
  );
  // Two central records over one local header (the "overlapping files" bomb) ...
  const shared = build([
    { name: 'a.txt', data: 'payload' },
    { name: 'b.txt', offsetOf: 'a.txt' },
  ]);
  refuses(shared, 'ZIP_MALFORMED', /names another file|overlaps/);
  // ... and an entry whose local header sits inside another entry's data.
  const inner = build([{ name: 'b.txt', data: 'inner' }]);
  const innerLocal = inner.subarray(0, 30 + 5 + 5);
  const outer = build([
    { name: 'a.txt', data: Buffer.concat([Buffer.from('head'), innerLocal]) },
    { name: 'b.txt', offsetOf: 'a.txt' },
  ]);
  const patched = Buffer.from(outer);
  const cd = patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), 0);
  const second = patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), cd + 4);
  patched.writeUInt32LE(30 + 5 + 4, second + 42); // b.txt's local header inside a.txt's data
  refuses(patched, 'ZIP_MALFORMED', /overlaps/);
});

test('encryption, other methods and impossible entry counts are refused', () => {
  refuses(build([{ name: 'x', data: 'x', flags: 1 }]), 'ZIP_UNSUPPORTED', /encrypted/);
  refuses(build([{ name: 'x', data: 'x', method: 12 }]), 'ZIP_UNSUPPORTED', /method 12/);
  refuses(build([{ name: 'x', data: 'x' }], { entryCount: 1000 }), 'ZIP_MALFORMED', /cannot fit/);
  refuses(build([{ name: 'x/', data: 'data' }]), 'ZIP_MALFORMED', /directory entry "x\/" has data/);
  refuses(build([{ name: 'x', data: 'abc', compressedSize: 2 }]), 'ZIP_MALFORMED', /two different sizes/);
});

test('a comment holding an end-record signature does not confuse the search', () => {
  const fake = Buffer.alloc(22);
  fake.writeUInt32LE(0x06054b50, 0);
  fake.writeUInt16LE(5, 10);
  const zip = readZip(build([{ name: 'a', data: 'A' }], { comment: fake.toString('latin1') }));
  assert.deepEqual(
    zip.entries.map((e) => e.name),
    ['a'],
  );
});
