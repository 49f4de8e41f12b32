import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Lexer, NeedMoreInput } from '../../../src/lib/pdf/lexer.js';
import { PdfDict, PdfName, PdfRef, PdfString } from '../../../src/lib/pdf/objects.js';
import { MAX_DEPTH, Parser, parseObjectText } from '../../../src/lib/pdf/parser.js';
import { serialize } from '../../../src/lib/pdf/writer.js';
import { throwsCode } from '../../fixtures/assert.js';

describe('PDF objects (ISO 32000-1 §7.3)', () => {
  it('parses every object type, references and positions', () => {
    const text =
      '<< /A 1 /B -2.5 /C .5 /D (x\\(y\\)\\101\\n) /E <48 65 6C6c 6>/F /Na#20me /G [1 0 R 2 true false] /H << /I null >> >>';
    const d = parseObjectText(text) as PdfDict;
    assert.equal(d.num('A'), 1);
    assert.equal(d.num('B'), -2.5);
    assert.equal(d.num('C'), 0.5);
    assert.equal((d.get('D') as PdfString).text, 'x(y)A\n');
    const e = d.get('E') as PdfString;
    assert.equal(e.bytes.toString('hex'), '48656c6c60');
    assert.equal(e.hex, true);
    assert.equal(text.slice(e.start, e.end), '<48 65 6C6c 6>');
    assert.equal(d.name('F'), 'Na me');
    const g = d.get('G') as unknown[];
    assert.ok(g[0] instanceof PdfRef && g[0].num === 1 && g[0].gen === 0);
    assert.deepEqual(g.slice(1), [2, true, false]);
    assert.equal((d.get('H') as PdfDict).has('I'), false, '§7.3.7: a null value is an absent entry');
  });

  it('literal strings: balanced parentheses, octal escapes, line continuation, CRLF → LF', () => {
    const s = parseObjectText('(a(b)c\\\r\nd\r\ne\\0533)') as PdfString;
    assert.equal(s.bytes.toString('latin1'), 'a(b)cd\ne+3');
  });

  it('comments are white-space; names and numbers end at delimiters', () => {
    const a = parseObjectText('[/A%comment\n/B 1/C(x)2]') as unknown[];
    assert.deepEqual(
      a.map((x) => (x instanceof PdfName ? x.name : x instanceof PdfString ? x.text : x)),
      ['A', 'B', 1, 'C', 'x', 2],
    );
  });

  it('serialises so that parsing gives the same object back', () => {
    const d = new PdfDict([
      ['Type', new PdfName('Sig')],
      ['Odd Name#', new PdfName('a/b')],
      ['S', new PdfString(Buffer.from('p(a)r\\en'))],
      ['H', new PdfString(Buffer.from([0, 255, 10]))],
      ['N', [1, -0.25, new PdfRef(7, 0), null, true]],
    ]);
    const back = parseObjectText(serialize(d)) as PdfDict;
    assert.equal(serialize(back), serialize(d));
    assert.equal((back.get('S') as PdfString).text, 'p(a)r\\en');
    assert.deepEqual((back.get('H') as PdfString).bytes, Buffer.from([0, 255, 10]));
    assert.equal(back.name('Odd Name#'), 'a/b');
  });

  it('asks for more input when a token runs past a window that is not the end of the file', () => {
    const p = new Parser(new Lexer(Buffer.from('<< /Contents <0011'), 100, false));
    assert.throws(() => p.object(), NeedMoreInput);
    throwsCode(
      () => new Parser(new Lexer(Buffer.from('<< /Contents <0011'), 0, true)).object(),
      'PDF_MALFORMED',
    );
  });

  it('refuses deep nesting, stray delimiters and bad hex with PDF_MALFORMED', () => {
    throwsCode(
      () => parseObjectText('['.repeat(MAX_DEPTH + 5) + ']'.repeat(MAX_DEPTH + 5)),
      'PDF_MALFORMED',
      /nested/,
    );
    throwsCode(() => parseObjectText('<< /A ) >>'), 'PDF_MALFORMED');
    throwsCode(() => parseObjectText('<12x4>'), 'PDF_MALFORMED', /hex/);
    throwsCode(() => parseObjectText('<< 1 2 >>'), 'PDF_MALFORMED', /key/);
    throwsCode(() => parseObjectText('[1 2'), 'PDF_MALFORMED');
    throwsCode(() => parseObjectText('endobj'), 'PDF_MALFORMED', /keyword/);
  });
});
