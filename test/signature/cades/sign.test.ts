import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as DER from '../../../src/lib/der.js';
import {
  CMS_OID,
  parseSignedData,
  signingCertificateV2Attribute,
  verifySignerInfo,
} from '../../../src/pki/cms_signed_data.js';
import type { ParsedSignedData } from '../../../src/pki/cms_signed_data.js';
import { detectCadesLevel } from '../../../src/signature/cades/level.js';
import { CADES_OID } from '../../../src/signature/cades/oids.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import type { CadesSignParams } from '../../../src/signature/cades/sign.js';
import { parseTimeStampToken, verifyTimeStampToken } from '../../../src/timestamp/token.js';
import { rejectsCode, throwsCode } from '../../fixtures/assert.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

let f: SigningFixture;

before(async () => {
  f = await signingFixture();
});
after(() => f?.node.close());

function params(over: Partial<CadesSignParams> = {}): CadesSignParams {
  return {
    content: DOCUMENT,
    detached: false,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level: 'B-B',
    ...over,
  };
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** The ESSCertIDv2 certHash of a signingCertificateV2 value (hashAlgorithm absent: SHA-256). */
function essCertHash(value: Buffer): Buffer {
  const certs = DER.readHeader(value, DER.readHeader(value).start);
  const essCertId = DER.readHeader(value, certs.start);
  const hash = DER.readHeader(value, essCertId.start);
  assert.equal(hash.tag, 0x04, 'hashAlgorithm is left out for SHA-256');
  return value.subarray(hash.start, hash.end);
}

function checkBaselineAttributes(sd: ParsedSignedData): void {
  const si = sd.signerInfos[0]!;
  assert.equal(si.digestAlgorithm, CMS_OID.sha256);
  assert.equal(si.signatureAlgorithm, '1.2.840.10045.4.3.2');
  assert.deepEqual(si.signedAttributes.get(CMS_OID.contentType), [DER.oid(CMS_OID.data)]);
  assert.deepEqual(si.signedAttributes.get(CMS_OID.messageDigest), [DER.octets(sha256(DOCUMENT))]);
  assert.deepEqual(si.signedAttributes.get(CMS_OID.signingTime), [DER.time(FIXED_NOW)]);
  const v2 = si.signedAttributes.get(CMS_OID.signingCertificateV2);
  assert.equal(v2?.length, 1);
  assert.deepEqual(essCertHash(v2[0]!), sha256(f.certificate));
  assert.deepEqual(v2, signingCertificateV2Attribute(f.certificate).values, 'with issuerSerial');
  assert.deepEqual(sd.certificates, [f.certificate, ...f.chain]);
}

describe('signCades B-B', () => {
  it('attached: the document is enveloped, attributes are the baseline ones, the signature verifies', async () => {
    const sd = parseSignedData(await signCades(params()));
    assert.deepEqual(sd.eContent, DOCUMENT);
    assert.equal(sd.eContentType, CMS_OID.data);
    checkBaselineAttributes(sd);
    verifySignerInfo(sd.signerInfos[0]!, f.certificate, {
      content: sd.eContent!,
      eContentType: CMS_OID.data,
    });
    assert.equal(sd.signerInfos[0]!.unsignedAttributes.size, 0);
    assert.equal(detectCadesLevel(sd).level, 'B-B');
  });

  it('detached: no eContent; verifies against the document and against its digest', async () => {
    const sd = parseSignedData(await signCades(params({ detached: true })));
    assert.equal(sd.eContent, undefined);
    checkBaselineAttributes(sd);
    verifySignerInfo(sd.signerInfos[0]!, f.certificate, { content: DOCUMENT, eContentType: CMS_OID.data });
    verifySignerInfo(sd.signerInfos[0]!, f.certificate, { digest: sha256(DOCUMENT) });
  });

  it('one byte of the document changed: PKI_CMS_DIGEST_MISMATCH (detached and attached)', async () => {
    const changed = Buffer.from(DOCUMENT);
    changed[0]! ^= 0x01;
    const detached = parseSignedData(await signCades(params({ detached: true })));
    throwsCode(
      () => verifySignerInfo(detached.signerInfos[0]!, f.certificate, { content: changed }),
      'PKI_CMS_DIGEST_MISMATCH',
    );
    const p7 = await signCades(params());
    const at = p7.indexOf(DOCUMENT);
    p7[at]! ^= 0x01;
    const attached = parseSignedData(p7);
    throwsCode(
      () => verifySignerInfo(attached.signerInfos[0]!, f.certificate, { content: attached.eContent! }),
      'PKI_CMS_DIGEST_MISMATCH',
      /messageDigest/,
    );
  });

  it('refuses a certificate that does not certify the key (INTERNAL)', async () => {
    await rejectsCode(() => signCades(params({ signerCertificate: f.node.tsa.certificate.der })), 'INTERNAL');
  });

  it('refuses levels not built and B-T without a TSA (USAGE_INVALID_ARGUMENT)', async () => {
    await rejectsCode(() => signCades(params({ level: 'B-T' })), 'USAGE_INVALID_ARGUMENT', /time-stamping/);
    const lt = params({ level: 'B-LT' as 'B-B' });
    await rejectsCode(() => signCades(lt), 'USAGE_INVALID_ARGUMENT', /not built yet/);
  });
});

describe('signCades B-T', () => {
  it('adds a signature time-stamp over the signature value that verifies', async () => {
    for (const detached of [false, true]) {
      const sd = parseSignedData(await signCades(params({ level: 'B-T', tsa: f.endpoint, detached })));
      const si = sd.signerInfos[0]!;
      checkBaselineAttributes(sd);
      verifySignerInfo(si, f.certificate, { content: DOCUMENT, eContentType: CMS_OID.data });
      const tokens = si.unsignedAttributes.get(CADES_OID.signatureTimeStampToken);
      assert.equal(tokens?.length, 1);
      const token = parseTimeStampToken(tokens[0]!);
      assert.equal(token.messageImprint.hash, 'sha256');
      assert.deepEqual(token.messageImprint.digest, sha256(si.signature));
      const verified = verifyTimeStampToken(tokens[0]!, { digest: sha256(si.signature), hash: 'sha256' });
      assert.deepEqual(verified.genTime, FIXED_NOW);
      assert.deepEqual(verified.tsaCertificate, f.node.tsa.certificate.der);
      assert.equal(detectCadesLevel(sd).level, 'B-T');
    }
  });

  it('a TSA that fails: TSP_TRANSPORT_FAILED, no signature', async () => {
    const tsa = {
      url: 'https://pki.test.example/tsa',
      transport: () => Promise.resolve({ status: 503, body: Buffer.alloc(0) }),
    };
    await rejectsCode(() => signCades(params({ level: 'B-T', tsa })), 'TSP_TRANSPORT_FAILED', /503/);
  });
});
