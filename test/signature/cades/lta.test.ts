import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestCrl } from '../../../src/eid/crl_publisher.js';
import { ocspServiceOf } from '../../../src/node/ocsp_service.js';
import type { OcspService } from '../../../src/node/ocsp_service.js';
import { parseSignedData, verifySignerInfo } from '../../../src/pki/cms_signed_data.js';
import {
  ATS_HASH_INDEX_OID,
  archiveTimestampImprint,
} from '../../../src/signature/cades/archive_hash_index.js';
import { readRawSignedData } from '../../../src/signature/cades/archive_signed_data.js';
import { completeToLt, extendToLta } from '../../../src/signature/cades/lta.js';
import { CADES_OID } from '../../../src/signature/cades/oids.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import type { RevocationFetcher } from '../../../src/signature/revocation_fetcher.js';
import { parseTimeStampToken, verifyTimeStampToken } from '../../../src/timestamp/token.js';
import { rejectsCode, throwsCode } from '../../fixtures/assert.js';
import { REPO_ROOT } from '../../fixtures/cli.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss', 'cades');

let f: SigningFixture;
let ocsp: OcspService;
const calls = { ocsp: 0, crl: 0 };

before(async () => {
  f = await signingFixture();
  ocsp = ocspServiceOf(f.node);
});
after(() => f?.node.close());

const fetcher = (): RevocationFetcher => ({
  async ocsp(_url, requestDer) {
    calls.ocsp++;
    return (await ocsp.respond(requestDer)).der;
  },
  async crl() {
    calls.crl++;
    return (await latestCrl(f.node.store, 'root'))!.der;
  },
});

async function sign(level: 'B-B' | 'B-T', detached = false): Promise<Buffer> {
  return signCades({
    content: DOCUMENT,
    detached,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level,
    ...(level === 'B-T' ? { tsa: f.endpoint } : {}),
  });
}

const params = () => ({ tsa: f.endpoint, fetcher: fetcher(), at: f.node.clock() });

function archiveTokens(cms: Buffer): Buffer[] {
  return readRawSignedData(cms)
    .signerInfos[0]!.unsigned.filter((a) => a.type === CADES_OID.archiveTimeStampV3)
    .flatMap((a) => a.values);
}

/** Each archive time-stamp's imprint is the recomputed one and its token verifies over it. */
function checkArchives(cms: Buffer, count: number, detached?: Buffer): void {
  const tokens = archiveTokens(cms);
  assert.equal(tokens.length, count);
  tokens.forEach((token, i) => {
    const r = archiveTimestampImprint(cms, 0, i, undefined, detached);
    assert.deepEqual(r.problems, []);
    assert.equal(r.version, 'v3');
    verifyTimeStampToken(token, { digest: r.digest, hash: 'sha256' });
    const t = parseTimeStampToken(token);
    assert.equal(t.signerInfo.unsignedAttributes.get(ATS_HASH_INDEX_OID.v3)?.length, 1);
  });
}

describe('extendToLta (CAdES B-LTA, EN 319 122-1 §5.5.3)', () => {
  it('B-T → B-LTA: validation data, then an archive-time-stamp-v3 whose imprint recomputes', async () => {
    const bt = await sign('B-T');
    const lta = await extendToLta(bt, params());
    checkArchives(lta, 1);
    const sd = parseSignedData(lta);
    const crls = readRawSignedData(lta).crls;
    assert.equal(crls.length, 2, 'the signer OCSP response (RFC 5940) and the root CRL');
    assert.deepEqual(
      crls.map((c) => c[0]),
      [0xa1, 0x30],
    );
    for (const c of [f.certificate, ...f.chain, f.node.tsa.certificate.der])
      assert.ok(sd.certificates.some((x) => x.equals(c)));
    const si = sd.signerInfos[0]!;
    assert.deepEqual(si.signature, parseSignedData(bt).signerInfos[0]!.signature);
    verifySignerInfo(si, f.certificate, { content: DOCUMENT, eContentType: sd.eContentType });
  });

  it('renewal: a second archive time-stamp covers the first; imprints of both recompute', async () => {
    const lta = await extendToLta(await sign('B-T'), params());
    const renewed = await extendToLta(lta, params());
    checkArchives(renewed, 2);
    const first = readRawSignedData(lta).signerInfos[0]!.unsigned;
    assert.deepEqual(
      readRawSignedData(renewed)
        .signerInfos[0]!.unsigned.slice(0, first.length)
        .map((a) => a.der),
      first.map((a) => a.der),
      'earlier unsigned attributes keep their bytes',
    );
    // The second index names the first archive time-stamp (attrType || value, §5.5.2).
    const [firstToken, secondToken] = archiveTokens(renewed);
    const index = parseTimeStampToken(secondToken!).signerInfo.unsignedAttributes.get(
      ATS_HASH_INDEX_OID.v3,
    )![0]!;
    const entry = createHash('sha256')
      .update(Buffer.from('060604008d450204', 'hex'))
      .update(firstToken!)
      .digest();
    assert.ok(index.includes(entry));
    const third = await extendToLta(renewed, params());
    checkArchives(third, 3);
  });

  it('B-B with a TSA gets its signature time-stamp first; detached needs the document', async () => {
    const bb = await sign('B-B', true);
    await rejectsCode(() => extendToLta(bb, params()), 'USAGE_INVALID_ARGUMENT', /detached/);
    const lta = await extendToLta(bb, { ...params(), detachedContent: DOCUMENT });
    const si = readRawSignedData(lta).signerInfos[0]!;
    assert.deepEqual(
      si.unsigned.map((a) => a.type),
      [CADES_OID.signatureTimeStampToken, CADES_OID.archiveTimeStampV3],
    );
    checkArchives(lta, 1, DOCUMENT);
    throwsCode(() => archiveTimestampImprint(lta, 0, 0), 'USAGE_INVALID_ARGUMENT', /detached/);
    const other = archiveTimestampImprint(lta, 0, 0, undefined, Buffer.from('another document'));
    assert.notDeepEqual(other.digest, archiveTimestampImprint(lta, 0, 0, undefined, DOCUMENT).digest);
  });

  it('bad inputs: not a CMS, a B-B without TSA, no TSA at all, no such time-stamp', async () => {
    await rejectsCode(() => extendToLta(Buffer.from('not a cms'), params()), 'PKI_CMS_MALFORMED');
    const bb = await sign('B-B');
    await rejectsCode(
      () => completeToLt(bb, { fetcher: fetcher() }),
      'USAGE_INVALID_ARGUMENT',
      /time-stamping authority/,
    );
    await rejectsCode(() => extendToLta(bb, { fetcher: fetcher() }), 'USAGE_INVALID_ARGUMENT');
    throwsCode(() => archiveTimestampImprint(bb, 0, 0), 'USAGE_INVALID_ARGUMENT', /no archive/);
    throwsCode(() => archiveTimestampImprint(Buffer.from([0x30, 0x03, 0x02]), 0, 0), 'PKI_CMS_MALFORMED');
  });

  it('completeToLt on a B-LT fetches nothing new that is already covered', async () => {
    const lt = await completeToLt(await sign('B-T'), params());
    const before = { ...calls };
    const again = await completeToLt(lt, params());
    assert.deepEqual(calls, before);
    assert.deepEqual(again, lt);
  });
});

describe('archiveTimestampImprint against the DSS corpus', () => {
  it('CAdESDoubleLTA.p7m: both archive time-stamps intact (ats-hash-index of TS 101 733)', () => {
    const cms = readFileSync(join(CORPUS, 'CAdESDoubleLTA.p7m'));
    const tokens = archiveTokens(cms);
    assert.equal(tokens.length, 2);
    tokens.forEach((token, i) => {
      const r = archiveTimestampImprint(cms, 0, i);
      assert.equal(r.version, 'v1');
      assert.deepEqual(r.problems, []);
      assert.deepEqual(r.digest, parseTimeStampToken(token).messageImprint.digest);
    });
  });

  it('cades-broken-sig-tst-and-ats-v3.cms: imprint intact, ats-hash-index-v3 invalid', () => {
    const cms = readFileSync(join(CORPUS, 'cades-broken-sig-tst-and-ats-v3.cms'));
    const r = archiveTimestampImprint(cms, 0, 0);
    assert.equal(r.version, 'v3');
    assert.equal(r.hash, 'sha512');
    assert.deepEqual(r.digest, parseTimeStampToken(archiveTokens(cms)[0]!).messageImprint.digest);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!, /certificate present outside of SignedData/);
  });
});
