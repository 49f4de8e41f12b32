/**
 * The PKI a fresh node issues, checked by outside implementations: OpenSSL and GnuTLS verify the
 * chains and read the extensions; key files are encrypted with the node passphrase; the citizen
 * wallet is a PKCS#12 file OpenSSL opens with the wallet password.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CITIZEN,
  NODE_PASSWORD,
  WALLET_PASSWORD,
  cliJson,
  createAndEnroll,
  errorCode,
  freePort,
  initNode,
  missingTools,
  publicCerts,
  run,
  runCli,
  tempDir,
  tool,
} from '../fixtures/cli.js';
import type { Enrolment } from '../fixtures/cli.js';

const skip = missingTools('openssl', 'certtool');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function pemBlocks(text: string, label: string): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g');
  return (text.match(re) ?? []).map((b) => b.replace(/\s+/g, ''));
}

describe('PKI chain checked by OpenSSL and GnuTLS', { skip }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  let wallet: string;
  let certs: ReturnType<typeof publicCerts>;
  let leaf: { authentication: string; signature: string };
  let port = 0;
  let enrolment: Enrolment;

  before(async () => {
    tmp = tempDir();
    dir = join(tmp.path, 'ph');
    wallet = join(tmp.path, 'citizen.p12');
    certs = publicCerts(dir);
    leaf = { authentication: join(tmp.path, 'auth.pem'), signature: join(tmp.path, 'sign.pem') };
    port = await freePort();
    await initNode(dir, ['--base-url', `http://127.0.0.1:${port}`]);
    enrolment = await createAndEnroll(dir, wallet);
    writeFileSync(leaf.authentication, enrolment.certificates.authentication);
    writeFileSync(leaf.signature, enrolment.certificates.signature);
  });
  after(() => tmp?.remove());

  const x509Text = (file: string): Promise<string> =>
    tool('openssl', ['x509', '-in', file, '-noout', '-text']);

  it('openssl verify accepts both citizen certificates and the OCSP and TSA certificates', async () => {
    for (const file of [leaf.authentication, leaf.signature, certs.ocsp, certs.tsa]) {
      const out = await tool('openssl', ['verify', '-CAfile', certs.root, '-untrusted', certs.eidCa, file]);
      assert.match(out, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: OK`));
    }
  });

  it('GnuTLS certtool --verify-chain verifies leaf, eID CA and root', async () => {
    for (const file of [leaf.authentication, leaf.signature]) {
      const chain = join(tmp.path, 'chain.pem');
      writeFileSync(chain, [file, certs.eidCa, certs.root].map((f) => readFileSync(f, 'utf8')).join(''));
      const out = await tool('certtool', ['--verify-chain', '--infile', chain]);
      assert.match(out, /Chain verification output: Verified/);
      assert.doesNotMatch(out, /Not verified/i);
    }
  });

  it('the citizen certificates carry the eID profile', async () => {
    assert.match(enrolment.nationalId, /^\d{12}$/);
    const sign = await x509Text(leaf.signature);
    assert.match(sign, /X509v3 Key Usage: critical\s*\n[^\n]*Non Repudiation/);
    const auth = await x509Text(leaf.authentication);
    assert.match(auth, /X509v3 Extended Key Usage:[^\n]*\n\s*TLS Web Client Authentication/);
    for (const text of [sign, auth]) {
      assert.match(text, new RegExp(`Subject:.*serialNumber = PNOPH-${enrolment.nationalId}`));
      assert.match(text, new RegExp(`GN = ${CITIZEN.givenName}`));
      assert.match(text, new RegExp(`OCSP - URI:http://127\\.0\\.0\\.1:${port}/ocsp`));
      assert.match(text, new RegExp(`URI:http://127\\.0\\.0\\.1:${port}/crl/eid-ca\\.crl`));
    }
  });

  it('the OCSP responder and TSA certificates carry their profiles', async () => {
    const ocsp = await x509Text(certs.ocsp);
    assert.match(ocsp, /OCSP No Check/);
    assert.match(ocsp, /X509v3 Extended Key Usage:[^\n]*\n\s*OCSP Signing/);
    const tsa = await x509Text(certs.tsa);
    assert.match(tsa, /X509v3 Extended Key Usage: critical\s*\n\s*Time Stamping\s*\n/);
  });

  it('CA keys are encrypted with the node passphrase', async () => {
    const key = join(dir, 'keys', 'eid-ca.key.pem');
    await tool('openssl', ['pkey', '-in', key, '-passin', `pass:${NODE_PASSWORD}`, '-noout']);
    const wrong = await run('openssl', ['pkey', '-in', key, '-passin', 'pass:not-the-passphrase', '-noout']);
    assert.notEqual(wrong.code, 0, 'openssl pkey must fail with a wrong passphrase');
  });

  it('no private key is stored unencrypted, and key files are private to the owner', () => {
    const keys = filesUnder(join(dir, 'keys'));
    assert.ok(keys.length >= 4, `expected the key files, found ${keys.join(', ')}`);
    for (const file of filesUnder(dir)) {
      const text = readFileSync(file, 'latin1');
      assert.doesNotMatch(text, /BEGIN PRIVATE KEY|BEGIN EC PRIVATE KEY|BEGIN RSA PRIVATE KEY/, file);
    }
    for (const file of keys) {
      assert.match(readFileSync(file, 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/, file);
      assert.equal(statSync(file).mode & 0o077, 0, `${file} is readable by others`);
    }
  });

  it('OpenSSL opens the enrolled wallet and lists both certificates', async () => {
    const p12 = ['pkcs12', '-in', wallet, '-passin', `pass:${WALLET_PASSWORD}`];
    const info = await tool('openssl', [...p12, '-info', '-noenc']);
    assert.equal(pemBlocks(info, 'PRIVATE KEY').length, 2, 'two private keys (authentication, signature)');
    const listed = pemBlocks(info, 'CERTIFICATE');
    for (const cert of Object.values(enrolment.certificates)) {
      assert.ok(
        listed.includes(cert.replace(/\s+/g, '')),
        'an issued certificate is missing from the wallet',
      );
    }
    const nokeys = await tool('openssl', [...p12, '-nokeys']);
    assert.match(nokeys, new RegExp(`subject=.*serialNumber = PNOPH-${enrolment.nationalId}`));
    assert.match(nokeys, /subject=.*CN = PH eID Issuing CA/);
  });

  it('a new wallet holds two keys and no certificate yet', async () => {
    const fresh = join(tmp.path, 'fresh.p12');
    await cliJson(['wallet', 'create', '--out', fresh]);
    const info = await tool('openssl', [
      'pkcs12',
      '-in',
      fresh,
      '-passin',
      `pass:${WALLET_PASSWORD}`,
      '-info',
      '-noenc',
    ]);
    assert.equal(pemBlocks(info, 'PRIVATE KEY').length, 2);
    assert.equal(pemBlocks(info, 'CERTIFICATE').length, 0);
    const wrong = await run('openssl', ['pkcs12', '-in', fresh, '-passin', 'pass:wrong', '-info', '-noenc']);
    assert.notEqual(wrong.code, 0);
  });

  it('a wrong wallet password is refused with PKI_PKCS12_PASSWORD_WRONG', async () => {
    const r = await runCli(['wallet', 'show', '--wallet', wallet], {
      env: { TRUSTBRIDGE_WALLET_PASSWORD: 'not-the-wallet-password' },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'PKI_PKCS12_PASSWORD_WRONG');
    assert.equal(r.stdout, '');
  });
});
