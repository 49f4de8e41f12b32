/**
 * Writing PDF objects (ISO 32000-1 §7.3) and incremental updates (§7.5.6): new and changed
 * objects are appended after the last byte of the file with a cross-reference section of the
 * same kind as the previous one (a table after a table, a stream after a stream, §7.5.8), so
 * earlier bytes, and the signatures over them, never change.
 */
import { randomBytes } from 'node:crypto';
import type { PdfDocument } from './document.js';
import { malformed } from './errors.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString } from './objects.js';
import type { NewStream, PdfObject } from './objects.js';

const REGULAR = /^[!-~]$/;

function nameBytes(n: string): string {
  let out = '/';
  for (const ch of n) {
    const c = ch.charCodeAt(0);
    // §7.3.5: delimiters, white-space, '#' and bytes outside 0x21..0x7e are written as #xx.
    out +=
      REGULAR.test(ch) && !'()<>[]{}/%#'.includes(ch) ? ch : `#${(c & 0xff).toString(16).padStart(2, '0')}`;
  }
  return out;
}

function numberText(v: number): string {
  if (!Number.isFinite(v)) return malformed('a number is not finite');
  if (Number.isInteger(v)) return String(v);
  // §7.3.3: no exponent form; 6 decimals are more than readers keep.
  return v.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function stringText(s: PdfString): string {
  if (s.hex || s.bytes.some((b) => b < 0x20 || b > 0x7e)) return `<${s.bytes.toString('hex')}>`;
  return `(${s.bytes.toString('latin1').replace(/[\\()]/g, (m) => `\\${m}`)})`;
}

/**
 * Serialises a direct object (a stream must be written with {@link serializeIndirect}).
 *
 * @example `serialize(new PdfDict([['Type', name('Sig')]])).toString() // '<</Type /Sig>>'`
 */
export function serialize(v: PdfObject, depth = 0): string {
  if (depth > 64) return malformed('object nested too deeply to write');
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return numberText(v);
  if (v instanceof PdfName) return nameBytes(v.name);
  if (v instanceof PdfString) return stringText(v);
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (Array.isArray(v)) return `[${v.map((x) => serialize(x, depth + 1)).join(' ')}]`;
  if (v instanceof PdfDict) {
    const parts = [...v.map].map(([k, x]) => `${nameBytes(k)} ${serialize(x, depth + 1)}`);
    return `<<${parts.join(' ')}>>`;
  }
  if (v instanceof PdfStream) return malformed('a stream cannot be written as a direct object');
  return malformed('unknown object');
}

/** The body of an indirect object: a direct object, a new stream, or pre-serialised bytes. */
export type ObjectBody = PdfObject | NewStream | Buffer;

function bodyBytes(body: ObjectBody): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body && typeof body === 'object' && 'kind' in body && body.kind === 'new-stream') {
    const dict = body.dict.clone().set('Length', body.data.length);
    return Buffer.concat([
      Buffer.from(`${serialize(dict)}\nstream\n`, 'latin1'),
      body.data,
      Buffer.from('\nendstream'),
    ]);
  }
  return Buffer.from(serialize(body as PdfObject), 'latin1');
}

/** What {@link writeIncrementalUpdate} produced. */
export interface WrittenUpdate {
  /** The whole new file (the original bytes, then the update). */
  bytes: Buffer;
  /** Absolute offset of each written object's body (after `num gen obj\n`). */
  bodies: Map<number, number>;
}

/** One object of an update. */
export interface UpdateObject {
  num: number;
  gen: number;
  body: ObjectBody;
}

function trailerBase(doc: PdfDocument, size: number): PdfDict {
  const t = new PdfDict();
  t.set('Size', size);
  for (const key of ['Root', 'Info']) {
    const v = doc.trailerEntry(key);
    if (v !== undefined) t.set(key, v);
  }
  t.set('Prev', doc.sections[0]!.offset);
  // §14.4: the first identifier stays, the second changes with each update.
  const id = doc.trailerEntry('ID');
  const first =
    Array.isArray(id) && id[0] instanceof PdfString ? id[0] : new PdfString(randomBytes(16), true);
  return t.set('ID', [new PdfString(first.bytes, true), new PdfString(randomBytes(16), true)]);
}

function tableSection(entries: [number, number, number][], trailer: PdfDict): Buffer {
  let text = 'xref\n';
  for (let i = 0; i < entries.length;) {
    let j = i;
    while (j + 1 < entries.length && entries[j + 1]![0] === entries[j]![0] + 1) j++;
    text += `${entries[i]![0]} ${j - i + 1}\n`;
    // §7.5.4: each entry is exactly 20 bytes, ending in a two-character end-of-line.
    for (let k = i; k <= j; k++)
      text += `${String(entries[k]![1]).padStart(10, '0')} ${String(entries[k]![2]).padStart(5, '0')} n\r\n`;
    i = j + 1;
  }
  return Buffer.from(`${text}trailer\n${serialize(trailer)}\n`, 'latin1');
}

function streamSection(entries: [number, number, number][], trailer: PdfDict, num: number): Buffer {
  const maxOffset = Math.max(...entries.map((e) => e[1]));
  const w2 = Math.max(1, Math.ceil(Math.log2(maxOffset + 1) / 8));
  const rows = Buffer.alloc(entries.length * (1 + w2 + 2));
  const index: number[] = [];
  entries.forEach(([n, off, gen], i) => {
    const at = i * (1 + w2 + 2);
    rows[at] = 1;
    rows.writeUIntBE(off, at + 1, w2);
    rows.writeUInt16BE(gen, at + 1 + w2);
    if (index.length && index[index.length - 2]! + index[index.length - 1]! === n) index[index.length - 1]!++;
    else index.push(n, 1);
  });
  const dict = trailer.clone().set('Type', new PdfName('XRef')).set('W', [1, w2, 2]).set('Index', index);
  return Buffer.concat([
    Buffer.from(`${num} 0 obj\n`, 'latin1'),
    bodyBytes({ kind: 'new-stream', dict, data: rows }),
    Buffer.from('\nendobj\n'),
  ]);
}

/**
 * Appends an incremental update to a PDF: the objects, then a cross-reference table and trailer,
 * or (when the last section is a stream) a cross-reference stream, then `startxref` and `%%EOF`.
 *
 * @param original - the file's bytes
 * @param doc - the same file opened (for the last section, trailer and object numbers)
 * @param objects - new objects and new versions of existing ones
 * @returns the new file and where each object's body lies
 * @throws PdfError PDF_MALFORMED when the document has no cross-reference section
 * @example
 * ```ts
 * const { bytes } = writeIncrementalUpdate(pdf, doc, [{ num: 7, gen: 0, body: catalog }]);
 * ```
 */
export function writeIncrementalUpdate(
  original: Buffer,
  doc: PdfDocument,
  objects: UpdateObject[],
): WrittenUpdate {
  const last = doc.sections[0];
  if (!last) return malformed('no cross-reference section');
  const parts: Buffer[] = [original];
  let pos = original.length;
  const push = (b: Buffer): void => {
    parts.push(b);
    pos += b.length;
  };
  // §7.5.6: the update starts on a new line after the previous %%EOF.
  if (original.length && original[original.length - 1] !== 10 && original[original.length - 1] !== 13)
    push(Buffer.from('\n'));
  const entries: [number, number, number][] = [];
  const bodies = new Map<number, number>();
  for (const o of [...objects].sort((a, b) => a.num - b.num)) {
    const head = Buffer.from(`${o.num} ${o.gen} obj\n`, 'latin1');
    entries.push([o.num, pos, o.gen]);
    bodies.set(o.num, pos + head.length);
    push(Buffer.concat([head, bodyBytes(o.body), Buffer.from('\nendobj\n')]));
  }
  const maxNum = Math.max(doc.nextObjectNumber() - 1, ...objects.map((o) => o.num));
  const xrefAt = pos;
  if (last.kind === 'stream') {
    const num = maxNum + 1;
    entries.push([num, xrefAt, 0]);
    push(streamSection(entries, trailerBase(doc, num + 1), num));
  } else push(tableSection(entries, trailerBase(doc, maxNum + 1)));
  push(Buffer.from(`startxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  return { bytes: Buffer.concat(parts, pos), bodies };
}
