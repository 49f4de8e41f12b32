import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { enrolPerson } from '../../src/eid/issuance.js';
import { createWallet, encodeWallet, installCertificates, openWallet } from '../../src/eid/wallet.js';
import type { Wallet } from '../../src/eid/wallet.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { verifyCsr } from '../../src/pki/csr.js';
import { throwsCode } from '../fixtures/assert.js';
import { forEachEngine } from '../fixtures/engines.js';
import { PERSON_A, makeTestNode } from '../fixtures/node.js';

const PASSWORD = 'correct horse battery staple';
const ITERATIONS = 2048; // fast for tests; the default is the writer's

function assertSameKeys(a: Wallet, b: Wallet): void {
  for (const usage of ['authentication', 'signature'] as const) {
    assert.ok(a.keys[usage].spki.equals(b.keys[usage].spki), `${usage} public key`);
    assert.ok(a.keys[usage].csr.equals(b.keys[usage].csr), `${usage} CSR`);
    const data = Buffer.from(`signed by the ${usage} key`);
    const sig = sign('sha256', data, b.keys[usage].privateKey);
    assert.ok(verify('sha256', data, createPublicKey(a.keys[usage].privateKey), sig), `${usage} private key`);
  }
}

test('createWallet makes two different P-256 keys with CSRs proving them', async () => {
  const w = await createWallet();
  assert.deepEqual(w.caCertificates, []);
  for (const usage of ['authentication', 'signature'] as const) {
    const k = w.keys[usage];
    const proven = verifyCsr(k.csr, ['P-256']);
    assert.equal(proven.curve, 'P-256');
    assert.ok(proven.spki.equals(k.spki));
    assert.equal(k.certificate, undefined);
  }
  assert.ok(!w.keys.authentication.spki.equals(w.keys.signature.spki));
});

test('encodeWallet / openWallet round-trip the keys and CSRs', async () => {
  const w = await createWallet();
  const p12 = encodeWallet(w, PASSWORD, ITERATIONS);
  assert.equal(p12[0], 0x30, 'DER PFX');
  const back = openWallet(p12, PASSWORD);
  assertSameKeys(w, back);
  assert.deepEqual(back.caCertificates, []);
});

test('openWallet: wrong password → PKI_PKCS12_PASSWORD_WRONG, garbage → PKI_PKCS12_MALFORMED', async () => {
  const p12 = encodeWallet(await createWallet(), PASSWORD, ITERATIONS);
  throwsCode(() => openWallet(p12, 'wrong password'), 'PKI_PKCS12_PASSWORD_WRONG');
  throwsCode(() => openWallet(Buffer.from('not a pkcs12 file'), PASSWORD), 'PKI_PKCS12_MALFORMED');
  throwsCode(() => openWallet(p12.subarray(0, p12.length - 10), PASSWORD), 'PKI_PKCS12_MALFORMED');
});

test('OpenSSL reads the wallet file with the password and refuses a wrong one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-wallet-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'w.p12');
  writeFileSync(file, encodeWallet(await createWallet(), PASSWORD, ITERATIONS));
  const run = (pass: string): { status: number | null; out: string } => {
    const r = spawnSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${pass}`, '-nodes', '-info'], {
      encoding: 'utf8',
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const ok = run(PASSWORD);
  assert.equal(ok.status, 0, ok.out);
  assert.equal(ok.out.match(/BEGIN PRIVATE KEY/g)?.length, 2, ok.out);
  assert.notEqual(run('wrong').status, 0);
});

forEachEngine('wallet enrolment', (dbTest) => {
  dbTest('the CA certifies the wallet keys; the wallet stores certificates and chain', async (_t, db) => {
    const node = await makeTestNode({ db: db.location });
    try {
      const w = await createWallet();
      const r = await enrolPerson(
        node.eid,
        PERSON_A,
        { authentication: w.keys.authentication.csr, signature: w.keys.signature.csr },
        'officer-1',
      );
      const certs = {
        authentication: r.certificates.authentication.der,
        signature: r.certificates.signature.der,
      };
      const chain = [node.eidCa.certificate.der, node.root.certificate.der];
      throwsCode(
        () =>
          installCertificates(w, { authentication: certs.signature, signature: certs.authentication }, chain),
        'PKI_CERT_MALFORMED',
      );
      const installed = installCertificates(w, certs, chain);
      assert.equal(w.keys.authentication.certificate, undefined, 'the input wallet is not modified');
      const back = openWallet(encodeWallet(installed, PASSWORD, ITERATIONS), PASSWORD);
      assertSameKeys(w, back);
      for (const usage of ['authentication', 'signature'] as const) {
        const c = back.keys[usage].certificate;
        assert.ok(c && c.equals(certs[usage]), `${usage} certificate kept`);
        assert.ok(parseCertificate(c).spki.equals(w.keys[usage].spki));
      }
      assert.deepEqual(
        back.caCertificates.map((c) => c.toString('hex')).sort(),
        chain.map((c) => c.toString('hex')).sort(),
      );
    } finally {
      await node.close();
    }
  });
});
