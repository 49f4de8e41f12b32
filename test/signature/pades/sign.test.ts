import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PdfDocument } from '../../../src/lib/pdf/document.js';
import { PdfRef, PdfStream } from '../../../src/lib/pdf/objects.js';
import { CMS_OID, parseSignedData } from '../../../src/pki/cms_signed_data.js';
import { vriKey } from '../../../src/signature/pades/dss.js';
import { readDss } from '../../../src/signature/pades/dss_reader.js';
import { signatureEntries } from '../../../src/signature/pades/signatures.js';
import { parseTimeStampToken } from '../../../src/timestamp/token.js';
import type { DigestName } from '../../../src/signature/model.js';
import { bufferSource } from '../../../src/lib/document_source.js';
import { rejectsCode } from '../../fixtures/assert.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { samplePdf, sampleXrefStreamPdf } from '../../lib/pdf/fixtures.js';
import { signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';
import { extract, inProcessFetcher, signAt } from './fixtures.js';

let f: SigningFixture;
before(async () => {
  f = await signingFixture();
});
after(() => f?.node.close());

const open = (pdf: Buffer): Promise<PdfDocument> => PdfDocument.open(bufferSource(pdf));
const signerKey = (): KeyObject => createPublicKey({ key: f.signer.spki, format: 'der', type: 'spki' });

describe('signPades B-B', () => {
  it('appends an incremental update: a /Sig field, SigFlags 3, a detached CAdES without signing-time', async () => {
    const pdf = samplePdf();
    const signed = await signAt(f, pdf, 'B-B');
    assert.deepEqual(signed.subarray(0, pdf.length), pdf, 'the original bytes are untouched');
    const doc = await open(signed);
    assert.equal(doc.sections.length, 2);
    assert.equal(doc.sections[0]!.kind, 'table');
    const form = await doc.dict((await doc.catalog()).get('AcroForm'));
    assert.equal(form?.num('SigFlags'), 3);
    const [entry] = await signatureEntries(doc);
    assert.equal(entry!.fieldName, 'Signature1');
    assert.equal(entry!.dict.name('Filter'), 'Adobe.PPKLite');
    assert.equal(entry!.subFilter, 'ETSI.CAdES.detached');
    assert.deepEqual(entry!.byteRange, [
      0,
      entry!.contents!.start,
      entry!.contents!.end,
      signed.length - entry!.contents!.end,
    ]);
    const si = parseSignedData(entry!.der!).signerInfos[0]!;
    assert.ok(si.signedAttributes.has(CMS_OID.signingCertificateV2));
    assert.ok(!si.signedAttributes.has(CMS_OID.signingTime), 'EN 319 142-1 §6.3: no signing-time');
    assert.equal(parseSignedData(entry!.der!).eContent, undefined, 'detached');
    const [sig] = await extract(signed);
    assert.equal(sig!.level, 'B-B');
    assert.equal(sig!.formatFailure, undefined);
    assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
    assert.equal(await sig!.verifySignatureValue(signerKey()), true);
    assert.ok(sig!.namesSigner(f.certificate));
    assert.deepEqual(sig!.claimedSigningTime, FIXED_NOW);
    assert.equal(sig!.signatureAlgorithm, 'ecdsa-with-SHA256');
  });

  it('a changed byte in the signed range is a hash failure; the signature value still verifies', async () => {
    const signed = await signAt(f, samplePdf(), 'B-B');
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf('page 1', 0, 'latin1');
    tampered.write('PAGE 1', at, 'latin1');
    const [sig] = await extract(tampered);
    assert.equal((await sig!.checkIntegrity()).status, 'hash-failure');
    assert.equal(await sig!.verifySignatureValue(signerKey()), true);
  });
});

describe('signPades B-T, B-LT, B-LTA', () => {
  it('B-T: the signature time-stamp is over the signature value', async () => {
    const [sig] = await extract(await signAt(f, samplePdf(), 'B-T'));
    assert.equal(sig!.level, 'B-T');
    const [ts] = sig!.timestamps;
    assert.equal(ts!.type, 'signature');
    const token = parseTimeStampToken(ts!.token);
    assert.deepEqual(
      await ts!.coveredDigest(token.messageImprint.hash as DigestName),
      token.messageImprint.digest,
    );
  });

  it('B-LT: a DSS with the chain, the TSA certificate, the OCSP response and a VRI entry', async () => {
    const calls: string[] = [];
    const lt = await signAt(f, samplePdf(), 'B-LT', { fetcher: inProcessFetcher(f, calls) });
    assert.deepEqual(
      [...new Set(calls)],
      ['https://pki.test.example/ocsp', 'https://pki.test.example/crl/root.crl'],
      'the signer by OCSP, the eID CA and the TSA on the root CRL',
    );
    const doc = await open(lt);
    assert.equal(doc.sections.length, 3, 'signature revision, then DSS revision');
    const dss = (await readDss(doc))!;
    for (const c of [...f.chain, f.node.tsa.certificate.der])
      assert.ok(dss.certificates.some((x) => x.equals(c)));
    assert.equal(dss.ocspResponses.length, 1);
    assert.equal(dss.crls.length, 1, 'the root CRL once');
    const [entry] = await signatureEntries(doc);
    assert.deepEqual([...dss.vriKeys], [vriKey(entry!.contents!.bytes)]);
    assert.match([...dss.vriKeys][0]!, /^[0-9A-F]{40}$/);
    const [sig] = await extract(lt);
    assert.equal(sig!.level, 'B-LT');
    assert.equal(sig!.formatFailure, undefined);
    assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
    assert.equal(sig!.ocspResponses.length, 1);
  });

  it('B-LTA: a document time-stamp over the whole B-LT, attached to the signature', async () => {
    const lta = await signAt(f, samplePdf(), 'B-LTA');
    const doc = await open(lta);
    assert.equal(doc.sections.length, 4);
    const entries = await signatureEntries(doc);
    const dts = entries.find((e) => e.documentTimeStamp)!;
    assert.equal(dts.dict.name('Type'), 'DocTimeStamp');
    assert.equal(dts.subFilter, 'ETSI.RFC3161');
    assert.equal(dts.byteRange![2]! + dts.byteRange![3]!, lta.length);
    const [sig] = await extract(lta);
    assert.equal(sig!.level, 'B-LTA');
    const docTs = sig!.timestamps.find((t) => t.type === 'document')!;
    const token = parseTimeStampToken(docTs.token);
    const expected = createHash('sha256')
      .update(lta.subarray(0, dts.byteRange![1]))
      .update(lta.subarray(dts.byteRange![2]))
      .digest();
    assert.deepEqual(await docTs.coveredDigest('sha256'), expected);
    assert.deepEqual(token.messageImprint.digest, expected);
  });
});

describe('signPades on other inputs', () => {
  it('after a cross-reference stream and object streams it writes a cross-reference stream', async () => {
    const pdf = sampleXrefStreamPdf(2);
    const signed = await signAt(f, pdf, 'B-T');
    const doc = await open(signed);
    assert.equal(doc.sections[0]!.kind, 'stream');
    const xref = await doc.object(new PdfRef(doc.sections[0]!.streamNum!, 0));
    assert.ok(xref instanceof PdfStream);
    const [sig] = await extract(signed);
    assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
    assert.equal(sig!.formatFailure, undefined);
  });

  it('a second signature keeps the first intact and valid', async () => {
    const once = await signAt(f, samplePdf(), 'B-T');
    const twice = await signAt(f, once, 'B-LT');
    const sigs = await extract(twice);
    assert.deepEqual(
      sigs.map((s) => [s.id, s.level, s.formatFailure]),
      [
        ['Signature1', 'B-LT', undefined],
        ['Signature2', 'B-LT', undefined],
      ],
    );
    for (const s of sigs) {
      assert.deepEqual(await s.checkIntegrity(), { status: 'intact' });
      assert.equal(await s.verifySignatureValue(signerKey()), true);
    }
  });

  it('refuses levels the inputs cannot reach, encrypted PDFs and non-PDFs', async () => {
    await rejectsCode(
      () => signAt(f, samplePdf(), 'B-T', { tsa: undefined }),
      'USAGE_INVALID_ARGUMENT',
      /time-stamping/,
    );
    await rejectsCode(
      () => signAt(f, samplePdf(), 'B-LT', { fetcher: undefined }),
      'USAGE_INVALID_ARGUMENT',
      /revocation/,
    );
    const encrypted = Buffer.from(
      samplePdf().toString('latin1').replace('/Root 1 0 R', '/Root 1 0 R /Encrypt << /Filter /Standard >>'),
      'latin1',
    );
    await rejectsCode(() => signAt(f, encrypted, 'B-B'), 'PDF_UNSUPPORTED', /encrypted/);
    await rejectsCode(() => signAt(f, Buffer.from('not a pdf'), 'B-B'), 'PDF_MALFORMED');
  });
});
