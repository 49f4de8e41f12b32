import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferSource } from '../../../src/lib/document_source.js';
import { extractPades } from '../../../src/signature/pades/extract.js';
import { REPO_ROOT } from '../../fixtures/cli.js';

// Files of the DSS test suite: a signature wrapping attack (the signed tail moved behind new
// content, the /ByteRange gap widened over it) and a signature dictionary replaced in a later
// revision whose /ByteRange still selects the original, same /Contents value.
const corpus = (name: string): Buffer =>
  readFileSync(join(REPO_ROOT, 'test', 'conformance', 'dss-corpus', 'pades', name));

test('a /ByteRange gap that holds more than the /Contents value: the signed data is not intact', async () => {
  const [sig] = await extractPades(bufferSource(corpus('siwa.pdf')), {});
  assert.match(sig!.formatFailure ?? '', /gap in the \/ByteRange/);
  const integrity = await sig!.checkIntegrity();
  assert.equal(integrity.status, 'hash-failure');
  assert.match(integrity.detail ?? '', /does not hold the \/Contents value/);
});

test('a /ByteRange gap holding the same /Contents value elsewhere is a format failure only', async () => {
  const [sig] = await extractPades(bufferSource(corpus('pades-spoofing-replaced-reason.pdf')), {});
  assert.match(sig!.formatFailure ?? '', /outside the revision it signs/);
  assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
});
