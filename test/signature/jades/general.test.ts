/**
 * JAdES general JSON serialization with several signatures (RFC 7515 §7.2.1, TS 119 182-1 clause
 * 5.1), made by python3-jwcrypto with fresh certificates: each signature gets its own report.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bufferSource } from '../../../src/lib/document_source.js';
import { addJadesSignature } from '../../../src/signature/jades/add_signature.js';
import { extractJades } from '../../../src/signature/jades/extract.js';
import { signJades } from '../../../src/signature/jades/sign.js';
import { keyObjectSigner } from '../../../src/signature/key_signer.js';
import { rejectsCode } from '../../fixtures/assert.js';
import { validateDocument } from '../../../src/validation/validate_document.js';
import {
  freshCertificate,
  freshCrl,
  jwcryptoGeneralJson,
  jwcryptoVerifies,
  JWCRYPTO_MISSING,
} from './fixtures.js';
import type { FreshCertificate } from './fixtures.js';

let root: FreshCertificate;
let alice: FreshCertificate;
let bob: FreshCertificate;
let crl: Buffer;
const PAYLOAD = 'contract: Maria Santos sells the red bicycle to Jan Novak for 120 EUR';

before(async () => {
  root = await freshCertificate('General JSON Root');
  alice = await freshCertificate('Alice Signer', root);
  bob = await freshCertificate('Bob Signer', root);
  crl = await freshCrl(root);
});

function header(c: FreshCertificate): Record<string, unknown> {
  return {
    alg: 'ES256',
    x5c: [c.der.toString('base64')],
    'x5t#S256': createHash('sha256').update(c.der).digest('base64url'),
    sigT: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    crit: ['sigT'],
  };
}

async function twoSigners(): Promise<string> {
  return jwcryptoGeneralJson(PAYLOAD, [
    { key: alice.key, protected: header(alice) },
    { key: bob.key, protected: header(bob) },
  ]);
}

function subjectOf(r: { signer?: { subject: string } }): string | undefined {
  return r.signer?.subject;
}

describe('general JSON serialization made by jwcrypto', { skip: JWCRYPTO_MISSING }, () => {
  it('is read as two signatures, each with its own protected header and x5c', async () => {
    const jws = await twoSigners();
    const parsed = JSON.parse(jws) as { signatures: unknown[] };
    assert.equal(parsed.signatures.length, 2);
    const sigs = await extractJades(bufferSource(Buffer.from(jws)), {});
    assert.deepEqual(
      sigs.map((s) => [s.id, s.level, s.certificates[0]?.equals(s.id === 'S-1' ? alice.der : bob.der)]),
      [
        ['S-1', 'B-B', true],
        ['S-2', 'B-B', true],
      ],
    );
  });

  it('is validated as two signatures, one report each', async () => {
    const report = await validateDocument(bufferSource(Buffer.from(await twoSigners())), {
      anchors: [root.der],
      crls: [crl],
    });
    assert.equal(report.summary.total, 2);
    assert.deepEqual(
      report.signatures.map((s) => [s.id, subjectOf(s)?.includes('Alice'), subjectOf(s)?.includes('Bob')]),
      [
        ['S-1', true, false],
        ['S-2', false, true],
      ],
    );
    assert.deepEqual(
      report.signatures.map((s) => [s.indication, s.subIndication]),
      [
        ['TOTAL-PASSED', undefined],
        ['TOTAL-PASSED', undefined],
      ],
    );
    assert.equal(report.summary.passed, 2);
  });

  it('one broken signature among two: one failed and one passed report', async () => {
    const jws = JSON.parse(await twoSigners()) as { signatures: { signature: string }[] };
    const sig = Buffer.from(jws.signatures[1]!.signature, 'base64url');
    sig[5]! ^= 0x01;
    jws.signatures[1]!.signature = sig.toString('base64url');
    const report = await validateDocument(bufferSource(Buffer.from(JSON.stringify(jws))), {
      anchors: [root.der],
      crls: [crl],
    });
    const [first, second] = report.signatures;
    assert.equal(first!.indication, 'TOTAL-PASSED');
    assert.equal(second!.indication, 'TOTAL-FAILED');
    assert.equal(second!.subIndication, 'SIG_CRYPTO_FAILURE');
    assert.deepEqual([report.summary.passed, report.summary.failed], [1, 1]);
  });
});

describe(
  'addJadesSignature: a second signer on our JWS, checked by jwcrypto',
  { skip: JWCRYPTO_MISSING },
  () => {
    it('gives a general JSON serialization whose two signatures jwcrypto and we verify', async () => {
      const common = { chain: [root.der], signingTime: new Date(Date.now() - 60_000), level: 'B-B' as const };
      const first = await signJades({
        ...common,
        payload: Buffer.from(PAYLOAD),
        serialization: 'json',
        detached: false,
        signer: keyObjectSigner(alice.key),
        signerCertificate: alice.der,
      });
      const both = await addJadesSignature(first, {
        ...common,
        signer: keyObjectSigner(bob.key),
        signerCertificate: bob.der,
      });
      assert.equal((JSON.parse(both) as { signatures: unknown[] }).signatures.length, 2);
      assert.equal(await jwcryptoVerifies(both, alice.key), 'OK 2');
      assert.equal(await jwcryptoVerifies(both, bob.key), 'OK 2');
      await assert.rejects(jwcryptoVerifies(both, root.key), /InvalidJWSSignature/);
      const report = await validateDocument(bufferSource(Buffer.from(both)), {
        anchors: [root.der],
        crls: [crl],
      });
      assert.deepEqual(
        report.signatures.map((s) => [
          s.id,
          s.indication,
          s.signer?.subject.includes(s.id === 'S-1' ? 'Alice' : 'Bob'),
        ]),
        [
          ['S-1', 'TOTAL-PASSED', true],
          ['S-2', 'TOTAL-PASSED', true],
        ],
      );
    });

    it('refuses a compact JWS', async () => {
      const compact = await signJades({
        chain: [root.der],
        signingTime: new Date(),
        level: 'B-B',
        payload: Buffer.from(PAYLOAD),
        serialization: 'compact',
        detached: false,
        signer: keyObjectSigner(alice.key),
        signerCertificate: alice.der,
      });
      await rejectsCode(
        () =>
          addJadesSignature(compact, {
            chain: [],
            signingTime: new Date(),
            level: 'B-B',
            signer: keyObjectSigner(bob.key),
            signerCertificate: bob.der,
          }),
        'JADES_MALFORMED',
      );
    });
  },
);
