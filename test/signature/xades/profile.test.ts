/**
 * XAdES profile facts read from hand-made signatures (signature values are not verified here):
 * the DataObjectFormat rules that make a signature NOT-ETSI (a level and a warning, never a
 * failure), counter-signatures reported as signatures of their own, and the XAdES 1.1.1
 * CertDigest whose children are in the XAdES 1.1.1 namespace.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { bufferSource } from '../../../src/lib/document_source.js';
import { canonicalize } from '../../../src/lib/xml/c14n.js';
import { parseXml } from '../../../src/lib/xml/parser.js';
import { allElements, attribute } from '../../../src/lib/xml/query.js';
import { extractXades } from '../../../src/signature/xades/extract.js';
import { readQualifyingProperties } from '../../../src/signature/xades/properties.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const XADES = 'http://uri.etsi.org/01903/v1.3.2#';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const b64 = (s: string): string => createHash('sha256').update(s).digest('base64');

function ref(attrs: string, digestOf = ''): string {
  return `<ds:Reference ${attrs}><ds:DigestMethod Algorithm="${SHA256}"/><ds:DigestValue>${b64(digestOf)}</ds:DigestValue></ds:Reference>`;
}

/** A signature `id` with one data ds:Object `o-id` and signed properties holding `dof`. */
function xades(id: string, dof: string, unsigned = '', extraRefs = ''): string {
  const qp =
    `<xades:QualifyingProperties xmlns:xades="${XADES}" Target="#${id}"><xades:SignedProperties Id="sp-${id}">` +
    '<xades:SignedSignatureProperties><xades:SigningTime>2024-01-01T00:00:00Z</xades:SigningTime>' +
    `<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="${SHA256}"/>` +
    `<ds:DigestValue>${b64('cert')}</ds:DigestValue></xades:CertDigest></xades:Cert></xades:SigningCertificateV2>` +
    `</xades:SignedSignatureProperties><xades:SignedDataObjectProperties>${dof}</xades:SignedDataObjectProperties>` +
    `</xades:SignedProperties>${unsigned}</xades:QualifyingProperties>`;
  return (
    `<ds:Signature Id="${id}"><ds:SignedInfo>` +
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
    ref(`Id="r-${id}" URI="#o-${id}"`) +
    ref(`Type="http://uri.etsi.org/01903#SignedProperties" URI="#sp-${id}"`) +
    `${extraRefs}</ds:SignedInfo><ds:SignatureValue Id="v-${id}">AA==</ds:SignatureValue>` +
    `<ds:Object Id="o-${id}" MimeType="text/plain">data</ds:Object><ds:Object>${qp}</ds:Object></ds:Signature>`
  );
}

async function extract(body: string) {
  return extractXades(bufferSource(Buffer.from(`<root xmlns:ds="${DS}">${body}</root>`)), {});
}

describe('XAdES profile requirements (NOT-ETSI level)', () => {
  it('a DataObjectFormat naming its ds:Reference, with the ds:Object MimeType: B-B', async () => {
    const [sig] = await extract(
      xades(
        's1',
        '<xades:DataObjectFormat ObjectReference="#r-s1"><xades:MimeType>text/plain</xades:MimeType></xades:DataObjectFormat>',
      ),
    );
    assert.equal(sig!.level, 'B-B');
    assert.ok(!(sig!.warnings ?? []).some((w) => w.startsWith('not an ETSI signature')));
  });

  for (const [name, dof, reason] of [
    [
      'no ObjectReference',
      '<xades:DataObjectFormat><xades:MimeType>text/plain</xades:MimeType></xades:DataObjectFormat>',
      /no ObjectReference/,
    ],
    [
      'an ObjectReference naming no ds:Reference',
      '<xades:DataObjectFormat ObjectReference="#nothing"><xades:MimeType>text/plain</xades:MimeType></xades:DataObjectFormat>',
      /names no ds:Reference/,
    ],
    ['an empty DataObjectFormat', '<xades:DataObjectFormat ObjectReference="#r-s1"/>', /none of Description/],
    [
      'a MimeType other than the signed ds:Object',
      '<xades:DataObjectFormat ObjectReference="#r-s1"><xades:MimeType>text/xml</xades:MimeType></xades:DataObjectFormat>',
      /MimeType differs/,
    ],
  ] as const) {
    it(`${name}: NOT-ETSI with a warning, no format failure`, async () => {
      const [sig] = await extract(xades('s1', dof));
      assert.equal(sig!.level, 'NOT-ETSI');
      assert.ok(
        (sig!.warnings ?? []).some((w) => reason.test(w)),
        String(sig!.warnings),
      );
      assert.equal(sig!.formatFailure, undefined);
    });
  }
});

describe('XAdES counter-signatures', () => {
  const counter = (target: string) =>
    `<xades:UnsignedProperties><xades:UnsignedSignatureProperties><xades:CounterSignature>` +
    xades('cs', '', '', ref(`Type="http://uri.etsi.org/01903#CountersignedSignature" URI="${target}"`)) +
    '</xades:CounterSignature></xades:UnsignedSignatureProperties></xades:UnsignedProperties>';

  it('are reported after their parent, with counterSignatureOf naming it', async () => {
    const sigs = await extract(xades('p', '', counter('#v-p')));
    assert.deepEqual(
      sigs.map((s) => [s.id, s.counterSignatureOf]),
      [
        ['p', undefined],
        ['cs', 'p'],
      ],
    );
  });

  it("one whose references do not select the parent's SignatureValue does not hold", async () => {
    // The counter-signature signs its own ds:Object instead, with right digests: its own
    // references are intact, its integrity as a counter-signature is not.
    let xml = `<root xmlns:ds="${DS}">${xades('p', '', counter('#o-cs'))}</root>`;
    const doc = parseXml(Buffer.from(xml));
    for (const id of ['o-cs', 'sp-cs']) {
      const el = allElements(doc).find((e) => attribute(e, 'Id') === id)!;
      const digest = createHash('sha256')
        .update(canonicalize(el, { method: 'c14n' }))
        .digest('base64');
      xml = xml.replace(
        new RegExp(`(URI="#${id}"><ds:DigestMethod Algorithm="[^"]+"/><ds:DigestValue>)[^<]*`, 'g'),
        `$1${digest}`,
      );
    }
    const sigs = await extractXades(bufferSource(Buffer.from(xml)), {});
    const cs = sigs.find((s) => s.counterSignatureOf === 'p')!;
    assert.equal((await cs.checkOwnReferences!()).status, 'intact');
    const integrity = await cs.checkIntegrity();
    assert.equal(integrity.status, 'hash-failure');
    assert.match(
      integrity.status === 'hash-failure' ? integrity.detail : '',
      /does not sign the SignatureValue of p/,
    );
  });
});

describe('XAdES 1.1.1 signing certificate', () => {
  it('reads CertDigest whose DigestMethod / DigestValue are in the XAdES 1.1.1 namespace', () => {
    const ns = 'http://uri.etsi.org/01903/v1.1.1#';
    const qp = parseXml(
      Buffer.from(
        `<etsi:QualifyingProperties xmlns:etsi="${ns}"><etsi:SignedProperties><etsi:SignedSignatureProperties>` +
          `<etsi:SigningCertificate><etsi:Cert><etsi:CertDigest><etsi:DigestMethod Algorithm="${SHA256}"/>` +
          `<etsi:DigestValue>${b64('cert')}</etsi:DigestValue></etsi:CertDigest></etsi:Cert></etsi:SigningCertificate>` +
          '</etsi:SignedSignatureProperties></etsi:SignedProperties></etsi:QualifyingProperties>',
      ),
    ).root;
    const props = readQualifyingProperties(qp);
    assert.equal(props.signingCertificates[0]?.digestAlgorithm, 'sha256');
    assert.equal(props.signingCertificates[0]?.digest.toString('base64'), b64('cert'));
  });
});
