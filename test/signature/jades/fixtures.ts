/**
 * Fresh P-256 certificates on the real clock, for the tests that hand JWS to python3-jwcrypto.
 */
import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { OID } from '../../../src/pki/algorithms.js';
import { encodeName, ext, signCertificate } from '../../../src/pki/certificate_builder.js';
import { buildCrl } from '../../../src/pki/crl.js';
import type { Signer } from '../../../src/pki/key_store.js';

/** A fresh key with its certificate. */
export interface FreshCertificate {
  der: Buffer;
  key: KeyObject;
  subject: Buffer;
  signer: Signer;
}

function freshSigner(key: KeyObject, spki: Buffer, id: string): Signer {
  return {
    keyId: id,
    algorithm: 'P-256',
    hash: 'sha256',
    spki,
    sign: (data) => Promise.resolve(cryptoSign('sha256', data, { key, dsaEncoding: 'der' })),
  };
}

let serial = 1;

/**
 * Issues a fresh P-256 certificate valid from an hour ago for a day (self-signed CA without issuer).
 *
 * @example
 * ```ts
 * const root = await freshCertificate('Root');
 * const leaf = await freshCertificate('Signer', root);
 * ```
 */
export async function freshCertificate(cn: string, issuer?: FreshCertificate): Promise<FreshCertificate> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const signer = freshSigner(privateKey, spki, cn);
  const subject = encodeName([{ type: OID.commonName, value: cn }]);
  const now = Date.now();
  const der = await signCertificate(
    {
      serial: Buffer.from([0x10, serial++ & 0xff, Math.floor(Math.random() * 256)]),
      issuer: issuer?.subject ?? subject,
      subject,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 86_400_000),
      spki,
      extensions: issuer
        ? [
            ext.keyUsage(['digitalSignature', 'nonRepudiation']),
            ext.subjectKeyIdentifier(spki),
            ext.authorityKeyIdentifier(issuer.signer.spki),
          ]
        : [
            ext.basicConstraints(true),
            ext.keyUsage(['keyCertSign', 'cRLSign']),
            ext.subjectKeyIdentifier(spki),
          ],
    },
    issuer?.signer ?? signer,
  );
  return { der, key: privateKey, subject, signer };
}

const run = promisify(execFile);

/** Why python3-jwcrypto cannot be used, or false. */
export const JWCRYPTO_MISSING = await run('/usr/bin/python3', ['-c', 'import jwcrypto']).then(
  () => false as const,
  () => 'python3-jwcrypto is not installed (apt-get install python3-jwcrypto)',
);

const GENERAL_JSON = `
import json, sys
from jwcrypto import jws, jwk
from jwcrypto.common import JWSEHeaderParameter
spec = json.load(sys.stdin)
registry = {'sigT': JWSEHeaderParameter('Claimed signing time', False, True, None)}
token = jws.JWS(spec['payload'].encode(), header_registry=registry)
for s in spec['signatures']:
    token.add_signature(jwk.JWK.from_pem(s['key'].encode()), None, json.dumps(s['protected']))
print(token.serialize())
`;

/**
 * A general JSON serialization made by jwcrypto, one ES256 signature per signer, each with its
 * own protected header.
 *
 * @example
 * ```ts
 * const jws = await jwcryptoGeneralJson('hello', [{ key, protected: { alg: 'ES256', x5c } }]);
 * ```
 */
export async function jwcryptoGeneralJson(
  payload: string,
  signatures: { key: KeyObject; protected: Record<string, unknown> }[],
): Promise<string> {
  const spec = JSON.stringify({
    payload,
    signatures: signatures.map((s) => ({
      key: s.key.export({ type: 'pkcs8', format: 'pem' }),
      protected: s.protected,
    })),
  });
  const child = run('/usr/bin/python3', ['-c', GENERAL_JSON]);
  child.child.stdin!.end(spec);
  return (await child).stdout.trim();
}

/**
 * An empty CRL of `ca`, issued a minute ago for a day: the revocation data of fresh signers.
 *
 * @example
 * ```ts
 * await validateDocument(source, { anchors: [root.der], crls: [await freshCrl(root)] });
 * ```
 */
export function freshCrl(ca: FreshCertificate): Promise<Buffer> {
  const now = Date.now();
  return buildCrl({
    issuerDer: ca.subject,
    issuerSpki: ca.signer.spki,
    signer: ca.signer,
    crlNumber: 1,
    thisUpdate: new Date(now - 60_000),
    nextUpdate: new Date(now + 86_400_000),
    entries: [],
  });
}

const VERIFY_WITH = `
import sys
from jwcrypto import jws, jwk
from jwcrypto.common import JWSEHeaderParameter
registry = {'sigT': JWSEHeaderParameter('Claimed signing time', False, True, None)}
token = jws.JWS(header_registry=registry)
token.deserialize(sys.stdin.read())
token.verify(jwk.JWK.from_pem(sys.argv[1].encode()))
print('OK', len(token.objects.get('signatures', [token.objects])))
`;

/**
 * jwcrypto's verdict on a JWS with one public key: `OK <number of signatures>` when a signature
 * made with it verifies; rejects otherwise.
 *
 * @example
 * ```ts
 * assert.equal(await jwcryptoVerifies(jws, alice.key), 'OK 2');
 * ```
 */
export async function jwcryptoVerifies(jws: string, key: KeyObject): Promise<string> {
  const pem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const child = run('/usr/bin/python3', ['-c', VERIFY_WITH, pem]);
  child.child.stdin!.end(jws);
  return (await child).stdout.trim();
}
