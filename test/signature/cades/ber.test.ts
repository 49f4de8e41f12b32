/**
 * BER CMS (X.690 §8: indefinite lengths, constructed OCTET STRINGs) as `openssl cms -sign -stream`
 * writes it: validated like DER, checked against `openssl cms -verify`, through validateDocument
 * and the CLI. A recognisable SignedData with a broken inside is reported (FORMAT_FAILURE), not
 * refused. Real clock: OpenSSL makes a fresh key and certificate.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferSource } from '../../../src/lib/document_source.js';
import { berToDer } from '../../../src/lib/ber.js';
import { parseSignedData } from '../../../src/pki/cms_signed_data.js';
import { validateDocument } from '../../../src/validation/validate_document.js';
import { errorCode, missingTools, run, runCli, tempDir, tool } from '../../fixtures/cli.js';
import { rejectsCode } from '../../fixtures/assert.js';

const skip = missingTools('openssl');

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** The application/pkcs7-signature part of an S/MIME multipart/signed message (a detached CMS). */
function smimeSignature(smime: string): Buffer {
  const part = smime
    .split(/^------[0-9A-F]+/m)
    .find((p) => /^\s*Content-Type: application\/(x-)?pkcs7-signature/.test(p));
  assert.ok(part, 'no signature part');
  return Buffer.from(part.split(/\r?\n\r?\n/)[1]!.replace(/\s+/g, ''), 'base64');
}

/** Flips one byte of `needle` inside `bytes`. */
function tamper(bytes: Buffer, needle: string): Buffer {
  const out = Buffer.from(bytes);
  const at = out.indexOf(needle);
  assert.ok(at >= 0);
  out[at] ^= 0x20;
  return out;
}

describe('BER CMS written by openssl cms -sign -stream', { skip }, () => {
  const tmp = tempDir('tb-cms-ber-');
  const doc = Buffer.from(`Streamed content ${Date.now()}\n`);
  let cert: string;
  let anchor: Buffer;
  let attached: Buffer;
  let detached: Buffer;

  before(async () => {
    const dir = tmp.path;
    writeFileSync(join(dir, 'doc.txt'), doc);
    await tool('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/CN=BER Signer',
      '-days',
      '2',
      '-addext',
      'keyUsage=critical,digitalSignature,nonRepudiation',
    ]);
    cert = join(dir, 'cert.pem');
    anchor = pemBody(readFileSync(cert, 'latin1'));
    const sign = [
      'cms',
      '-sign',
      '-stream',
      '-binary',
      '-in',
      join(dir, 'doc.txt'),
      '-signer',
      cert,
      '-inkey',
      join(dir, 'key.pem'),
    ];
    await tool('openssl', [...sign, '-nodetach', '-outform', 'DER', '-out', join(dir, 'attached.p7m')]);
    attached = readFileSync(join(dir, 'attached.p7m'));
    // -stream writes a detached signature only as S/MIME: its signature part is the CMS.
    await tool('openssl', [...sign, '-outform', 'SMIME', '-out', join(dir, 'detached.eml')]);
    detached = smimeSignature(readFileSync(join(dir, 'detached.eml'), 'latin1'));
    writeFileSync(join(dir, 'detached.p7s'), detached);
  });
  after(() => tmp.remove());

  async function opensslVerifies(cms: Buffer, content?: Buffer): Promise<boolean> {
    writeFileSync(join(tmp.path, 'v.p7s'), cms);
    writeFileSync(join(tmp.path, 'v.txt'), content ?? Buffer.alloc(0));
    const r = await run('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(tmp.path, 'v.p7s'),
      '-CAfile',
      cert,
      '-purpose',
      'any',
      '-out',
      join(tmp.path, 'out.bin'),
      ...(content ? ['-content', join(tmp.path, 'v.txt')] : []),
    ]);
    return r.code === 0;
  }

  it('the outputs are BER: indefinite lengths, the attached content as a constructed OCTET STRING', () => {
    assert.equal(attached[1], 0x80);
    assert.ok(attached.includes(Buffer.from([0xa0, 0x80, 0x24, 0x80])));
    assert.equal(berToDer(attached)?.changed, true);
    assert.equal(parseSignedData(attached).eContent?.equals(doc), true);
  });

  it('attached: intact and TOTAL-PASSED, as openssl cms -verify says; tampered content is HASH_FAILURE for both', async () => {
    assert.equal(await opensslVerifies(attached), true);
    const report = await validateDocument(bufferSource(attached), { anchors: [anchor] });
    const s = report.signatures[0]!;
    assert.equal(s.indication, 'TOTAL-PASSED', JSON.stringify(s.checks));
    assert.equal(s.signer?.subject, 'CN=BER Signer');
    const bad = tamper(attached, 'Streamed');
    assert.equal(await opensslVerifies(bad), false);
    const r2 = await validateDocument(bufferSource(bad), { anchors: [anchor] });
    assert.equal(r2.signatures[0]!.indication, 'TOTAL-FAILED');
    assert.equal(r2.signatures[0]!.subIndication, 'HASH_FAILURE');
  });

  it('detached: TOTAL-PASSED with its content, HASH_FAILURE with other content, as openssl says', async () => {
    assert.equal(parseSignedData(detached).eContent, undefined);
    assert.equal(await opensslVerifies(detached, doc), true);
    const ok = await validateDocument(bufferSource(detached), {
      anchors: [anchor],
      detached: [{ bytes: doc }],
    });
    assert.equal(ok.signatures[0]!.indication, 'TOTAL-PASSED', JSON.stringify(ok.signatures[0]!.checks));
    const other = tamper(doc, 'Streamed');
    assert.equal(await opensslVerifies(detached, other), false);
    const bad = await validateDocument(bufferSource(detached), {
      anchors: [anchor],
      detached: [{ bytes: other }],
    });
    assert.equal(bad.signatures[0]!.subIndication, 'HASH_FAILURE');
  });

  it('trustbridge validate: exit 0 for the BER signatures, exit 1 and HASH_FAILURE for a tampered one', async () => {
    const a = await runCli([
      'validate',
      '--in',
      join(tmp.path, 'attached.p7m'),
      '--trust',
      cert,
      '--offline',
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).signatures[0].indication, 'TOTAL-PASSED');
    const d = await runCli([
      'validate',
      '--in',
      join(tmp.path, 'detached.p7s'),
      '--detached',
      join(tmp.path, 'doc.txt'),
      '--trust',
      cert,
      '--offline',
    ]);
    assert.equal(d.code, 0, d.stderr);
    writeFileSync(join(tmp.path, 'tampered.p7m'), tamper(attached, 'Streamed'));
    const t = await runCli([
      'validate',
      '--in',
      join(tmp.path, 'tampered.p7m'),
      '--trust',
      cert,
      '--offline',
    ]);
    assert.equal(t.code, 1, t.stderr);
    assert.equal(JSON.parse(t.stdout).signatures[0].subIndication, 'HASH_FAILURE');
  });

  it('a SignedData with a broken inside is reported FORMAT_FAILURE (exit 1); non-CMS input stays exit 3', async () => {
    // The signed attributes' SET with a duplicated attribute: recognisably CMS, not readable.
    const der = berToDer(attached)!.der;
    const si = parseSignedData(der).signerInfos[0]!;
    const attrs = der
      .subarray(si.raw.offset)
      .indexOf(Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03]));
    assert.ok(attrs > 0);
    const broken = Buffer.from(der);
    // contentType OID → messageDigest OID: the attribute type appears twice.
    broken[si.raw.offset + attrs + 10] = 0x04;
    const report = await validateDocument(bufferSource(broken), { anchors: [anchor] });
    const s = report.signatures[0]!;
    assert.equal(s.indication, 'TOTAL-FAILED');
    assert.equal(s.subIndication, 'FORMAT_FAILURE');
    assert.match(s.checks[0]!.detail ?? '', /appears twice/);
    writeFileSync(join(tmp.path, 'broken.p7m'), broken);
    const c = await runCli(['validate', '--in', join(tmp.path, 'broken.p7m'), '--trust', cert, '--offline']);
    assert.equal(c.code, 1, c.stderr);
    assert.equal(JSON.parse(c.stdout).signatures[0].subIndication, 'FORMAT_FAILURE');
    // Not a SignedData at all: an error, as before.
    const garbage = Buffer.from('3080020101020102' + '0000', 'hex');
    await rejectsCode(
      () => validateDocument(bufferSource(garbage), { anchors: [anchor] }),
      'PKI_CMS_MALFORMED',
    );
    writeFileSync(join(tmp.path, 'garbage.p7m'), garbage);
    const g = await runCli(['validate', '--in', join(tmp.path, 'garbage.p7m'), '--trust', cert, '--offline']);
    assert.equal(g.code, 3);
    assert.equal(errorCode(g.stderr), 'PKI_CMS_MALFORMED');
  });
});
