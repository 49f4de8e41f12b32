/**
 * CMS signature algorithms read from real signatures (the DSS test corpus): RSASSA-PSS whose
 * parameters name a SHA-3 hash, MGF1 and a salt longer than the hash, SHA3-224, and PKCS#1 v1.5
 * whose DigestInfo omits the NULL parameters — each accepted exactly, and nothing looser.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPrivateKey, createPublicKey, privateEncrypt, sign } from 'node:crypto';
import * as DER from '../../src/lib/der.js';
import { signatureAlgorithmOf, verifySignatureWith } from '../../src/signature/algorithm_names.js';
import { FIXED_RSA_KEY } from './xades/fixtures.js';

const PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const SHA3_256 = '2.16.840.1.101.3.4.2.8';
const SHA256 = '2.16.840.1.101.3.4.2.1';

const priv = createPrivateKey(FIXED_RSA_KEY);
const pub = createPublicKey(priv);
const data = Buffer.from('signed attributes');

function pssParams(hash: string, mgfHash: string, salt: number): Buffer {
  const alg = (oid: string) => DER.seq(DER.oid(oid), DER.nullValue());
  return DER.seq(
    DER.explicit(0, alg(hash)),
    DER.explicit(1, DER.seq(DER.oid(MGF1), alg(mgfHash))),
    DER.explicit(2, DER.integer(salt)),
  );
}

describe('CMS signature algorithms', () => {
  it('RSASSA-PSS with SHA3-256, MGF1-SHA3-256 and a 64-byte salt verifies with those parameters only', () => {
    const value = sign('sha3-256', data, {
      key: priv,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 64,
    });
    const info = signatureAlgorithmOf(PSS, pssParams(SHA3_256, SHA3_256, 64));
    assert.deepEqual(info, {
      name: 'RSASSA-PSS',
      key: 'rsa-pss',
      hash: 'sha3-256',
      mgf1Hash: 'sha3-256',
      saltLength: 64,
    });
    assert.equal(verifySignatureWith(info!, 'sha256', pub, data, value), true);
    // A salt length other than the one used, or an MGF1 hash other than the signature hash, fails.
    assert.equal(
      verifySignatureWith(
        signatureAlgorithmOf(PSS, pssParams(SHA3_256, SHA3_256, 32))!,
        'sha256',
        pub,
        data,
        value,
      ),
      false,
    );
    assert.equal(
      verifySignatureWith(
        signatureAlgorithmOf(PSS, pssParams(SHA3_256, SHA256, 64))!,
        'sha256',
        pub,
        data,
        value,
      ),
      false,
    );
    assert.equal(signatureAlgorithmOf(PSS, Buffer.from([0x30, 0x03, 0xa0, 0x01, 0x00])), undefined);
  });

  it('SHA3-224 with RSA (NIST CSOR 2.16.840.1.101.3.4.3.13) verifies', () => {
    const info = signatureAlgorithmOf('2.16.840.1.101.3.4.3.13');
    assert.equal(info?.hash, 'sha3-224');
    assert.equal(verifySignatureWith(info!, 'sha3-224', pub, data, sign('sha3-224', data, priv)), true);
  });

  it('PKCS#1 v1.5 with a DigestInfo without NULL parameters verifies; another DigestInfo does not', () => {
    const info = signatureAlgorithmOf('1.2.840.113549.1.1.11')!;
    const digest = createHash('sha256').update(data).digest();
    const noNull = DER.seq(DER.seq(DER.oid(SHA256)), DER.octets(digest));
    const value = privateEncrypt({ key: priv, padding: constants.RSA_PKCS1_PADDING }, noNull);
    assert.equal(verifySignatureWith(info, 'sha256', pub, data, value), true);
    const other = DER.seq(
      DER.seq(DER.oid(SHA256)),
      DER.octets(createHash('sha256').update('other').digest()),
    );
    const forged = privateEncrypt({ key: priv, padding: constants.RSA_PKCS1_PADDING }, other);
    assert.equal(verifySignatureWith(info, 'sha256', pub, data, forged), false);
  });
});
