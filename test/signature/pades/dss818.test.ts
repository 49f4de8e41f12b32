import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferSource } from '../../../src/lib/document_source.js';
import { extractPades } from '../../../src/signature/pades/extract.js';
import { certificateKey } from '../../../src/validation/certificate_cache.js';
import { REPO_ROOT } from '../../fixtures/cli.js';

// A file of the DSS test suite (DSS-818): five signatures with /Reason and a
// commitment-type-indication attribute, whose signed attributes are not in DER order.
const FILE = join(
  REPO_ROOT,
  'test',
  'conformance',
  'dss-corpus',
  'pades',
  'Signature-P-SK-1 (HASH_FAILURE).pdf',
);

test('/Reason with a commitment-type-indication is not a PAdES baseline signature', async () => {
  const sigs = await extractPades(bufferSource(readFileSync(FILE)), {});
  assert.equal(sigs.length, 5);
  for (const sig of sigs) {
    assert.equal(sig.level, 'NOT-ETSI');
    assert.ok(sig.warnings?.some((w) => /\/Reason entry and the CMS a commitment-type-indication/.test(w)));
  }
});

test('signed attributes not in DER order: the signature value does not verify over their DER encoding', async () => {
  const sigs = await extractPades(bufferSource(readFileSync(FILE)), {});
  for (const sig of sigs) {
    // The ByteRanges are sound: the signed bytes are intact.
    assert.deepEqual(await sig.checkIntegrity(), { status: 'intact' });
    const signer = sig.certificates.find((c) => sig.namesSigner(c));
    assert.ok(signer);
    assert.equal(await sig.verifySignatureValue(certificateKey(signer)!), false);
  }
});
