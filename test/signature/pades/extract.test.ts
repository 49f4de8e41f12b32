import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PdfDocument } from '../../../src/lib/pdf/document.js';
import { TrustbridgeError } from '../../../src/lib/errors.js';
import { PdfDict, PdfRef, name } from '../../../src/lib/pdf/objects.js';
import { writeIncrementalUpdate } from '../../../src/lib/pdf/writer.js';
import { extractPades } from '../../../src/signature/pades/extract.js';
import { parsePdfDate } from '../../../src/signature/pades/pdf_date.js';
import type { DocumentSource } from '../../../src/lib/document_source.js';
import { bufferSource, fileSource } from '../../../src/lib/document_source.js';
import { tempDir } from '../../fixtures/cli.js';
import { paddedPdf, samplePdf } from '../../lib/pdf/fixtures.js';
import { signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';
import { extract, signAt } from './fixtures.js';

let f: SigningFixture;
before(async () => {
  f = await signingFixture();
});
after(() => f?.node.close());

/** Appends a second page in an incremental update. */
async function addPage(pdf: Buffer): Promise<Buffer> {
  const doc = await PdfDocument.open(bufferSource(pdf));
  const pagesRef = (await doc.catalog()).get('Pages') as PdfRef;
  const pages = (await doc.dict(pagesRef))!.clone();
  const num = doc.nextObjectNumber();
  const kids = (await doc.array(pages.get('Kids')))!;
  pages.set('Kids', [...kids, new PdfRef(num, 0)]).set('Count', kids.length + 1);
  const page = new PdfDict([
    ['Type', name('Page')],
    ['Parent', pagesRef],
    ['MediaBox', [0, 0, 612, 792]],
  ]);
  return writeIncrementalUpdate(pdf, doc, [
    { num: pagesRef.num, gen: 0, body: pages },
    { num, gen: 0, body: page },
  ]).bytes;
}

describe('extractPades', () => {
  it('an unsigned PDF has no signatures', async () => {
    assert.deepEqual(await extract(samplePdf()), []);
  });

  it('a page added after signing is a format failure; the signature stays intact', async () => {
    const changed = await addPage(await signAt(f, samplePdf(), 'B-B'));
    const [sig] = await extract(changed);
    assert.match(sig!.formatFailure ?? '', /pages were added after signing \(1 signed, 2 now\)/);
    assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
  });

  it('a ByteRange that does not match /Contents or the revision end is a format failure', async () => {
    const signed = await signAt(f, samplePdf(), 'B-B');
    const text = signed.toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+) (\d+) *\]/.exec(text)!;
    const forge = (a: number, b: number, c: number): Buffer => {
      const out = Buffer.from(signed);
      const s = `/ByteRange [0 ${a} ${b} ${c}`;
      out.write(s.padEnd(m[0].length - 1, ' ') + ']', m.index, 'latin1');
      return out;
    };
    const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (const [bytes, why] of [
      [forge(a + 2, b, c), /gap in the \/ByteRange/],
      [forge(a, b, c - 10), /does not end where a revision ends/],
      [forge(b + 5, b, c), /overlap/],
    ] as const) {
      const [sig] = await extract(bytes);
      assert.match(sig!.formatFailure ?? '', why);
    }
  });

  it('document time-stamps are attached only to the signatures they cover', async () => {
    const lta = await signAt(f, samplePdf(), 'B-LTA');
    const second = await signAt(f, lta, 'B-B');
    const [first, later] = await extract(second);
    assert.equal(first!.level, 'B-LTA');
    assert.deepEqual(
      first!.timestamps.map((t) => t.type),
      ['signature', 'document'],
    );
    assert.equal(later!.level, 'B-B');
    assert.deepEqual(later!.timestamps, []);
    assert.equal(later!.formatFailure, undefined);
  });

  it('digests a large file by streaming, near raw SHA-256 speed, a few MiB at a time', async () => {
    const tmp = tempDir('tb-pades-big-');
    try {
      const signed = await signAt(f, paddedPdf(64 * 1024 * 1024), 'B-B');
      const file = join(tmp.path, 'big.pdf');
      writeFileSync(file, signed);
      const start = performance.now();
      createHash('sha256').update(signed).digest();
      const raw = performance.now() - start;
      const src = await fileSource(file);
      let largest = 0;
      const counting: DocumentSource = {
        size: src.size,
        read: (o, l) => {
          largest = Math.max(largest, l);
          return src.read(o, l);
        },
        stream: (s, e) => src.stream(s, e),
      };
      try {
        const [sig] = await extractPades(counting, {});
        const t0 = performance.now();
        assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
        const took = performance.now() - t0;
        assert.ok(largest <= 4 * 1024 * 1024, `largest read ${largest} bytes`);
        assert.ok(
          took < raw * 3 + 50,
          `checkIntegrity ${took.toFixed(0)} ms, raw SHA-256 ${raw.toFixed(0)} ms`,
        );
        assert.equal(
          await sig!.verifySignatureValue(
            createPublicKey({ key: f.signer.spki, format: 'der', type: 'spki' }),
          ),
          true,
        );
      } finally {
        await src.close();
      }
    } finally {
      tmp.remove();
    }
  });

  it('mutated signed PDFs give TrustbridgeErrors or results, never other errors', async () => {
    const signed = await signAt(f, samplePdf(), 'B-LTA');
    const key = createPublicKey({ key: f.signer.spki, format: 'der', type: 'spki' });
    for (let i = 0; i < 150; i++) {
      const m = Buffer.from(signed);
      for (let k = 0; k < 1 + (i % 6); k++) randomBytes(1).copy(m, Math.floor(Math.random() * m.length));
      try {
        for (const s of await extract(
          i % 7 === 0 ? m.subarray(0, Math.floor(m.length * Math.random())) : m,
        )) {
          await s.checkIntegrity();
          await s.verifySignatureValue(key);
          for (const t of s.timestamps) await t.coveredDigest('sha256');
        }
      } catch (e) {
        assert.ok(e instanceof TrustbridgeError, `mutation ${i}: ${String(e)}`);
      }
    }
  });
});

describe('parsePdfDate (ISO 32000-1 §7.9.4)', () => {
  it('reads full, partial and offset dates; refuses others', () => {
    assert.equal(parsePdfDate("D:20260302093000+01'00'")?.toISOString(), '2026-03-02T08:30:00.000Z');
    assert.equal(parsePdfDate('D:20260302093000Z')?.toISOString(), '2026-03-02T09:30:00.000Z');
    assert.equal(parsePdfDate('D:2026')?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(parsePdfDate('yesterday'), undefined);
  });
});
