import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PdfDocument } from '../../../src/lib/pdf/document.js';
import { TrustbridgeError } from '../../../src/lib/errors.js';
import { PdfDict, PdfRef, PdfStream, PdfString, name } from '../../../src/lib/pdf/objects.js';
import { formFields, pageRefs } from '../../../src/lib/pdf/structure.js';
import { writeIncrementalUpdate } from '../../../src/lib/pdf/writer.js';
import type { DocumentSource } from '../../../src/lib/document_source.js';
import { bufferSource } from '../../../src/lib/document_source.js';
import { rejectsCode } from '../../fixtures/assert.js';
import { paddedPdf, samplePdf, sampleXrefStreamPdf } from './fixtures.js';

const open = (pdf: Buffer): Promise<PdfDocument> => PdfDocument.open(bufferSource(pdf));

/** A source that counts the bytes read. */
function countingSource(bytes: Buffer): DocumentSource & { bytesRead: number } {
  const inner = bufferSource(bytes);
  const s = {
    size: inner.size,
    bytesRead: 0,
    async read(offset: number, length: number) {
      const b = await inner.read(offset, length);
      s.bytesRead += b.length;
      return b;
    },
    stream: inner.stream,
  };
  return s;
}

describe('PdfDocument', () => {
  it('reads a classic cross-reference table, the catalog and the page tree', async () => {
    const doc = await open(samplePdf(3));
    assert.equal(doc.sections.length, 1);
    assert.equal(doc.sections[0]!.kind, 'table');
    assert.equal(doc.sections[0]!.end, samplePdf(3).length);
    assert.deepEqual(await pageRefs(doc), ['4 0', '6 0', '8 0']);
    assert.equal((await doc.catalog()).name('Type'), 'Catalog');
    const content = await doc.object(new PdfRef(5, 0));
    assert.ok(content instanceof PdfStream);
    assert.match((await doc.streamData(content)).toString('latin1'), /page 1/);
    assert.equal(doc.nextObjectNumber(), 10);
  });

  it('reads cross-reference streams with PNG predictors and objects in object streams', async () => {
    const doc = await open(sampleXrefStreamPdf(2));
    assert.equal(doc.sections[0]!.kind, 'stream');
    assert.equal(doc.entry(1)?.type, 'c');
    assert.equal((await doc.catalog()).name('Type'), 'Catalog');
    assert.equal((await pageRefs(doc)).length, 2);
  });

  it('follows incremental updates; each revision keeps its own view', async () => {
    const pdf = samplePdf(1);
    const doc = await open(pdf);
    const pages = (await doc.dict(new PdfRef(2, 0)))!.clone();
    const page2 = new PdfDict([
      ['Type', name('Page')],
      ['Parent', new PdfRef(2, 0)],
      ['MediaBox', [0, 0, 612, 792]],
    ]);
    pages.set('Kids', [new PdfRef(4, 0), new PdfRef(6, 0)]).set('Count', 2);
    const { bytes } = writeIncrementalUpdate(pdf, doc, [
      { num: 2, gen: 0, body: pages },
      { num: 6, gen: 0, body: page2 },
    ]);
    assert.deepEqual(bytes.subarray(0, pdf.length), pdf);
    const updated = await open(bytes);
    assert.equal(updated.sections.length, 2);
    assert.deepEqual(
      updated.revisionEnds().map((r) => r.end),
      [pdf.length, bytes.length],
    );
    assert.equal((await pageRefs(updated)).length, 2);
    assert.equal((await pageRefs(updated, updated.viewAt(pdf.length))).length, 1);
    assert.equal(updated.trailerEntry('ID') instanceof Array, true);
  });

  it('a /Prev that leads to no section: the table before the newer one in the file (repair)', async () => {
    // Padded, so that no table lies near offset 0 (the nearby repair does not find it).
    const pdf = paddedPdf(20_000);
    const doc = await open(pdf);
    const pages = (await doc.dict(new PdfRef(2, 0)))!.clone();
    pages.set('Count', 1);
    const { bytes } = writeIncrementalUpdate(pdf, doc, [{ num: 2, gen: 0, body: pages }]);
    const text = bytes.toString('latin1');
    const prev = /\/Prev (\d+)/.exec(text.slice(pdf.length))!;
    // /Prev 0 (the file header), padded to the same length: no cross-reference section there.
    const broken = Buffer.from(
      text.slice(0, pdf.length) +
        text.slice(pdf.length).replace(prev[0], '/Prev 0'.padEnd(prev[0].length, ' ')),
      'latin1',
    );
    assert.ok(pdf.indexOf('xref\n') > 10_000);
    const updated = await open(broken);
    assert.deepEqual(
      updated.sections.map((x) => x.offset),
      (await open(bytes)).sections.map((x) => x.offset),
    );
    assert.equal((await pageRefs(updated)).length, 1);
  });

  it('reads an object from a large source without reading the file', async () => {
    const fixed = paddedPdf(50_000_000);
    const src = countingSource(fixed);
    const doc = await PdfDocument.open(src);
    assert.equal((await pageRefs(doc)).length, 1);
    assert.ok(fixed.length > 50_000_000);
    assert.ok(src.bytesRead < 200_000, `read ${src.bytesRead} bytes of ${fixed.length}`);
  });

  it('finds objects whose cross-reference offsets are a little off (repair)', async () => {
    const text = samplePdf(1).toString('latin1');
    const shifted = Buffer.from(text.replace('%PDF-1.7\n', '%PDF-1.7\n%%%%%%%%\n'), 'latin1');
    const doc = await open(shifted);
    assert.equal((await pageRefs(doc)).length, 1);
  });

  it('reads AcroForm fields with inherited type and dotted names', async () => {
    const pdf = samplePdf(1);
    const doc = await open(pdf);
    const catalog = (await doc.catalog()).clone();
    catalog.set('AcroForm', new PdfDict([['Fields', [new PdfRef(9, 0)]]]));
    const parent = new PdfDict([
      ['T', new PdfString(Buffer.from('sigs'))],
      ['FT', name('Sig')],
      ['Kids', [new PdfRef(10, 0)]],
    ]);
    const child = new PdfDict([
      ['T', new PdfString(Buffer.from('one'))],
      ['Parent', new PdfRef(9, 0)],
    ]);
    const { bytes } = writeIncrementalUpdate(pdf, doc, [
      { num: 1, gen: 0, body: catalog },
      { num: 9, gen: 0, body: parent },
      { num: 10, gen: 0, body: child },
    ]);
    const fields = await formFields(await open(bytes));
    assert.deepEqual(
      fields.map((f) => [f.name, f.type]),
      [['sigs.one', 'Sig']],
    );
  });

  it('refuses encrypted documents and non-PDFs', async () => {
    const enc = Buffer.from(
      samplePdf().toString('latin1').replace('/Root 1 0 R', '/Root 1 0 R /Encrypt 9 0 R'),
      'latin1',
    );
    await rejectsCode(() => open(enc), 'PDF_UNSUPPORTED', /encrypted/);
    await rejectsCode(() => open(Buffer.from('hello')), 'PDF_MALFORMED', /%PDF/);
    await rejectsCode(() => open(Buffer.from('%PDF-1.7\nno xref here')), 'PDF_MALFORMED', /startxref/);
  });

  it('mutated and truncated PDFs fail with a TrustbridgeError or parse, never anything else', async () => {
    const inputs = [samplePdf(2), sampleXrefStreamPdf(2)];
    let failures = 0;
    for (let i = 0; i < 400; i++) {
      const input = Buffer.from(inputs[i % 2]!);
      const mutated = i % 5 === 0 ? input.subarray(0, Math.floor(Math.random() * input.length)) : input;
      for (let k = 0; k < 1 + (i % 4); k++)
        randomBytes(1).copy(mutated, Math.floor(Math.random() * mutated.length));
      try {
        const doc = await open(mutated);
        await pageRefs(doc);
        await formFields(doc);
      } catch (e) {
        assert.ok(e instanceof TrustbridgeError, `mutation ${i}: ${String(e)}`);
        failures++;
      }
    }
    assert.ok(failures > 0);
  });
});
