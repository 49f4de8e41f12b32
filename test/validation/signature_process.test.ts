/**
 * The cases of EN 319 102-1 that must come out right, on fixed keys and a fixed clock: a node
 * with citizen A, CAdES signatures made with `signCades` or by hand, revocation through the node's
 * own OCSP responder and CRLs.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { revoke } from '../../src/eid/lifecycle.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { signCades } from '../../src/signature/cades/sign.js';
import { fixedKey } from '../fixtures/keys.js';
import { DOCUMENT, signingFixture } from '../signature/fixtures.js';
import type { SigningFixture } from '../signature/fixtures.js';
import { contentTimestamp, handMadeCms, nodeFetcher, validateCms } from './fixtures.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let f: SigningFixture | undefined;

afterEach(async () => {
  await f?.node.close();
  f = undefined;
});

async function fixture(): Promise<SigningFixture> {
  f = await signingFixture();
  return f;
}

function sign(fx: SigningFixture, level: 'B-B' | 'B-T' = 'B-B'): Promise<Buffer> {
  return signCades({
    content: DOCUMENT,
    detached: false,
    signer: fx.signer,
    signerCertificate: fx.certificate,
    chain: fx.chain,
    signingTime: fx.node.clock(),
    level,
    ...(level === 'B-T' ? { tsa: fx.endpoint } : {}),
  });
}

async function revokeSigner(
  fx: SigningFixture,
  reason: 'keyCompromise' | 'certificateHold' = 'keyCompromise',
): Promise<Date> {
  const at = fx.node.clock();
  const serial = parseCertificate(fx.certificate).serial;
  if (reason === 'certificateHold') {
    const { suspend } = await import('../../src/eid/lifecycle.js');
    await suspend(fx.node.eid, { serial }, 'officer-1');
  } else await revoke(fx.node.eid, { serial }, reason, 'officer-1');
  return at;
}

describe('EN 319 102-1 validation of CAdES (fixed keys and clock)', () => {
  it('untouched → TOTAL-PASSED, with chain, revocation evidence and signer', async () => {
    const fx = await fixture();
    const cms = await sign(fx);
    fx.clock.advance(HOUR);
    const r = await validateCms(fx, cms);
    assert.equal(r.indication, 'TOTAL-PASSED', JSON.stringify(r.checks));
    assert.equal(r.subIndication, undefined);
    assert.equal(r.format, 'CAdES');
    assert.equal(r.level, 'B-B');
    assert.equal(r.chain.length, 3);
    assert.equal(r.chain[0]!.revocation.status, 'good');
    assert.equal(r.chain[0]!.revocation.source, 'fetched-ocsp');
    assert.equal(r.chain[1]!.revocation.source, 'fetched-crl');
    assert.equal(r.chain[2]!.trustAnchor, true);
    assert.match(r.signer!.subject, /Santos|PNO/);
  });

  it('one byte of the content changed → TOTAL-FAILED/HASH_FAILURE', async () => {
    const fx = await fixture();
    const cms = await sign(fx);
    const at = cms.indexOf(DOCUMENT);
    assert.ok(at > 0);
    cms[at + 3] ^= 0x01;
    const r = await validateCms(fx, cms);
    assert.deepEqual([r.indication, r.subIndication], ['TOTAL-FAILED', 'HASH_FAILURE']);
  });

  it('signed with another key than the certificate certifies → TOTAL-FAILED/SIG_CRYPTO_FAILURE', async () => {
    const fx = await fixture();
    const cms = handMadeCms({
      content: DOCUMENT,
      certificate: fx.certificate,
      chain: fx.chain,
      key: fixedKey('citizen-b-sig'),
      digest: 'sha256',
    });
    const r = await validateCms(fx, cms);
    assert.deepEqual([r.indication, r.subIndication], ['TOTAL-FAILED', 'SIG_CRYPTO_FAILURE']);
  });

  it('signer revoked and no proof of when the signature was made → INDETERMINATE/REVOKED_NO_POE', async () => {
    const fx = await fixture();
    const cms = await sign(fx);
    fx.clock.advance(DAY);
    await revokeSigner(fx);
    fx.clock.advance(HOUR);
    const r = await validateCms(fx, cms);
    assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'REVOKED_NO_POE']);
    assert.equal(r.chain[0]!.revocation.status, 'revoked');
    assert.equal(r.chain[0]!.revocation.revocationReason, 'keyCompromise');
  });

  it('a content time-stamp later than the revocation → TOTAL-FAILED/REVOKED (EN 319 102-1 5.3.4)', async () => {
    const fx = await fixture();
    fx.clock.advance(DAY);
    await revokeSigner(fx);
    fx.clock.advance(HOUR);
    const cms = handMadeCms({
      content: DOCUMENT,
      certificate: fx.certificate,
      chain: fx.chain,
      key: fixedKey('citizen-a-sig'),
      digest: 'sha256',
      signed: [await contentTimestamp(fx, DOCUMENT)],
    });
    fx.clock.advance(HOUR);
    const r = await validateCms(fx, cms);
    assert.deepEqual([r.indication, r.subIndication], ['TOTAL-FAILED', 'REVOKED']);
    assert.equal(r.timestamps[0]!.type, 'content');
    assert.equal(r.timestamps[0]!.indication, 'TOTAL-PASSED');
  });

  it('revoked after a B-T signature time-stamp → TOTAL-PASSED (past signature validation)', async () => {
    const fx = await fixture();
    const cms = await sign(fx, 'B-T');
    fx.clock.advance(DAY);
    await revokeSigner(fx);
    fx.clock.advance(HOUR);
    const r = await validateCms(fx, cms);
    assert.equal(r.indication, 'TOTAL-PASSED', JSON.stringify(r.checks));
    assert.equal(r.level, 'B-T');
    assert.equal(r.bestSignatureTime, r.timestamps[0]!.genTime);
    assert.ok(r.checks.some((c) => c.name === 'PAST_SIGNATURE_VALIDATION'));
  });

  it('expired certificate without proof of existence → INDETERMINATE/OUT_OF_BOUNDS_NO_POE', async () => {
    const fx = await fixture();
    const cms = await sign(fx);
    const notAfter = parseCertificate(fx.certificate).notAfter;
    const r = await validateCms(fx, cms, { time: new Date(notAfter.getTime() + DAY) });
    assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE']);
  });

  it('expired certificate with a B-T time-stamp from before the expiry → TOTAL-PASSED', async () => {
    const fx = await fixture();
    const cms = await sign(fx, 'B-T');
    const notAfter = parseCertificate(fx.certificate).notAfter;
    const r = await validateCms(fx, cms, { time: new Date(notAfter.getTime() + DAY) });
    assert.equal(r.indication, 'TOTAL-PASSED', JSON.stringify(r.checks));
  });

  it('unknown CA → INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND', async () => {
    const fx = await fixture();
    const cms = await sign(fx);
    const other = await signingFixture();
    try {
      const r = await validateCms(fx, cms, {
        anchors: [other.tsa ? other.node.tsa.certificate.der : Buffer.alloc(0)],
      });
      assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
    } finally {
      await other.node.close();
    }
  });

  it('SHA-1 signature dated after the policy cut-off → INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE', async () => {
    const fx = await fixture();
    const cms = handMadeCms({
      content: DOCUMENT,
      certificate: fx.certificate,
      chain: fx.chain,
      key: fixedKey('citizen-a-sig'),
      digest: 'sha1',
    });
    const r = await validateCms(fx, cms);
    assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE']);
    assert.match(r.policyRule ?? '', /SHA-1/);
    assert.equal(r.digestAlgorithm, 'sha1');
  });

  it('OCSP and CRL unreachable and nothing embedded → INDETERMINATE/TRY_LATER', async () => {
    const fx = await fixture();
    const cms = await sign(fx);
    const fetcher = nodeFetcher(fx, true);
    const r = await validateCms(fx, cms, { fetcher });
    assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'TRY_LATER']);
    assert.match(r.chain[0]!.revocation.detail ?? '', /ECONNREFUSED/);
    assert.ok(fetcher.calls.some((c) => c.startsWith('ocsp ')));
  });

  it('suspended signer → INDETERMINATE/TRY_LATER (certificateHold may be lifted)', async () => {
    const fx = await fixture();
    const cms = await sign(fx);
    fx.clock.advance(HOUR);
    await revokeSigner(fx, 'certificateHold');
    const r = await validateCms(fx, cms);
    assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'TRY_LATER']);
  });

  it('detached CMS without its content → INDETERMINATE/SIGNED_DATA_NOT_FOUND; with it → TOTAL-PASSED', async () => {
    const fx = await fixture();
    const cms = await signCades({
      content: DOCUMENT,
      detached: true,
      signer: fx.signer,
      signerCertificate: fx.certificate,
      chain: fx.chain,
      signingTime: fx.node.clock(),
      level: 'B-B',
    });
    const without = await validateCms(fx, cms);
    assert.deepEqual([without.indication, without.subIndication], ['INDETERMINATE', 'SIGNED_DATA_NOT_FOUND']);
    const withIt = await validateCms(fx, cms, { detached: [{ bytes: DOCUMENT }] });
    assert.equal(withIt.indication, 'TOTAL-PASSED');
  });
});
