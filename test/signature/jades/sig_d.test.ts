import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseJades, verifyJades } from '../../../src/signature/jades/parse.js';
import {
  SIGD_MECHANISM,
  readSigD,
  sigDDigestsMatch,
  sigDForObjects,
} from '../../../src/signature/jades/sig_d.js';
import { signJades } from '../../../src/signature/jades/sign.js';
import { throwsCode } from '../../fixtures/assert.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

let f: SigningFixture;
before(async () => {
  f = await signingFixture();
});
after(() => f?.node.close());

const sign = (): Promise<string> =>
  signJades({
    payload: DOCUMENT,
    serialization: 'compact',
    detached: true,
    detachedMechanism: 'sigD',
    documentUri: 'mou.txt',
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level: 'B-B',
  });

describe('sigD ObjectIdByURIHash (TS 119 182-1 §5.2.8.3.3)', () => {
  it('puts the digest of the base64url document in the critical sigD; the payload is empty', async () => {
    const jws = await sign();
    assert.match(jws, /^[\w-]+\.\.[\w-]+$/);
    const { protectedHeader } = parseJades(jws);
    assert.deepEqual(protectedHeader['crit'], ['sigT', 'sigD']);
    assert.equal(protectedHeader['b64'], undefined);
    const expected = createHash('sha256').update(DOCUMENT.toString('base64url'), 'ascii').digest('base64url');
    assert.deepEqual(protectedHeader['sigD'], {
      mId: SIGD_MECHANISM.objectIdByUriHash,
      pars: ['mou.txt'],
      hashM: 'S256',
      hashV: [expected],
    });
    const verified = verifyJades(jws, [{ uri: 'mou.txt', content: DOCUMENT }]);
    assert.equal(verified.payload?.length, 0);
    verifyJades(jws, DOCUMENT);
  });

  it('refuses another document, a missing one, and malformed sigD values', async () => {
    const jws = await sign();
    throwsCode(() => verifyJades(jws, Buffer.from('forged')), 'JADES_SIGNATURE_INVALID', /mou\.txt/);
    throwsCode(() => verifyJades(jws), 'JADES_MALFORMED', /sigD/);
    throwsCode(
      () => verifyJades(jws, [{ uri: 'other.txt', content: DOCUMENT }]),
      'JADES_MALFORMED',
      /mou\.txt/,
    );
    const ok = sigDForObjects([{ uri: 'a', content: DOCUMENT }]);
    for (const bad of [
      null,
      { ...ok, mId: 'http://uri.etsi.org/19182/HttpHeaders' },
      { ...ok, pars: [] },
      { ...ok, hashM: 'MD5' },
      { ...ok, hashV: ['x', 'y'] },
    ])
      throwsCode(() => readSigD(bad), 'JADES_HEADER_INVALID');
    throwsCode(() => sigDForObjects([]), 'JADES_HEADER_INVALID');
  });

  it('b64 false digests the document octets; ObjectIdByURI has no digests to check', () => {
    const sigD = sigDForObjects([{ uri: 'a', content: DOCUMENT }], 'S384', false);
    assert.equal(sigD.hashV![0], createHash('sha384').update(DOCUMENT).digest('base64url'));
    assert.deepEqual(sigDDigestsMatch(sigD, [DOCUMENT], false), [true]);
    assert.deepEqual(sigDDigestsMatch(sigD, [DOCUMENT], true), [false]);
    const byUri = readSigD({ mId: SIGD_MECHANISM.objectIdByUri, pars: ['a'] });
    assert.deepEqual(sigDDigestsMatch(byUri, [Buffer.from('x')]), [true]);
  });
});
