/**
 * PAdES signing end to end: a served node (TSA, OCSP responder, CRLs), an enrolled wallet, the
 * library signing a PDF at every level over HTTP, and poppler's `pdfsig` (with our root in a
 * temporary NSS database) checking every signature; OpenSSL checks the B-LTA document
 * time-stamp, which pdfsig does not verify; qpdf checks the structure and writes object streams.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWallet } from '../../src/eid/wallet.js';
import { PdfDocument } from '../../src/lib/pdf/document.js';
import { keyObjectSigner } from '../../src/signature/key_signer.js';
import { extractPades } from '../../src/signature/pades/extract.js';
import { signPades } from '../../src/signature/pades/sign.js';
import type { PadesLevel, PadesSignParams } from '../../src/signature/pades/sign.js';
import { signatureEntries } from '../../src/signature/pades/signatures.js';
import { httpRevocationFetcher } from '../../src/signature/revocation_fetcher.js';
import type { TspTransport } from '../../src/timestamp/client.js';
import { bufferSource } from '../../src/lib/document_source.js';
import { WALLET_PASSWORD, createAndEnroll, missingTools, startSigningNode, tool } from '../fixtures/cli.js';
import type { SigningNode } from '../fixtures/cli.js';
import { samplePdf } from '../lib/pdf/fixtures.js';

const skip = missingTools('pdfsig', 'certutil', 'qpdf', 'openssl');

const transport: TspTransport = async (url, body, contentType) => {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
  return {
    status: r.status,
    body: Buffer.from(await r.arrayBuffer()),
    contentType: r.headers.get('content-type') ?? '',
  };
};

/** One signature's lines of `pdfsig` output. */
interface PdfsigSignature {
  type: string;
  validation: string;
  certificate?: string;
}

function pdfsigSignatures(out: string): PdfsigSignature[] {
  return out
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((block) => {
      const certificate = /Certificate Validation: (.*)$/m.exec(block)?.[1];
      return {
        type: /Signature Type: (.*)$/m.exec(block)?.[1] ?? '',
        validation: /Signature Validation: (.*)$/m.exec(block)?.[1] ?? '',
        ...(certificate ? { certificate } : {}),
      };
    });
}

describe('PAdES signing checked by pdfsig, qpdf and OpenSSL', { skip }, () => {
  let node: SigningNode | undefined;
  let base: Omit<PadesSignParams, 'pdf' | 'level'>;
  let nss: string;

  before(async () => {
    node = await startSigningNode('tb-sign-pades-');
    const wallet = openWallet(readFileSync(node.wallet), WALLET_PASSWORD);
    base = {
      signer: keyObjectSigner(wallet.keys.signature.privateKey),
      signerCertificate: wallet.keys.signature.certificate!,
      chain: wallet.caCertificates,
      signingTime: new Date(Math.floor(Date.now() / 1000) * 1000),
      tsa: { url: `${node.served.url}/tsa`, transport },
      fetcher: httpRevocationFetcher(),
    };
    nss = join(node.tmp.path, 'nss');
    await tool('mkdir', ['-p', nss]);
    await tool('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    await tool('certutil', ['-A', '-n', 'root', '-t', 'CT,C,C', '-i', node.certs.root, '-d', `sql:${nss}`]);
  });
  after(async () => {
    await node?.close();
  });

  async function signTo(name: string, pdf: Buffer, level: PadesLevel): Promise<string> {
    const file = join(node!.tmp.path, name);
    writeFileSync(file, await signPades({ ...base, pdf, level }));
    return file;
  }

  /** pdfsig, without and with our root trusted; every CAdES signature must be valid and trusted. */
  async function checkWithPdfsig(file: string, count: number): Promise<PdfsigSignature[]> {
    const plainOut = await tool('pdfsig', [file]);
    const trustedOut = await tool('pdfsig', ['-nssdir', `sql:${nss}`, file]);
    const plain = pdfsigSignatures(plainOut);
    const trusted = pdfsigSignatures(trustedOut);
    assert.equal(trusted.length, count, `${file}: ${count} signature fields\n${trustedOut}`);
    for (const [i, s] of trusted.entries()) {
      if (s.type !== 'ETSI.CAdES.detached') continue;
      assert.equal(plain[i]!.validation, 'Signature is Valid.', `${file} #${i + 1}\n${plainOut}`);
      assert.equal(s.validation, 'Signature is Valid.', `${file} #${i + 1}\n${trustedOut}`);
      assert.equal(s.certificate, 'Certificate is Trusted.', `${file} #${i + 1}\n${trustedOut}`);
    }
    const check = await tool('qpdf', ['--check', file]);
    assert.match(check, /No syntax or stream encoding errors found/);
    return trusted;
  }

  for (const level of ['B-B', 'B-T', 'B-LT'] as const) {
    it(`${level}: pdfsig reports the signature valid and its certificate trusted`, async () => {
      const file = await signTo(`${level}.pdf`, samplePdf(), level);
      const [sig] = await checkWithPdfsig(file, 1);
      assert.equal(sig!.type, 'ETSI.CAdES.detached');
      const [extracted] = await extractPades(bufferSource(readFileSync(file)), {});
      assert.equal(extracted!.level, level);
    });
  }

  it('B-LTA: pdfsig validates the signature; OpenSSL verifies the document time-stamp over the ByteRange', async () => {
    const file = await signTo('B-LTA.pdf', samplePdf(), 'B-LTA');
    const sigs = await checkWithPdfsig(file, 2);
    assert.equal(sigs[0]!.type, 'ETSI.CAdES.detached');
    const bytes = readFileSync(file);
    const doc = await PdfDocument.open(bufferSource(bytes));
    const dts = (await signatureEntries(doc)).find((e) => e.documentTimeStamp)!;
    const [, a, b] = dts.byteRange!;
    const data = join(node!.tmp.path, 'lta-ranges.bin');
    const token = join(node!.tmp.path, 'lta-token.der');
    writeFileSync(data, Buffer.concat([bytes.subarray(0, a), bytes.subarray(b)]));
    writeFileSync(token, dts.der!);
    const out = await tool('openssl', [
      'ts',
      '-verify',
      '-data',
      data,
      '-in',
      token,
      '-token_in',
      '-CAfile',
      node!.certs.root,
      '-untrusted',
      node!.certs.tsa,
    ]);
    assert.match(out, /Verification: OK/);
    const [extracted] = await extractPades(bufferSource(bytes), {});
    assert.equal(extracted!.level, 'B-LTA');
  });

  it('a PDF countersigned by a second citizen keeps both signatures valid and trusted', async () => {
    const juan = join(node!.tmp.path, 'juan.p12');
    await createAndEnroll(node!.dir, juan, {
      givenName: 'Juan',
      familyName: 'Dela Cruz',
      birthDate: '1985-02-01',
    });
    const w = openWallet(readFileSync(juan), WALLET_PASSWORD);
    const once = readFileSync(await signTo('once.pdf', samplePdf(2), 'B-T'));
    const file = join(node!.tmp.path, 'countersigned.pdf');
    writeFileSync(
      file,
      await signPades({
        ...base,
        signer: keyObjectSigner(w.keys.signature.privateKey),
        signerCertificate: w.keys.signature.certificate!,
        pdf: once,
        level: 'B-LT',
      }),
    );
    const sigs = await checkWithPdfsig(file, 2);
    assert.deepEqual(
      sigs.map((s) => s.validation),
      ['Signature is Valid.', 'Signature is Valid.'],
    );
  });

  it('a PDF signed twice by the same citizen keeps both signatures valid under pdfsig', async () => {
    const once = readFileSync(await signTo('same-once.pdf', samplePdf(), 'B-T'));
    const file = await signTo('same-twice.pdf', once, 'B-LT');
    // poppler 22.12 reads NSS's last error after CERT_PKIXVerifyCert without its result: for the
    // second signature of one certificate the OCSP answer is cached and a stale error shows as
    // "Unknown issue with Certificate" (pdfsig's own signatures do the same under -no-ocsp). So
    // only the first certificate verdict is asserted here; both signature values must be valid.
    const out = await tool('pdfsig', ['-nssdir', `sql:${nss}`, file]);
    const sigs = pdfsigSignatures(out);
    assert.deepEqual(
      sigs.map((s) => s.validation),
      ['Signature is Valid.', 'Signature is Valid.'],
      out,
    );
    assert.equal(sigs[0]!.certificate, 'Certificate is Trusted.', out);
  });

  it('a PDF rewritten by qpdf with object streams and a cross-reference stream can be signed', async () => {
    const input = join(node!.tmp.path, 'plain.pdf');
    const packed = join(node!.tmp.path, 'packed.pdf');
    writeFileSync(input, samplePdf(3));
    await tool('qpdf', ['--object-streams=generate', input, packed]);
    const packedBytes = readFileSync(packed);
    const before = await PdfDocument.open(bufferSource(packedBytes));
    assert.equal(before.sections[0]!.kind, 'stream');
    const file = await signTo('packed-signed.pdf', packedBytes, 'B-T');
    await checkWithPdfsig(file, 1);
    const after = await PdfDocument.open(bufferSource(readFileSync(file)));
    assert.equal(after.sections[0]!.kind, 'stream', 'an xref stream after an xref stream');
  });

  it('a linearized PDF (qpdf --linearize) can be signed twice, both valid', async () => {
    const input = join(node!.tmp.path, 'plain-lin.pdf');
    const linear = join(node!.tmp.path, 'linear.pdf');
    writeFileSync(input, samplePdf(2));
    await tool('qpdf', ['--linearize', input, linear]);
    const once = readFileSync(await signTo('linear-once.pdf', readFileSync(linear), 'B-T'));
    const file = await signTo('linear-twice.pdf', once, 'B-B');
    const out = await tool('pdfsig', [file]);
    assert.deepEqual(
      pdfsigSignatures(out).map((s) => s.validation),
      ['Signature is Valid.', 'Signature is Valid.'],
      out,
    );
    const sigs = await extractPades(bufferSource(readFileSync(file)), {});
    assert.deepEqual(
      sigs.map((s) => s.formatFailure),
      [undefined, undefined],
    );
  });
});
