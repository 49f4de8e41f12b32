import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { XmlElement } from '../../../src/lib/xml/dom.js';
import { inScopeNamespaces } from '../../../src/lib/xml/dom.js';
import { XmlError } from '../../../src/lib/xml/errors.js';
import { parseXml } from '../../../src/lib/xml/parser.js';
import { REPO_ROOT } from '../../fixtures/cli.js';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    assert.ok(e instanceof XmlError, `an XmlError, not ${String(e)}`);
    return e.code;
  }
}

function firstChild(el: XmlElement): XmlElement {
  return el.children.find((c) => c.type === 'element') as XmlElement;
}

test('elements, attributes, namespaces, text, CDATA, comments and PIs', () => {
  const doc = parseXml(
    Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!--c--><?pi data?>' +
        '<r xmlns="urn:d" xmlns:p="urn:p" a="1"><p:e p:x="y" z="&lt;&#x41;&#66;"><![CDATA[<raw>]]>t&amp;</p:e></r>',
    ),
  );
  assert.equal(doc.children.length, 3);
  assert.equal(doc.root.namespaceUri, 'urn:d');
  const e = firstChild(doc.root);
  assert.equal(e.namespaceUri, 'urn:p');
  assert.deepEqual(
    e.attributes.map((a) => [a.namespaceUri, a.localName, a.value]),
    [
      ['urn:p', 'x', 'y'],
      ['', 'z', '<AB'],
    ],
  );
  assert.deepEqual(e.children, [{ type: 'text', value: '<raw>t&', parent: e }]);
  assert.deepEqual(Object.fromEntries(inScopeNamespaces(e)), { '': 'urn:d', p: 'urn:p' });
  assert.equal(doc.source.slice(e.start, e.end).startsWith('<p:e'), true);
  assert.equal(doc.source.slice(e.endTagStart, e.end), '</p:e>');
});

test('line ends and attribute values are normalised as XML 1.0 §2.11 and §3.3.3 require', () => {
  const doc = parseXml('<r a="x\r\ny\tz&#10;">l1\r\nl2\rl3&#13;</r>');
  assert.equal(doc.root.attributes[0]!.value, 'x y z\n');
  assert.deepEqual(
    doc.root.children.map((c) => (c.type === 'text' ? c.value : '')),
    ['l1\nl2\nl3\r'],
  );
});

test('a DOCTYPE is refused before anything is expanded (XXE, billion laughs)', () => {
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') +
    ']><lolz>&lol9;</lolz>';
  const xxe = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
  const started = Date.now();
  assert.equal(
    code(() => parseXml(laughs)),
    'XML_DTD_FORBIDDEN',
  );
  assert.equal(
    code(() => parseXml(xxe)),
    'XML_DTD_FORBIDDEN',
  );
  assert.equal(
    code(() => parseXml('<r>&x;</r>')),
    'XML_MALFORMED',
  );
  assert.ok(Date.now() - started < 200);
});

test('depth, attribute, node and size limits give XML_TOO_LARGE quickly', () => {
  const started = Date.now();
  const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
  assert.equal(
    code(() => parseXml(deep)),
    'XML_TOO_LARGE',
  );
  assert.equal(
    code(() => parseXml('<a>'.repeat(20) + '</a>'.repeat(20), { maxDepth: 10 })),
    'XML_TOO_LARGE',
  );
  const attrs = Array.from({ length: 300 }, (_, i) => `a${i}="1"`).join(' ');
  assert.equal(
    code(() => parseXml(`<r ${attrs}/>`)),
    'XML_TOO_LARGE',
  );
  assert.equal(
    code(() => parseXml(`<r>${'<e/>'.repeat(50)}</r>`, { maxNodes: 20 })),
    'XML_TOO_LARGE',
  );
  assert.equal(
    code(() => parseXml(Buffer.alloc(2048, 0x20), { maxBytes: 1024 })),
    'XML_TOO_LARGE',
  );
  assert.ok(Date.now() - started < 2000, 'hostile input fails fast');
});

test('malformed documents are XML_MALFORMED', () => {
  const bad = [
    '',
    '   ',
    '<r>',
    '<r></s>',
    '<r a="1" a="2"/>',
    '<r xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>',
    '<p:r/>',
    '<r xmlns:p=""/>',
    '<r><!-- a -- b --></r>',
    '<r>]]></r>',
    '<r>a & b</r>',
    '<r a=1/>',
    '<r a="<"/>',
    '<r/><r/>',
    'text<r/>',
    '<r/>text',
    '<r>\u0001</r>',
    '<r>&#0;</r>',
    '<r>&#xD800;</r>',
    '<?xml version="1.0"?><?xml version="1.0"?><r/>',
    '<r><![CDATA[x</r>',
    '<r><?pi x</r>',
    '<r b="1"c="2"/>',
    '<:r/>',
  ];
  for (const x of bad)
    assert.equal(
      code(() => parseXml(x)),
      'XML_MALFORMED',
      JSON.stringify(x),
    );
  assert.equal(
    code(() => parseXml(Buffer.from([0x3c, 0x72, 0x3e, 0xff, 0x3c, 0x2f, 0x72, 0x3e]))),
    'XML_MALFORMED',
  );
});

test('encodings: UTF-8 with BOM, UTF-16 with BOM, declared ISO-8859-1; others refused', () => {
  assert.equal(parseXml(Buffer.from('\ufeff<r>é</r>', 'utf8')).root.children.length, 1);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<r>é</r>', 'utf16le')]);
  assert.equal((parseXml(utf16).root.children[0] as { value: string }).value, 'é');
  const latin = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r>\xe9</r>', 'latin1');
  assert.equal((parseXml(latin).root.children[0] as { value: string }).value, 'é');
  assert.equal(
    code(() => parseXml('<?xml version="1.0" encoding="EBCDIC"?><r/>')),
    undefined,
    'a string is already decoded',
  );
  assert.equal(
    code(() => parseXml(Buffer.from('<?xml version="1.0" encoding="EBCDIC"?><r/>'))),
    'XML_MALFORMED',
  );
});

test('encodings: a declared ISO-8859 part or Windows code page is decoded with its own table', () => {
  // 0xB1 is 'ą' in ISO-8859-2 and '±' in ISO-8859-1; 0x9A is 'š' in Windows-1250.
  const latin2 = Buffer.concat([
    Buffer.from('<?xml version="1.0" encoding="ISO-8859-2"?><r a="'),
    Buffer.from([0xb1]),
    Buffer.from('">x</r>'),
  ]);
  assert.equal(parseXml(latin2).root.attributes[0]?.value, 'ą');
  const cp1250 = Buffer.concat([
    Buffer.from("<?xml version='1.0' encoding='windows-1250'?><r>"),
    Buffer.from([0x9a]),
    Buffer.from('</r>'),
  ]);
  assert.equal((parseXml(cp1250).root.children[0] as { value: string }).value, 'š');
  assert.equal(
    code(() => parseXml(Buffer.from('<?xml version="1.0" encoding="ISO-2022-JP"?><r/>'))),
    'XML_MALFORMED',
  );
  assert.equal(
    code(() => parseXml(Buffer.from('<?xml version="1.0" encoding="ISO-8859-2"?><!DOCTYPE r><r/>'))),
    'XML_DTD_FORBIDDEN',
  );
});

test('every truncation of a signed document fails cleanly with XML_MALFORMED', () => {
  const xml = readFileSync(join(CORPUS, 'xades', 'dss-signed.xml'));
  assert.ok(parseXml(xml).root);
  const started = Date.now();
  let failures = 0;
  for (let n = 0; n < xml.length - 1; n += 7) {
    const c = code(() => parseXml(xml.subarray(0, n)));
    assert.equal(c, 'XML_MALFORMED', `truncated at ${n}`);
    failures++;
  }
  assert.ok(failures > 700);
  assert.ok(Date.now() - started < 5000);
});
