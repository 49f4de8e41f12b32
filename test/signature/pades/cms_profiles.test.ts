/**
 * PAdES signatures whose CMS is not the baseline profile: a signing-time attribute (older
 * PAdES-BES / CMS profiles, what `openssl cms -sign` writes) is valid with a not-baseline warning,
 * as pdfsig says; encapsulated content in a detached SubFilter is not intact (DSS); an unreadable
 * CMS in a signature dictionary is a FORMAT_FAILURE report. Real clock: OpenSSL makes fresh keys.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferSource } from '../../../src/lib/document_source.js';
import { PdfDocument } from '../../../src/lib/pdf/document.js';
import { appendSignatureRevision } from '../../../src/signature/pades/placeholder.js';
import { signatureEntries } from '../../../src/signature/pades/signatures.js';
import { validateDocument } from '../../../src/validation/validate_document.js';
import { missingTools, runCli, tempDir, tool } from '../../fixtures/cli.js';
import { samplePdf } from '../../lib/pdf/fixtures.js';

const skip = missingTools('openssl', 'pdfsig', 'certutil');

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/**
 * A PDF with one ETSI.CAdES.detached signature whose /Contents is what `make` returns for the
 * signed bytes (the ByteRange).
 */
async function pdfWithCms(make: (signed: Buffer) => Promise<Buffer>): Promise<Buffer> {
  const w = await appendSignatureRevision(samplePdf(1), {
    entries: '/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached',
    capacity: 8192,
    hash: 'sha256',
    produce: () => Promise.resolve(Buffer.from('3000', 'hex')),
  });
  const bytes = Buffer.from(w.bytes);
  const [entry] = await signatureEntries(await PdfDocument.open(bufferSource(bytes)));
  const [a, b, c, d] = entry!.byteRange!;
  const signed = Buffer.concat([bytes.subarray(a!, a! + b!), bytes.subarray(c!, c! + d!)]);
  const hex = (await make(signed)).toString('hex');
  const slot = c! - (a! + b!) - 2;
  assert.ok(hex.length <= slot, 'the CMS does not fit');
  bytes.write(hex.padEnd(slot, '0'), a! + b! + 1, 'latin1');
  return bytes;
}

describe('PAdES with a CMS outside the baseline profile', { skip }, () => {
  const tmp = tempDir('tb-pades-cms-');
  const file = (n: string): string => join(tmp.path, n);
  let root: Buffer;
  let nss: string;

  before(async () => {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    await tool('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      file('root.key'),
      '-out',
      file('root.pem'),
      '-subj',
      '/CN=Profile Root',
      '-days',
      '3',
      '-addext',
      'basicConstraints=critical,CA:true',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await tool('openssl', [
      'req',
      '-new',
      ...ec,
      '-keyout',
      file('leaf.key'),
      '-out',
      file('leaf.csr'),
      '-subj',
      '/CN=Profile Signer',
    ]);
    writeFileSync(
      file('leaf.ext'),
      'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:false\n',
    );
    await tool('openssl', [
      'x509',
      '-req',
      '-in',
      file('leaf.csr'),
      '-CA',
      file('root.pem'),
      '-CAkey',
      file('root.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      file('leaf.ext'),
      '-out',
      file('leaf.pem'),
    ]);
    root = pemBody(readFileSync(file('root.pem'), 'latin1'));
    nss = file('nss');
    await tool('mkdir', ['-p', nss]);
    await tool('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    await tool('certutil', ['-A', '-n', 'root', '-t', 'CT,C,C', '-i', file('root.pem'), '-d', `sql:${nss}`]);
  });
  after(() => tmp.remove());

  /** `openssl cms -sign` over the signed bytes: signing-time is among its signed attributes. */
  async function opensslCms(signed: Buffer, extra: string[]): Promise<Buffer> {
    writeFileSync(file('signed.bin'), signed);
    await tool('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-cades',
      '-in',
      file('signed.bin'),
      '-signer',
      file('leaf.pem'),
      '-inkey',
      file('leaf.key'),
      '-certfile',
      file('root.pem'),
      '-outform',
      'DER',
      '-out',
      file('sig.p7s'),
      ...extra,
    ]);
    return readFileSync(file('sig.p7s'));
  }

  async function validate(pdf: Buffer) {
    // No revocation data for the fresh leaf: the time of the check is what matters here.
    return (await validateDocument(bufferSource(pdf), { anchors: [root] })).signatures[0]!;
  }

  it('a signing-time attribute: intact and valid (pdfsig agrees), level NOT-ETSI with a warning', async () => {
    const pdf = await pdfWithCms((s) => opensslCms(s, []));
    writeFileSync(file('signing-time.pdf'), pdf);
    const out = await tool('pdfsig', ['-nssdir', `sql:${nss}`, file('signing-time.pdf')]);
    assert.match(out, /Signature Validation: Signature is Valid\./);
    const s = await validate(pdf);
    assert.notEqual(s.subIndication, 'FORMAT_FAILURE', JSON.stringify(s.checks));
    assert.notEqual(s.subIndication, 'HASH_FAILURE');
    assert.notEqual(s.subIndication, 'SIG_CRYPTO_FAILURE');
    assert.deepEqual(
      s.checks
        .filter((c) => c.name === 'FORMAT_CHECKING' || c.name === 'CRYPTOGRAPHIC_VERIFICATION')
        .map((c) => c.indication),
      ['PASSED', 'PASSED'],
    );
    assert.equal(s.level, 'NOT-ETSI');
    assert.ok(
      s.warnings.some((w) => /not a PAdES baseline signature.*signing-time/.test(w)),
      s.warnings.join(),
    );
    assert.ok(s.signingTime);
  });

  it('encapsulated content (openssl -nodetach): not intact, TOTAL-FAILED/HASH_FAILURE; pdfsig does not call it valid', async () => {
    const pdf = await pdfWithCms((s) => opensslCms(s, ['-nodetach']));
    writeFileSync(file('attached.pdf'), pdf);
    const out = await tool('pdfsig', ['-nssdir', `sql:${nss}`, file('attached.pdf')]).catch(
      (e: Error) => e.message,
    );
    assert.doesNotMatch(out, /Signature Validation: Signature is Valid\./);
    const s = await validate(pdf);
    assert.equal(s.indication, 'TOTAL-FAILED');
    assert.equal(s.subIndication, 'HASH_FAILURE');
    assert.equal(s.level, 'NOT-ETSI');
  });

  it('a signature dictionary with an unreadable CMS: a FORMAT_FAILURE report, exit 1 from the CLI', async () => {
    const pdf = await pdfWithCms(async (s) => {
      const cms = await opensslCms(s, []);
      // The content-type attribute retyped as a second message-digest: still a SignedData, unreadable.
      const broken = Buffer.from(cms);
      const at = broken.indexOf(Buffer.from('06092a864886f70d010903', 'hex'));
      assert.ok(at > 0);
      broken[at + 10] = 0x04;
      return broken;
    });
    const s = await validate(pdf);
    assert.equal(s.indication, 'TOTAL-FAILED');
    assert.equal(s.subIndication, 'FORMAT_FAILURE');
    writeFileSync(file('broken.pdf'), pdf);
    const r = await runCli([
      'validate',
      '--in',
      file('broken.pdf'),
      '--trust',
      file('root.pem'),
      '--offline',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).signatures[0].subIndication, 'FORMAT_FAILURE');
  });
});
