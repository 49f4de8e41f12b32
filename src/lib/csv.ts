/**
 * Streaming RFC 4180 CSV reader for population-register imports. Reads UTF-8 (an optional BOM is
 * dropped), accepts CRLF, LF or bare CR line ends, quoted fields with `""` escapes and embedded
 * line breaks, and bounds memory with per-field and per-record limits.
 */
import { TextDecoder } from 'node:util';
import { CsvError } from './errors.js';

/** Limits of {@link readCsvRecords}. */
export interface CsvReadOptions {
  /** Longest field, in UTF-16 code units (default 4096). */
  maxFieldLength?: number;
  /** Most fields in one record (default 64). */
  maxFields?: number;
  /**
   * Yield a malformed record as `{ line, fields: [], error }` and go on, instead of throwing
   * (default false). The parser resynchronises at the next physical line: after a quote that is
   * never closed, a quoted field over the limit, or one that spans lines and is followed by text
   * other than a separator, the bad record is the line the quote opened on and parsing resumes
   * on the line after it; after any other error, at the next line break.
   */
  recover?: boolean;
}

/** One CSV record: the 1-based physical line it starts on, and its fields. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Why the record is malformed (only with `recover`; `fields` is then empty). */
  error?: CsvError;
}

const DEFAULT_MAX_FIELD_LENGTH = 4096;
const DEFAULT_MAX_FIELDS = 64;

const QUOTE = '"';
const COMMA = ',';
const CR = '\r';
const LF = '\n';
const BOM = '\uFEFF';

/** Where the parser is within a record. */
type State = 'recordStart' | 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted' | 'skipLine';

function malformed(line: number, detail: string, cause?: unknown): CsvError {
  return new CsvError('EID_IMPORT_MALFORMED', `line ${line}: ${detail}`, { cause });
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

/** Character-level RFC 4180 state machine; feed it text, collect finished records. */
class CsvParser {
  private state: State = 'recordStart';
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private lastWasCR = false;
  private atStart = true;
  private readonly out: CsvRecord[] = [];
  private readonly maxFieldLength: number;
  private readonly maxFields: number;
  private readonly recover: boolean;
  /** With `recover`: the text of the record being read, and where its open quote is in it. */
  private pending = '';
  private quoteOffset = 0;

  constructor(maxFieldLength: number, maxFields: number, recover: boolean) {
    this.maxFieldLength = maxFieldLength;
    this.maxFields = maxFields;
    this.recover = recover;
  }

  /** Parses `text` and returns the records it completed. */
  feed(text: string): CsvRecord[] {
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.startsWith(BOM)) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (!this.recover) {
        this.step(ch);
        continue;
      }
      const before = this.state;
      this.pending += ch;
      try {
        this.step(ch);
      } catch (e) {
        if (!(e instanceof CsvError)) throw e;
        // Inside a quoted field, or just after one that spans lines (its closing quote was most
        // likely the opening quote of a later row): back to the line the quote opened on.
        if (before === 'quoted' || (before === 'quoteInQuoted' && this.quoteLine < this.line)) {
          const why =
            before === 'quoted'
              ? e
              : malformed(this.quoteLine, `quoted field is not terminated on its line (${e.message})`, e);
          return [...this.out.splice(0), ...this.feed(this.rewind(why) + text.slice(i + 1))];
        }
        this.skipLine(e, ch, before);
      }
    }
    return this.out.splice(0);
  }

  /** Finishes the input and returns the last record, if any. */
  end(): CsvRecord[] {
    if (this.state === 'quoted') {
      const e = malformed(this.quoteLine, 'quoted field is not terminated');
      if (!this.recover) throw e;
      const first = this.feed(this.rewind(e));
      return [...first, ...this.end()];
    }
    if (this.state === 'skipLine') this.state = 'recordStart';
    if (this.state !== 'recordStart') this.endRecord();
    return this.out.splice(0);
  }

  /** Records a malformed record and starts a new one, on line `line`. */
  private reject(e: CsvError, line: number): void {
    this.out.push({ line: this.recordLine, fields: [], error: e });
    this.fields = [];
    this.field = '';
    this.pending = '';
    this.line = line;
    this.recordLine = line;
    this.state = 'recordStart';
  }

  /**
   * An error inside a quoted field (never closed, or over the limit): the quote probably should
   * not be there, so the bad record ends with the physical line the quote opened on. Returns the
   * text after that line, to be parsed again.
   */
  private rewind(e: CsvError): string {
    const rel = this.pending.slice(this.quoteOffset);
    const m = /\r\n|\r|\n/.exec(rel);
    this.reject(e, this.quoteLine + (m ? 1 : 0));
    if (!m) {
      // The line the quote opened on has not ended yet: skip the rest of it.
      this.state = 'skipLine';
      return '';
    }
    // A CR at the very end may be the first half of a CRLF still to come.
    this.lastWasCR = m[0] === CR && m.index + 1 === rel.length;
    return rel.slice(m.index + m[0].length);
  }

  /** Any other error: the rest of the current physical line is skipped. */
  private skipLine(e: CsvError, ch: string, before: State): void {
    const lineEnd = ch === CR || ch === LF;
    // In a quoted field's closing quote the line was already counted; outside, not yet.
    this.reject(e, lineEnd && before !== 'quoteInQuoted' ? this.line + 1 : this.line);
    if (!lineEnd) this.state = 'skipLine';
  }

  private step(ch: string): void {
    const afterCR = this.lastWasCR;
    this.lastWasCR = ch === CR;
    if (this.state === 'skipLine') {
      if (ch === CR || ch === LF) {
        this.line++;
        this.recordLine = this.line;
        this.state = 'recordStart';
        this.pending = '';
      }
      return;
    }
    if (this.state === 'quoted' || this.state === 'quoteInQuoted') {
      if (ch === CR || (ch === LF && !afterCR)) this.line++;
      if (this.state === 'quoted') this.stepQuoted(ch);
      else this.stepAfterQuote(ch);
      return;
    }
    if (ch === CR || ch === LF) {
      if (ch === LF && afterCR) {
        this.pending = '';
        return; // second half of CRLF: the record already ended
      }
      if (this.state !== 'recordStart') this.endRecord();
      this.line++;
      this.recordLine = this.line;
      this.pending = '';
      return;
    }
    this.stepOutside(ch);
  }

  private stepOutside(ch: string): void {
    if (this.state === 'recordStart' || this.state === 'fieldStart') {
      this.state = 'unquoted';
      if (ch === QUOTE) {
        this.state = 'quoted';
        this.quoteLine = this.line;
        this.quoteOffset = this.pending.length - 1;
        return;
      }
    }
    if (ch === COMMA) {
      this.endField();
      this.state = 'fieldStart';
    } else if (ch === QUOTE) {
      throw malformed(this.line, 'quote in an unquoted field');
    } else {
      this.append(ch);
    }
  }

  private stepQuoted(ch: string): void {
    if (ch === QUOTE) this.state = 'quoteInQuoted';
    else this.append(ch);
  }

  /** After a quote inside a quoted field: `""` is an escaped quote, else the field has closed. */
  private stepAfterQuote(ch: string): void {
    if (ch === QUOTE) {
      this.append(QUOTE);
      this.state = 'quoted';
    } else if (ch === COMMA) {
      this.endField();
      this.state = 'fieldStart';
    } else if (ch === CR || ch === LF) {
      this.endRecord();
      this.recordLine = this.line;
      this.pending = '';
    } else {
      throw malformed(this.line, `unexpected character ${JSON.stringify(ch)} after a closing quote`);
    }
  }

  private append(ch: string): void {
    if (this.field.length >= this.maxFieldLength) {
      throw malformed(
        this.line,
        `field ${this.fields.length + 1} is longer than ${this.maxFieldLength} characters`,
      );
    }
    this.field += ch;
  }

  private endField(): void {
    if (this.fields.length >= this.maxFields) {
      throw malformed(this.line, `record has more than ${this.maxFields} fields`);
    }
    this.fields.push(this.field);
    this.field = '';
  }

  private endRecord(): void {
    this.endField();
    this.out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.state = 'recordStart';
  }

  /** Current physical line, for errors raised outside the state machine. */
  get currentLine(): number {
    return this.line;
  }
}

/** Decodes chunks as streaming UTF-8; strings pass through unchanged. */
function decodeChunk(decoder: TextDecoder, chunk: Buffer | string, line: number): string {
  if (typeof chunk === 'string') return chunk;
  try {
    return decoder.decode(chunk, { stream: true });
  } catch (e) {
    throw malformed(line, 'invalid UTF-8', e);
  }
}

/**
 * Reads CSV records (RFC 4180) from a stream of chunks, which may split anywhere — even inside a
 * multi-byte UTF-8 character. Completely empty lines are skipped; a record's `line` is the
 * physical line it starts on.
 *
 * @param input - chunks of UTF-8 bytes or already-decoded text (e.g. a `fs.createReadStream`)
 * @param options - `maxFieldLength` (default 4096), `maxFields` (default 64), `recover`
 * @returns an async generator of `{ line, fields }`
 * @throws CsvError `EID_IMPORT_MALFORMED` (`line N: ...`) on an unterminated quote, a quote in an
 *   unquoted field, text after a closing quote, a field or record over the limits (unless
 *   `recover`, which yields such records with their `error`), or invalid UTF-8
 *
 * @example
 * ```ts
 * for await (const { line, fields } of readCsvRecords(fs.createReadStream('people.csv'))) {
 *   console.log(line, fields);
 * }
 * ```
 */
export async function* readCsvRecords(
  input: AsyncIterable<Buffer | string>,
  options?: CsvReadOptions,
): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(
    positiveInteger(options?.maxFieldLength, DEFAULT_MAX_FIELD_LENGTH, 'maxFieldLength'),
    positiveInteger(options?.maxFields, DEFAULT_MAX_FIELDS, 'maxFields'),
    options?.recover === true,
  );
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for await (const chunk of input) {
    yield* parser.feed(decodeChunk(decoder, chunk, parser.currentLine));
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch (e) {
    throw malformed(parser.currentLine, 'input ends inside a UTF-8 character', e);
  }
  yield* parser.feed(rest);
  yield* parser.end();
}

/** Normalises a column name for matching: trimmed and lower-cased. */
function columnKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Maps the column names of a header record to their indexes. Names match case-insensitively and
 * ignoring surrounding spaces; the map's keys are the trimmed, lower-cased names. Blank header
 * cells are ignored.
 *
 * @param fields - the header record's fields
 * @param required - column names that must be present
 * @returns lower-cased column name → 0-based index
 * @throws CsvError `EID_IMPORT_MALFORMED` naming the missing columns, or a duplicated column
 *
 * @example
 * ```ts
 * const cols = parseCsvHeader(['Given Name', ' SURNAME '], ['surname', 'given name']);
 * cols.get('surname'); // 1
 * ```
 */
export function parseCsvHeader(fields: string[], required: string[]): Map<string, number> {
  const columns = new Map<string, number>();
  fields.forEach((name, index) => {
    const key = columnKey(name);
    if (key === '') return;
    if (columns.has(key)) {
      throw new CsvError('EID_IMPORT_MALFORMED', `header: column "${key}" appears more than once`);
    }
    columns.set(key, index);
  });
  const missing = required.map(columnKey).filter((key) => !columns.has(key));
  if (missing.length > 0) {
    throw new CsvError('EID_IMPORT_MALFORMED', `header: missing required column(s): ${missing.join(', ')}`);
  }
  return columns;
}
