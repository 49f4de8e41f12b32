#!/usr/bin/env node
/**
 * Writes the two sample PDFs of this folder, contract.pdf and mou.pdf: one A4 page each with
 * visible text in Helvetica, a classic cross-reference table and a document ID, nothing else
 * (no fonts embedded, no compression), so that the files are small, readable as text and the same
 * bytes on every run.
 *
 * Usage: node examples/make_pdfs.mjs   (from the checkout; rewrites both files)
 */
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A PDF string literal: backslash and parentheses escaped (the text is ASCII). */
const literal = (s) => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;

/** One page of text: a title in 16 pt, then paragraphs in 11 pt, from the top left. */
function pdf(title, lines) {
  let content = `BT\n/F1 16 Tf\n72 770 Td\n${literal(title)} Tj\n/F1 11 Tf\n0 -30 Td\n14 TL\n`;
  for (const line of lines) content += `${literal(line)} Tj T*\n`;
  content += 'ET\n';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
    `<< /Title ${literal(title)} /Producer (trustbridge examples) >>`,
  ];
  let body = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n\r\n`;
  const id = createHash('md5').update(title).digest('hex');
  body +=
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R /ID [<${id}> <${id}>] >>\n` +
    `startxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

writeFileSync(
  join(HERE, 'contract.pdf'),
  pdf('Contract of sale', [
    'Between Maria Clara Santos, born 17 May 1990, the seller,',
    'and Juan Dela Cruz, born 1 February 1985, the buyer.',
    '',
    '1. The seller sells to the buyer the used car described in the annex',
    '   for the price of PHP 350,000, paid on signature.',
    '2. The car is handed over, with its papers and both keys, on payment.',
    '3. This contract is signed electronically by both parties with their eID.',
    '',
    'Made in Manila.',
  ]),
);

writeFileSync(
  join(HERE, 'mou.pdf'),
  pdf('Memorandum of Understanding', [
    'between the Republic of the Philippines, the Socialist Republic of Viet Nam',
    'and the Kingdom of Belgium on the mutual recognition of electronic identification',
    'and electronic signatures.',
    '',
    '1. Each participant publishes a signed trust list of its eID and time-stamping services.',
    '2. The regional hub publishes the list of trusted lists that points to them.',
    '3. A signature of a citizen of one participant, valid under its trust list,',
    '   is recognised by the services of every other participant.',
    '',
    "Signed electronically by the participants' representatives.",
  ]),
);
