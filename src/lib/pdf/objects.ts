/**
 * The PDF object model (ISO 32000-1 §7.3): null, booleans, numbers, names, strings, arrays,
 * dictionaries, streams and indirect references. Strings and streams remember where their bytes
 * are in the file, because a signature's ByteRange must be checked against the exact position of
 * its /Contents string (ISO 32000-1 §12.8.1).
 */

/**
 * A name object (§7.3.5), `#xx` escapes already decoded; `name` has no leading slash.
 *
 * @example `new PdfName('Sig').name // 'Sig'`
 */
export class PdfName {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/**
 * An indirect reference `num gen R` (§7.3.10).
 *
 * @example `new PdfRef(7, 0).key // '7 0'`
 */
export class PdfRef {
  readonly num: number;
  readonly gen: number;
  constructor(num: number, gen: number) {
    this.num = num;
    this.gen = gen;
  }
  /** `"num gen"`: a map key. */
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
}

/**
 * A string object (§7.3.4): its decoded bytes, whether it was written in hex, and where its token
 * lies in the file, `[start, end)` from `(`/`<` to after `)`/`>` (-1 when not read from the file,
 * e.g. inside an object stream).
 *
 * @example `new PdfString(Buffer.from('Signature1')).text // 'Signature1'`
 */
export class PdfString {
  readonly bytes: Buffer;
  readonly hex: boolean;
  readonly start: number;
  readonly end: number;
  constructor(bytes: Buffer, hex = false, start = -1, end = -1) {
    this.bytes = bytes;
    this.hex = hex;
    this.start = start;
    this.end = end;
  }
  /** The bytes as Latin-1 text (PDFDocEncoding agrees with it on printable ASCII). */
  get text(): string {
    if (this.bytes[0] === 0xfe && this.bytes[1] === 0xff)
      return this.bytes.subarray(2).swap16().toString('utf16le');
    return this.bytes.toString('latin1');
  }
}

/**
 * A dictionary (§7.3.7). Keys are names without the slash.
 *
 * @example `new PdfDict([['Type', name('Sig')]]).name('Type') // 'Sig'`
 */
export class PdfDict {
  readonly map: Map<string, PdfObject>;
  constructor(entries?: Iterable<[string, PdfObject]>) {
    this.map = new Map(entries);
  }
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  set(key: string, value: PdfObject): this {
    this.map.set(key, value);
    return this;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  /** The value if it is a name, else undefined. */
  name(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
  /** The value if it is a number, else undefined. */
  num(key: string): number | undefined {
    const v = this.map.get(key);
    return typeof v === 'number' ? v : undefined;
  }
  /** A shallow copy (values are shared). */
  clone(): PdfDict {
    return new PdfDict(this.map);
  }
}

/**
 * A stream (§7.3.8): its dictionary and where its (still encoded) data lies in the file. The data
 * is read only on demand, so a large image is never loaded to check a signature.
 *
 * @example `await doc.streamData(stream) // the decoded bytes`
 */
export class PdfStream {
  readonly dict: PdfDict;
  /** Absolute offset of the first data byte (after `stream` and its end-of-line). */
  readonly start: number;
  readonly length: number;
  constructor(dict: PdfDict, start: number, length: number) {
    this.dict = dict;
    this.start = start;
    this.length = length;
  }
}

/** Any PDF object. */
export type PdfObject =
  null | boolean | number | PdfName | PdfString | PdfRef | PdfObject[] | PdfDict | PdfStream;

/** A stream to be written: its dictionary (without /Length, added by the writer) and data. */
export interface NewStream {
  kind: 'new-stream';
  dict: PdfDict;
  data: Buffer;
}

/**
 * Shorthand for a name.
 *
 * @example `dict.set('Type', name('DSS'))`
 */
export function name(n: string): PdfName {
  return new PdfName(n);
}

/**
 * A non-negative integer, or undefined.
 *
 * @example `asIndex(trailer.get('Prev')) // 1234 or undefined`
 */
export function asIndex(v: PdfObject | undefined): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}
