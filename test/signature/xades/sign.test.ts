import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { toPem } from '../../../src/lib/pem.js';
import { XmlError } from '../../../src/lib/xml/errors.js';
import { verifyEnvelopedSignature } from '../../../src/signature/xades/enveloped.js';
import { XadesError } from '../../../src/signature/xades/errors.js';
import { extractXades } from '../../../src/signature/xades/extract.js';
import { signXmlEnveloped } from '../../../src/signature/xades/sign.js';
import { bufferSource } from '../../../src/lib/document_source.js';
import { missingTools, run, tempDir } from '../../fixtures/cli.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { XMLSEC_TIME, xadesTestSigner } from './fixtures.js';

const DOC =
  '<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- a trust list -->\r\n' +
  '<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" Id="tsl" TSLTag="http://uri.etsi.org/19612/TSLTag">' +
  '\r\n  <tsl:SchemeInformation><tsl:TSLVersionIdentifier>5</tsl:TSLVersionIdentifier>' +
  '<tsl:Name xml:lang="en">Test &amp; list é</tsl:Name></tsl:SchemeInformation>\r\n</tsl:TrustServiceStatusList>\r\n';

async function xmlsecVerify(xml: Buffer, root: Buffer): Promise<{ code: number | null; out: string }> {
  const dir = tempDir('tb-xades-');
  try {
    writeFileSync(join(dir.path, 'signed.xml'), xml);
    writeFileSync(join(dir.path, 'root.pem'), toPem(root, 'CERTIFICATE'));
    const r = await run('xmlsec1', [
      '--verify',
      '--trusted-pem',
      join(dir.path, 'root.pem'),
      '--verification-gmt-time',
      XMLSEC_TIME,
      '--id-attr:Id',
      'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
      join(dir.path, 'signed.xml'),
    ]);
    return { code: r.code, out: r.stdout + r.stderr };
  } finally {
    dir.remove();
  }
}

test(
  'a B-B enveloped signature verifies in xmlsec1 (P-256 and P-384) with both references',
  { skip: missingTools('xmlsec1') },
  async () => {
    for (const keyId of ['citizen-a-sig', 'root'] as const) {
      const s = await xadesTestSigner(keyId);
      const signed = await signXmlEnveloped(Buffer.from(DOC), {
        signer: s.signer,
        certificate: s.certificate,
        signingTime: FIXED_NOW,
      });
      const r = await xmlsecVerify(signed, s.root);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /SignedInfo References \(ok\/all\): 2\/2/);
      const tampered = Buffer.from(signed.toString('utf8').replace('Test &amp; list', 'Test &amp; lisT'));
      assert.notEqual((await xmlsecVerify(tampered, s.root)).code, 0, 'xmlsec1 sees the change');
    }
  },
);

test('the signature reads back through the extractor: B-B, intact, signer named, signing time', async () => {
  const s = await xadesTestSigner();
  const signed = await signXmlEnveloped(DOC, {
    signer: s.signer,
    certificate: s.certificate,
    chain: [s.root],
    signingTime: FIXED_NOW,
    signatureId: 'sig-1',
  });
  const [sig, ...rest] = await extractXades(bufferSource(signed), {});
  assert.equal(rest.length, 0);
  assert.equal(sig!.id, 'sig-1');
  assert.equal(sig!.level, 'B-B');
  assert.equal(sig!.signatureAlgorithm, 'ecdsa-with-SHA256');
  assert.equal(sig!.digestAlgorithm, 'sha256');
  assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
  assert.equal(sig!.claimedSigningTime?.toISOString(), FIXED_NOW.toISOString());
  assert.deepEqual(sig!.certificates, [s.certificate, s.root]);
  assert.equal(sig!.namesSigner(s.certificate), true);
  assert.equal(sig!.namesSigner(s.root), false);
  assert.equal(
    sig!.signingCertificateReference?.serialHex,
    new X509Certificate(s.certificate).serialNumber.toLowerCase().replace(/^0+/, ''),
  );
  assert.equal(await sig!.verifySignatureValue(new X509Certificate(s.certificate).publicKey), true);
  assert.equal(await sig!.verifySignatureValue(new X509Certificate(s.root).publicKey), false);
  const { root } = verifyEnvelopedSignature(signed, s.certificate);
  assert.equal(root.localName, 'TrustServiceStatusList');
});

test('changes after signing: HASH_FAILURE in the extractor, XADES_DIGEST_MISMATCH in the strict check', async () => {
  const s = await xadesTestSigner();
  const signed = (
    await signXmlEnveloped(DOC, { signer: s.signer, certificate: s.certificate, signingTime: FIXED_NOW })
  ).toString();
  const changed = Buffer.from(signed.replace('>5<', '>6<'));
  const [sig] = await extractXades(bufferSource(changed), {});
  assert.equal((await sig!.checkIntegrity()).status, 'hash-failure');
  assert.throws(
    () => verifyEnvelopedSignature(changed, s.certificate),
    (e: unknown) => e instanceof XadesError && e.code === 'XADES_DIGEST_MISMATCH',
  );
  const other = await xadesTestSigner('citizen-b-sig');
  assert.throws(
    () => verifyEnvelopedSignature(signed, other.certificate),
    (e: unknown) => e instanceof XadesError && e.code === 'XADES_SIGNATURE_INVALID',
  );
});

test('signing refuses signed documents, DTDs and a key the certificate does not certify', async () => {
  const s = await xadesTestSigner();
  const other = await xadesTestSigner('citizen-b-sig');
  const signed = await signXmlEnveloped('<r/>', {
    signer: s.signer,
    certificate: s.certificate,
    signingTime: FIXED_NOW,
  });
  assert.match(signed.toString(), /^<r><ds:Signature [^]*<\/ds:Signature><\/r>$/);
  await assert.rejects(
    signXmlEnveloped(signed, { signer: s.signer, certificate: s.certificate, signingTime: FIXED_NOW }),
    (e: unknown) => e instanceof XadesError && e.code === 'XADES_MALFORMED',
  );
  await assert.rejects(
    signXmlEnveloped('<!DOCTYPE r><r/>', {
      signer: s.signer,
      certificate: s.certificate,
      signingTime: FIXED_NOW,
    }),
    (e: unknown) => e instanceof XmlError && e.code === 'XML_DTD_FORBIDDEN',
  );
  await assert.rejects(
    signXmlEnveloped('<r/>', { signer: s.signer, certificate: other.certificate, signingTime: FIXED_NOW }),
    (e: unknown) => e instanceof XadesError && /does not verify/.test(e.message),
  );
});
