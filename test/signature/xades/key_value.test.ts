/**
 * XMLDSig signed with a key only (ds:KeyValue, no certificate), made by xmlsec1 with fresh keys:
 * the signature value is verified with the KeyValue key and the missing certificate reported
 * (INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND); a tampered one is TOTAL-FAILED. xmlsec1 --verify
 * agrees on both.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bufferSource } from '../../../src/lib/document_source.js';
import { validateDocument } from '../../../src/validation/validate_document.js';
import type { SignatureReport } from '../../../src/validation/report.js';
import { missingTools, run, tempDir } from '../../fixtures/cli.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const DSIG11 = 'http://www.w3.org/2009/xmldsig11#';
const METHOD = {
  rsa: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ec: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
};

function template(kind: 'rsa' | 'ec', keyInfo: string): string {
  return (
    `<?xml version="1.0"?>\n<order xmlns="urn:order"><item>one bicycle</item><price>120</price>` +
    `<ds:Signature xmlns:ds="${DS}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
    `<ds:SignatureMethod Algorithm="${METHOD[kind]}"/><ds:Reference URI=""><ds:Transforms>` +
    `<ds:Transform Algorithm="${DS}enveloped-signature"/>` +
    `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>` +
    `</ds:SignedInfo><ds:SignatureValue/>${keyInfo}</ds:Signature></order>`
  );
}

/** xmldsig11 §4.5.2.3 ECKeyValue of a P-256 key (xmlsec1 1.2 cannot write one: added after signing, outside SignedInfo). */
function ecKeyValue(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url'),
  ]).toString('base64');
  return (
    `<ds:KeyInfo><ds:KeyValue><dsig11:ECKeyValue xmlns:dsig11="${DSIG11}">` +
    `<dsig11:NamedCurve URI="urn:oid:1.2.840.10045.3.1.7"/><dsig11:PublicKey>${point}</dsig11:PublicKey>` +
    `</dsig11:ECKeyValue></ds:KeyValue></ds:KeyInfo>`
  );
}

interface Signed {
  xml: string;
  publicKey: KeyObject;
}

const skip = missingTools('xmlsec1');
let dir: { path: string; remove(): void };
before(() => {
  dir = tempDir('tb-keyvalue-');
});
after(() => dir?.remove());

async function xmlsecSign(kind: 'rsa' | 'ec'): Promise<Signed> {
  const { privateKey, publicKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p = (n: string): string => join(dir.path, `${kind}-${n}`);
  writeFileSync(p('key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(p('t.xml'), template(kind, kind === 'rsa' ? '<ds:KeyInfo><ds:KeyValue/></ds:KeyInfo>' : ''));
  const r = await run('xmlsec1', [
    '--sign',
    '--privkey-pem',
    p('key.pem'),
    '--output',
    p('s.xml'),
    p('t.xml'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const xml = readFileSync(p('s.xml'), 'utf8');
  return {
    xml: kind === 'rsa' ? xml : xml.replace('</ds:Signature>', `${ecKeyValue(publicKey)}</ds:Signature>`),
    publicKey,
  };
}

/** xmlsec1 --verify: with the KeyValue for RSA, with the public key for EC (1.2 does not read ECKeyValue). */
async function xmlsecVerifies(kind: 'rsa' | 'ec', s: Signed, xml: string): Promise<boolean> {
  const name = join(dir.path, `${kind}-verify.xml`);
  writeFileSync(name, xml);
  const pub = join(dir.path, `${kind}-pub.pem`);
  writeFileSync(pub, s.publicKey.export({ type: 'spki', format: 'pem' }));
  const r = await run('xmlsec1', ['--verify', ...(kind === 'ec' ? ['--pubkey-pem', pub] : []), name]);
  return r.code === 0;
}

async function reportOf(xml: string): Promise<SignatureReport> {
  const report = await validateDocument(bufferSource(Buffer.from(xml)), { anchors: [] });
  assert.equal(report.summary.total, 1);
  return report.signatures[0]!;
}

for (const kind of ['rsa', 'ec'] as const)
  describe(`XMLDSig with a ${kind.toUpperCase()} KeyValue only, made by xmlsec1`, { skip }, () => {
    let s: Signed;
    before(async () => {
      s = await xmlsecSign(kind);
    });

    it('is verified with the KeyValue key and reported without a signing certificate', async () => {
      assert.match(s.xml, kind === 'rsa' ? /<ds:RSAKeyValue>/ : /<dsig11:ECKeyValue/);
      assert.doesNotMatch(s.xml, /X509Certificate/);
      const r = await reportOf(s.xml);
      assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND']);
      const crypto = r.checks.find((c) => c.name === 'CRYPTOGRAPHIC_VERIFICATION');
      assert.equal(crypto?.indication, 'PASSED');
      assert.match(crypto?.detail ?? '', /KeyValue/);
      assert.match(r.checks.at(-1)?.detail ?? '', /intact/);
      assert.equal(await xmlsecVerifies(kind, s, s.xml), true);
    });

    it('a changed document is TOTAL-FAILED / HASH_FAILURE, and xmlsec1 refuses it', async () => {
      const xml = s.xml.replace('<price>120</price>', '<price>12</price>');
      const r = await reportOf(xml);
      assert.deepEqual([r.indication, r.subIndication], ['TOTAL-FAILED', 'HASH_FAILURE']);
      assert.equal(await xmlsecVerifies(kind, s, xml), false);
    });

    it('a changed SignedInfo is TOTAL-FAILED / SIG_CRYPTO_FAILURE, and xmlsec1 refuses it', async () => {
      // The digest is still right, but the signed SignedInfo is not: exc-c14n keeps the Id attribute.
      const xml = s.xml.replace('<ds:SignedInfo>', '<ds:SignedInfo Id="changed">');
      const r = await reportOf(xml);
      assert.deepEqual([r.indication, r.subIndication], ['TOTAL-FAILED', 'SIG_CRYPTO_FAILURE']);
      assert.match(r.checks.at(-1)?.detail ?? '', /KeyValue/);
      assert.equal(await xmlsecVerifies(kind, s, xml), false);
    });
  });
