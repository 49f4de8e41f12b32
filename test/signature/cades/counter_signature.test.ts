import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferSource } from '../../../src/lib/document_source.js';
import { extractCades } from '../../../src/signature/cades/extract.js';
import { asicExtractor } from '../../../src/signature/asic/extract.js';
import { extractXades } from '../../../src/signature/xades/extract.js';
import { parseSignedData } from '../../../src/pki/cms_signed_data.js';
import { openAsicContainer } from '../../../src/signature/asic/container.js';
import { certificateKey } from '../../../src/validation/certificate_cache.js';
import type { ExtractedSignature } from '../../../src/signature/model.js';
import { REPO_ROOT } from '../../fixtures/cli.js';

// An ASiC-S container of the DSS test suite whose CAdES signature carries an id-countersignature.
const FILE = join(REPO_ROOT, 'test', 'conformance', 'dss-corpus', 'asic', 'containerWithCounterSig.asics');

async function signedBy(sig: ExtractedSignature): Promise<boolean> {
  for (const der of sig.certificates.filter((c) => sig.namesSigner(c))) {
    const key = certificateKey(der);
    if (key && (await sig.verifySignatureValue(key))) return true;
  }
  return false;
}

function p7sAndContent(): { p7s: Buffer; content: Buffer } {
  const c = openAsicContainer(readFileSync(FILE));
  const p7s = c.files.get('META-INF/signature.p7s')!;
  return { p7s, content: c.files.get(c.rootDataObjects[0]!)! };
}

test('a CAdES countersignature attribute is a signature of its own over the parent signature value', async () => {
  const { p7s, content } = p7sAndContent();
  const sigs = await extractCades(bufferSource(p7s), { detached: [{ bytes: content }] });
  assert.deepEqual(
    sigs.map((s) => [s.id, s.counterSignatureOf]),
    [
      ['S-1', undefined],
      ['S-1-C-1', 'S-1'],
    ],
  );
  const counter = sigs[1]!;
  assert.equal(counter.formatFailure, undefined);
  assert.deepEqual(await counter.checkIntegrity(), { status: 'intact' });
  assert.ok(await signedBy(counter));
});

test('a changed parent signature value breaks the counter-signature', async () => {
  const { p7s, content } = p7sAndContent();
  const parentValue = parseSignedData(p7s).signerInfos[0]!.signature;
  const at = p7s.indexOf(parentValue);
  assert.ok(at > 0);
  const tampered = Buffer.from(p7s);
  tampered[at + 10] ^= 0xff;
  const sigs = await extractCades(bufferSource(tampered), { detached: [{ bytes: content }] });
  assert.equal((await sigs[1]!.checkIntegrity()).status, 'hash-failure');
});

test('in ASiC, the counter-signature names its parent by report id and gets no container integrity', async () => {
  const sigs = await asicExtractor({ cades: extractCades, xades: extractXades })(
    bufferSource(readFileSync(FILE)),
    {},
  );
  const counter = sigs.find((s) => s.counterSignatureOf !== undefined)!;
  assert.equal(counter.id, 'META-INF/signature.p7s#S-1-C-1');
  assert.equal(counter.counterSignatureOf, 'META-INF/signature.p7s#S-1');
  assert.deepEqual(await counter.checkIntegrity(), { status: 'intact' });
});
