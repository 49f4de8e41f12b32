/**
 * A PDF document read on demand from a {@link DocumentSource} (ISO 32000-1 §7.5): the chain of
 * cross-reference sections, object lookup (direct, or compressed in object streams §7.5.7), and
 * views of earlier revisions (the document as it was when a signature was made, §7.5.6).
 */
import type { DocumentSource } from '../document_source.js';
import { malformed } from './errors.js';
import { decodeStream } from './filters.js';
import { Lexer } from './lexer.js';
import { Parser } from './parser.js';
import { PdfDict, PdfRef, PdfStream, asIndex } from './objects.js';
import type { PdfObject } from './objects.js';
import { SourceReader } from './reader.js';
import { readXrefChain } from './xref.js';
import type { XrefEntry, XrefSection } from './xref.js';

/** Most objects kept in the cache before it is emptied. */
const CACHE_LIMIT = 50_000;
/** Largest object stream decoded. */
const MAX_OBJSTM = 64 * 1024 * 1024;
/** Deepest chain of references followed by {@link PdfDocument.resolve}. */
const MAX_REF_CHAIN = 32;

/** A revision of the document: the sections that existed up to a byte offset (newest first). */
export interface PdfView {
  sections: XrefSection[];
}

interface ObjectStream {
  data: Buffer;
  first: number;
  offsets: [number, number][];
}

/**
 * A PDF opened for reading.
 *
 * @example `const doc = await PdfDocument.open(fileSourceOfThePdf); await doc.catalog()`
 */
export class PdfDocument {
  readonly reader: SourceReader;
  /** Cross-reference sections, newest first. */
  readonly sections: XrefSection[];
  private readonly cache = new Map<string, PdfObject>();
  private readonly objectStreams = new Map<number, ObjectStream>();

  private constructor(reader: SourceReader, sections: XrefSection[]) {
    this.reader = reader;
    this.sections = sections;
  }

  /**
   * Opens a PDF: reads the tail for `startxref`, then every cross-reference section.
   *
   * @param source - the document
   * @returns the document
   * @throws PdfError PDF_MALFORMED, PDF_UNSUPPORTED (encrypted)
   * @example `const doc = await PdfDocument.open(bufferSource(bytes))`
   */
  static async open(source: DocumentSource): Promise<PdfDocument> {
    const reader = new SourceReader(source);
    const head = await reader.read(0, 1024);
    if (head.indexOf('%PDF-', 0, 'latin1') < 0) return malformed('no %PDF- header');
    return new PdfDocument(reader, await readXrefChain(reader));
  }

  get size(): number {
    return this.reader.source.size;
  }

  /** The whole document (every section). */
  get latest(): PdfView {
    return { sections: this.sections };
  }

  /**
   * The revision that ends at `end`: the section whose `%%EOF` ends there and every older one in
   * the /Prev chain (a linearized file's first-page section belongs with its main one); for
   * another `end`, the sections written before it.
   */
  viewAt(end: number): PdfView {
    const i = this.sections.findIndex((s) => s.end === end || s.eofEnd === end);
    if (i >= 0) return { sections: this.sections.slice(i) };
    return { sections: this.sections.filter((s) => s.offset < end) };
  }

  /** The ends of the revisions (after `%%EOF` and its end-of-line), oldest first. */
  revisionEnds(): { eofEnd: number; end: number }[] {
    return this.sections
      .filter((s) => s.end !== undefined)
      .map((s) => ({ eofEnd: s.eofEnd!, end: s.end! }))
      .sort((a, b) => a.end - b.end);
  }

  /** The trailer entry `key` of a view (newest trailer that has it). */
  trailerEntry(key: string, view: PdfView = this.latest): PdfObject | undefined {
    for (const s of view.sections) if (s.trailer.has(key)) return s.trailer.get(key);
    // A linearized file's main section has no /Root: its first-page section (newer in the chain) has it.
    for (const s of this.sections) if (s.trailer.has(key)) return s.trailer.get(key);
    return undefined;
  }

  /** The entry of object `num` in a view. */
  entry(num: number, view: PdfView = this.latest): XrefEntry | undefined {
    for (const s of view.sections) {
      const e = s.entries.get(num);
      if (e) return e;
    }
    return undefined;
  }

  /** A key identifying where object `num` lives in a view (changes when a revision rewrites it). */
  locationKey(num: number, view: PdfView = this.latest): string {
    const e = this.entry(num, view);
    if (!e || e.type === 'f') return 'free';
    if (e.type === 'n') return `n${e.offset}`;
    // §7.5.7: an object stream is never itself compressed.
    const s = this.entry(e.stream, view);
    return `c${e.stream}:${e.index}@${s?.type === 'n' ? s.offset : 'bad'}`;
  }

  /**
   * The object a reference points to in a view (§7.3.10: an unknown or free object is null).
   *
   * @param ref - the reference
   * @param view - the revision (default: the whole document)
   * @returns the object
   * @throws PdfError PDF_MALFORMED
   * @example `const catalog = await doc.object(rootRef)`
   */
  async object(ref: PdfRef, view: PdfView = this.latest, depth = 0): Promise<PdfObject> {
    const e = this.entry(ref.num, view);
    if (!e || e.type === 'f') return null;
    const key = e.type === 'n' ? `n${e.offset}` : `c${this.locationKey(ref.num, view)}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    // An indirect /Length or an object stream makes reading recursive: refuse loops.
    if (depth > 4) return malformed(`object ${ref.num} refers to itself while being read`);
    const value =
      e.type === 'n'
        ? await this.direct(ref, e.offset, view, depth)
        : await this.compressed(ref, e, view, depth);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, value);
    return value;
  }

  private async direct(ref: PdfRef, offset: number, view: PdfView, depth: number): Promise<PdfObject> {
    const length = async (v: PdfObject): Promise<number | undefined> =>
      asIndex(v instanceof PdfRef ? await this.object(v, view, depth + 1) : v);
    const obj = await this.reader.indirectAt(offset, length, ref.num);
    return obj.value;
  }

  private async objectStream(num: number, view: PdfView, depth: number): Promise<ObjectStream> {
    const e = this.entry(num, view);
    if (e?.type !== 'n') return malformed(`object stream ${num} is not a plain object`);
    const key = e.offset;
    const cached = this.objectStreams.get(key);
    if (cached) return cached;
    const stream = await this.object(new PdfRef(num, 0), view, depth + 1);
    if (!(stream instanceof PdfStream) || stream.dict.name('Type') !== 'ObjStm')
      return malformed(`object ${num} is not an object stream`);
    const data = await this.streamData(stream, MAX_OBJSTM, view);
    const n = asIndex(stream.dict.get('N')) ?? malformed('object stream without /N');
    const first = asIndex(stream.dict.get('First')) ?? malformed('object stream without /First');
    const p = new Parser(new Lexer(data.subarray(0, first), 0, true, 0, false));
    const offsets: [number, number][] = [];
    for (let i = 0; i < n; i++) offsets.push([p.int('object number'), p.int('object offset')]);
    const parsed = { data, first, offsets };
    if (this.objectStreams.size > 64) this.objectStreams.clear();
    this.objectStreams.set(key, parsed);
    return parsed;
  }

  private async compressed(
    ref: PdfRef,
    e: { stream: number; index: number },
    view: PdfView,
    depth: number,
  ): Promise<PdfObject> {
    const os = await this.objectStream(e.stream, view, depth);
    const at = os.offsets[e.index];
    if (!at || at[0] !== ref.num)
      return malformed(`object ${ref.num} is not at index ${e.index} of stream ${e.stream}`);
    const start = os.first + at[1];
    if (start >= os.data.length) return malformed(`object ${ref.num} lies outside its object stream`);
    return new Parser(new Lexer(os.data, 0, true, start, false)).object();
  }

  /**
   * Follows references until a direct object.
   *
   * @example `const pages = await doc.resolve(catalog.get('Pages'))`
   */
  async resolve(v: PdfObject | undefined, view: PdfView = this.latest): Promise<PdfObject> {
    let cur: PdfObject | undefined = v;
    for (let i = 0; cur instanceof PdfRef; i++) {
      if (i >= MAX_REF_CHAIN) return malformed('reference chain too long');
      cur = await this.object(cur, view);
    }
    return cur ?? null;
  }

  /** Resolves to a dictionary (a stream's dictionary counts), or undefined. */
  async dict(v: PdfObject | undefined, view: PdfView = this.latest): Promise<PdfDict | undefined> {
    const r = await this.resolve(v, view);
    return r instanceof PdfDict ? r : r instanceof PdfStream ? r.dict : undefined;
  }

  /** Resolves to an array, or undefined. */
  async array(v: PdfObject | undefined, view: PdfView = this.latest): Promise<PdfObject[] | undefined> {
    const r = await this.resolve(v, view);
    return Array.isArray(r) ? r : undefined;
  }

  /**
   * The decoded data of a stream (filters and their parameters resolved).
   *
   * @param stream - the stream
   * @param max - largest encoded and decoded size accepted
   * @example `const der = await doc.streamData(certStream, 1 << 20)`
   */
  async streamData(stream: PdfStream, max = 64 * 1024 * 1024, view: PdfView = this.latest): Promise<Buffer> {
    if (stream.length > max) return malformed(`stream larger than ${max} bytes`);
    const raw = await this.reader.read(stream.start, stream.length);
    const dict = stream.dict.clone();
    for (const k of ['Filter', 'DecodeParms'])
      if (dict.get(k) instanceof PdfRef) dict.set(k, await this.resolve(dict.get(k), view));
    return decodeStream(dict, raw, max);
  }

  /** The catalog (§7.7.2) of a view. */
  async catalog(view: PdfView = this.latest): Promise<PdfDict> {
    const root = this.trailerEntry('Root', view);
    const d = await this.dict(root, view);
    if (!d) return malformed('the trailer has no /Root catalog');
    return d;
  }

  /** The highest object number in use plus one (for new objects). */
  nextObjectNumber(): number {
    let n = 0;
    for (const s of this.sections) {
      n = Math.max(n, asIndex(s.trailer.get('Size')) ?? 0);
      for (const k of s.entries.keys()) n = Math.max(n, k + 1);
    }
    return n;
  }
}
