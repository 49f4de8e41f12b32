/**
 * Small hand-written PDFs for the tests: the object text is written out below, and only the
 * cross-reference offsets are computed, so the xref is correct by construction (ISO 32000-1
 * §7.5.4: 20-byte entries).
 */
import { deflateSync } from 'node:zlib';

/** The objects of a one- or more-page document with a Helvetica text line on each page. */
function objects(pages: number, text: string): string[] {
  const kids = Array.from({ length: pages }, (_v, i) => `${4 + 2 * i} 0 R`).join(' ');
  const out = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  for (let i = 0; i < pages; i++) {
    const content = `BT /F1 18 Tf 72 720 Td (${text} - page ${i + 1}) Tj ET`;
    out.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`,
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    );
  }
  return out;
}

/**
 * A PDF with a classic cross-reference table.
 *
 * @param pages - number of pages (default 1)
 * @param text - the line written on each page
 */
export function samplePdf(pages = 1, text = 'Memorandum of Understanding'): Buffer {
  let body = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects(pages, text).forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${offsets.length + 1}\n0000000000 65535 f\r\n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n\r\n`;
  body += `trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * The same document with a cross-reference stream (FlateDecode, PNG Up predictor) and the page
 * objects compressed in an object stream (ISO 32000-1 §7.5.7, §7.5.8), as qpdf writes them.
 */
export function sampleXrefStreamPdf(pages = 1): Buffer {
  const objs = objects(pages, 'Object streams');
  let body = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const entries: [number, number, number][] = [[0, 0, 0xffff]];
  // Objects 1..3 and the pages (not the content streams) go into object stream N.
  const inStream = objs.map((_o, i) => i + 1).filter((n) => !objs[n - 1]!.includes('stream'));
  const objStmNum = objs.length + 1;
  let header = '';
  let data = '';
  inStream.forEach((n, i) => {
    header += `${n} ${data.length} `;
    data += `${objs[n - 1]}\n`;
    entries[n] = [2, objStmNum, i];
  });
  objs.forEach((o, i) => {
    if (inStream.includes(i + 1)) return;
    entries[i + 1] = [1, Buffer.byteLength(body, 'latin1'), 0];
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const stm = deflateSync(Buffer.from(header + data, 'latin1'));
  entries[objStmNum] = [1, Buffer.byteLength(body, 'latin1'), 0];
  const first = header.length;
  const stmHead = `${objStmNum} 0 obj\n<< /Type /ObjStm /N ${inStream.length} /First ${first} /Filter /FlateDecode /Length ${stm.length} >>\nstream\n`;
  const parts = [Buffer.from(body + stmHead, 'latin1'), stm, Buffer.from('\nendstream\nendobj\n')];
  const xrefNum = objStmNum + 1;
  const xrefAt = parts.reduce((n, b) => n + b.length, 0);
  entries[xrefNum] = [1, xrefAt, 0];
  // PNG "Up" predictor rows of [type:1][offset:4][gen:2].
  const rows: number[] = [];
  let prev = [0, 0, 0, 0, 0, 0, 0];
  for (const [t, f2, f3] of entries) {
    const row = [
      t,
      (f2 >>> 24) & 255,
      (f2 >>> 16) & 255,
      (f2 >>> 8) & 255,
      f2 & 255,
      (f3 >>> 8) & 255,
      f3 & 255,
    ];
    rows.push(2, ...row.map((b, i) => (b - prev[i]! + 256) & 255));
    prev = row;
  }
  const xs = deflateSync(Buffer.from(rows));
  const xrefDict = `<< /Type /XRef /Size ${entries.length} /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length ${xs.length} >>`;
  parts.push(
    Buffer.from(`${xrefNum} 0 obj\n${xrefDict}\nstream\n`, 'latin1'),
    xs,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}

/**
 * {@link samplePdf} with `bytes` of comment lines before the first object (offsets adjusted): a
 * large document for streaming and memory tests.
 */
export function paddedPdf(bytes: number): Buffer {
  const base = samplePdf(1).toString('latin1');
  const at = base.indexOf('1 0 obj');
  const line = `% ${'x'.repeat(1021)}\n`;
  const filler = line.repeat(Math.ceil(bytes / line.length));
  const text = base.slice(0, at) + filler + base.slice(at);
  const shifted = text.replace(/(\d{10}) 00000 n/g, (m, o: string) =>
    Number(o) >= at ? `${String(Number(o) + filler.length).padStart(10, '0')} 00000 n` : m,
  );
  return Buffer.from(shifted.replace(/startxref\n\d+/, `startxref\n${shifted.indexOf('xref\n')}`), 'latin1');
}
