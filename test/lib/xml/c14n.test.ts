import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalize } from '../../../src/lib/xml/c14n.js';
import type { C14nMethod } from '../../../src/lib/xml/c14n.js';
import { parseXml } from '../../../src/lib/xml/parser.js';
import { descendants } from '../../../src/lib/xml/query.js';
import { REPO_ROOT, missingTools, tempDir, tool } from '../../fixtures/cli.js';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');

/** Documents that exercise each C14N rule (namespaces, attribute order, escaping, nodes outside the root). */
const TRICKY = [
  '<?xml version="1.0"?>\n<?xml-stylesheet href="doc.xsl"\n   type="text/xsl"   ?>\n<!-- before -->\n<doc>Hello<!-- in --></doc>\n<?pi-after?>\n<!-- after -->\n',
  '<doc>\r\n  <e1   />\r\n  <e2   ></e2>\r\n  <e3   name = "elem3"   id="elem3"   />\r\n  <e4   name="elem4"   id="elem4"   ></e4>\r\n' +
    '  <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I\'m"\r\n    xmlns:b="http://www.ietf.org"\r\n    xmlns:a="http://www.w3.org"\r\n    xmlns="http://example.org"/>\r\n' +
    '  <e6 xmlns="" xmlns:a="http://www.w3.org">\r\n    <e7 xmlns="http://www.ietf.org">\r\n      <e8 xmlns="" xmlns:a="http://www.w3.org">\r\n' +
    '        <e9 xmlns="" xmlns:a="http://www.ietf.org"/>\r\n      </e8>\r\n    </e7>\r\n  </e6>\r\n</doc>',
  '<doc>\n  <text>First line&#x0d;&#10;Second line</text>\n  <value>&#x32;</value>\n  <compute><![CDATA[value>"0" && value<"10" ?"valid":"error"]]></compute>\n' +
    '  <compute expr=\'value>"0" &amp;&amp; value&lt;"10" ?"valid":"error"\'>valid</compute>\n  <norm attr=\' &apos;   &#x20;&#13;&#xa;&#9;   &apos; \'/>\n</doc>',
  '<a xmlns:x="urn:x" xmlns:y="urn:y" xml:lang="en"><b xmlns:x="urn:x" x:q="1" y:p="2" c="3"><c xmlns="urn:d"><d xmlns=""/></c></b></a>',
  '<r xmlns="urn:a"><s xmlns="urn:b"><t xmlns="urn:a" xmlns:z="urn:z">é € 😀 &gt; "q"</t></s></r>',
];

function expected(file: string, flag: string): Promise<string> {
  return tool('xmllint', [flag, file]);
}

const MODES: [string, C14nMethod][] = [
  ['--c14n', 'c14n'],
  ['--c14n11', 'c14n11'],
  ['--exc-c14n', 'exc-c14n'],
];

test(
  'whole documents match xmllint (--c14n, --c14n11, --exc-c14n: the #WithComments forms)',
  { skip: missingTools('xmllint') },
  async () => {
    const dir = tempDir('tb-c14n-');
    try {
      const files = TRICKY.map((x, i) => {
        const f = join(dir.path, `t${i}.xml`);
        writeFileSync(f, x);
        return f;
      });
      for (const sub of ['xades', 'tl']) {
        for (const name of readdirSync(join(CORPUS, sub)).filter((n) => n.endsWith('.xml')))
          files.push(join(CORPUS, sub, name));
      }
      let compared = 0;
      for (const f of files) {
        const doc = parseXml(readFileSync(f));
        for (const [flag, method] of MODES) {
          const mine = canonicalize(doc, { method, withComments: true }).toString('utf8');
          assert.equal(mine, await expected(f, flag), `${flag} ${f}`);
          compared++;
        }
      }
      assert.equal(compared, files.length * 3);
      assert.ok(compared >= 80);
    } finally {
      dir.remove();
    }
  },
);

test('without comments, comments and their line feeds disappear', () => {
  const doc = parseXml(TRICKY[0]!);
  assert.equal(
    canonicalize(doc, { method: 'c14n' }).toString(),
    '<?xml-stylesheet href="doc.xsl"\n   type="text/xsl"   ?>\n<doc>Hello</doc>\n<?pi-after?>',
  );
});

test('a subtree carries its in-scope namespaces (inclusive) or only the used ones (exclusive)', () => {
  const xml =
    '<a xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q" xml:lang="en" xml:id="i"><p:b q:x="1"><c/></p:b></a>';
  const doc = parseXml(xml);
  const b = descendants(doc, 'urn:p', 'b')[0]!;
  assert.equal(
    canonicalize(b, { method: 'c14n' }).toString(),
    '<p:b xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q" xml:id="i" xml:lang="en" q:x="1"><c></c></p:b>',
  );
  assert.equal(
    canonicalize(b, { method: 'c14n11' }).toString(),
    '<p:b xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q" xml:lang="en" q:x="1"><c></c></p:b>',
  );
  assert.equal(
    canonicalize(b, { method: 'exc-c14n' }).toString(),
    '<p:b xmlns:p="urn:p" xmlns:q="urn:q" q:x="1"><c xmlns="urn:d"></c></p:b>',
  );
  assert.equal(
    canonicalize(b, { method: 'exc-c14n', inclusivePrefixes: ['#default'] }).toString(),
    '<p:b xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q" q:x="1"><c></c></p:b>',
  );
});

test('excluded subtrees leave the node-set (the enveloped-signature transform)', () => {
  const doc = parseXml('<r><a>1</a><s><x/></s><b>2</b></r>');
  const s = descendants(doc, '', 's')[0]!;
  assert.equal(
    canonicalize(doc, { method: 'exc-c14n', exclude: (e) => e === s }).toString(),
    '<r><a>1</a><b>2</b></r>',
  );
});
