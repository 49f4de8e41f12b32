import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as DER from '../../src/lib/der.js';
import { PkiError } from '../../src/lib/errors.js';
import { CMS_OID } from '../../src/pki/cms_signed_data.js';
import { TimestampError } from '../../src/timestamp/errors.js';
import { parseTimeStampResp } from '../../src/timestamp/response.js';
import { parseTimeStampToken, verifyTimeStampToken } from '../../src/timestamp/token.js';
import { TSP_OID } from '../../src/timestamp/tsp.js';
import { FIXED_NOW, makeTestNode, testClock } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { DATA, ask, digestOf, prng, rawRequest, tsaOf } from './fixtures.js';

let node: TestNode;

before(async () => {
  node = await makeTestNode();
});

after(() => node.close());

describe('TimeStampAuthority: granted tokens', () => {
  it('issues a token with the EN 319 422 profile', async () => {
    const tsa = tsaOf(node, { serial: () => 0x1234n });
    const resp = await ask(tsa, rawRequest({ nonce: 0xfeedfacecafebeefn }));
    assert.equal(resp.status, 0);
    assert.equal(resp.statusName, 'granted');
    assert.deepEqual(resp.failInfo, []);
    const token = parseTimeStampToken(resp.token!);
    assert.equal(token.version, 1);
    assert.equal(token.policy, TSP_OID.baselinePolicy);
    assert.equal(token.messageImprint.hash, 'sha256');
    assert.deepEqual(token.messageImprint.digest, digestOf(DATA));
    assert.equal(token.serialNumber, '1234');
    assert.deepEqual(token.genTime, FIXED_NOW);
    assert.deepEqual(token.accuracy, { seconds: 1, millis: 0, micros: 0 });
    assert.equal(token.ordering, false);
    assert.equal(token.nonce, 0xfeedfacecafebeefn);
    assert.equal(token.tsaName, undefined);
    assert.equal(token.hasExtensions, false);
    assert.deepEqual(token.signedData.certificates, [node.tsa.certificate.der, node.root.certificate.der]);
    assert.deepEqual(token.tsaCertificate, node.tsa.certificate.der);
    assert.equal(token.signedData.version, 3);
    const attrs = [...token.signerInfo.signedAttributes.keys()].sort();
    assert.deepEqual(
      attrs,
      [CMS_OID.contentType, CMS_OID.messageDigest, CMS_OID.signingCertificateV2].sort(),
    );
    assert.equal(token.signerInfo.signatureAlgorithm, '1.2.840.10045.4.3.2');
    const verified = verifyTimeStampToken(resp.token!, { digest: digestOf(DATA), hash: 'sha256' });
    assert.equal(verified.serialNumber, '1234');
  });

  it('echoes the exact nonce and imprint bytes, and answers the policy it was asked for', async () => {
    const nullParams = rawRequest({ hashParams: DER.nullValue(), policy: TSP_OID.baselinePolicy, nonce: 1n });
    const token = parseTimeStampToken((await ask(tsaOf(node), nullParams)).token!);
    assert.ok(nullParams.includes(token.messageImprint.raw), 'MessageImprint with NULL parameters echoed');
    assert.equal(token.nonce, 1n);
  });

  it('certReq false: no certificates; verification then needs the certificate', async () => {
    const resp = await ask(tsaOf(node), rawRequest({ certReq: false }));
    const token = parseTimeStampToken(resp.token!);
    assert.deepEqual(token.signedData.certificates, []);
    assert.equal(token.tsaCertificate, undefined);
    verifyTimeStampToken(resp.token!, {
      digest: digestOf(DATA),
      hash: 'sha256',
      tsaCertificate: node.tsa.certificate.der,
    });
  });

  it('a 32-octet nonce is still echoed', async () => {
    const nonce = (1n << 255n) - 1n;
    const resp = await ask(tsaOf(node), rawRequest({ nonce }));
    assert.equal(resp.statusName, 'granted');
    assert.equal(parseTimeStampToken(resp.token!).nonce, nonce);
  });

  it('SHA-384 and SHA-512 imprints', async () => {
    for (const hash of ['sha384', 'sha512'] as const) {
      const oid = CMS_OID[hash];
      const resp = await ask(tsaOf(node), rawRequest({ hashOid: oid, digest: digestOf(DATA, hash) }));
      verifyTimeStampToken(resp.token!, { digest: digestOf(DATA, hash), hash });
    }
  });

  it('sub-second accuracy puts milliseconds in genTime; otherwise seconds precision', async () => {
    const clock = testClock(new Date(FIXED_NOW.getTime() + 1230));
    const fine = parseTimeStampToken(
      (await ask(tsaOf(node, { clock, accuracyMs: 250 }), rawRequest())).token!,
    );
    assert.equal(fine.genTime.getTime(), FIXED_NOW.getTime() + 1230);
    assert.deepEqual(fine.accuracy, { seconds: 0, millis: 250, micros: 0 });
    assert.ok(fine.tstInfoDer.includes(Buffer.from('20260302093001.23Z')), 'fraction without trailing zeros');
    const coarse = parseTimeStampToken(
      (await ask(tsaOf(node, { clock, accuracyMs: 1500 }), rawRequest())).token!,
    );
    assert.equal(coarse.genTime.getTime(), FIXED_NOW.getTime() + 1000);
    assert.deepEqual(coarse.accuracy, { seconds: 1, millis: 500, micros: 0 });
  });

  it('random serial numbers are positive, 127 bits, and unique', async () => {
    const tsa = tsaOf(node);
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++)
      serials.add(parseTimeStampToken((await ask(tsa, rawRequest())).token!).serialNumber);
    assert.equal(serials.size, 20);
    for (const s of serials) assert.match(s, /^[4-7][0-9a-f]{31}$/);
  });
});

describe('TimeStampAuthority: rejections (never a throw)', () => {
  const bigDigest = Buffer.alloc(64, 1);
  const cases: [string, Uint8Array, string][] = [
    ['empty body', Buffer.alloc(0), 'badDataFormat'],
    ['garbage', Buffer.from('this is not DER at all'), 'badDataFormat'],
    ['trailing bytes', Buffer.concat([rawRequest(), Buffer.from([0])]), 'badDataFormat'],
    ['over 16 KiB', Buffer.alloc(16 * 1024 + 1, 0x30), 'badDataFormat'],
    ['version 2', rawRequest({ version: 2 }), 'badRequest'],
    ['MD5 imprint', rawRequest({ hashOid: '1.2.840.113549.2.5', digest: Buffer.alloc(16, 7) }), 'badAlg'],
    ['SHA-1 imprint', rawRequest({ hashOid: '1.3.14.3.2.26', digest: Buffer.alloc(20, 7) }), 'badAlg'],
    ['hash parameters', rawRequest({ hashParams: DER.integer(1) }), 'badAlg'],
    ['digest too short', rawRequest({ digest: Buffer.alloc(31, 1) }), 'badDataFormat'],
    ['digest too long', rawRequest({ digest: bigDigest }), 'badDataFormat'],
    ['unknown policy', rawRequest({ policy: '1.2.3.4.5' }), 'unacceptedPolicy'],
    [
      'extensions',
      rawRequest({ extensions: DER.seq(DER.seq(DER.oid('1.2.3'), DER.octets(Buffer.alloc(1)))) }),
      'unacceptedExtension',
    ],
    [
      'a non-minimal nonce INTEGER',
      rawRequest({ nonceDer: Buffer.from([0x02, 0x03, 0x00, 0x00, 0x2a]) }),
      'badDataFormat',
    ],
    [
      'a negative non-minimal nonce',
      rawRequest({ nonceDer: Buffer.from([0x02, 0x02, 0xff, 0x80]) }),
      'badDataFormat',
    ],
    ['a 33-octet nonce', rawRequest({ nonce: 1n << 256n }), 'badDataFormat'],
  ];
  for (const [what, request, failInfo] of cases) {
    it(`${what} → rejection, ${failInfo}`, async () => {
      const resp = await ask(tsaOf(node), request);
      assert.equal(resp.statusName, 'rejection');
      assert.deepEqual(resp.failInfo, [failInfo]);
      assert.equal(resp.statusText.length, 1);
      assert.equal(resp.token, undefined);
    });
  }

  it('a restricted hash list rejects the others with badAlg', async () => {
    const tsa = tsaOf(node, { acceptedHashes: ['sha512'] });
    assert.deepEqual((await ask(tsa, rawRequest())).failInfo, ['badAlg']);
  });

  it('a broken clock → timeNotAvailable; a failing key → systemFailure, with the error to log', async () => {
    const noClock = await tsaOf(node, { clock: () => new Date(NaN) }).answer(rawRequest());
    assert.equal(noClock.failInfo, 'timeNotAvailable');
    assert.ok(noClock.error instanceof RangeError);
    const signer = { ...node.tsa.signer, sign: () => Promise.reject(new Error('HSM unplugged')) };
    const failing = await tsaOf(node, { signer }).answer(rawRequest());
    assert.equal(failing.granted, false);
    assert.equal(failing.failInfo, 'systemFailure');
    assert.match(String(failing.error), /HSM unplugged/);
    assert.deepEqual(parseTimeStampResp(failing.der).failInfo, ['systemFailure']);
  });

  it('fuzz: 400 mutated requests (fixed seed) always get a TimeStampResp', async () => {
    const tsa = tsaOf(node);
    const rand = prng(20260302);
    const seeds = [rawRequest(), rawRequest({ policy: TSP_OID.baselinePolicy, certReq: false })];
    const statuses = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const m = Buffer.from(seeds[i % 2]!);
      const op = rand(4);
      let input: Buffer = m;
      if (op === 0) for (let k = 0; k <= rand(3); k++) m[rand(m.length)] = rand(256);
      else if (op === 1) input = m.subarray(0, rand(m.length));
      else if (op === 2)
        input = Buffer.concat([
          m.subarray(0, rand(m.length)),
          Buffer.from([rand(256)]),
          m.subarray(rand(m.length)),
        ]);
      else m[rand(m.length)]! ^= 1 << rand(8);
      const resp = await ask(tsa, input);
      const key = resp.status === 0 ? 'granted' : resp.failInfo.join();
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (resp.status === 0) assert.doesNotThrow(() => parseTimeStampToken(resp.token!));
      else assert.equal(resp.status, 2);
    }
    assert.ok((statuses.get('badDataFormat') ?? 0) > 100, JSON.stringify([...statuses]));
  });
});

describe('TimeStampAuthority: configuration', () => {
  it('refuses a certificate without the critical timeStamping EKU, or of another key', () => {
    const eidCa = node.eidCa;
    assert.throws(
      () => tsaOf(node, { signer: eidCa.signer, certificate: eidCa.certificate.der }),
      (e: unknown) => e instanceof TimestampError && e.code === 'TSP_CERTIFICATE_INVALID',
    );
    assert.throws(
      () => tsaOf(node, { signer: node.ocsp.signer }),
      (e: unknown) => e instanceof PkiError && e.code === 'INTERNAL',
    );
    assert.throws(() => tsaOf(node, { accuracyMs: 0.5 }), /whole number/);
  });
});
