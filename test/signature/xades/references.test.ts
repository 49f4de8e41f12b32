/**
 * Reference forms found in real signatures (the DSS test corpus): XPath Filter 2.0 subtracting the
 * document element's ds:Signature children or the elements named `ds:Signature`, a Reference
 * without URI given one detached document, and a reference to the signature's own ds:KeyInfo typed
 * as an Object — each on a hand-made document whose digests are computed from the expected
 * canonical octets, with the structural (XSW) defences that must still refuse.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { DetachedContent } from '../../../src/lib/document_source.js';
import { parseXml } from '../../../src/lib/xml/parser.js';
import { topLevelSignatures } from '../../../src/signature/xades/extract.js';
import { checkReferences, inspectSignature } from '../../../src/signature/xades/inspect.js';
import { buildIdIndex } from '../../../src/signature/xades/references.js';
import { parseSignature } from '../../../src/signature/xades/structure.js';

const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const FILTER2 = 'http://www.w3.org/2002/06/xmldsig-filter2';

const b64sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('base64');

function reference(attrs: string, digestOf: string | Buffer, transforms = ''): string {
  const t = transforms ? `<ds:Transforms>${transforms}</ds:Transforms>` : '';
  return `<ds:Reference ${attrs}>${t}<ds:DigestMethod Algorithm="${SHA256}"/><ds:DigestValue>${b64sha256(digestOf)}</ds:DigestValue></ds:Reference>`;
}

function signature(refs: string, rest = ''): string {
  return (
    `<ds:Signature xmlns:ds="${DS_NS}" Id="sig"><ds:SignedInfo>` +
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
    `${refs}</ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue>${rest}</ds:Signature>`
  );
}

function integrity(xml: string, detached: DetachedContent[] = []): string {
  const doc = parseXml(Buffer.from(xml));
  const ids = buildIdIndex(doc);
  const el = topLevelSignatures(doc).find((s) => s.attributes.some((a) => a.value === 'sig'));
  const result = checkReferences(inspectSignature(doc, ids, parseSignature(el!), detached)).integrity;
  return result.status;
}

function filter2(expression: string): string {
  return `<ds:Transform Algorithm="${FILTER2}"><f:XPath xmlns:f="${FILTER2}" Filter="subtract">${expression}</f:XPath></ds:Transform>`;
}

describe('XAdES reference forms', () => {
  // A nested signature stays in the data with `/*/ds:Signature`: only the document element's
  // ds:Signature children are subtracted.
  const nested = `<ds:Signature xmlns:ds="${DS_NS}"></ds:Signature>`;
  const withNested = `<root><a>x${nested}</a></root>`;

  it('XPath Filter 2.0 subtract /*/ds:Signature removes the top-level signature only', () => {
    const ref = reference('URI=""', withNested, filter2('/*/ds:Signature'));
    const xml = `<root xmlns:ds="${DS_NS}"><a>x${nested.replace(` xmlns:ds="${DS_NS}"`, '')}</a>${signature(ref)}</root>`;
    // The canonical form keeps ds declared on the root and the nested (empty) signature.
    const expected = `<root xmlns:ds="${DS_NS}"><a>x<ds:Signature></ds:Signature></a></root>`;
    const xml2 = xml.replace(b64sha256(withNested), b64sha256(expected));
    assert.equal(integrity(xml2), 'intact');
    // Digested as if every signature were removed, it does not match.
    const allRemoved = xml.replace(
      b64sha256(withNested),
      b64sha256(`<root xmlns:ds="${DS_NS}"><a>x</a></root>`),
    );
    assert.equal(integrity(allRemoved), 'hash-failure');
  });

  it("XPath Filter 2.0 subtract /descendant::*[name()='ds:Signature'] removes every element so named", () => {
    const expected = `<root xmlns:ds="${DS_NS}"><a>x</a></root>`;
    const ref = reference('URI=""', expected, filter2("/descendant::*[name()='ds:Signature']"));
    const xml = `<root xmlns:ds="${DS_NS}"><a>x<ds:Signature></ds:Signature></a>${signature(ref)}</root>`;
    assert.equal(integrity(xml), 'intact');
  });

  it('any other Filter 2.0 expression is still refused (no general XPath engine)', () => {
    const ref = reference('URI=""', 'x', filter2('/descendant::a'));
    assert.equal(integrity(`<root xmlns:ds="${DS_NS}"><a>x</a>${signature(ref)}</root>`), 'not-found');
  });

  const intersect = (expression: string, ns = ''): string =>
    `<ds:Transform Algorithm="${FILTER2}"><f:XPath xmlns:f="${FILTER2}"${ns} Filter="intersect">${expression}</f:XPath></ds:Transform>`;

  it("XPath Filter 2.0 intersect id('d')/node() keeps the element's content without the element", () => {
    const content = '<p:x xmlns:p="urn:p" a="1"></p:x>';
    const ref = reference('URI="#d"', `text${content}`, intersect("id('d')/node()"));
    const data = '<data Id="d" xmlns:p="urn:p">text<p:x a="1"/><!--c--></data>';
    assert.equal(integrity(`<root>${data}${signature(ref)}</root>`), 'intact');
    // The element itself is not in the node-set: digesting it does not match.
    const whole = reference(
      'URI="#d"',
      `<data xmlns:p="urn:p" Id="d">text${content}</data>`,
      intersect("id('d')/node()"),
    );
    assert.equal(integrity(`<root>${data}${signature(whole)}</root>`), 'hash-failure');
  });

  it("XPath Filter 2.0 intersect //*[@Id='o']/x:Q/x:S keeps that one element, its prefix resolved on the XPath", () => {
    const expected = '<x:S xmlns:x="urn:x">v</x:S>';
    const expr = "//*[@Id='o']/x:Q/x:S";
    const ref = reference('URI=""', expected, intersect(expr, ' xmlns:x="urn:x"'));
    const data = '<o Id="o"><x:Q xmlns:x="urn:x"><x:S>v</x:S><x:T/></x:Q></o>';
    assert.equal(integrity(`<root>${data}${signature(ref)}</root>`), 'intact');
    // Undeclared prefix: the expression is not recognised.
    const undeclared = reference('URI=""', expected, intersect(expr));
    assert.equal(integrity(`<root>${data}${signature(undeclared)}</root>`), 'not-found');
  });

  it('XPath Filter 2.0 intersect never unions: a duplicated identifier (wrapping) or an unknown form is refused', () => {
    const ref = reference('URI=""', 'v', intersect("id('d')/node()"));
    const twice = '<a Id="d">v</a><b Id="d">w</b>';
    assert.equal(integrity(`<root>${twice}${signature(ref)}</root>`), 'not-found');
    const twiceAttr = reference('URI=""', 'v', intersect("//*[@Id='d']/node()"));
    assert.equal(integrity(`<root>${twice}${signature(twiceAttr)}</root>`), 'not-found');
    const other = reference('URI=""', 'v', intersect("id('d')/descendant::*"));
    assert.equal(integrity(`<root><a Id="d">v</a>${signature(other)}</root>`), 'not-found');
    // Outside the input node-set (the reference selects another element): refused, not empty.
    const outside = reference('URI="#e"', '', intersect("id('d')/node()"));
    assert.equal(integrity(`<root><a Id="d">v</a><e Id="e"/>${signature(outside)}</root>`), 'not-found');
  });

  it('a Reference without URI is the one detached document supplied, and only then', () => {
    const doc = Buffer.from('detached bytes');
    const xml = signature(reference('Id="r"', doc));
    assert.equal(integrity(xml, [{ bytes: doc }]), 'intact');
    assert.equal(integrity(xml, [{ bytes: Buffer.from('other') }]), 'hash-failure');
    assert.equal(integrity(xml), 'not-found');
    assert.equal(integrity(xml, [{ bytes: doc }, { bytes: doc, name: 'b.txt' }]), 'not-found');
  });

  it("a reference typed Object to the signature's own KeyInfo resolves; one to a ds:Object elsewhere does not", () => {
    const keyInfo = `<ds:KeyInfo xmlns:ds="${DS_NS}" Id="ki"><ds:KeyName>k</ds:KeyName></ds:KeyInfo>`;
    const typed = `Type="${DS_NS}Object"`;
    const data = reference('URI="#obj"', `<ds:Object xmlns:ds="${DS_NS}" Id="obj">d</ds:Object>`);
    const ok = signature(
      data + reference(`${typed} URI="#ki"`, keyInfo),
      `<ds:KeyInfo Id="ki"><ds:KeyName>k</ds:KeyName></ds:KeyInfo><ds:Object Id="obj">d</ds:Object>`,
    );
    assert.equal(integrity(ok), 'intact');
    // XSW: the signed ds:Object moved out of the signature is not signed data.
    const moved = `<root>${signature(data)}<ds:Object xmlns:ds="${DS_NS}" Id="obj">d</ds:Object></root>`;
    assert.equal(integrity(moved), 'not-found');
  });
});
