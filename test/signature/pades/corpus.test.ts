/**
 * The PAdES extractor on the real signed PDFs of the EU DSS project (../shared/corpus/dss/pades,
 * MANIFEST.tsv gives what DSS's own tests assert): nothing but TrustbridgeErrors, FORMAT_FAILURE
 * where DSS says so, intact where DSS's default checks assert it, and a hash failure for the
 * corrupted twin.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrustbridgeError } from '../../../src/lib/errors.js';
import { parseCertificate } from '../../../src/x509/certificate_info.js';
import { extractPades } from '../../../src/signature/pades/extract.js';
import type { ExtractedSignature } from '../../../src/signature/model.js';
import { fileSource } from '../../../src/lib/document_source.js';
import type { FileDocumentSource } from '../../../src/lib/document_source.js';
import { REPO_ROOT } from '../../fixtures/cli.js';

const DIR = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss', 'pades');
const skip = existsSync(DIR) ? false : `no corpus at ${DIR}`;

/** Files opened by the tests, closed after them (the signatures read their file lazily). */
const opened: FileDocumentSource[] = [];
after(async () => {
  for (const src of opened) await src.close();
});

async function extractFile(name: string): Promise<ExtractedSignature[]> {
  const src = await fileSource(join(DIR, name));
  opened.push(src);
  return extractPades(src, {});
}

async function verifiesWithEmbeddedSigner(sig: ExtractedSignature): Promise<boolean> {
  const cert = sig.certificates.find((c) => sig.namesSigner(c));
  if (!cert) return false;
  return sig.verifySignatureValue(
    createPublicKey({ key: parseCertificate(cert).spki, format: 'der', type: 'spki' }),
  );
}

describe('extractPades on the DSS corpus', { skip }, () => {
  it('reads every file, or fails with a TrustbridgeError only', async () => {
    const names = readdirSync(DIR).filter((n) => n.endsWith('.pdf'));
    assert.ok(names.length >= 12, `${names.length} PDFs`);
    const manifest = readFileSync(join(DIR, '..', 'MANIFEST.tsv'), 'utf8');
    for (const name of names) {
      assert.ok(manifest.includes(`pades/${name}`), `${name} is in MANIFEST.tsv`);
      try {
        const sigs = await extractFile(name);
        for (const s of sigs) {
          await s.checkIntegrity();
          await verifiesWithEmbeddedSigner(s);
          for (const t of s.timestamps) await t.coveredDigest('sha256');
        }
      } catch (e) {
        assert.ok(e instanceof TrustbridgeError, `${name}: ${String(e)}`);
      }
    }
  });

  it('pdf-signed-original.pdf: intact, valid signature value, no format failure', async () => {
    const [sig, more] = await extractFile('pdf-signed-original.pdf');
    assert.equal(more, undefined);
    assert.equal(sig!.formatFailure, undefined);
    assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
    assert.equal(await verifiesWithEmbeddedSigner(sig!), true);
    assert.equal(sig!.level, 'B-B');
  });

  it('pdf-signed-corrupted.pdf: not intact (bytes removed inside the signed range)', async () => {
    const [sig] = await extractFile('pdf-signed-corrupted.pdf');
    assert.notEqual((await sig!.checkIntegrity()).status, 'intact');
    assert.match(sig!.formatFailure ?? '', /ByteRange/);
  });

  for (const [name, why] of [
    ['pdf-signed-added-page.pdf', /pages were added after signing \(1 signed, 2 now\)/],
    ['pdf-removed-pages.pdf', /pages were removed after signing \(3 signed, 1 now\)/],
  ] as const) {
    it(`${name}: FORMAT_FAILURE for pages changed in a later revision, though intact`, async () => {
      const [sig] = await extractFile(name);
      assert.match(sig!.formatFailure ?? '', why);
      assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
    });
  }

  it('pdf-byterange-overlap.pdf: the second signature has an invalid ByteRange, the first not', async () => {
    const [first, second] = await extractFile('pdf-byterange-overlap.pdf');
    assert.equal(first!.formatFailure, undefined);
    assert.deepEqual(await first!.checkIntegrity(), { status: 'intact' });
    assert.match(second!.formatFailure ?? '', /ByteRange/);
  });

  it('B-LTA files: document time-stamps and DSS data found', async () => {
    for (const name of [
      'mra-john-doe-lta.pdf',
      'pades-lta-copied-doctst.pdf',
      'pades-enveloping-other-pdf.pdf',
    ]) {
      const [sig] = await extractFile(name);
      assert.equal(sig!.level, 'B-LTA', name);
      assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' }, name);
      assert.ok(
        sig!.timestamps.some((t) => t.type === 'document'),
        name,
      );
      assert.ok(
        sig!.timestamps.some((t) => t.type === 'signature'),
        name,
      );
      assert.ok(sig!.ocspResponses.length + sig!.crls.length > 0, name);
    }
  });

  it('indefinite-length CMS (hello_signed_INCSAVE_signed_EDITED.pdf) and the copied signature', async () => {
    const [first, copy] = await extractFile('hello_signed_INCSAVE_signed_EDITED.pdf');
    assert.deepEqual(await first!.checkIntegrity(), { status: 'intact' });
    assert.equal(await verifiesWithEmbeddedSigner(first!), true);
    assert.match(copy!.formatFailure ?? '', /outside the revision it signs/);
  });

  it('adbe.pkcs7.detached with SHA-1 (DSS-1683.pdf) is read as NOT-ETSI', async () => {
    const [sig] = await extractFile('DSS-1683.pdf');
    assert.equal(sig!.level, 'NOT-ETSI');
    assert.equal(sig!.digestAlgorithm, 'sha1');
    assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
  });

  it('pdf-spoofing-attack.pdf: the signature dictionary does not match what is signed', async () => {
    const [sig] = await extractFile('pdf-spoofing-attack.pdf');
    assert.match(sig!.formatFailure ?? '', /Contents/);
  });
});
