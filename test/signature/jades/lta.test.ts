import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestCrl } from '../../../src/eid/crl_publisher.js';
import { ocspServiceOf } from '../../../src/node/ocsp_service.js';
import type { OcspService } from '../../../src/node/ocsp_service.js';
import { parseOcspResponse } from '../../../src/pki/ocsp_response_parser.js';
import { extendJadesToLt } from '../../../src/signature/jades/lt.js';
import {
  arcTstImprintInput,
  archiveTimeStampTokens,
  extendJadesToLta,
} from '../../../src/signature/jades/lta.js';
import { etsiUComponents, parseJades, verifyJades } from '../../../src/signature/jades/parse.js';
import { signJades } from '../../../src/signature/jades/sign.js';
import type { JadesSignParams } from '../../../src/signature/jades/sign.js';
import type { RevocationFetcher } from '../../../src/signature/revocation_fetcher.js';
import { parseTimeStampToken, verifyTimeStampToken } from '../../../src/timestamp/token.js';
import { rejectsCode, throwsCode } from '../../fixtures/assert.js';
import { REPO_ROOT } from '../../fixtures/cli.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss', 'jades');

let f: SigningFixture;
let ocsp: OcspService;

before(async () => {
  f = await signingFixture();
  ocsp = ocspServiceOf(f.node);
});
after(() => f?.node.close());

const fetcher = (): RevocationFetcher => ({
  async ocsp(_url, requestDer) {
    return (await ocsp.respond(requestDer)).der;
  },
  async crl() {
    return (await latestCrl(f.node.store, 'root'))!.der;
  },
});

function params(level: JadesSignParams['level'], extra: Partial<JadesSignParams> = {}): JadesSignParams {
  return {
    payload: DOCUMENT,
    serialization: level === 'B-B' ? 'compact' : 'json',
    detached: false,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level,
    ...(level === 'B-B' ? {} : { tsa: f.endpoint }),
    fetcher: fetcher(),
    at: f.node.clock(),
    ...extra,
  };
}

function checkArcTst(jws: string, detached?: Buffer | { uri: string; content: Buffer }[]): void {
  const parsed = parseJades(jws);
  const [[token]] = archiveTimeStampTokens(parsed) as [[Buffer]];
  const digest = createHash('sha256')
    .update(arcTstImprintInput(parsed, 0, detached))
    .digest();
  verifyTimeStampToken(token, { digest, hash: 'sha256' });
}

describe('JAdES B-LT (TS 119 182-1 §5.3.5)', () => {
  it('adds xVals (the TSA certificate) and rVals (signer OCSP response, root CRL)', async () => {
    const lt = await signJades(params('B-LT'));
    verifyJades(lt);
    const components = etsiUComponents(parseJades(lt));
    assert.deepEqual(
      components.map((c) => c.name),
      ['sigTst', 'xVals', 'rVals'],
    );
    assert.ok(
      components.every((c) => c.encoded !== undefined),
      'base64url-encoded elements',
    );
    const xVals = components[1]!.value as { x509Cert: { val: string } }[];
    assert.deepEqual(
      xVals.map((x) => Buffer.from(x.x509Cert.val, 'base64')),
      [f.node.tsa.certificate.der],
    );
    const rVals = components[2]!.value as { ocspVals: { val: string }[]; crlVals: { val: string }[] };
    assert.equal(rVals.ocspVals.length, 1);
    assert.equal(parseOcspResponse(Buffer.from(rVals.ocspVals[0]!.val, 'base64')).status, 'successful');
    assert.deepEqual(
      Buffer.from(rVals.crlVals[0]!.val, 'base64'),
      (await latestCrl(f.node.store, 'root'))!.der,
    );
    assert.equal(await extendJadesToLt(lt, { fetcher: fetcher() }), lt, 'a B-LT stays as it is');
  });

  it('a compact B-B becomes JSON with a signature time-stamp when a TSA is given', async () => {
    const bb = await signJades(params('B-B'));
    await rejectsCode(
      () => extendJadesToLt(bb, { fetcher: fetcher() }),
      'USAGE_INVALID_ARGUMENT',
      /time-stamp/,
    );
    const lt = await extendJadesToLt(bb, { fetcher: fetcher(), tsa: f.endpoint, at: f.node.clock() });
    assert.equal(parseJades(lt).serialization, 'json');
    verifyJades(lt);
    assert.deepEqual(
      etsiUComponents(parseJades(lt)).map((c) => c.name),
      ['sigTst', 'xVals', 'rVals'],
    );
  });
});

describe('JAdES B-LTA (TS 119 182-1 §5.3.6)', () => {
  it('attached: the arcTst imprint covers payload, header, signature and the etsiU before it', async () => {
    const lta = await signJades(params('B-LTA'));
    verifyJades(lta);
    assert.deepEqual(
      etsiUComponents(parseJades(lta)).map((c) => c.name),
      ['sigTst', 'xVals', 'rVals', 'arcTst'],
    );
    checkArcTst(lta);
    await rejectsCode(
      () => extendJadesToLta(lta, { tsa: f.endpoint, fetcher: fetcher() }),
      'USAGE_INVALID_ARGUMENT',
      /renewing/,
    );
  });

  it('detached (b64 false and sigD): the time-stamp covers the document', async () => {
    const b64 = await signJades(params('B-LTA', { detached: true }));
    verifyJades(b64, DOCUMENT);
    checkArcTst(b64, DOCUMENT);
    throwsCode(() => arcTstImprintInput(parseJades(b64), 0), 'JADES_MALFORMED', /document/);
    const docs = [{ uri: 'mou.txt', content: DOCUMENT }];
    const sigD = await signJades(
      params('B-LTA', { detached: true, detachedMechanism: 'sigD', documentUri: 'mou.txt' }),
    );
    verifyJades(sigD, docs);
    checkArcTst(sigD, docs);
  });

  it('agrees with DSS: jades-lta.json intact, jades-lta-broken-arcTst.json not', () => {
    for (const [file, intact] of [
      ['jades-lta.json', true],
      ['jades-lta-broken-arcTst.json', false],
    ] as const) {
      const parsed = parseJades(readFileSync(join(CORPUS, file), 'utf8'));
      const [[token]] = archiveTimeStampTokens(parsed) as [[Buffer]];
      const digest = createHash('sha256').update(arcTstImprintInput(parsed, 0)).digest();
      assert.equal(parseTimeStampToken(token).messageImprint.digest.equals(digest), intact, file);
    }
  });
});
