import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { parseCsvHeader, readCsvRecords } from '../../src/lib/csv.js';
import type { CsvReadOptions, CsvRecord } from '../../src/lib/csv.js';

async function* chunks(...parts: (Buffer | string)[]): AsyncGenerator<Buffer | string> {
  for (const part of parts) yield part;
}

/** Splits `bytes` into chunks of `size` bytes. */
async function* byteChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(
  input: AsyncIterable<Buffer | string>,
  options?: CsvReadOptions,
): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of readCsvRecords(input, options)) out.push(record);
  return out;
}

async function parse(text: string, options?: CsvReadOptions): Promise<CsvRecord[]> {
  return collect(chunks(Buffer.from(text, 'utf8')), options);
}

async function rejects(text: string, message: RegExp, options?: CsvReadOptions): Promise<void> {
  await assert.rejects(parse(text, options), (e: unknown) => {
    assert.equal((e as { code?: unknown }).code, 'EID_IMPORT_MALFORMED');
    assert.match((e as Error).message, message);
    return true;
  });
}

test('plain records with LF and CRLF line ends', async () => {
  const expected = [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', '2', '3'] },
  ];
  assert.deepEqual(await parse('a,b,c\n1,2,3\n'), expected);
  assert.deepEqual(await parse('a,b,c\r\n1,2,3\r\n'), expected);
  assert.deepEqual(await parse('a,b,c\r\n1,2,3'), expected);
  assert.deepEqual(await parse('a,b,c\r1,2,3\r'), expected);
});

test('empty fields and trailing commas are kept', async () => {
  assert.deepEqual(await parse(',a,,\n'), [{ line: 1, fields: ['', 'a', '', ''] }]);
  assert.deepEqual(await parse('""\n'), [{ line: 1, fields: [''] }]);
  assert.deepEqual(await parse(' \n'), [{ line: 1, fields: [' '] }]);
});

test('completely empty lines are skipped and line numbers stay physical', async () => {
  assert.deepEqual(await parse('\n\na\r\n\r\nb\n\n'), [
    { line: 3, fields: ['a'] },
    { line: 5, fields: ['b'] },
  ]);
  assert.deepEqual(await parse(''), []);
  assert.deepEqual(await parse('\r\n\n'), []);
});

test('quoted fields, escaped quotes and embedded line breaks', async () => {
  const text = 'name,note\r\n"Doe, Jane","said ""hi""\r\nthen left"\n"x\ny",z\nlast,"\n"';
  assert.deepEqual(await parse(text), [
    { line: 1, fields: ['name', 'note'] },
    { line: 2, fields: ['Doe, Jane', 'said "hi"\r\nthen left'] },
    { line: 4, fields: ['x\ny', 'z'] },
    { line: 6, fields: ['last', '\n'] },
  ]);
});

test('a UTF-8 BOM is dropped, only at the very start', async () => {
  assert.deepEqual(await parse('\uFEFFid,name\n'), [{ line: 1, fields: ['id', 'name'] }]);
  assert.deepEqual(await collect(chunks('\uFEFFa\n', '\uFEFFb\n')), [
    { line: 1, fields: ['a'] },
    { line: 2, fields: ['\uFEFFb'] },
  ]);
});

const MULTILINGUAL =
  '\uFEFFid,given,surname,note\r\n' +
  '1,Zoë,Ñúñez,"multi\r\nline, ""quoted"""\r\n' +
  '\r\n' +
  '2,李,😀 emoji,Ελληνικά\n' +
  '3,"a""b",,"x\ny"\n';

const MULTILINGUAL_RECORDS: CsvRecord[] = [
  { line: 1, fields: ['id', 'given', 'surname', 'note'] },
  { line: 2, fields: ['1', 'Zoë', 'Ñúñez', 'multi\r\nline, "quoted"'] },
  { line: 5, fields: ['2', '李', '😀 emoji', 'Ελληνικά'] },
  { line: 6, fields: ['3', 'a"b', '', 'x\ny'] },
];

test('chunks may split anywhere, even inside multi-byte UTF-8 characters: one byte at a time', async () => {
  const bytes = Buffer.from(MULTILINGUAL, 'utf8');
  assert.deepEqual(await collect(byteChunks(bytes, 1)), MULTILINGUAL_RECORDS);
});

test('every chunk size gives the same records', async () => {
  const bytes = Buffer.from(MULTILINGUAL, 'utf8');
  for (let size = 1; size <= bytes.length; size++) {
    assert.deepEqual(await collect(byteChunks(bytes, size)), MULTILINGUAL_RECORDS, `chunk size ${size}`);
  }
});

test('string chunks split at every position give the same records', async () => {
  for (let cut = 0; cut <= MULTILINGUAL.length; cut++) {
    const input = chunks(MULTILINGUAL.slice(0, cut), MULTILINGUAL.slice(cut));
    assert.deepEqual(await collect(input), MULTILINGUAL_RECORDS, `cut at ${cut}`);
  }
});

test('reads a Node stream', async () => {
  const stream = Readable.from([Buffer.from('a,b\n'), Buffer.from('c,d\n')]);
  assert.deepEqual(await collect(stream), [
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['c', 'd'] },
  ]);
});

test('unterminated quote at end of input names the line the quote opened on', async () => {
  await rejects('a,b\nc,"open\nstill open\n', /^line 2: quoted field is not terminated/);
  await rejects('"', /^line 1: /);
});

test('a quote inside an unquoted field is malformed', async () => {
  await rejects('a,b\nab"c,d\n', /^line 2: quote in an unquoted field/);
  await rejects('x,a"\n', /^line 1: quote in an unquoted field/);
});

test('text after a closing quote is malformed', async () => {
  await rejects('"ab"c,d\n', /^line 1: unexpected character "c" after a closing quote/);
  await rejects('a\n"x\ny" ,z\n', /^line 3: unexpected character/);
});

test('field length limit (default 4096) is enforced', async () => {
  const ok = 'x'.repeat(4096);
  assert.deepEqual(await parse(`${ok}\n`), [{ line: 1, fields: [ok] }]);
  await rejects(`a\nb,${'x'.repeat(4097)}\n`, /^line 2: field 2 is longer than 4096 characters/);
  await rejects(`"${'y'.repeat(11)}"`, /longer than 10 characters/, { maxFieldLength: 10 });
  assert.deepEqual(await parse('0123456789\n', { maxFieldLength: 10 }), [
    { line: 1, fields: ['0123456789'] },
  ]);
});

test('field count limit (default 64) is enforced', async () => {
  assert.equal((await parse(`${','.repeat(63)}\n`))[0]!.fields.length, 64);
  await rejects(`a\n${','.repeat(64)}\n`, /^line 2: record has more than 64 fields/);
  await rejects('a,b,c', /^line 1: record has more than 2 fields/, { maxFields: 2 });
});

test('invalid UTF-8 is malformed', async () => {
  await assert.rejects(collect(chunks(Buffer.from([0x61, 0xff, 0x0a]))), { code: 'EID_IMPORT_MALFORMED' });
  await assert.rejects(collect(chunks(Buffer.from([0x61, 0xe2, 0x82]))), {
    code: 'EID_IMPORT_MALFORMED',
    message: /ends inside a UTF-8 character/,
  });
});

test('bad options are programming errors', async () => {
  await assert.rejects(parse('a', { maxFields: 0 }), RangeError);
  await assert.rejects(parse('a', { maxFieldLength: 1.5 }), RangeError);
});

test('parseCsvHeader maps trimmed, case-insensitive names to indexes', () => {
  const columns = parseCsvHeader([' National_ID', 'Given Name ', '', 'SURNAME'], ['national_id', 'Surname']);
  assert.deepEqual(
    [...columns],
    [
      ['national_id', 0],
      ['given name', 1],
      ['surname', 3],
    ],
  );
});

test('parseCsvHeader names every missing column', () => {
  assert.throws(() => parseCsvHeader(['id', 'name'], ['id', 'Birth_Date', 'sex']), {
    code: 'EID_IMPORT_MALFORMED',
    message: /missing required column\(s\): birth_date, sex/,
  });
});

test('parseCsvHeader rejects duplicate columns', () => {
  assert.throws(() => parseCsvHeader(['id', 'ID '], ['id']), {
    code: 'EID_IMPORT_MALFORMED',
    message: /"id" appears more than once/,
  });
});

/** Records with `recover`: good ones as `line:fields`, bad ones as `line!code: message`. */
async function recovered(text: string | Buffer, size = 0): Promise<string[]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const input = size > 0 ? byteChunks(bytes, size) : chunks(bytes);
  return (await collect(input, { recover: true })).map((r) =>
    r.error ? `${r.line}!${r.error.code}: ${r.error.message}` : `${r.line}:${r.fields.join('|')}`,
  );
}

test('recover: an unterminated quote rejects the line it opened on; the lines after it are read', async () => {
  const text = 'h1,h2\na,"open\nb,c\r\n"x\n\ny",z\r\nd,e\n';
  // The quote of line 2 is never closed before the end: line 2 alone is the bad row; from line
  // 3 on, the text is parsed again, and the quoted field of lines 4 to 6 is a good record.
  const want = ['1:h1|h2', '2!EID_IMPORT_MALFORMED: line 2: quoted field is not terminated'];
  assert.deepEqual(await recovered(text.replace('"x', 'x').replace('y"', 'y')), [
    '1:h1|h2',
    '2!EID_IMPORT_MALFORMED: line 2: quoted field is not terminated',
    '3:b|c',
    '4:x',
    '6:y|z',
    '7:d|e',
  ]);
  for (const size of [0, 1, 2, 3, 7])
    assert.deepEqual(
      await recovered('h1,h2\na,"open\nb,c\r\nd,e\n', size),
      [want[0], want[1], '3:b|c', '4:d|e'],
      `chunks of ${size}`,
    );
  // With another quote later, the first one closes there: the error is then found on that line.
  const closedLater = await recovered(text);
  assert.equal(closedLater[0], '1:h1|h2');
  assert.ok(closedLater.some((r) => r.includes('!EID_IMPORT_MALFORMED')));
  assert.equal(closedLater.at(-1), '7:d|e');
});

test('recover: a stray quote, text after a closing quote, too many fields: that line rejected, the next read', async () => {
  assert.deepEqual(await recovered('a,b\nx"y,1\n"q"r,2\r\nc,d\n1,2,3,4\ne,f', 0), [
    '1:a|b',
    '2!EID_IMPORT_MALFORMED: line 2: quote in an unquoted field',
    '3!EID_IMPORT_MALFORMED: line 3: unexpected character "r" after a closing quote',
    '4:c|d',
    '5:1|2|3|4',
    '6:e|f',
  ]);
  const many = await collect(chunks('a,b,c\nd,e\nf\n'), { recover: true, maxFields: 2 });
  assert.deepEqual(
    many.map((r) => [r.line, r.error?.code ?? r.fields.join('|')]),
    [
      [1, 'EID_IMPORT_MALFORMED'],
      [2, 'd|e'],
      [3, 'f'],
    ],
  );
});

test('recover: a quoted field over the limit is rejected with its line, and parsing resumes after that line', async () => {
  const text = `a,"${'x'.repeat(20)}\nb,c\nd,e\n`;
  const got = await collect(chunks(text), { recover: true, maxFieldLength: 8 });
  assert.equal(got[0]!.line, 1);
  assert.match(got[0]!.error!.message, /longer than 8 characters/);
  assert.deepEqual(
    got.slice(1).map((r) => `${r.line}:${r.fields.join('|')}`),
    ['2:b|c', '3:d|e'],
  );
});
