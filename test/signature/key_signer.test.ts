import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { keyObjectSigner } from '../../src/signature/key_signer.js';
import { throwsCode } from '../fixtures/assert.js';
import { fixedKey, spkiOf } from '../fixtures/keys.js';

describe('keyObjectSigner', () => {
  it('signs with ECDSA and the hash of the curve, DER signatures', async () => {
    for (const [id, curve, hash] of [
      ['citizen-a-sig', 'P-256', 'sha256'],
      ['citizen-p384', 'P-384', 'sha384'],
    ] as const) {
      const key = fixedKey(id);
      const s = keyObjectSigner(key);
      assert.equal(s.algorithm, curve);
      assert.equal(s.hash, hash);
      assert.deepEqual(s.spki, spkiOf(key));
      const sig = await s.sign(Buffer.from('data'));
      assert.equal(sig[0], 0x30);
      assert.ok(verify(hash, Buffer.from('data'), { key: createPublicKey(key), dsaEncoding: 'der' }, sig));
    }
  });

  it('refuses keys that are not P-256 or P-384', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    throwsCode(() => keyObjectSigner(privateKey), 'PKI_CSR_ALGORITHM_UNSUPPORTED');
  });
});
