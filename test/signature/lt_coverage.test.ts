/** Tests of the LT revocation-coverage rule (`src/signature/lt_coverage.ts`). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { latestCrl } from '../../src/eid/crl_publisher.js';
import { ocspServiceOf } from '../../src/node/ocsp_service.js';
import { buildOcspRequest } from '../../src/pki/ocsp_request.js';
import { revocationCoversChains } from '../../src/signature/lt_coverage.js';
import type { ExtractedSignature } from '../../src/signature/model.js';
import { signingFixture } from './fixtures.js';
import type { SigningFixture } from './fixtures.js';

let f: SigningFixture;
let leafOcsp: Buffer;
let caOcsp: Buffer;

before(async () => {
  f = await signingFixture();
  const ocsp = ocspServiceOf(f.node);
  leafOcsp = (await ocsp.respond(buildOcspRequest(f.certificate, f.chain[0]!).der)).der;
  caOcsp = (await ocsp.respond(buildOcspRequest(f.chain[0]!, f.chain[1]!).der)).der;
});
after(() => f?.node.close());

type Input = Parameters<typeof revocationCoversChains>[0];

function sig(over: Partial<Pick<ExtractedSignature, 'crls' | 'ocspResponses'>>): Input {
  return {
    certificates: [f.chain[1]!, f.chain[0]!, f.certificate],
    namesSigner: (der) => der.equals(f.certificate),
    timestamps: [],
    crls: [],
    ocspResponses: [],
    ...over,
  };
}

describe('revocationCoversChains (LT needs revocation values for the chains)', () => {
  it('holds with an OCSP answer for the signing certificate', () => {
    assert.equal(revocationCoversChains(sig({ ocspResponses: [leafOcsp] })), true);
  });

  it('does not hold without revocation values, or with values for another certificate only', () => {
    assert.equal(revocationCoversChains(sig({})), false);
    assert.equal(revocationCoversChains(sig({ ocspResponses: [caOcsp] })), false);
  });

  it('does not hold when the signing certificate is not among the carried certificates', () => {
    const input = { ...sig({ ocspResponses: [leafOcsp] }), certificates: [f.chain[1]!, f.chain[0]!] };
    assert.equal(revocationCoversChains(input), false);
  });

  it("holds with a CRL of the signing certificate's issuer, not with the root's", async () => {
    const eidCrl = await latestCrl(f.node.store, 'eid-ca');
    const rootCrl = await latestCrl(f.node.store, 'root');
    assert.ok(eidCrl && rootCrl, 'both CAs publish a CRL');
    assert.equal(revocationCoversChains(sig({ crls: [eidCrl.der] })), true);
    assert.equal(revocationCoversChains(sig({ crls: [rootCrl.der] })), false);
  });
});
