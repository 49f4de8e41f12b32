import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { SignatureReport, ValidationReport } from '../../src/validation/report.js';
import { ETSI_VALIDATION_REPORT_NS, renderEtsiXml } from '../../src/validation/report_xml.js';
import {
  IdAllocator,
  el,
  escapeAttr,
  escapeText,
  serializeXml,
  textEl,
  toNcName,
  xsDateTime,
} from '../../src/validation/report_xml_writer.js';
import type { XmlElement } from '../../src/validation/report_xml_writer.js';
import { throwsCode } from '../fixtures/assert.js';
import { REPO_ROOT, missingTools, run, tempDir } from '../fixtures/cli.js';
import {
  CRYPTO_REPORT,
  EMPTY_CHAIN_REPORT,
  HASH_FAILURE_REPORT,
  HOSTILE,
  HOSTILE_REPORT,
  MARIA,
  NO_SIGNER_REPORT,
  PASSED_REPORT,
  PH_ROOT,
  REVOKED_REPORT,
  SAMPLE_REPORTS,
  TIMESTAMPS_REPORT,
  TWO_SIGNATURES_REPORT,
  forbiddenCharacters,
} from '../fixtures/reports.js';

const SCHEMAS = join(REPO_ROOT, '..', 'shared', 'schemas');

/** Every match of `re` (global) in `text`, first group. */
function all(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[1]!);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

const certId = (sha256: string) => `C-${sha256.toUpperCase()}`;

describe('renderEtsiXml: schema validity', { skip: missingTools('xmllint') }, () => {
  const dir = tempDir('tb-report-xml-');
  after(() => dir.remove());

  for (const [name, report] of Object.entries(SAMPLE_REPORTS)) {
    for (const indent of [true, false]) {
      test(`${name}${indent ? '' : ' (one line)'} validates against TS119102-2-v141.xsd`, async () => {
        const file = join(dir.path, `${name}-${indent}.xml`);
        writeFileSync(file, renderEtsiXml(report, { indent }));
        // --nonet: every import must come from the offline catalog (../shared/schemas/README.md).
        const r = await run(
          'xmllint',
          ['--noout', '--nonet', '--schema', join(SCHEMAS, 'TS119102-2-v141.xsd'), file],
          { env: { XML_CATALOG_FILES: join(SCHEMAS, 'catalog.xml') } },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /validates/);
      });
    }
  }
});

describe('renderEtsiXml: content', () => {
  test('is deterministic: same report, same bytes, also after a JSON round trip', () => {
    for (const report of Object.values(SAMPLE_REPORTS)) {
      const xml = renderEtsiXml(report);
      assert.equal(renderEtsiXml(report), xml);
      assert.equal(renderEtsiXml(JSON.parse(JSON.stringify(report)) as ValidationReport), xml);
    }
  });

  test('passed: identifier, status, time info with the time-stamp as POE, signer, objects', () => {
    const xml = renderEtsiXml(PASSED_REPORT);
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<vr:ValidationReport'));
    assert.ok(xml.includes(`xmlns:vr="${ETSI_VALIDATION_REPORT_NS}"`));
    assert.match(xml, /<vr:SignatureIdentifier id="SIG-S-1">\s*<vr:DigestAlgAndValue>/);
    assert.match(xml, /<vr:HashOnly>false<\/vr:HashOnly>\s*<vr:DocHashOnly>false<\/vr:DocHashOnly>/);
    assert.ok(xml.includes('<vr:DAIdentifier>S-1</vr:DAIdentifier>'));
    assert.ok(
      xml.includes('<vr:MainIndication>urn:etsi:019102:mainindication:total-passed</vr:MainIndication>'),
    );
    assert.ok(!xml.includes('<vr:SubIndication>'));
    assert.ok(xml.includes('<vr:ValidationTime>2026-06-01T12:00:00Z</vr:ValidationTime>'));
    assert.ok(xml.includes('<vr:POETime>2026-03-02T09:30:05Z</vr:POETime>'));
    assert.ok(xml.includes('<vr:TypeOfProof>urn:etsi:019102:poetype:validation</vr:TypeOfProof>'));
    const [tsId] = all(xml, /<vr:ValidationObject id="(T-[0-9A-F]{64})">/g);
    assert.ok(tsId, 'one time-stamp object');
    assert.ok(xml.includes(`<vr:POEObject VOReference="${tsId}"/>`));
    assert.ok(xml.includes(`<vr:AttributeObject VOReference="${tsId}"/>`));
    assert.match(xml, /<vr:SigningTime Signed="true">\s*<vr:Time>2026-03-02T09:30:00Z<\/vr:Time>/);
    assert.ok(xml.includes(`<vr:SignerCertificate VOReference="${certId(MARIA.sha256)}"/>`));
    assert.ok(xml.includes(`<vr:Signer>${MARIA.subject}</vr:Signer>`));
    assert.ok(xml.includes('urn:etsi:019102:validationprocess:LTVM'));
    assert.ok(xml.includes('<vr:SignersDocument>'));
    // 3 chain + TSA certificates, the signer's OCSP response and the CA's CRL, the time-stamp.
    assert.equal(count(xml, '<vr:ObjectType>urn:etsi:019102:validationObject:certificate<'), 4);
    assert.equal(count(xml, '<vr:ObjectType>urn:etsi:019102:validationObject:OCSPResponse<'), 1);
    assert.equal(count(xml, '<vr:ObjectType>urn:etsi:019102:validationObject:CRL<'), 1);
    assert.equal(count(xml, '<vr:ObjectType>urn:etsi:019102:validationObject:timestamp<'), 1);
    assert.ok(xml.includes(`<vr:base64>${MARIA.der}</vr:base64>`));
    assert.match(
      xml,
      /<vr:CertificateChain>\s*<vr:SigningCertificate [^>]*\/>\s*<vr:IntermediateCertificate [^>]*\/>\s*<vr:TrustAnchor VOReference="C-[0-9A-F]{64}"\/>/,
    );
    // The time-stamp's POE covers this signature, referenced by the digest of its value.
    assert.match(
      xml,
      /<vr:POEProvisioning>\s*<vr:POETime>2026-03-02T09:30:05Z<\/vr:POETime>\s*<vr:SignatureReference>/,
    );
  });

  test('every VOReference names an id that exists', () => {
    for (const report of Object.values(SAMPLE_REPORTS)) {
      const xml = renderEtsiXml(report);
      const ids = new Set(all(xml, / id="([^"]+)"/g));
      for (const ref of all(xml, /VOReference="([^"]+)"/g).flatMap((r) => r.split(' '))) {
        assert.ok(ids.has(ref), `${ref} is defined`);
      }
      for (const id of ids) assert.match(id, /^[A-Za-z_][A-Za-z0-9._-]*$/, 'an NCName');
      assert.equal(ids.size, all(xml, / id="([^"]+)"/g).length, 'ids are unique');
    }
  });

  test('HASH_FAILURE: total-failed with the sub-indication URI, Basic process, failed check', () => {
    const xml = renderEtsiXml(HASH_FAILURE_REPORT);
    assert.ok(
      xml.includes('<vr:MainIndication>urn:etsi:019102:mainindication:total-failed</vr:MainIndication>'),
    );
    assert.ok(
      xml.includes('<vr:SubIndication>urn:etsi:019102:subindication:HASH_FAILURE</vr:SubIndication>'),
    );
    assert.ok(xml.includes('urn:etsi:019102:validationprocess:Basic'));
    assert.match(
      xml,
      /CRYPTOGRAPHIC_VERIFICATION<\/vr:ValidationConstraintIdentifier>[\s\S]*?<vr:MainIndication>urn:etsi:019102:mainindication:failed</,
    );
    assert.ok(xml.includes('the message digest of the ByteRange differs'));
    assert.ok(!xml.includes('<vr:SignersDocument>'), 'no signer-document digest in this report');
    assert.ok(!xml.includes('<vr:DigestAlgAndValue>'), 'no signature value: identified by DAIdentifier');
  });

  test('revoked: RevocationStatusInformation with time, reason URI and the OCSP object', () => {
    const xml = renderEtsiXml(REVOKED_REPORT);
    const [ocspId] = all(
      xml,
      /<vr:ValidationObject id="(R-[0-9A-F]{64})">\s*<vr:ObjectType>[^<]*OCSPResponse/g,
    );
    assert.ok(ocspId);
    assert.match(
      xml,
      new RegExp(
        `<vr:RevocationStatusInformation>\\s*<vr:ValidationObjectId VOReference="${certId(MARIA.sha256)}"/>\\s*` +
          '<vr:RevocationTime>2026-04-01T10:00:00Z</vr:RevocationTime>\\s*' +
          '<vr:RevocationReason>urn:etsi:019102:revocationReason:keyCompromise</vr:RevocationReason>\\s*' +
          `<vr:RevocationObject VOReference="${ocspId}"/>`,
      ),
    );
    assert.ok(xml.includes('urn:etsi:019102:subindication:REVOKED_NO_POE'));
  });

  test('two signatures: two reports, shared certificates and document time-stamp listed once', () => {
    const xml = renderEtsiXml(TWO_SIGNATURES_REPORT);
    assert.equal(count(xml, '<vr:SignatureValidationReport>'), 2);
    assert.equal(count(xml, `<vr:ValidationObject id="${certId(PH_ROOT.sha256)}">`), 1);
    assert.equal(count(xml, '<vr:DocTimeStamp Signed="false">'), 2);
    assert.equal(count(xml, '<vr:ObjectType>urn:etsi:019102:validationObject:timestamp<'), 3);
    assert.ok(xml.includes('urn:etsi:019102:subindication:TRY_LATER'));
    // The unreachable responder: no bytes, described in `direct`.
    assert.match(
      xml,
      /<vr:direct>\s*<tb:RevocationEvidence certificate="C-[0-9A-F]{64}" status="unknown" source="fetched-ocsp"/,
    );
    assert.ok(xml.includes('urn:trustbridge:report:warning'));
  });

  test('time-stamps: one attribute per type, failed archive time-stamp, token-less content time-stamp', () => {
    const xml = renderEtsiXml(TIMESTAMPS_REPORT);
    assert.match(xml, /<vr:AllDataObjectsTimeStamp Signed="true">[\s\S]*?2026-03-02T09:29:00Z/);
    assert.ok(xml.includes('<vr:SignatureTimeStamp Signed="false">'));
    assert.ok(xml.includes('<vr:ArchiveTimeStamp Signed="false">'));
    assert.ok(xml.includes('urn:etsi:019102:validationprocess:LTA'));
    assert.match(xml, /<tb:TimeStamp type="content" genTime="2026-03-02T09:29:00Z"/);
    assert.match(
      xml,
      /TIMESTAMP_MESSAGE_IMPRINT<\/vr:ValidationConstraintIdentifier>[\s\S]*?mainindication:failed[\s\S]*?<vr:SignatureValidationStatus>\s*<vr:MainIndication>urn:etsi:019102:mainindication:failed<\/vr:MainIndication>\s*<vr:SubIndication>urn:etsi:019102:subindication:HASH_FAILURE</,
    );
    // Object reports use passed/failed, never total-* (clause 4.3.4.2).
    const objects = xml.slice(xml.indexOf('<vr:SignatureValidationObjects>'));
    assert.ok(!objects.includes('mainindication:total-'));
  });

  test('empty chain: signer named, no chain, no attributes', () => {
    const xml = renderEtsiXml(EMPTY_CHAIN_REPORT);
    assert.ok(xml.includes('urn:etsi:019102:subindication:NO_CERTIFICATE_CHAIN_FOUND'));
    assert.ok(xml.includes('<vr:SignerInformation>'));
    assert.ok(!xml.includes('<vr:CertificateChain>'));
    assert.ok(!xml.includes('<vr:SignatureAttributes>'), 'the non-empty choice is left out');
    assert.equal(count(xml, '<vr:ValidationObject '), 1);
  });

  test('no signer: no SignerInformation and no object list', () => {
    const xml = renderEtsiXml(NO_SIGNER_REPORT);
    assert.ok(!xml.includes('<vr:SignerInformation>'));
    assert.ok(!xml.includes('<vr:SignatureValidationObjects>'));
    assert.ok(xml.includes('urn:etsi:019102:subindication:NO_SIGNING_CERTIFICATE_FOUND'));
  });

  test('crypto constraints: CryptoInformation names the signature and the algorithm', () => {
    const xml = renderEtsiXml(CRYPTO_REPORT);
    assert.match(
      xml,
      /<vr:CryptoInformation>\s*<vr:ValidationObjectId VOReference="SIG-S-1"\/>\s*<vr:Algorithm>http:\/\/www.w3.org\/2000\/09\/xmldsig#rsa-sha1<\/vr:Algorithm>\s*<vr:SecureAlgorithm>false<\/vr:SecureAlgorithm>/,
    );
    assert.ok(xml.includes('<vr:Type>urn:trustbridge:report:policyRule</vr:Type>'));
  });

  test('hostile names are escaped, control characters dropped, ids kept apart', () => {
    const xml = renderEtsiXml(HOSTILE_REPORT);
    assert.ok(!xml.includes('<script'));
    assert.ok(xml.includes('&lt;script&gt;alert("x")&lt;/script&gt;,O=Evil &amp; Co'));
    assert.deepEqual(forbiddenCharacters(xml), [], 'no character XML forbids');
    assert.ok(xml.includes('&#13;&#10;'), 'CR/LF kept in attributes as references');
    const sigIds = all(xml, /<vr:SignatureIdentifier id="([^"]+)"/g);
    assert.equal(sigIds.length, 2);
    assert.notEqual(sigIds[0], sigIds[1]);
    assert.ok(xml.includes(`<vr:DAIdentifier>${escapeText(HOSTILE.id)}</vr:DAIdentifier>`));
  });

  test('options: one line, no process, quality, own constraint URIs', () => {
    const xml = renderEtsiXml(PASSED_REPORT, {
      indent: false,
      validationProcess: () => null,
      signatureQuality: () => ['urn:cef:dss:signatureQualification:QESig'],
      constraintUri: (name) => `urn:example:${name.toLowerCase()}`,
    });
    assert.ok(!xml.includes('\n'));
    assert.ok(!xml.includes('SignatureValidationProcess'));
    assert.ok(xml.includes('<vr:SignatureQualityInformation>urn:cef:dss:signatureQualification:QESig<'));
    assert.ok(xml.includes('>urn:example:format_checking<'));
    const lta = renderEtsiXml(PASSED_REPORT, { validationProcess: () => 'LTA' });
    assert.ok(lta.includes('urn:etsi:019102:validationprocess:LTA'));
  });

  test('errors: no signature, a date that is not ISO 8601, a certificate with nothing in it', () => {
    throwsCode(() => renderEtsiXml({ ...PASSED_REPORT, signatures: [] }), 'VALIDATION_NO_SIGNATURE');
    throwsCode(
      () => renderEtsiXml({ ...PASSED_REPORT, validationTime: 'yesterday' }),
      'REPORT_MALFORMED',
      /validationTime/,
    );
    const sig = PASSED_REPORT.signatures[0]!;
    const broken: SignatureReport = { ...sig, signer: { ...MARIA, der: '', sha256: 'xyz' } };
    throwsCode(
      () => renderEtsiXml({ ...PASSED_REPORT, signatures: [broken] }),
      'REPORT_MALFORMED',
      /certificate/,
    );
    throwsCode(
      () =>
        renderEtsiXml({ ...PASSED_REPORT, signatures: [{ ...sig, signingTime: '0000-01-01T00:00:00Z' }] }),
      'REPORT_MALFORMED',
    );
  });
});

describe('report_xml_writer', () => {
  test('escaping of text and attributes', () => {
    assert.equal(escapeText('a<b>&"\'\r\n'), 'a&lt;b&gt;&amp;"\'&#13;\n');
    assert.equal(escapeAttr('a<"\'>\t\n'), 'a&lt;&quot;&apos;&gt;&#9;&#10;');
    assert.equal(escapeText('\u0000x\uD800y\uFFFF'), '\uFFFDx\uFFFDy\uFFFD');
    assert.equal(escapeText('𝔘 ok'), '𝔘 ok', 'astral characters are kept');
  });

  test('xs:dateTime normalisation', () => {
    assert.equal(xsDateTime('2026-03-02T10:30:00+01:00', 'f'), '2026-03-02T09:30:00Z');
    assert.equal(xsDateTime('2026-03-02T09:30:00.250Z', 'f'), '2026-03-02T09:30:00.250Z');
    for (const bad of [
      '2026-03-02',
      'March 2, 2026',
      '2026-13-40T00:00:00Z',
      '',
      '+275760-09-13T00:00:00Z',
    ]) {
      throwsCode(() => xsDateTime(bad, 'f'), 'REPORT_MALFORMED');
    }
  });

  test('NCNames and unique ids', () => {
    assert.equal(toNcName('SIG-', 'Signature 1'), 'SIG-Signature_1');
    assert.equal(toNcName('', '1abc'), '_1abc');
    assert.equal(toNcName('X-', 'a'.repeat(500)).length, 82);
    const ids = new IdAllocator();
    assert.deepEqual(
      ['a', 'a', 'a', 'b'].map((x) => ids.allocate(x)),
      ['a', 'a-2', 'a-3', 'b'],
    );
  });

  test('deep trees serialise without recursion', () => {
    let node: XmlElement = textEl('leaf', 'x');
    for (let i = 0; i < 100_000; i++) node = el('n', {}, node);
    const xml = serializeXml(node, false);
    assert.equal(count(xml, '<n>'), 100_000);
    assert.ok(xml.endsWith('</n>'));
  });
});
