/**
 * Ed25519 keys (the transparency log's checkpoint key) in the PKCS#11 key store, against a
 * throw-away SoftHSM2 token (PKCS#11 v3.0 EdDSA). Skipped when SoftHSM2 (or pkcs11js) is not
 * installed; CI installs the `softhsm2` package.
 */
import { after, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { openPkcs11KeyStore } from '../../src/pki/pkcs11_key_store.js';

const MODULE = process.env.TB_TEST_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const LABEL = 'tb-ed25519';
const PIN = '5678';
const CKK_EC_EDWARDS = 0x40;

type Template = { type: number; value?: number | boolean | string | Buffer }[];
/** The raw pkcs11js calls used here (declared locally: the package is optional). */
interface Lib {
  load(path: string): void;
  close(): void;
  C_Initialize(): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent: boolean): Buffer[];
  C_GetTokenInfo(slot: Buffer): { label: string };
  C_OpenSession(slot: Buffer, flags: number): Buffer;
  C_CloseSession(session: Buffer): void;
  C_Login(session: Buffer, userType: number, pin: string): void;
  C_Logout(session: Buffer): void;
  C_FindObjectsInit(session: Buffer, template: Template): void;
  C_FindObjects(session: Buffer, max: number): Buffer[];
  C_FindObjectsFinal(session: Buffer): void;
  C_GetAttributeValue(session: Buffer, object: Buffer, template: Template): { type: number; value: Buffer }[];
}
type Pkcs11Js = { PKCS11: new () => Lib } & Record<`CK${string}`, number>;

function commandWorks(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function loadPkcs11js(): Promise<Pkcs11Js | undefined> {
  try {
    const name = 'pkcs11js';
    const mod = (await import(name)) as Pkcs11Js & { default?: Pkcs11Js };
    return mod.default ?? mod;
  } catch {
    return undefined;
  }
}

const pkcs11js = await loadPkcs11js();
let skipReason: string | undefined;
let dir = '';
if (!existsSync(MODULE) || !commandWorks('softhsm2-util', ['--version']))
  skipReason = 'softhsm2 not installed';
else if (!pkcs11js) skipReason = 'pkcs11js not installed';
else {
  dir = mkdtempSync(join(tmpdir(), 'tb-pkcs11-ed-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env.SOFTHSM2_CONF = conf; // read by SoftHSM at C_Initialize
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', LABEL, '--so-pin', '1234', '--pin', PIN],
    { stdio: 'ignore' },
  );
}

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Registers a test that needs the SoftHSM token. */
function hsmTest(name: string, fn: (t: TestContext) => Promise<void>): void {
  test(name, async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    await fn(t);
  });
}

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
