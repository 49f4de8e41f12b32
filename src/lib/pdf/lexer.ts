/**
 * The PDF tokenizer (ISO 32000-1 §7.2 lexical conventions, §7.3 object syntax). It works on a
 * window of the file: when a token runs past the end of a window that is not the end of the
 * file it throws {@link NeedMoreInput}, and the caller retries with a larger window. That is how
 * objects are read from a 100 MB file without reading the file.
 */
import { malformed } from './errors.js';

/**
 * The window ended inside a token: read a larger one.
 *
 * @example `try { parser.object() } catch (e) { if (e instanceof NeedMoreInput) readLargerWindow() }`
 */
export class NeedMoreInput extends Error {}

/** A token. `s` is its absolute offset in the file (-1 when positions are not tracked). */
export type Token =
  | { t: 'int' | 'real'; v: number; s: number }
  | { t: 'name'; v: string; s: number }
  | { t: 'str'; v: Buffer; hex: boolean; s: number; e: number }
  | { t: 'kw'; v: string; s: number; e: number }
  | { t: '[' | ']' | '<<' | '>>' | '{' | '}'; s: number }
  | { t: 'eof'; s: number };

// §7.2.2: white-space characters and delimiters.
const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;
/** Longest hex string accepted (a signature /Contents is far below). */
const MAX_STRING = 64 * 1024 * 1024;
/** Longest literal string accepted. */
const MAX_LITERAL = 4 * 1024 * 1024;

/**
 * True for PDF white-space.
 *
 * @example `isWhite(0x0a) // true`
 */
export function isWhite(c: number | undefined): boolean {
  return c !== undefined && WS[c] === 1;
}

/**
 * A tokenizer over `buf`, which holds the file bytes from absolute offset `base`.
 *
 * @example `new Lexer(Buffer.from('/Type /Sig'), 0, true).next() // { t: 'name', v: 'Type', s: 0 }`
 */
export class Lexer {
  readonly buf: Buffer;
  readonly base: number;
  /** The window reaches the end of the file (running out is end of input, not "read more"). */
  readonly complete: boolean;
  /** Track absolute positions (false inside decoded object streams). */
  readonly positions: boolean;
  pos: number;

  constructor(buf: Buffer, base: number, complete: boolean, pos = 0, positions = true) {
    this.buf = buf;
    this.base = base;
    this.complete = complete;
    this.pos = pos;
    this.positions = positions;
  }

  /** Absolute offset of relative position `p`. */
  abs(p: number): number {
    return this.positions ? this.base + p : -1;
  }

  private more(): never {
    if (this.complete) return malformed('unexpected end of file');
    throw new NeedMoreInput();
  }

  /** Skips white-space and comments (§7.2.3). */
  skipWhite(): void {
    const b = this.buf;
    for (;;) {
      while (this.pos < b.length && WS[b[this.pos]!]) this.pos++;
      if (this.pos < b.length && b[this.pos] === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
        if (this.pos >= b.length && !this.complete) this.more();
        continue;
      }
      if (this.pos >= b.length && !this.complete) this.more();
      return;
    }
  }

  /** The next token. */
  next(): Token {
    this.skipWhite();
    const b = this.buf;
    const s = this.pos;
    if (s >= b.length) return { t: 'eof', s: this.abs(s) };
    const c = b[s]!;
    switch (c) {
      case 0x5b:
        this.pos++;
        return { t: '[', s: this.abs(s) };
      case 0x5d:
        this.pos++;
        return { t: ']', s: this.abs(s) };
      case 0x7b:
        this.pos++;
        return { t: '{', s: this.abs(s) };
      case 0x7d:
        this.pos++;
        return { t: '}', s: this.abs(s) };
      case 0x28:
        return this.literal();
      case 0x2f:
        return this.name();
      case 0x3c:
        if (s + 1 >= b.length) this.more();
        if (b[s + 1] === 0x3c) {
          this.pos += 2;
          return { t: '<<', s: this.abs(s) };
        }
        return this.hexString();
      case 0x3e:
        if (s + 1 >= b.length) this.more();
        if (b[s + 1] !== 0x3e) return malformed(`stray '>' at ${this.abs(s)}`);
        this.pos += 2;
        return { t: '>>', s: this.abs(s) };
      case 0x29:
        return malformed(`stray ')' at ${this.abs(s)}`);
      default:
        return this.regular();
    }
  }

  /** A run of regular characters: a number or a keyword (§7.3.3, §7.2.2). */
  private regular(): Token {
    const b = this.buf;
    const s = this.pos;
    let p = s;
    while (p < b.length && !WS[b[p]!] && !DELIM[b[p]!]) p++;
    if (p >= b.length && !this.complete) this.more();
    this.pos = p;
    const text = b.toString('latin1', s, p);
    if (NUMBER.test(text)) return { t: INTEGER.test(text) ? 'int' : 'real', v: Number(text), s: this.abs(s) };
    return { t: 'kw', v: text, s: this.abs(s), e: this.abs(p) };
  }

  /** A name (§7.3.5) with `#xx` escapes. */
  private name(): Token {
    const b = this.buf;
    const s = this.pos;
    let p = s + 1;
    while (p < b.length && !WS[b[p]!] && !DELIM[b[p]!]) p++;
    if (p >= b.length && !this.complete) this.more();
    this.pos = p;
    let raw = b.toString('latin1', s + 1, p);
    if (raw.includes('#'))
      raw = raw.replace(/#([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return { t: 'name', v: raw, s: this.abs(s) };
  }

  /** A hexadecimal string (§7.3.4.3): white-space ignored, an odd final digit padded with 0. */
  private hexString(): Token {
    const b = this.buf;
    const s = this.pos;
    const end = b.indexOf(0x3e, s + 1);
    if (end < 0) return this.more();
    if (end - s > 2 * MAX_STRING) return malformed('hex string too long');
    const out = Buffer.allocUnsafe((end - s) >> 1);
    let n = 0;
    let hi = -1;
    for (let p = s + 1; p < end; p++) {
      const c = b[p]!;
      if (WS[c]) continue;
      const v = HEX[c]!;
      if (v < 0) return malformed(`bad character in hex string at ${this.abs(p)}`);
      if (hi < 0) hi = v;
      else {
        out[n++] = (hi << 4) | v;
        hi = -1;
      }
    }
    if (hi >= 0) out[n++] = hi << 4;
    this.pos = end + 1;
    return { t: 'str', v: out.subarray(0, n), hex: true, s: this.abs(s), e: this.abs(end + 1) };
  }

  /** A literal string (§7.3.4.2): balanced parentheses, escapes, end-of-line normalisation. */
  private literal(): Token {
    const b = this.buf;
    const s = this.pos;
    const out: number[] = [];
    let depth = 1;
    let p = s + 1;
    for (;;) {
      if (p >= b.length) return this.more();
      if (out.length > MAX_LITERAL) return malformed('literal string too long');
      const c = b[p++]!;
      if (c === 0x5c) {
        p = this.escape(p, out);
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) break;
      if (c === 13) {
        // §7.3.4.2: an unescaped end-of-line is a single line feed.
        if (p >= b.length) return this.more();
        if (b[p] === 10) p++;
        out.push(10);
      } else out.push(c);
    }
    this.pos = p;
    return { t: 'str', v: Buffer.from(out), hex: false, s: this.abs(s), e: this.abs(p) };
  }

  private escape(p: number, out: number[]): number {
    const b = this.buf;
    if (p >= b.length) return this.more();
    const e = b[p++]!;
    const simple: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
    if (simple[e] !== undefined) out.push(simple[e]);
    else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let i = 0; i < 2; i++) {
        if (p >= b.length) return this.more();
        const d = b[p]!;
        if (d < 0x30 || d > 0x37) break;
        v = v * 8 + d - 0x30;
        p++;
      }
      out.push(v & 0xff);
    } else if (e === 13) {
      // A backslash before an end-of-line continues the string on the next line.
      if (p >= b.length) return this.more();
      if (b[p] === 10) p++;
    } else if (e !== 10) out.push(e);
    return p;
  }
}
