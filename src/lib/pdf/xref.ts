/**
 * Cross-reference sections (ISO 32000-1 §7.5.4 tables, §7.5.8 cross-reference streams, §7.5.8.4
 * hybrid files) and the chain of incremental updates they form through /Prev (§7.5.6). Each
 * section knows where its revision ends (after its `%%EOF`), which is what a signature's
 * ByteRange must reach (ISO 32000-1 §12.8.1).
 */
import { PdfError, malformed, unsupported } from './errors.js';
import { decodeStream } from './filters.js';
import { PdfDict, PdfStream, asIndex } from './objects.js';
import type { PdfObject } from './objects.js';
import type { SourceReader } from './reader.js';

/** Where an object is: at an offset, compressed in an object stream, or free. */
export type XrefEntry =
  { type: 'n'; offset: number; gen: number } | { type: 'c'; stream: number; index: number } | { type: 'f' };

/** One cross-reference section and its trailer. */
export interface XrefSection {
  /** Offset of `xref` or of the cross-reference stream object. */
  offset: number;
  kind: 'table' | 'stream';
  trailer: PdfDict;
  entries: Map<number, XrefEntry>;
  /** The cross-reference stream's object number (kind `stream`). */
  streamNum?: number;
  /** Just after the `%%EOF` of this revision, and after its end-of-line (undefined when absent). */
  eofEnd?: number;
  end?: number;
}

/**
 * Most objects in one section, and most sections followed.
 *
 * @example `MAX_OBJECTS // 10 000 000`
 *
 * @example `MAX_SECTIONS // 10 000`
 */
export const MAX_OBJECTS = 10_000_000;
export const MAX_SECTIONS = 10_000;

/** Parses a classic table and its trailer (§7.5.4, §7.5.5). */
async function readTable(reader: SourceReader, offset: number): Promise<XrefSection & { after: number }> {
  return reader.parseAt(
    offset,
    (p) => {
      p.keyword('xref');
      const entries = new Map<number, XrefEntry>();
      for (;;) {
        const t = p.peek();
        if (t.t === 'kw' && t.v === 'trailer') break;
        const first = p.int('subsection start');
        const count = p.int('subsection count');
        if (first + count > MAX_OBJECTS) return malformed('too many objects in a cross-reference table');
        for (let i = 0; i < count; i++) {
          const off = p.int('entry offset');
          const gen = p.int('entry generation');
          const kind = p.take();
          if (kind.t !== 'kw' || (kind.v !== 'n' && kind.v !== 'f'))
            return malformed(`bad xref entry at ${kind.s}`);
          if (!entries.has(first + i))
            entries.set(first + i, kind.v === 'n' ? { type: 'n', offset: off, gen } : { type: 'f' });
        }
      }
      p.keyword('trailer');
      const trailer = p.object();
      if (!(trailer instanceof PdfDict)) return malformed('the trailer is not a dictionary');
      return { offset, kind: 'table' as const, trailer, entries, after: p.lexer.base + p.lexer.pos };
    },
    16384,
  );
}

function widths(dict: PdfDict): [number, number, number] {
  const w = dict.get('W');
  if (!Array.isArray(w) || w.length !== 3) return malformed('cross-reference stream without a valid /W');
  const ws = w.map((x) => asIndex(x));
  if (ws.some((x) => x === undefined || x > 8)) return malformed('bad /W in a cross-reference stream');
  return ws as [number, number, number];
}

function field(data: Buffer, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
  return v;
}

/**
 * Decodes the entries of a cross-reference stream (§7.5.8.3, Table 18).
 *
 * @example `xrefStreamEntries(stream.dict, decodeStream(stream.dict, raw)).get(1) // { type: 'n', offset: 15, gen: 0 }`
 */
export function xrefStreamEntries(dict: PdfDict, data: Buffer): Map<number, XrefEntry> {
  const [w1, w2, w3] = widths(dict);
  const size = asIndex(dict.get('Size')) ?? malformed('cross-reference stream without /Size');
  const index = dict.get('Index') ?? [0, size];
  if (!Array.isArray(index) || index.length % 2) return malformed('bad /Index');
  const row = w1 + w2 + w3;
  if (row === 0) return malformed('empty cross-reference rows');
  const entries = new Map<number, XrefEntry>();
  let at = 0;
  for (let i = 0; i < index.length; i += 2) {
    const first = asIndex(index[i]);
    const count = asIndex(index[i + 1]);
    if (first === undefined || count === undefined || first + count > MAX_OBJECTS)
      return malformed('bad /Index');
    for (let k = 0; k < count && at + row <= data.length; k++, at += row) {
      // A zero-width type field means type 1 (Table 17).
      const type = w1 ? field(data, at, w1) : 1;
      const f2 = field(data, at + w1, w2);
      const f3 = field(data, at + w1 + w2, w3);
      if (entries.has(first + k)) continue;
      if (type === 0) entries.set(first + k, { type: 'f' });
      else if (type === 1) entries.set(first + k, { type: 'n', offset: f2, gen: f3 });
      else if (type === 2) entries.set(first + k, { type: 'c', stream: f2, index: f3 });
      // Other types are to be ignored (§7.5.8.3): they refer to the null object.
    }
  }
  return entries;
}

/** Parses a cross-reference stream object at `offset`. */
async function readStream(reader: SourceReader, offset: number): Promise<XrefSection & { after: number }> {
  const obj = await reader.indirectAt(offset, (v) => Promise.resolve(asIndex(v)));
  const stream = obj.value;
  if (!(stream instanceof PdfStream) || stream.dict.name('Type') !== 'XRef')
    return malformed(`no cross-reference table or stream at ${offset}`);
  if (stream.length > 256 * 1024 * 1024) return malformed('cross-reference stream too large');
  const data = decodeStream(stream.dict, await reader.read(stream.start, stream.length));
  return {
    offset,
    kind: 'stream',
    trailer: stream.dict,
    entries: xrefStreamEntries(stream.dict, data),
    streamNum: obj.num,
    after: obj.end,
  };
}

async function sectionAt(reader: SourceReader, offset: number): Promise<XrefSection & { after: number }> {
  const head = await reader.read(offset, 64);
  const skip = Math.max(0, head.toString('latin1').search(/\S/));
  const table = head.toString('latin1', skip, skip + 4) === 'xref';
  return table ? readTable(reader, offset + skip) : readStream(reader, offset + skip);
}

/** The section at `offset`, or (repair) a table or cross-reference stream found near it. */
async function sectionNear(reader: SourceReader, offset: number): Promise<XrefSection & { after: number }> {
  try {
    return await sectionAt(reader, offset);
  } catch (e) {
    if (!(e instanceof PdfError)) throw e;
    const table = await reader.findNear(offset, /(?<![a-z])xref\s/g);
    const stream = await reader.findNear(
      offset,
      /(?<![0-9])\d+\s+\d+\s+obj\s*<<\s*\/(Type\s*\/XRef|[^>]*\/Type\s*\/XRef)/g,
    );
    const candidates = [table, stream].filter((x): x is number => x !== undefined);
    candidates.sort((a, b) => Math.abs(a - offset) - Math.abs(b - offset));
    for (const c of candidates) {
      try {
        return await sectionAt(reader, c);
      } catch (e2) {
        if (!(e2 instanceof PdfError)) throw e2;
      }
    }
    throw e;
  }
}

/** The window scanned at a time, backwards, for the section before a broken /Prev. */
const BACK_WINDOW = 1 << 20;

/**
 * The last cross-reference table (`xref` keyword) that starts before `before`, or undefined.
 */
async function tableBefore(reader: SourceReader, before: number): Promise<number | undefined> {
  for (let end = before; end > 0; end -= BACK_WINDOW) {
    const from = Math.max(0, end - BACK_WINDOW - 8);
    const text = (await reader.read(from, end - from)).toString('latin1');
    let last: number | undefined;
    for (const m of text.matchAll(/(?<![a-z])xref\s/g)) last = from + m.index;
    if (last !== undefined) return last;
  }
  return undefined;
}

/**
 * The section at `offset`; when it is a /Prev (of `newer`) that leads to no section even after
 * the nearby repair, the table just before the newer one in the file (incremental updates are
 * appended, so that is the previous revision), or undefined when there is none: the chain ends.
 */
async function readPrevSection(
  reader: SourceReader,
  offset: number,
  newer: XrefSection | undefined,
): Promise<XrefSection | undefined> {
  try {
    return await readSection(reader, offset);
  } catch (e) {
    if (!(e instanceof PdfError) || !newer || newer.kind !== 'table') throw e;
    const before = await tableBefore(reader, newer.offset);
    return before === undefined ? undefined : readSection(reader, before);
  }
}

async function readSection(reader: SourceReader, offset: number): Promise<XrefSection> {
  const { after, ...section } = await sectionNear(reader, offset);
  const hybrid = asIndex(section.trailer.get('XRefStm'));
  if (section.kind === 'table' && hybrid !== undefined) {
    // §7.5.8.4: a hybrid file lists its compressed objects in the stream at /XRefStm.
    const extra = await readStream(reader, hybrid);
    for (const [num, e] of extra.entries) {
      const old = section.entries.get(num);
      if (!old || old.type === 'f') section.entries.set(num, e);
    }
  }
  const eof = await reader.eofAfter(after);
  return eof ? { ...section, eofEnd: eof.eofEnd, end: eof.end } : section;
}

/**
 * Reads every cross-reference section from the last `startxref` back through /Prev: newest
 * first. An encrypted document (/Encrypt in a trailer) is refused: its strings and streams could
 * not be read, nor a signature's bytes trusted.
 *
 * @param reader - the file
 * @returns the sections, newest first
 * @throws PdfError PDF_MALFORMED, PDF_UNSUPPORTED for encryption
 * @example `const sections = await readXrefChain(new SourceReader(source))`
 */
export async function readXrefChain(reader: SourceReader): Promise<XrefSection[]> {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let next: number | undefined = await reader.startxref();
  while (next !== undefined) {
    if (seen.has(next)) break;
    if (sections.length >= MAX_SECTIONS) return malformed('too many incremental updates');
    seen.add(next);
    const section = await readPrevSection(reader, next, sections[sections.length - 1]);
    if (!section) break;
    if (seen.has(section.offset) && section.offset !== next) break;
    seen.add(section.offset);
    if (section.trailer.has('Encrypt')) return unsupported('the document is encrypted');
    sections.push(section);
    const prev: PdfObject | undefined = section.trailer.get('Prev');
    next = asIndex(prev);
  }
  return sections;
}
