/**
 * The server certificate of the TLS client-certificate login listener when the operator gives
 * none: a fresh P-256 key made in memory at start (never written anywhere) and a self-signed
 * certificate for the listener's host, valid for 30 days. Browsers warn about it, as about any
 * self-signed certificate: it is for test set-ups; a production node is given its own
 * certificate (`node serve --tls-login-cert/--tls-login-key`).
 */
import { createHash, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { isIP } from 'node:net';
import { seq, tlv } from '../lib/der.js';
import { toPem } from '../lib/pem.js';
import { OID } from '../pki/algorithms.js';
import { encodeName, ext, randomSerial, signCertificate } from '../pki/certificate_builder.js';
import type { Signer } from '../pki/key_store.js';

/** A server certificate and its key, PEM, in memory. */
export interface TlsServerIdentity {
  cert: string;
  key: string;
  /** SHA-256 of the certificate DER, hex with colons (what browsers show). */
  fingerprint: string;
}

const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** subjectAltName with one dNSName [2] or iPAddress [7] (RFC 5280 §4.2.1.6). */
function subjectAltName(host: string): { oid: string; critical: boolean; value: Buffer } {
  const v = isIP(host);
  const name =
    v === 4
      ? tlv(0x87, Buffer.from(host.split('.').map(Number)))
      : v === 6
        ? tlv(0x87, ipv6Bytes(host))
        : tlv(0x82, Buffer.from(host, 'latin1'));
  return { oid: OID_SUBJECT_ALT_NAME, critical: false, value: seq(name) };
}

function ipv6Bytes(host: string): Buffer {
  const [head = '', tail = ''] = host.split('::');
  const h = head ? head.split(':') : [];
  const t = host.includes('::') && tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

/**
 * Makes an in-memory self-signed TLS server identity for `host`.
 *
 * @param host - the listener's host name or IP address
 * @param now - start of validity
 * @example
 * ```ts
 * const id = await selfSignedTlsIdentity('127.0.0.1', new Date());
 * https.createServer({ cert: id.cert, key: id.key });
 * ```
 */
export async function selfSignedTlsIdentity(host: string, now: Date): Promise<TlsServerIdentity> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const signer: Signer = {
    keyId: 'tls-login-ephemeral',
    algorithm: 'P-256',
    hash: 'sha256',
    spki,
    sign: (data) => Promise.resolve(cryptoSign('sha256', data, privateKey)),
  };
  const name = encodeName([{ type: OID.commonName, value: host }]);
  const der = await signCertificate(
    {
      serial: randomSerial(),
      issuer: name,
      subject: name,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 30 * 86_400_000),
      spki,
      extensions: [
        ext.basicConstraints(false),
        ext.keyUsage(['digitalSignature']),
        ext.extKeyUsage([OID_SERVER_AUTH]),
        ext.subjectKeyIdentifier(spki),
        subjectAltName(host),
      ],
    },
    signer,
  );
  const fingerprint = createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { cert: toPem(der, 'CERTIFICATE'), key, fingerprint };
}
