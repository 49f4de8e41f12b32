/**
 * Random-access reading of PDF objects from a {@link DocumentSource}: a window is read at the
 * offset, parsed, and grown only when an object does not fit (ISO 32000-1 §7.3.10 indirect
 * objects, §7.3.8 streams). Stream data is located, not read.
 */
import type { DocumentSource } from '../document_source.js';
import { PdfError, malformed } from './errors.js';
import { Lexer, NeedMoreInput, isWhite } from './lexer.js';
import { Parser } from './parser.js';
import { PdfDict, PdfStream, asIndex } from './objects.js';
import type { PdfObject } from './objects.js';

/** First window read for an object. */
const FIRST_WINDOW = 4096;
/**
 * Largest window (the non-stream part of one object, or one xref table).
 *
 * @example `await reader.parseAt(offset, (p) => p.object()) // grows up to MAX_WINDOW`
 */
export const MAX_WINDOW = 256 * 1024 * 1024;
/** How far from a wrong cross-reference offset an object is looked for. */
const REPAIR_DISTANCE = 4096;
/** How far to scan for `endstream` when /Length is wrong or indirect and unresolvable. */
const MAX_STREAM_SCAN = 64 * 1024 * 1024;

/** An indirect object as found at an offset. */
export interface IndirectObject {
  num: number;
  gen: number;
  value: PdfObject;
  /** Absolute offset just after the object (after `endobj` when present). */
  end: number;
}

/** Resolves an indirect /Length; undefined when it cannot be resolved yet. */
export type LengthResolver = (v: PdfObject) => Promise<number | undefined>;

/**
 * Reads windows of a source and parses objects in them.
 *
 * @example `const obj = await new SourceReader(source).indirectAt(offset, async () => undefined)`
 */
export class SourceReader {
  readonly source: DocumentSource;

  constructor(source: DocumentSource) {
    this.source = source;
  }

  /** Reads `length` bytes at `offset` (fewer at the end). */
  read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || offset > this.source.size)
      return Promise.reject(new PdfError('PDF_MALFORMED', `offset ${offset} outside the file`));
    return this.source.read(offset, Math.min(length, this.source.size - offset));
  }

  /**
   * Runs `fn` on a parser over a window at `offset`, growing the window while `fn` runs out of
   * input.
   */
  async parseAt<T>(offset: number, fn: (p: Parser) => T, first = FIRST_WINDOW): Promise<T> {
    for (let size = first; ; size *= 4) {
      const buf = await this.read(offset, size);
      const complete = offset + buf.length >= this.source.size;
      try {
        return fn(new Parser(new Lexer(buf, offset, complete)));
      } catch (e) {
        if (!(e instanceof NeedMoreInput)) throw e;
        if (complete || size >= MAX_WINDOW) return malformed(`object at ${offset} is too large`);
      }
    }
  }

  /**
   * Parses the indirect object at `offset`; a stream is located with its /Length (through
   * `length` when indirect) and checked to be followed by `endstream`, else found by scanning.
   */
  async indirectAt(offset: number, length: LengthResolver, expect?: number): Promise<IndirectObject> {
    if (expect === undefined) return this.indirectExactlyAt(offset, length);
    try {
      const found = await this.indirectExactlyAt(offset, length);
      if (found.num === expect) return found;
    } catch (e) {
      if (!(e instanceof PdfError)) throw e;
    }
    // Repair (as common readers do): the cross-reference offset is a little off, e.g. after
    // bytes were inserted or removed; look for the object header nearby.
    const near = await this.findNear(offset, new RegExp(`(?<![0-9])${expect}\\s+\\d+\\s+obj\\b`, 'g'));
    if (near === undefined) return malformed(`object ${expect} is not at offset ${offset}`);
    const found = await this.indirectExactlyAt(near, length);
    if (found.num !== expect) return malformed(`object ${expect} is not at offset ${offset}`);
    return found;
  }

  /** The match of `re` (global) nearest to `offset` within {@link REPAIR_DISTANCE} bytes. */
  async findNear(offset: number, re: RegExp): Promise<number | undefined> {
    const from = Math.max(0, offset - REPAIR_DISTANCE);
    const text = (await this.read(from, 2 * REPAIR_DISTANCE)).toString('latin1');
    let best: number | undefined;
    for (const m of text.matchAll(re)) {
      const at = from + m.index;
      if (best === undefined || Math.abs(at - offset) < Math.abs(best - offset)) best = at;
    }
    return best;
  }

  private async indirectExactlyAt(offset: number, length: LengthResolver): Promise<IndirectObject> {
    const head = await this.parseAt(offset, (p) => {
      const { num, gen } = p.header();
      const value = p.object();
      const next = p.peek();
      if (next.t === 'kw' && next.v === 'stream' && value instanceof PdfDict) {
        const buf = p.lexer.buf;
        let rel = next.e - p.lexer.base;
        // §7.3.8.1: `stream` is followed by CRLF or LF (a lone CR is tolerated).
        if (rel >= buf.length && !p.lexer.complete) throw new NeedMoreInput();
        if (buf[rel] === 13) rel++;
        if (rel >= buf.length && !p.lexer.complete) throw new NeedMoreInput();
        if (buf[rel] === 10) rel++;
        return { num, gen, value, streamStart: p.lexer.base + rel, end: -1 };
      }
      const end = next.t === 'kw' && next.v === 'endobj' ? next.e : next.s;
      return { num, gen, value, streamStart: -1, end };
    });
    if (head.streamStart < 0) return head;
    const dict = head.value as PdfDict;
    const declared = await length(dict.get('Length') ?? null);
    const len = await this.streamLength(head.streamStart, declared);
    const stream = new PdfStream(dict, head.streamStart, len.length);
    return { num: head.num, gen: head.gen, value: stream, end: len.end };
  }

  /** The data length: /Length when `endstream` follows it, else found by scanning. */
  private async streamLength(
    start: number,
    declared: number | undefined,
  ): Promise<{ length: number; end: number }> {
    if (declared !== undefined && start + declared <= this.source.size) {
      const tail = await this.read(start + declared, 64);
      let i = 0;
      while (i < tail.length && isWhite(tail[i])) i++;
      if (tail.toString('latin1', i, i + 9) === 'endstream')
        return { length: declared, end: start + declared + i + 9 };
    }
    for (let p = start; p < Math.min(this.source.size, start + MAX_STREAM_SCAN); p += 1 << 20) {
      const buf = await this.read(p, (1 << 20) + 16);
      const at = buf.indexOf('endstream', 0, 'latin1');
      if (at < 0) continue;
      let end = p + at;
      // The end-of-line before `endstream` is not data (§7.3.8.1).
      const before = await this.read(Math.max(start, end - 2), end - Math.max(start, end - 2));
      if (before.length && before[before.length - 1] === 10) end--;
      if (before.length === 2 && before[0] === 13 && before[1] === 10) end--;
      else if (before.length && before[before.length - 1] === 13) end--;
      return { length: Math.max(0, end - start), end: p + at + 9 };
    }
    return malformed(`stream at ${start} has no endstream`);
  }

  /** Offset of the last `startxref` value (§7.5.5), read from the file's tail. */
  async startxref(): Promise<number> {
    const size = this.source.size;
    const tailSize = Math.min(size, 4096);
    const tail = await this.read(size - tailSize, tailSize);
    const at = tail.lastIndexOf('startxref', undefined, 'latin1');
    if (at < 0) return malformed('no startxref at the end of the file');
    const m = /^startxref\s+(\d+)/.exec(tail.toString('latin1', at, at + 40));
    const v = m ? asIndex(Number(m[1])) : undefined;
    if (v === undefined || v >= size) return malformed('bad startxref value');
    return v;
  }

  /** The position after the first `%%EOF` at or after `from` (and its end-of-line). */
  async eofAfter(from: number): Promise<{ eofEnd: number; end: number } | undefined> {
    const buf = await this.read(from, 4096);
    const at = buf.indexOf('%%EOF', 0, 'latin1');
    if (at < 0) return undefined;
    let end = at + 5;
    if (buf[end] === 13) end++;
    if (buf[end] === 10) end++;
    return { eofEnd: from + at + 5, end: from + end };
  }
}
