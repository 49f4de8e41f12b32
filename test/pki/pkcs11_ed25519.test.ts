/**
 * Ed25519 keys (the transparency log's checkpoint key) in the PKCS#11 key store, against a
 * throw-away SoftHSM2 token (PKCS#11 v3.0 EdDSA). Skipped when SoftHSM2 (or pkcs11js) is not
 * installed; CI installs the `softhsm2` package.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { openPkcs11KeyStore } from '../../src/pki/pkcs11_key_store.js';
import { PKCS11_MODULE, softHsmToken } from '../fixtures/softhsm.js';
import type { Pkcs11Js } from '../fixtures/softhsm.js';

const MODULE = PKCS11_MODULE;
const LABEL = 'tb-ed25519';
const PIN = '5678';
const CKK_EC_EDWARDS = 0x40;
const hsm = await softHsmToken(LABEL, PIN);
const { pkcs11js } = hsm;
const hsmTest = hsm.test;

after(() => hsm.remove());

const open = () => openPkcs11KeyStore({ modulePath: MODULE, tokenLabel: LABEL, pin: PIN });
type Store = Awaited<ReturnType<typeof open>>;

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await open();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

function isCode(code: ErrorCode): (e: unknown) => boolean {
  return (e) => isTrustbridgeError(e, code);
}

/** Verifies with node:crypto, the key built from its raw 32 bytes (RFC 8037 OKP JWK). */
function verifies(publicKey: Buffer, message: Buffer, sig: Buffer): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
    format: 'jwk',
  });
  return verify(null, message, key, sig);
}

hsmTest('generates an Ed25519 key and signs messages node:crypto verifies', async () => {
  await withStore(async (store) => {
    assert.equal(await store.has('log-signer'), false);
    const publicKey = await store.generateEd25519('log-signer');
    assert.equal(publicKey.length, 32);
    assert.equal(await store.has('log-signer'), true);
    assert.deepEqual(await store.ed25519PublicKey('log-signer'), publicKey);
    for (const message of [Buffer.alloc(1), Buffer.from('example.com/log\n1\nabc=\n'), randomBytes(4096)]) {
      const sig = await store.signEd25519('log-signer', message);
      assert.equal(sig.length, 64);
      assert.ok(verifies(publicKey, message, sig), `${message.length}-byte message verifies`);
      assert.ok(!verifies(publicKey, Buffer.concat([message, Buffer.from('x')]), sig));
      // pure Ed25519 (RFC 8032 §5.1.6) is deterministic: not Ed25519ph or a randomised variant
      assert.deepEqual(await store.signEd25519('log-signer', message), sig);
    }
    // C_Sign cannot take empty data (a null pointer): refused before it reaches the token
    await assert.rejects(
      store.signEd25519('log-signer', Buffer.alloc(0)),
      isCode('KEY_ALGORITHM_UNSUPPORTED'),
    );
    const view = new Uint8Array(Buffer.from('..offset view..').buffer, 2, 11);
    assert.ok(verifies(publicKey, Buffer.from(view), await store.signEd25519('log-signer', view)));
  });
});

hsmTest('the Ed25519 private key is on the token, sensitive and non-extractable', async () => {
  const p = pkcs11js as Pkcs11Js;
  const lib = new p.PKCS11();
  lib.load(MODULE);
  lib.C_Initialize();
  try {
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === LABEL);
    assert.ok(slot);
    const session = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION);
    lib.C_Login(session, p.CKU_USER, PIN);
    try {
      lib.C_FindObjectsInit(session, [
        { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
        { type: p.CKA_LABEL, value: 'log-signer' },
      ]);
      const keys = lib.C_FindObjects(session, 10);
      lib.C_FindObjectsFinal(session);
      assert.equal(keys.length, 1);
      const attrs = lib.C_GetAttributeValue(session, keys[0] as Buffer, [
        { type: p.CKA_KEY_TYPE },
        { type: p.CKA_EXTRACTABLE },
        { type: p.CKA_SENSITIVE },
        { type: p.CKA_NEVER_EXTRACTABLE },
        { type: p.CKA_TOKEN },
        { type: p.CKA_PRIVATE },
        { type: p.CKA_SIGN },
      ]);
      assert.deepEqual(
        attrs.map((a) => a.value[0]),
        [CKK_EC_EDWARDS, 0, 1, 1, 1, 1, 1],
      );
      assert.throws(
        () => lib.C_GetAttributeValue(session, keys[0] as Buffer, [{ type: p.CKA_VALUE }]),
        /CKR_ATTRIBUTE_SENSITIVE/,
      );
    } finally {
      lib.C_Logout(session);
      lib.C_CloseSession(session);
    }
  } finally {
    lib.C_Finalize();
    lib.close();
  }
});

hsmTest('KEY_EXISTS, KEY_NOT_FOUND, and EC and Ed25519 keys kept apart', async () => {
  await withStore(async (store) => {
    await assert.rejects(store.generateEd25519('log-signer'), isCode('KEY_EXISTS'));
    await assert.rejects(store.generate('log-signer', 'P-256'), isCode('KEY_EXISTS'));
    await assert.rejects(store.signEd25519('nope', Buffer.from('x')), isCode('KEY_NOT_FOUND'));
    await assert.rejects(store.ed25519PublicKey('nope'), isCode('KEY_NOT_FOUND'));
    await assert.rejects(store.generateEd25519(''), isCode('USAGE_INVALID_ARGUMENT'));
    await store.generate('ec-key', 'P-256');
    await assert.rejects(store.generateEd25519('ec-key'), isCode('KEY_EXISTS'));
    await assert.rejects(store.signEd25519('ec-key', Buffer.from('x')), isCode('KEY_ALGORITHM_UNSUPPORTED'));
    await assert.rejects(store.ed25519PublicKey('ec-key'), isCode('KEY_ALGORITHM_UNSUPPORTED'));
    await assert.rejects(
      store.sign('log-signer', Buffer.from('x'), 'sha256'),
      isCode('KEY_ALGORITHM_UNSUPPORTED'),
    );
    await assert.rejects(store.publicKey('log-signer'), isCode('KEY_ALGORITHM_UNSUPPORTED'));
  });
});

hsmTest('the Ed25519 key survives reopening the store; concurrent signatures all verify', async () => {
  await withStore(async (store) => {
    const publicKey = await store.ed25519PublicKey('log-signer');
    const ecSpki = await store.publicKey('ec-key');
    const jobs = Array.from({ length: 20 }, (_, i) => {
      const message = randomBytes(16 + i);
      return i % 2
        ? store.signEd25519('log-signer', message).then((sig) => verifies(publicKey, message, sig))
        : store
            .sign('ec-key', message, 'sha256')
            .then((sig) => verify('sha256', message, { key: ecSpki, format: 'der', type: 'spki' }, sig));
    });
    assert.deepEqual(await Promise.all(jobs), Array<boolean>(20).fill(true));
  });
});
