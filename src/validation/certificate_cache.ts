/**
 * Memoised per-certificate work of the validation: the public key object and the
 * report's view. Keyed by the certificate's SHA-256 (`decodeCertificate` computes it once per
 * buffer), bounded, so validating the same chains again costs no re-parsing or key import.
 */
import type { KeyObject } from 'node:crypto';
import { Lru } from '../lib/lru.js';
import { nodeX509Key } from '../lib/node_x509.js';
import { certificateInfo } from './certificate_report.js';
import { decodeCertificate } from './x509_decode.js';
import type { CertificateInfo } from './report.js';

const KEYS = new Lru<string, KeyObject | null>(4096);
const INFOS = new Lru<string, CertificateInfo>(4096);

function fingerprintOf(der: Buffer): string | undefined {
  try {
    return decodeCertificate(der).fingerprint;
  } catch {
    return undefined;
  }
}

/**
 * The public key of a certificate (DER), or undefined when it cannot be read.
 *
 * @example `const key = certificateKey(signerDer)`
 */
export function certificateKey(der: Buffer): KeyObject | undefined {
  const fp = fingerprintOf(der);
  const compute = (): KeyObject | null => {
    try {
      return nodeX509Key(der);
    } catch {
      return null;
    }
  };
  return (fp === undefined ? compute() : KEYS.getOrSet(fp, compute)) ?? undefined;
}

/**
 * {@link certificateInfo}, remembered per certificate.
 *
 * @example `cachedCertificateInfo(der).subject`
 */
export function cachedCertificateInfo(der: Buffer): CertificateInfo {
  const fp = fingerprintOf(der);
  return fp === undefined ? certificateInfo(der) : INFOS.getOrSet(fp, () => certificateInfo(der));
}
