import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { fromPemAll } from '../../src/lib/pem.js';
import { readHeader } from '../../src/lib/der.js';
import { PkiError } from '../../src/lib/errors.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import {
  CMS_OID,
  buildSignedData,
  parseSignedData,
  signingCertificateV2Attribute,
  signingTimeAttribute,
  verifySignerInfo,
} from '../../src/pki/cms_signed_data.js';
import type { SignedDataParams } from '../../src/pki/cms_signed_data.js';
import type { HashAlgorithm, Signer } from '../../src/pki/key_store.js';
import { throwsCode } from '../fixtures/assert.js';

const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
`;
const CONTENT = Buffer.from('Memorandum of Understanding on mutual recognition of e-signatures\n');
const OTHER_TYPE = '1.2.840.113549.1.9.16.1.4'; // id-ct-TSTInfo: any non-id-data type makes version 3

let dir = '';

function openssl(args: string[]): { out: string; status: number | null } {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return { out: `${r.stdout}${r.stderr}`, status: r.status };
}

function opensslOk(args: string): string {
  const r = openssl(args.split(' '));
  assert.equal(r.status, 0, `openssl ${args}:\n${r.out}`);
  return r.out;
}

function certDer(name: string): Buffer {
  return fromPemAll(readFileSync(join(dir, `${name}.pem`), 'utf8'), 'CERTIFICATE')[0]!;
}

function signerOf(name: string, hash: HashAlgorithm): Signer {
  const key = createPrivateKey(readFileSync(join(dir, `${name}.key`)));
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const algorithm = hash === 'sha384' ? 'P-384' : 'P-256';
  return {
    keyId: name,
    algorithm,
    hash,
    spki,
    sign: async (d) => cryptoSign(hash, d, { key, dsaEncoding: 'der' }),
  };
}

/** `openssl cms -verify` of `p7`; returns whether it said "Verification successful" and the output content. */
function opensslVerifies(p7: Buffer, detached?: Buffer): { ok: boolean; out: string; content: Buffer } {
  writeFileSync(join(dir, 'sig.p7'), p7);
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.p7', '-CAfile', 'ca.pem'];
  if (detached) writeFileSync(join(dir, 'content.bin'), detached);
  const r = openssl([
    ...args,
    ...(detached ? ['-content', 'content.bin'] : []),
    '-purpose',
    'any',
    '-out',
    'out.bin',
  ]);
  const ok = r.status === 0 && /Verification successful/.test(r.out);
  return { ok, out: r.out, content: ok ? readFileSync(join(dir, 'out.bin')) : Buffer.alloc(0) };
}

function flip(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at]! ^= 0x01;
  return c;
}

function params(over: Partial<SignedDataParams> = {}): SignedDataParams {
  return {
    eContentType: CMS_OID.data,
    eContent: CONTENT,
    signer: signerOf('leaf', 'sha256'),
    signerCertificate: certDer('leaf'),
    ...over,
  };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tb-cms-'));
  writeFileSync(join(dir, 'ext.cnf'), CONFIG);
  opensslOk('genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key');
  opensslOk(
    'req -x509 -new -key ca.key -subj /CN=Test-CMS-CA -days 30 -config ext.cnf -extensions v3_ca -out ca.pem',
  );
  for (const [name, curve, serial] of [
    ['leaf', 'P-256', '0x00c0ffee01'],
    ['leaf384', 'P-384', '0x7f01'],
    ['other', 'P-256', '0x03'],
  ] as const) {
    opensslOk(`genpkey -algorithm EC -pkeyopt ec_paramgen_curve:${curve} -out ${name}.key`);
    opensslOk(`req -new -key ${name}.key -subj /CN=${name}/O=Test -config ext.cnf -out ${name}.csr`);
    opensslOk(
      `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -set_serial ${serial} -days 30 -extfile ext.cnf -extensions v3_leaf -out ${name}.pem`,
    );
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('buildSignedData: openssl cms -verify accepts what we sign', () => {
  it('attached id-data (version 1)', async () => {
    const p7 = await buildSignedData(params());
    const r = opensslVerifies(p7);
    assert.ok(r.ok, r.out);
    assert.deepEqual(r.content, CONTENT);
    assert.equal(parseSignedData(p7).version, 1);
  });

  it('detached id-data, given the content digest', async () => {
    const digest = createHash('sha256').update(CONTENT).digest();
    const p7 = await buildSignedData(params({ eContent: undefined, contentDigest: digest }));
    const r = opensslVerifies(p7, CONTENT);
    assert.ok(r.ok, r.out);
    assert.equal(parseSignedData(p7).eContent, undefined);
    assert.ok(!opensslVerifies(p7, Buffer.from('another document')).ok);
  });

  it('other content type (version 3), P-384 / SHA-384, signingTime, ESSCertIDv2, chain', async () => {
    const leaf = certDer('leaf384');
    const p7 = await buildSignedData({
      eContentType: OTHER_TYPE,
      eContent: CONTENT,
      signer: signerOf('leaf384', 'sha384'),
      signerCertificate: leaf,
      certificates: [leaf, certDer('ca')],
      signedAttributes: [signingTimeAttribute(new Date()), signingCertificateV2Attribute(leaf, 'sha384')],
    });
    const r = opensslVerifies(p7);
    assert.ok(r.ok, r.out);
    const sd = parseSignedData(p7);
    assert.equal(sd.version, 3);
    assert.equal(sd.certificates.length, 2);
    assert.deepEqual(sd.digestAlgorithms, [CMS_OID.sha384]);
    assert.equal(sd.signerInfos[0]!.signatureAlgorithm, '1.2.840.10045.4.3.3');
    const text = opensslOk('cms -cmsout -print -inform DER -in sig.p7');
    assert.match(text, /id-smime-aa-signingCertificateV2/);
  });

  it('unsigned attributes and an empty certificates field', async () => {
    const unsigned = [{ type: '1.2.3.4', values: [Buffer.from([0x05, 0x00])] }];
    const p7 = await buildSignedData(params({ certificates: [], unsignedAttributes: unsigned }));
    const sd = parseSignedData(p7);
    assert.deepEqual(sd.certificates, []);
    assert.deepEqual(sd.signerInfos[0]!.unsignedAttributes.get('1.2.3.4'), [Buffer.from([0x05, 0x00])]);
    writeFileSync(join(dir, 'sig.p7'), p7);
    const r = openssl(
      'cms -verify -binary -inform DER -in sig.p7 -CAfile ca.pem -certfile leaf.pem -purpose any -out out.bin'.split(
        ' ',
      ),
    );
    assert.match(r.out, /Verification successful/);
  });

  it('refuses inconsistent inputs', async () => {
    await assert.rejects(buildSignedData(params({ digestAlgorithm: 'sha512' })), (e: unknown) => {
      return e instanceof PkiError && e.code === 'PKI_CMS_ALGORITHM_UNSUPPORTED';
    });
    await assert.rejects(
      buildSignedData(params({ signerCertificate: certDer('other') })),
      /does not certify/,
    );
    await assert.rejects(buildSignedData(params({ eContent: undefined })), /digest/);
    const wrong = createHash('sha256').update('x').digest();
    await assert.rejects(buildSignedData(params({ contentDigest: wrong })), /digest/);
    const dup = [signingTimeAttribute(new Date()), signingTimeAttribute(new Date())];
    await assert.rejects(buildSignedData(params({ signedAttributes: dup })), /twice/);
  });
});

describe('parseSignedData and verifySignerInfo', () => {
  it('parses exactly what was built, and another ASN.1 library agrees', async () => {
    const leaf = certDer('leaf');
    const p7 = await buildSignedData(params({ signedAttributes: [signingCertificateV2Attribute(leaf)] }));
    const sd = parseSignedData(p7);
    assert.equal(sd.eContentType, CMS_OID.data);
    assert.deepEqual(sd.eContent, CONTENT);
    assert.deepEqual(sd.certificates, [leaf]);
    const si = sd.signerInfos[0]!;
    const info = parseCertificate(leaf);
    assert.deepEqual(si.sidIssuerDer, info.issuerDer);
    assert.equal(si.sidSerial, 'c0ffee01');
    assert.equal(si.signedAttrsDer![0], 0x31);
    const signedAt = p7.indexOf(Buffer.concat([Buffer.from([0xa0]), si.signedAttrsDer!.subarray(1)]));
    assert.ok(signedAt > si.raw.offset && signedAt < si.raw.end, 'signedAttrsDer is the [0] field re-tagged');
    assert.deepEqual(
      [...si.signedAttributes.keys()].sort(),
      [CMS_OID.contentType, CMS_OID.messageDigest, CMS_OID.signingCertificateV2].sort(),
    );
    assert.deepEqual(sd.raw.der.subarray(sd.raw.eContent!.start, sd.raw.eContent!.end), CONTENT);
    const peculiar = AsnConvert.parse(AsnConvert.parse(p7, ContentInfo).content, SignedData);
    assert.equal(peculiar.signerInfos[0]!.version, 1);
    assert.equal(peculiar.signerInfos[0]!.signedAttrs!.length, 3);
    assert.deepEqual(Buffer.from(peculiar.signerInfos[0]!.signature.buffer), si.signature);
    verifySignerInfo(si, leaf, { content: CONTENT, eContentType: CMS_OID.data });
    verifySignerInfo(si, leaf, { digest: createHash('sha256').update(CONTENT).digest() });
  });

  it('signed attributes not in DER order are verified in DER order (RFC 5652 §5.4), as BouncyCastle does', async () => {
    const leaf = certDer('leaf');
    const p7 = await buildSignedData(params({ signedAttributes: [signingCertificateV2Attribute(leaf)] }));
    const sorted = parseSignedData(p7).signerInfos[0]!.signedAttrsDer!;
    // Reverse the attributes inside the [0] field: same length, no longer in DER order.
    const attrs: Buffer[] = [];
    const body = sorted.subarray(readHeader(sorted, 0).start);
    for (let at = 0; at < body.length; at = readHeader(body, at).end)
      attrs.push(body.subarray(at, readHeader(body, at).end));
    const field = Buffer.concat([Buffer.from([0xa0]), sorted.subarray(1)]);
    const at = p7.indexOf(field);
    const reordered = Buffer.from(p7);
    Buffer.concat(attrs.reverse()).copy(reordered, at + field.length - body.length);
    assert.ok(!reordered.equals(p7));
    const si = parseSignedData(reordered).signerInfos[0]!;
    // The signature was made over the DER order, so it still verifies over the re-sorted bytes;
    // one made over the bytes as encoded would not (DSS test files Signature-C-DE_CRY-4, DSS-818).
    assert.deepEqual(si.signedAttrsDer, sorted);
    verifySignerInfo(si, leaf, { content: CONTENT, eContentType: CMS_OID.data });
  });

  it('verification failures throw stable codes', async () => {
    const leaf = certDer('leaf');
    const p7 = await buildSignedData(params());
    const si = parseSignedData(p7).signerInfos[0]!;
    throwsCode(
      () => verifySignerInfo(si, leaf, { content: Buffer.from('tampered') }),
      'PKI_CMS_DIGEST_MISMATCH',
      /messageDigest/,
    );
    throwsCode(() => verifySignerInfo(si, certDer('other'), { content: CONTENT }), 'PKI_CMS_SIGNER_MISMATCH');
    throwsCode(
      () => verifySignerInfo(si, leaf, { content: CONTENT, eContentType: OTHER_TYPE }),
      'PKI_CMS_SIGNATURE_INVALID',
      /contentType/,
    );
    const sigAt = p7.lastIndexOf(si.signature) + 10;
    const badSig = parseSignedData(flip(p7, sigAt)).signerInfos[0]!;
    throwsCode(
      () => verifySignerInfo(badSig, leaf, { content: CONTENT }),
      'PKI_CMS_SIGNATURE_INVALID',
      /signature/,
    );
    assert.ok(!opensslVerifies(flip(p7, sigAt)).ok);
    const contentAt = p7.indexOf(CONTENT) + 3;
    const badContent = parseSignedData(flip(p7, contentAt));
    throwsCode(
      () => verifySignerInfo(badContent.signerInfos[0]!, leaf, { content: badContent.eContent! }),
      'PKI_CMS_DIGEST_MISMATCH',
    );
    assert.ok(!opensslVerifies(flip(p7, contentAt)).ok);
  });

  for (const detach of [false, true]) {
    it(`accepts openssl cms -sign output (${detach ? 'detached' : 'attached'})`, () => {
      writeFileSync(join(dir, 'doc.txt'), CONTENT);
      const mode = detach ? '' : ' -nodetach';
      opensslOk(
        `cms -sign -binary -md sha256 -in doc.txt -signer leaf.pem -inkey leaf.key -outform DER -out os.p7${mode}`,
      );
      const sd = parseSignedData(readFileSync(join(dir, 'os.p7')));
      assert.equal(sd.eContentType, CMS_OID.data);
      assert.deepEqual(sd.eContent, detach ? undefined : CONTENT);
      assert.ok(sd.signerInfos[0]!.signedAttributes.has(CMS_OID.signingTime));
      verifySignerInfo(sd.signerInfos[0]!, sd.certificates[0]!, {
        content: CONTENT,
        eContentType: CMS_OID.data,
      });
      throwsCode(
        () => verifySignerInfo(sd.signerInfos[0]!, sd.certificates[0]!, { content: Buffer.from('x') }),
        'PKI_CMS_DIGEST_MISMATCH',
      );
    });
  }

  it('malformed input: a stable code, never a raw exception', async () => {
    const p7 = await buildSignedData(params());
    const inputs = [
      Buffer.alloc(0),
      Buffer.from('garbage'),
      Buffer.from([0x30, 0x80, 0x00, 0x00]),
      certDer('leaf'),
    ];
    for (let n = 0; n < p7.length; n += 7) inputs.push(p7.subarray(0, n));
    let seed = 12345;
    const rand = (m: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % m);
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(p7);
      for (let k = 0; k <= rand(3); k++) m[rand(m.length)] = rand(256);
      inputs.push(m);
    }
    for (const input of inputs) {
      try {
        const sd = parseSignedData(input);
        for (const si of sd.signerInfos) {
          try {
            verifySignerInfo(si, certDer('leaf'), { content: sd.eContent ?? CONTENT });
          } catch (e) {
            assert.ok(e instanceof PkiError, `verify threw ${String(e)}`);
          }
        }
      } catch (e) {
        assert.ok(e instanceof PkiError, `parse threw ${String(e)}`);
        assert.equal(e.code, 'PKI_CMS_MALFORMED');
      }
    }
  });
});
