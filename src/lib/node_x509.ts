/**
 * node:crypto's own parse of a certificate (OpenSSL's), once per certificate bytes. Building an
 * `X509Certificate` costs about as much as a signature verification (OpenSSL decodes the whole
 * certificate and its key), and a validation asks for the same certificate several times (the
 * x5c check, the signer's key, the OCSP responder's key), so the parse and the public key are
 * remembered, keyed by the SHA-256 of the exact DER, bounded. Internal.
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Lru } from './lru.js';

/** A parse: the certificate and its key, or why OpenSSL refused it (thrown again to each caller). */
type Parsed = { x509: X509Certificate; key?: KeyObject } | { error: unknown };

const PARSED = new Lru<string, Parsed>(4096);

function parsedOf(der: Uint8Array): Parsed {
  const digest = createHash('sha256').update(der).digest('base64');
  return PARSED.getOrSet(digest, () => {
    try {
      return { x509: new X509Certificate(der) };
    } catch (error) {
      return { error };
    }
  });
}

/**
 * `new X509Certificate(der)`, parsed once per bytes.
 *
 * @throws what `new X509Certificate(der)` throws, for bytes OpenSSL does not read as a certificate
 */
export function nodeX509(der: Uint8Array): X509Certificate {
  const p = parsedOf(der);
  if ('error' in p) throw p.error;
  return p.x509;
}

/**
 * `new X509Certificate(der).publicKey`, made once per bytes.
 *
 * @throws what `new X509Certificate(der)` throws
 */
export function nodeX509Key(der: Uint8Array): KeyObject {
  const p = parsedOf(der);
  if ('error' in p) throw p.error;
  return (p.key ??= p.x509.publicKey);
}

/** Whether OpenSSL reads `der` as a certificate (remembered per bytes). */
export function isNodeX509(der: Uint8Array): boolean {
  return !('error' in parsedOf(der));
}
