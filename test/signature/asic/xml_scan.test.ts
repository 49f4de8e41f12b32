import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descendants, parseXml } from '../../../src/signature/asic/xml_scan.js';

const xml = (s: string): Buffer => Buffer.from(s, 'utf8');

function refuses(text: string, message: RegExp, limits?: Parameters<typeof parseXml>[1]): void {
  assert.throws(
    () => parseXml(xml(text), limits),
    (e: unknown) => {
      assert.equal((e as { code?: unknown }).code, 'ASIC_MALFORMED');
      assert.match((e as Error).message, message);
      return true;
    },
  );
}

test('namespaces, attributes, entities, CDATA, comments and PIs', () => {
  const root = parseXml(
    xml(
      '\uFEFF<?xml version="1.0"?><!-- c --><a:root xmlns:a="urn:a" xmlns="urn:d" x=\'1 &amp; 2\'>' +
        '<child URI="my%20file.txt">t&lt;e&#x41;&#66;<![CDATA[<raw>]]></child><?pi x?><a:leaf/></a:root>',
    ),
  );
  assert.equal(root.ns, 'urn:a');
  assert.equal(root.local, 'root');
  assert.equal(root.attrs.get('x'), '1 & 2');
  const [child, leaf] = root.children;
  assert.equal(child?.ns, 'urn:d');
  assert.equal(child?.attrs.get('URI'), 'my%20file.txt');
  assert.equal(child?.text, 't<eAB<raw>');
  assert.equal(leaf?.ns, 'urn:a');
  assert.equal(descendants(root, 'urn:d', 'child').length, 1);
});

test('document type declarations are refused (no entity expansion at all)', () => {
  refuses('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /document type declarations are not allowed/);
  refuses('<a>&x;</a>', /unknown entity &x;/);
});

test('not well-formed documents are refused with a stable code', () => {
  refuses('bla', /character data outside the root element/);
  refuses('', /no root element/);
  refuses('<a><b></a>', /mismatched end tag/);
  refuses('<a>', /not closed/);
  refuses('<a/><b/>', /more than one root element/);
  refuses('<a x="1" x="2"/>', /duplicate attribute/);
  refuses('<p:a/>', /undeclared namespace prefix 'p'/);
  refuses('<a><!-- open</a>', /unterminated <!--/);
  refuses('<a <b/>', /bad start tag/);
});

test('depth, element count and size are bounded', () => {
  refuses('<a>'.repeat(100) + '</a>'.repeat(100), /deeper than 64/);
  refuses('<r>' + '<e/>'.repeat(50) + '</r>', /more than 10 elements/, { maxElements: 10 });
  refuses('<r>' + ' '.repeat(100) + '</r>', /over 50 bytes/, { maxBytes: 50 });
});
