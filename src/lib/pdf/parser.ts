/**
 * The PDF object parser (ISO 32000-1 §7.3) on top of the {@link Lexer}: direct objects with
 * `num gen R` references, and the `num gen obj ... endobj` header of indirect objects (§7.3.10).
 * Nesting depth and the number of items are bounded so that hostile input cannot exhaust the stack
 * or memory.
 */
import { malformed } from './errors.js';
import { Lexer } from './lexer.js';
import type { Token } from './lexer.js';
import { PdfDict, PdfName, PdfRef, PdfString } from './objects.js';
import type { PdfObject } from './objects.js';

/**
 * Deepest nesting of arrays and dictionaries accepted.
 *
 * @example `'['.repeat(MAX_DEPTH + 1) // too deep: PDF_MALFORMED`
 */
export const MAX_DEPTH = 64;
/**
 * Most items (array elements, dictionary entries) in one parse.
 *
 * @example `MAX_ITEMS // 1 000 000`
 */
export const MAX_ITEMS = 1_000_000;

/**
 * Parses objects from a lexer, with a small token look-ahead for references.
 *
 * @example `new Parser(new Lexer(buf, 0, true)).object()`
 */
export class Parser {
  readonly lexer: Lexer;
  private readonly queue: Token[] = [];
  private items = 0;

  constructor(lexer: Lexer) {
    this.lexer = lexer;
  }

  peek(i = 0): Token {
    while (this.queue.length <= i) this.queue.push(this.lexer.next());
    return this.queue[i]!;
  }

  take(): Token {
    return this.queue.shift() ?? this.lexer.next();
  }

  /** Number of buffered look-ahead tokens (the lexer position is past them). */
  get buffered(): number {
    return this.queue.length;
  }

  /** Takes an integer token or fails. */
  int(what: string): number {
    const t = this.take();
    if (t.t !== 'int') return malformed(`expected ${what} at ${t.s}`);
    return t.v;
  }

  /** Takes the keyword `kw` or fails. */
  keyword(kw: string): Token {
    const t = this.take();
    if (t.t !== 'kw' || t.v !== kw) return malformed(`expected '${kw}' at ${t.s}`);
    return t;
  }

  /** One direct object (which may be a reference). */
  object(depth = 0): PdfObject {
    if (depth > MAX_DEPTH) return malformed('objects nested too deeply');
    if (++this.items > MAX_ITEMS) return malformed('too many items in one object');
    const t = this.take();
    switch (t.t) {
      case 'int': {
        const a = this.peek(0);
        if (t.v >= 0 && a.t === 'int' && a.v >= 0) {
          const r = this.peek(1);
          if (r.t === 'kw' && r.v === 'R') {
            this.take();
            this.take();
            return new PdfRef(t.v, a.v);
          }
        }
        return t.v;
      }
      case 'real':
        return t.v;
      case 'name':
        return new PdfName(t.v);
      case 'str':
        return new PdfString(t.v, t.hex, t.s, t.e);
      case '[':
        return this.array(depth);
      case '<<':
        return this.dict(depth);
      case 'kw':
        if (t.v === 'true') return true;
        if (t.v === 'false') return false;
        if (t.v === 'null') return null;
        return malformed(`unexpected keyword '${t.v.slice(0, 20)}' at ${t.s}`);
      default:
        return malformed(`unexpected '${t.t}' at ${t.s}`);
    }
  }

  private array(depth: number): PdfObject[] {
    const out: PdfObject[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === ']') {
        this.take();
        return out;
      }
      if (t.t === 'eof') return malformed('unterminated array');
      out.push(this.object(depth + 1));
    }
  }

  private dict(depth: number): PdfDict {
    const d = new PdfDict();
    for (;;) {
      const t = this.take();
      if (t.t === '>>') return d;
      if (t.t !== 'name') return malformed(`dictionary key expected at ${t.s}`);
      // §7.3.7: a null value is the same as an absent entry.
      const v = this.object(depth + 1);
      if (v === null) d.map.delete(t.v);
      else d.set(t.v, v);
    }
  }

  /** `num gen obj`: the header of an indirect object. */
  header(): { num: number; gen: number } {
    const num = this.int('object number');
    const gen = this.int('generation number');
    this.keyword('obj');
    return { num, gen };
  }
}

/**
 * Parses one direct object from a complete buffer (tests, object streams).
 *
 * @param text - the object's bytes
 * @returns the object
 * @throws PdfError PDF_MALFORMED
 * @example `parseObjectText('<< /Type /Sig >>')`
 */
export function parseObjectText(text: string | Buffer): PdfObject {
  const buf = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  return new Parser(new Lexer(buf, 0, true)).object();
}
