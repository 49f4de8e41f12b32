/**
 * A node whose root and eID CA keys and transparency-log key live on a SoftHSM2 token: no CA or
 * log key file on disk, the keys are sensitive and non-extractable on the token, everything the
 * CAs sign (citizen certificates, CRLs) verifies with OpenSSL and the log's checkpoints verify
 * against the published `log.vkey`. Skipped when SoftHSM2 or pkcs11js is missing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  NODE_PASSWORD,
  REPO_ROOT,
  cliJson,
  createAndEnroll,
  findOnPath,
  publicCerts,
  runCli,
  startServe,
  tempDir,
  tool,
} from '../fixtures/cli.js';
import type { Enrolment, RunOptions, Served } from '../fixtures/cli.js';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { noteVerifier, parseVerifierKey } from '../../src/ledger/keys.js';
import { LOG_KEY_ID } from '../../src/ledger/log_key.js';
import { FileKeyStore } from '../../src/pki/file_key_store.js';

const SO_PIN = '1234';
const PIN = '5678';
const MODULE = [
  process.env['TB_TEST_PKCS11_MODULE'],
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
].find((p): p is string => p !== undefined && existsSync(p));

function hasPkcs11js(): boolean {
  try {
    createRequire(join(REPO_ROOT, 'package.json')).resolve('pkcs11js');
    return true;
  } catch {
    return false;
  }
}

function skipReason(): string | false {
  if (!findOnPath('softhsm2-util') || !MODULE) return 'SoftHSM2 is not installed (Debian: softhsm2)';
  if (!findOnPath('openssl')) return 'openssl is not installed';
  if (!hasPkcs11js()) return 'the optional dependency pkcs11js is not installed';
  return false;
}

/** Lists the private keys of a token with pkcs11js, in a child process (own PKCS#11 state). */
const LIST_KEYS = `
const p = require('pkcs11js');
const [, module, label, pin] = process.argv;
const lib = new p.PKCS11();
lib.load(module);
lib.C_Initialize();
try {
  const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === label);
  const s = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION);
  lib.C_Login(s, p.CKU_USER, pin);
  lib.C_FindObjectsInit(s, [{ type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }]);
  const found = lib.C_FindObjects(s, 100);
  lib.C_FindObjectsFinal(s);
  const flag = (v) => v.length > 0 && v[0] === 1;
  console.log(JSON.stringify(found.map((o) => {
    const [l, sens, ext] = lib.C_GetAttributeValue(s, o, [
      { type: p.CKA_LABEL }, { type: p.CKA_SENSITIVE }, { type: p.CKA_EXTRACTABLE },
    ]);
    return { label: l.value.toString(), sensitive: flag(sens.value), extractable: flag(ext.value) };
  })));
  lib.C_Logout(s);
  lib.C_CloseSession(s);
} finally {
  lib.C_Finalize();
}
`;

describe('CA keys on a SoftHSM2 token', { skip: skipReason() }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  let pinFile: string;
  let opts: RunOptions;
  let certs: ReturnType<typeof publicCerts>;
  let enrolment: Enrolment;
  let served: Served | undefined;
  const leaf = { authentication: '', signature: '' };

  const initToken = (label: string): Promise<string> =>
    tool(
      'softhsm2-util',
      ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', PIN],
      opts,
    );

  before(async () => {
    tmp = tempDir();
    mkdirSync(join(tmp.path, 'tokens'));
    const conf = join(tmp.path, 'softhsm2.conf');
    writeFileSync(
      conf,
      `directories.tokendir = ${join(tmp.path, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
    opts = { env: { SOFTHSM2_CONF: conf } };
    await initToken('tb');
    pinFile = join(tmp.path, 'pin');
    writeFileSync(pinFile, `${PIN}\n`, { mode: 0o600 });
    dir = join(tmp.path, 'ph');
    certs = publicCerts(dir);
    await cliJson(
      ['node', 'init', '--dir', dir, '--country', 'PH'].concat([
        '--hsm-module',
        MODULE!,
        '--hsm-pin-file',
        pinFile,
        '--hsm-token',
        'tb',
      ]),
      opts,
    );
  });
  after(async () => {
    await served?.stop();
    tmp?.remove();
  });

  it('no CA or log key file on disk: only the OCSP, TL-signer, TSA and witness keys, encrypted', async () => {
    const keys = readdirSync(join(dir, 'keys')).sort();
    assert.deepEqual(keys, ['ocsp.key.pem', 'tl-signer.key.pem', 'tsa.key.pem', 'witness.key.pem']);
    for (const k of keys)
      assert.match(readFileSync(join(dir, 'keys', k), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
    const info = await cliJson<{ caKeys: string }>(['node', 'info', '--dir', dir], opts);
    assert.equal(info.caKeys, 'pkcs11');
  });

  it('the token holds the root, eID CA and log keys, sensitive and not extractable', async () => {
    const out = await tool(process.execPath, ['-e', LIST_KEYS, MODULE!, 'tb', PIN], {
      ...opts,
      cwd: REPO_ROOT,
    });
    const keys = JSON.parse(out.trim().split('\n').pop()!) as {
      label: string;
      sensitive: boolean;
      extractable: boolean;
    }[];
    assert.deepEqual(keys.map((k) => k.label).sort(), ['eid-ca', 'log-signer', 'root']);
    for (const k of keys) assert.deepEqual(k, { label: k.label, sensitive: true, extractable: false });
  });

  it('a citizen enrolled on the HSM node gets a chain OpenSSL verifies', async () => {
    enrolment = await createAndEnroll(dir, join(tmp.path, 'citizen.p12'), undefined, opts);
    for (const usage of ['authentication', 'signature'] as const) {
      leaf[usage] = join(tmp.path, `${usage}.pem`);
      writeFileSync(leaf[usage], enrolment.certificates[usage]);
    }
    for (const file of [leaf.authentication, leaf.signature, certs.eidCa, certs.ocsp, certs.tsa]) {
      const out = await tool('openssl', ['verify', '-CAfile', certs.root, '-untrusted', certs.eidCa, file]);
      assert.match(out, /: OK\n/);
    }
  });

  it('node serve answers OCSP from the HSM node, and CRLs it signs verify', async () => {
    served = await startServe(dir, opts);
    const ocsp = (): Promise<string> =>
      tool(
        'openssl',
        ['ocsp', '-issuer', certs.eidCa, '-cert', leaf.authentication].concat([
          '-url',
          `${served!.url}/ocsp`,
          '-CAfile',
          certs.root,
        ]),
      );
    const good = await ocsp();
    assert.match(good, /Response verify OK/);
    assert.match(good, /: good\n/);
    // Suspending signs a new CRL with the eID CA key on the token.
    await cliJson(['eid', 'suspend', '--dir', dir, '--national-id', enrolment.nationalId], opts);
    assert.match(await ocsp(), /: revoked\n[\s\S]*Reason: certificateHold/);
    const der = join(tmp.path, 'eid-ca.crl');
    writeFileSync(der, Buffer.from(await (await fetch(`${served.url}/crl/eid-ca.crl`)).arrayBuffer()));
    const crl = await tool('openssl', [
      'crl',
      '-inform',
      'DER',
      '-in',
      der,
      '-CAfile',
      certs.eidCa,
      '-noout',
      '-text',
    ]);
    assert.match(crl, /verify OK/);
    assert.match(crl, /Certificate Hold/);
  });

  it("the log's checkpoints, signed on the token, verify against the published log.vkey", async () => {
    const vkey = readFileSync(join(dir, 'public', 'log.vkey'), 'utf8').trim();
    assert.equal(parseVerifierKey(vkey).name, '127.0.0.1:8080/log');
    const verifier = noteVerifier(vkey);
    assert.ok(served, 'node serve runs (previous test)');
    // The enrolment and the suspension are logged; wait until a checkpoint covers them.
    let text = '';
    for (let i = 0; i < 60; i++) {
      text = await (await fetch(`${served.url}/log/checkpoint`)).text();
      if (openCheckpoint(text, [verifier]).size >= 2) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const checkpoint = openCheckpoint(text, [verifier]);
    assert.ok(checkpoint.size >= 2, `checkpoint covers the node's entries:\n${text}`);
    assert.equal(checkpoint.origin, parseVerifierKey(vkey).name);
    assert.equal(existsSync(join(dir, 'keys', 'log-signer.key.pem')), false);
  });

  it('a relative --hsm-pin-file keeps working from another working directory', async () => {
    await initToken('tb2');
    writeFileSync(join(tmp.path, 'pin2'), `${PIN}\n`, { mode: 0o600 });
    const args = ['--hsm-module', MODULE!, '--hsm-pin-file', 'pin2', '--hsm-token', 'tb2'];
    await cliJson(['node', 'init', '--dir', 'ph2', '--country', 'PH', ...args], { ...opts, cwd: tmp.path });
    const elsewhere = join(tmp.path, 'elsewhere');
    mkdirSync(elsewhere);
    const r = await runCli(['node', 'info', '--dir', join(tmp.path, 'ph2')], { ...opts, cwd: elsewhere });
    assert.equal(r.code, 0, r.stderr);
  });

  it('an HSM node whose log key is already on file keeps using that key', async () => {
    // ph2 (previous test) has its log key on the token; a node made before logs could go
    // there has one in DIR/keys/ instead, which must win: a log never changes key.
    const ph2 = join(tmp.path, 'ph2');
    const vkeyFile = join(ph2, 'public', 'log.vkey');
    const onToken = parseVerifierKey(readFileSync(vkeyFile, 'utf8').trim()).publicKey;
    const onFile = await new FileKeyStore(join(ph2, 'keys'), NODE_PASSWORD).generateEd25519(LOG_KEY_ID);
    assert.notDeepEqual(onFile, onToken);
    rmSync(vkeyFile);
    const r = await runCli(['node', 'info', '--dir', ph2], opts);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parseVerifierKey(readFileSync(vkeyFile, 'utf8').trim()).publicKey, onFile);
  });
});
