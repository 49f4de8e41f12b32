import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as DER from '../../src/lib/der.js';
import type { KeyHolder } from '../../src/node/context.js';
import { CMS_OID, buildSignedData, signingCertificateV2Attribute } from '../../src/pki/cms_signed_data.js';
import type { CmsAttribute } from '../../src/pki/cms_signed_data.js';
import { TIMESTAMP_ERRORS, TimestampError } from '../../src/timestamp/errors.js';
import { parseTimeStampToken, verifyTimeStampToken } from '../../src/timestamp/token.js';
import { TSP_OID, encodeMessageImprint } from '../../src/timestamp/tsp.js';
import { encodeTstInfo } from '../../src/timestamp/tst_info.js';
import { throwsCode } from '../fixtures/assert.js';
import { FIXED_NOW, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { DATA, ask, digestOf, prng, rawRequest, tsaOf } from './fixtures.js';

let node: TestNode;
let token: Buffer;
const opts = (): { digest: Buffer; hash: 'sha256' } => ({ digest: digestOf(DATA), hash: 'sha256' });

function flipAt(b: Buffer, at: number, mask = 0x01): Buffer {
  assert.ok(at >= 0 && at < b.length);
  const c = Buffer.from(b);
  c[at]! ^= mask;
  return c;
}

/** A token made by hand (not by the TSA, which refuses such keys), signed by `holder`. */
async function handMade(
  holder: KeyHolder,
  signedAttributes: CmsAttribute[],
  genTime = FIXED_NOW,
): Promise<Buffer> {
  const tstInfo = encodeTstInfo({
    policy: TSP_OID.baselinePolicy,
    imprintDer: encodeMessageImprint('sha256', digestOf(DATA)),
    serialDer: DER.integer(5),
    genTime,
    accuracyMs: 1000,
  });
  return buildSignedData({
    eContentType: TSP_OID.tstInfo,
    eContent: tstInfo,
    signer: holder.signer,
    signerCertificate: holder.certificate.der,
    signedAttributes,
  });
}

before(async () => {
  node = await makeTestNode();
  token = (await ask(tsaOf(node), rawRequest())).token!;
});

after(() => node.close());

describe('verifyTimeStampToken', () => {
  it('accepts the TSA token, with the carried or the given certificate', () => {
    assert.deepEqual(verifyTimeStampToken(token, opts()).genTime, FIXED_NOW);
    verifyTimeStampToken(token, { ...opts(), tsaCertificate: node.tsa.certificate.der });
    const hand = parseTimeStampToken(token);
    assert.deepEqual(hand.raw, token);
  });

  it('a flipped genTime byte: TSP_SIGNATURE_INVALID', () => {
    const at = token.indexOf(Buffer.from('20260302093000Z')) + 13;
    const tampered = flipAt(token, at);
    assert.equal(parseTimeStampToken(tampered).genTime.getTime(), FIXED_NOW.getTime() + 1000);
    throwsCode(() => verifyTimeStampToken(tampered, opts()), 'TSP_SIGNATURE_INVALID', /messageDigest/);
  });

  it('a flipped signature byte: TSP_SIGNATURE_INVALID', () => {
    const si = parseTimeStampToken(token).signerInfo;
    const tampered = flipAt(token, si.raw.end - 5);
    throwsCode(() => verifyTimeStampToken(tampered, opts()), 'TSP_SIGNATURE_INVALID', /signature/);
  });

  it('other data or another hash: TSP_IMPRINT_MISMATCH', () => {
    throwsCode(
      () => verifyTimeStampToken(token, { digest: digestOf(Buffer.from('x')), hash: 'sha256' }),
      'TSP_IMPRINT_MISMATCH',
    );
    throwsCode(
      () => verifyTimeStampToken(token, { digest: digestOf(DATA, 'sha384'), hash: 'sha384' }),
      'TSP_IMPRINT_MISMATCH',
    );
  });

  it('no certificate, or another one: TSP_CERTIFICATE_INVALID', async () => {
    const bare = (await ask(tsaOf(node), rawRequest({ certReq: false }))).token!;
    throwsCode(() => verifyTimeStampToken(bare, opts()), 'TSP_CERTIFICATE_INVALID', /no TSA certificate/);
    throwsCode(
      () => verifyTimeStampToken(token, { ...opts(), tsaCertificate: node.root.certificate.der }),
      'TSP_CERTIFICATE_INVALID',
      /not signed with this/,
    );
  });

  it('ESSCertIDv2 missing or of another certificate: TSP_CERTIFICATE_INVALID', async () => {
    const none = await handMade(node.tsa, []);
    throwsCode(() => verifyTimeStampToken(none, opts()), 'TSP_CERTIFICATE_INVALID', /signingCertificateV2/);
    const other = await handMade(node.tsa, [signingCertificateV2Attribute(node.root.certificate.der)]);
    throwsCode(() => verifyTimeStampToken(other, opts()), 'TSP_CERTIFICATE_INVALID', /ESSCertIDv2/);
    const sha512 = await handMade(node.tsa, [
      signingCertificateV2Attribute(node.tsa.certificate.der, 'sha512'),
    ]);
    verifyTimeStampToken(sha512, opts());
  });

  it('a certificate without the critical timeStamping EKU: TSP_CERTIFICATE_INVALID', async () => {
    const ocsp = await handMade(node.ocsp, [signingCertificateV2Attribute(node.ocsp.certificate.der)]);
    throwsCode(() => verifyTimeStampToken(ocsp, opts()), 'TSP_CERTIFICATE_INVALID', /RFC 3161 §2\.3/);
  });

  it('genTime outside the certificate validity: TSP_CERTIFICATE_INVALID', async () => {
    const early = new Date(node.tsa.certificate.notBefore.getTime() - 86_400_000);
    const made = await handMade(node.tsa, [signingCertificateV2Attribute(node.tsa.certificate.der)], early);
    throwsCode(() => verifyTimeStampToken(made, opts()), 'TSP_CERTIFICATE_INVALID', /validity/);
  });
});

describe('parseTimeStampToken: malformed tokens', () => {
  it('garbage, other CMS content, truncations: TSP_TOKEN_MALFORMED', async () => {
    throwsCode(() => parseTimeStampToken(Buffer.from('nope')), 'TSP_TOKEN_MALFORMED');
    const data = await buildSignedData({
      eContentType: CMS_OID.data,
      eContent: DATA,
      signer: node.tsa.signer,
      signerCertificate: node.tsa.certificate.der,
    });
    throwsCode(() => parseTimeStampToken(data), 'TSP_TOKEN_MALFORMED', /TSTInfo/);
    for (let n = 0; n < token.length; n += 5)
      throwsCode(() => parseTimeStampToken(token.subarray(0, n)), 'TSP_TOKEN_MALFORMED');
  });

  it('fuzz: 300 mutated tokens (fixed seed) verify or throw a TimestampError', () => {
    const rand = prng(3161);
    let rejected = 0;
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(token);
      for (let k = 0; k <= rand(2); k++) m[rand(m.length)] = rand(256);
      try {
        verifyTimeStampToken(m, opts());
      } catch (e) {
        assert.ok(e instanceof TimestampError, `threw ${String(e)}`);
        assert.ok(Object.keys(TIMESTAMP_ERRORS).includes(e.code));
        rejected++;
      }
    }
    assert.ok(rejected > 200, `${rejected} of 300 mutations rejected`);
  });
});
