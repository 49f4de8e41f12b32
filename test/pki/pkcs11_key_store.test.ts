/**
 * PKCS#11 key store against a throw-away SoftHSM2 token. Skipped when SoftHSM2 (or pkcs11js) is
 * not installed; CI installs the `softhsm2` package.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes, sign as nodeSign, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import type { HashAlgorithm, KeyStore } from '../../src/pki/key_store.js';
import { ecdsaRawToDer, openPkcs11KeyStore } from '../../src/pki/pkcs11_key_store.js';
import { PKCS11_MODULE, commandWorks, softHsmToken } from '../fixtures/softhsm.js';
import type { Lib, Pkcs11Js, Template } from '../fixtures/softhsm.js';

const MODULE = PKCS11_MODULE;
const LABEL = 'tb-test';
const PIN = '5678';
const hasOpenssl = commandWorks('openssl', ['version']);
const hsm = await softHsmToken(LABEL, PIN);
const { dir, pkcs11js } = hsm;
const hsmTest = hsm.test;

after(() => hsm.remove());

const open = (pin = PIN): Promise<KeyStore> =>
  openPkcs11KeyStore({ modulePath: MODULE, tokenLabel: LABEL, pin });

async function withStore(fn: (store: KeyStore) => Promise<void>): Promise<void> {
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

function verifies(spki: Buffer, data: Buffer, sig: Buffer, hash: HashAlgorithm): boolean {
  return verify(hash, data, { key: spki, format: 'der', type: 'spki', dsaEncoding: 'der' }, sig);
}

function opensslVerifies(spki: Buffer, data: Buffer, sig: Buffer, hash: HashAlgorithm): boolean {
  const base = join(dir, randomBytes(6).toString('hex'));
  writeFileSync(
    `${base}.pem`,
    createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }),
  );
  writeFileSync(`${base}.sig`, sig);
  writeFileSync(`${base}.dat`, data);
  const args = ['dgst', `-${hash}`, '-verify', `${base}.pem`, '-signature', `${base}.sig`, `${base}.dat`];
  try {
    return execFileSync('openssl', args, { encoding: 'utf8' }).includes('Verified OK');
  } catch {
    return false;
  }
}

test('ecdsaRawToDer matches node DER encoding (leading zeros, high bits)', () => {
  for (const [curve, half] of [
    ['prime256v1', 32],
    ['secp384r1', 48],
  ] as const) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
    for (let i = 0; i < 200; i++) {
      const data = randomBytes(20);
      const raw = nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      assert.equal(raw.length, 2 * half);
      const der = ecdsaRawToDer(raw);
      assert.ok(verify('sha256', data, { key: privateKey, dsaEncoding: 'der' }, der));
    }
  }
  const crafted = Buffer.concat([
    Buffer.alloc(31),
    Buffer.from([0x01]),
    Buffer.from([0x80]),
    Buffer.alloc(31, 1),
  ]);
  assert.deepEqual(
    ecdsaRawToDer(crafted),
    Buffer.concat([Buffer.from('3026020101022100', 'hex'), Buffer.from([0x80]), Buffer.alloc(31, 1)]),
  );
  assert.throws(() => ecdsaRawToDer(Buffer.alloc(3)), isCode('KEY_STORE_UNAVAILABLE'));
});

hsmTest('generates P-256 and P-384 keys and signs verifiable DER signatures', async () => {
  await withStore(async (store) => {
    assert.equal(store.kind, 'pkcs11');
    const cases: [string, 'P-256' | 'P-384', HashAlgorithm][] = [
      ['k-p256', 'P-256', 'sha256'],
      ['k-p384', 'P-384', 'sha384'],
    ];
    for (const [id, alg, hash] of cases) {
      assert.equal(await store.has(id), false);
      const spki = await store.generate(id, alg);
      assert.equal(await store.has(id), true);
      assert.deepEqual(await store.publicKey(id), spki);
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      assert.equal(key.asymmetricKeyDetails?.namedCurve, alg === 'P-256' ? 'prime256v1' : 'secp384r1');
      for (const h of [hash, 'sha512'] as const) {
        const data = Buffer.from(`to be signed with ${id}/${h}`);
        const sig = await store.sign(id, data, h);
        assert.equal(sig[0], 0x30);
        assert.ok(verifies(spki, data, sig, h), `${id}/${h} verifies with node`);
        assert.ok(!verifies(spki, Buffer.from('other'), sig, h));
        if (hasOpenssl) {
          assert.ok(opensslVerifies(spki, data, sig, h), `${id}/${h} verifies with openssl`);
          assert.ok(!opensslVerifies(spki, Buffer.from('other'), sig, h));
        }
      }
    }
  });
});

/** Runs `fn` on a raw pkcs11js session, beside (or without) the stores under test. */
function withRawSession(fn: (lib: Lib, session: Buffer, p: Pkcs11Js) => void): void {
  const p = pkcs11js as Pkcs11Js;
  const lib = new p.PKCS11();
  lib.load(MODULE);
  let owned = true;
  try {
    lib.C_Initialize();
  } catch (e) {
    assert.match(String(e), /CKR_CRYPTOKI_ALREADY_INITIALIZED/); // a store is open in this process
    owned = false;
  }
  try {
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === LABEL);
    assert.ok(slot);
    const session = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
    if (owned) lib.C_Login(session, p.CKU_USER, PIN);
    try {
      fn(lib, session, p);
    } finally {
      if (owned) lib.C_Logout(session);
      lib.C_CloseSession(session);
    }
  } finally {
    if (owned) lib.C_Finalize();
    lib.close();
  }
}

function rawFind(lib: Lib, session: Buffer, p: Pkcs11Js, label: string): Buffer[] {
  const template: Template = [{ type: p.CKA_LABEL, value: label }];
  lib.C_FindObjectsInit(session, template);
  const found = lib.C_FindObjects(session, 10);
  lib.C_FindObjectsFinal(session);
  return found;
}

hsmTest('private keys are sensitive and non-extractable on the token', async () => {
  withRawSession((lib, session, p) => {
    const keys = rawFind(lib, session, p, 'k-p256').filter(
      (h) => lib.C_GetAttributeValue(session, h, [{ type: p.CKA_CLASS }])[0]?.value[0] === p.CKO_PRIVATE_KEY,
    );
    assert.equal(keys.length, 1);
    const key = keys[0] as Buffer;
    const attrs = lib.C_GetAttributeValue(session, key, [
      { type: p.CKA_EXTRACTABLE },
      { type: p.CKA_SENSITIVE },
      { type: p.CKA_NEVER_EXTRACTABLE },
      { type: p.CKA_TOKEN },
      { type: p.CKA_PRIVATE },
      { type: p.CKA_SIGN },
    ]);
    assert.deepEqual(
      attrs.map((a) => a.value[0]),
      [0, 1, 1, 1, 1, 1],
    );
    assert.throws(
      () => lib.C_GetAttributeValue(session, key, [{ type: p.CKA_VALUE }]),
      /CKR_ATTRIBUTE_SENSITIVE/,
    );
  });
});

hsmTest('a key deleted and re-created behind a store is found again (stale handle)', async () => {
  const a = await open();
  const b = await open();
  try {
    await a.generate('k-tmp', 'P-256');
    await a.sign('k-tmp', Buffer.from('warm the handle cache'), 'sha256');
    withRawSession((lib, session, p) => {
      for (const h of rawFind(lib, session, p, 'k-tmp')) lib.C_DestroyObject(session, h);
    });
    assert.equal(await a.has('k-tmp'), false);
    const spki = await b.generate('k-tmp', 'P-256');
    const data = Buffer.from('after re-creation');
    assert.ok(verifies(spki, data, await a.sign('k-tmp', data, 'sha256'), 'sha256'));
  } finally {
    await a.close();
    await b.close();
  }
});

hsmTest('KEY_EXISTS, KEY_NOT_FOUND and unsupported algorithms', async () => {
  await withStore(async (store) => {
    await assert.rejects(store.generate('k-p256', 'P-256'), isCode('KEY_EXISTS'));
    await assert.rejects(store.generate('k-p256', 'P-384'), isCode('KEY_EXISTS'));
    await assert.rejects(store.sign('nope', Buffer.from('x'), 'sha256'), isCode('KEY_NOT_FOUND'));
    await assert.rejects(store.publicKey('nope'), isCode('KEY_NOT_FOUND'));
    assert.equal(await store.has('nope'), false);
    await assert.rejects(store.generate('k-bad', 'P-521' as 'P-256'), isCode('KEY_ALGORITHM_UNSUPPORTED'));
    await assert.rejects(
      store.sign('k-p256', Buffer.from('x'), 'md5' as 'sha256'),
      isCode('KEY_ALGORITHM_UNSUPPORTED'),
    );
    await assert.rejects(store.generate('', 'P-256'), isCode('USAGE_INVALID_ARGUMENT'));
  });
});

hsmTest('wrong PIN → KEY_PASSPHRASE_WRONG, also while another store is logged in', async () => {
  await assert.rejects(open('0000'), isCode('KEY_PASSPHRASE_WRONG'));
  await withStore(async (store) => {
    await assert.rejects(open('0000'), isCode('KEY_PASSPHRASE_WRONG'));
    assert.equal(await store.has('k-p256'), true);
  });
  await withStore(async (store) => assert.equal(await store.has('k-p256'), true));
});

hsmTest('bad module path or unknown token → KEY_STORE_UNAVAILABLE', async () => {
  await assert.rejects(
    openPkcs11KeyStore({ modulePath: join(dir, 'missing.so'), tokenLabel: LABEL, pin: PIN }),
    isCode('KEY_STORE_UNAVAILABLE'),
  );
  await assert.rejects(
    openPkcs11KeyStore({ modulePath: MODULE, tokenLabel: 'no-such-token', pin: PIN }),
    isCode('KEY_STORE_UNAVAILABLE'),
  );
});

hsmTest('keys survive reopening the store (new session)', async () => {
  const first = await open();
  const spki = await first.publicKey('k-p384');
  await first.close();
  await first.close(); // idempotent
  await assert.rejects(first.has('k-p384'), isCode('KEY_STORE_UNAVAILABLE'));
  await withStore(async (store) => {
    assert.equal(await store.has('k-p384'), true);
    assert.deepEqual(await store.publicKey('k-p384'), spki);
    const data = Buffer.from('after reopen');
    assert.ok(verifies(spki, data, await store.sign('k-p384', data, 'sha384'), 'sha384'));
  });
});

hsmTest('two stores share the module; closing one leaves the other working', async () => {
  const a = await open();
  const b = await open();
  await a.close();
  const spki = await b.publicKey('k-p256');
  const data = Buffer.from('still here');
  assert.ok(verifies(spki, data, await b.sign('k-p256', data, 'sha256'), 'sha256'));
  await b.close();
});

hsmTest('50 concurrent sign calls all verify', async () => {
  await withStore(async (store) => {
    const keys = [
      { id: 'k-p256', hash: 'sha256' as const, spki: await store.publicKey('k-p256') },
      { id: 'k-p384', hash: 'sha384' as const, spki: await store.publicKey('k-p384') },
    ];
    const jobs = Array.from({ length: 50 }, (_, i) => {
      const k = keys[i % 2] as (typeof keys)[number];
      const data = randomBytes(32 + i);
      return store.sign(k.id, data, k.hash).then((sig) => verifies(k.spki, data, sig, k.hash));
    });
    // other operations interleaved with the signatures must not disturb them
    const others = [store.generate('k-concurrent', 'P-384'), store.has('k-p256'), store.publicKey('k-p384')];
    const results = await Promise.all(jobs);
    assert.equal(results.filter(Boolean).length, 50);
    const [spki, has, p384] = await Promise.all(others);
    assert.ok(Buffer.isBuffer(spki) && has === true && keys[1]?.spki.equals(p384 as Buffer));
  });
});
