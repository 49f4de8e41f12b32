/**
 * The crypto policy (after ETSI TS 119 312) over every certificate of the chain, not only the
 * signature: P-192, RSA-1024 and RSA-768 CA keys made fresh by openssl, certificates valid around
 * the real clock, and the EN 319 102-1 result of a CAdES signature under them. EC keys with
 * explicit curve parameters are refused outright (RFC 5480 §2.1.1).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { ext } from '../../src/pki/certificate_builder.js';
import type { Extension } from '../../src/pki/certificate_builder.js';
import {
  DEFAULT_CRYPTO_POLICY,
  bufferSource,
  checkChainCrypto,
  decodeCertificate,
  renderEtsiXml,
  renderHtml,
  subIndicationFor,
  validateDocument,
  validatePath,
} from '../../src/validation/index.js';
import { fixedKey } from '../fixtures/keys.js';
import { assertPathError, cnName, handMadeCms, oid, rawCertificate, seq, tlv } from './fixtures.js';

const HOUR = 3600_000;

/** A fresh private key from openssl (PEM on stdout). */
function opensslKey(args: string[]): KeyObject {
  const r = spawnSync('openssl', args, { encoding: 'buffer' });
  assert.equal(r.status, 0, r.stderr.toString());
  return createPrivateKey(r.stdout);
}

const freshKeys = {
  p192: () => opensslKey(['ecparam', '-name', 'prime192v1', '-genkey', '-noout']),
  explicitP256: () =>
    opensslKey(['ecparam', '-name', 'prime256v1', '-param_enc', 'explicit', '-genkey', '-noout']),
  rsa: (bits: number) => opensslKey(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`]),
};

interface Made {
  der: Buffer;
  name: Buffer;
  key: KeyObject;
  spki: Buffer;
}

function spkiOf(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

function algorithmFor(key: KeyObject): Buffer {
  return key.asymmetricKeyType === 'rsa'
    ? seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)))
    : seq(oid('1.2.840.10045.4.3.2'));
}

/** A certificate for `key`, signed by `issuer` (self-signed when absent), valid around now. */
function make(cn: string, key: KeyObject, issuer?: Made, ca = true): Made {
  const now = Date.now();
  const spki = spkiOf(key);
  const signer = issuer ?? { name: cnName(cn), key, spki };
  const extensions: Extension[] = [
    ca ? ext.basicConstraints(true) : ext.keyUsage(['digitalSignature', 'nonRepudiation']),
    ...(ca ? [ext.keyUsage(['keyCertSign', 'cRLSign'])] : []),
    ext.subjectKeyIdentifier(spki),
    ...(issuer ? [ext.authorityKeyIdentifier(issuer.spki)] : []),
  ];
  const der = rawCertificate(
    {
      serial: Buffer.from([0x01, Math.floor(Math.random() * 127)]),
      algorithm: algorithmFor(signer.key),
      issuer: signer.name,
      subject: cnName(cn),
      spki,
      extensions,
      notBefore: new Date(now - HOUR),
      notAfter: new Date(now + 24 * HOUR),
    },
    (tbs) => cryptoSign('sha256', tbs, { key: signer.key, dsaEncoding: 'der' }),
  );
  return { der, name: cnName(cn), key, spki };
}

function leafUnder(ca: Made): Made {
  return make('Maria Santos', fixedKey('citizen-a-sig'), ca, false);
}

async function validateUnder(root: Made, chain: Made[], leaf: Made) {
  const cms = handMadeCms({
    content: Buffer.from('document'),
    certificate: leaf.der,
    chain: chain.map((c) => c.der),
    key: leaf.key,
    digest: 'sha256',
  });
  const report = await validateDocument(bufferSource(cms), { anchors: [root.der], time: new Date() });
  // The reports render the chain's crypto failure like any other.
  const xml = renderEtsiXml(report);
  assert.ok(xml.includes(report.signatures[0]!.subIndication ?? 'PASSED'), 'the XML report names the result');
  assert.match(renderHtml(report), /<!DOCTYPE html>/);
  return report.signatures[0]!;
}

test('a P-192 root: the path is found, the policy refuses the key since 2013 → CRYPTO_CONSTRAINTS_FAILURE_NO_POE', async () => {
  const root = make('P-192 Root', freshKeys.p192());
  const leaf = leafUnder(root);
  const { path } = validatePath({ target: leaf.der, anchors: [root.der], time: new Date() });
  const refused = checkChainCrypto(DEFAULT_CRYPTO_POLICY, path, new Date());
  assert.deepEqual(
    refused.map((f) => [f.certificateIndex, f.rule.id]),
    [[0, 'key:ec:160']],
  );
  assert.deepEqual(checkChainCrypto(DEFAULT_CRYPTO_POLICY, path, new Date('2012-06-01T00:00:00Z')), []);
  // The target's own key is the signature's business, unless asked for.
  const alone = [decodeCertificate(root.der)];
  assert.deepEqual(checkChainCrypto(DEFAULT_CRYPTO_POLICY, alone, new Date()), []);
  assert.deepEqual(
    checkChainCrypto(DEFAULT_CRYPTO_POLICY, alone, new Date(), { includeTargetKey: true }).map(
      (f) => f.rule.id,
    ),
    ['key:ec:160'],
  );
  const r = await validateUnder(root, [], leaf);
  assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE']);
  assert.match(r.policyRule ?? '', /ECDSA below 224 bits/);
  assert.ok(
    r.checks.some((c) => c.name === 'X509_CERTIFICATE_VALIDATION' && c.indication === 'INDETERMINATE'),
  );
});

test('an RSA-1024 issuing CA under a sound root → CRYPTO_CONSTRAINTS_FAILURE_NO_POE, naming the CA', async () => {
  const root = make('Sound Root', freshKeys.rsa(2048));
  const ca = make('Weak CA', freshKeys.rsa(1024), root);
  const leaf = leafUnder(ca);
  const r = await validateUnder(root, [ca], leaf);
  assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE']);
  assert.match(r.policyRule ?? '', /RSA of 1024 bits/);
  const sound = make('Sound CA', freshKeys.rsa(2048), root);
  const ok = await validateUnder(root, [sound], leafUnder(sound));
  assert.notEqual(ok.subIndication, 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE');
  assert.ok(ok.checks.some((c) => c.name === 'X509_CERTIFICATE_VALIDATION' && c.indication === 'PASSED'));
});

test('an RSA-768 root, a size the policy never allowed → CRYPTO_CONSTRAINTS_FAILURE', async () => {
  const root = make('Tiny Root', freshKeys.rsa(768));
  const r = await validateUnder(root, [], leafUnder(root));
  assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE']);
  assert.match(r.policyRule ?? '', /RSA 768-bit keys are not in the policy/);
});

test('EC keys with explicit curve parameters are refused in every position (RFC 5480 §2.1.1)', () => {
  const explicitRoot = make('Explicit Root', freshKeys.explicitP256());
  const e = assertPathError(
    () =>
      validatePath({ target: leafUnder(explicitRoot).der, anchors: [explicitRoot.der], time: new Date() }),
    'PATH_ALGORITHM_UNSUPPORTED',
    /explicit curve parameters/,
  );
  assert.equal(e.context.certificateIndex, 1);
  assert.equal(subIndicationFor(e.pathCode).subIndication, 'CERTIFICATE_CHAIN_GENERAL_FAILURE');
  const root = make('Named Root', freshKeys.rsa(2048));
  const explicitLeaf = make('Explicit Leaf', freshKeys.explicitP256(), root, false);
  assert.equal(decodeCertificate(explicitLeaf.der).subjectText, 'CN=Explicit Leaf');
  assertPathError(
    () => validatePath({ target: explicitLeaf.der, anchors: [root.der], time: new Date() }),
    'PATH_ALGORITHM_UNSUPPORTED',
  );
});
