/** How certificates and paths appear in the validation report. */
import { createHash } from 'node:crypto';
import { parseCertificate } from '../x509/certificate_info.js';
import { nameToString } from '../x509/name_string.js';
import type { Certificate } from '../x509/certificate.js';
import { cachedCertificateInfo } from './certificate_cache.js';
import type { CertificateInfo, ChainEntry, RevocationEvidence } from './report.js';

/**
 * The report's view of a certificate (DER).
 *
 * @param der - the certificate
 * @example `certificateInfo(signerDer).subject`
 */
export function certificateInfo(der: Buffer): CertificateInfo {
  const c = parseCertificate(der);
  return {
    subject: c.subject,
    issuer: nameToString(c.issuerDer),
    serialNumber: c.serial,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: createHash('sha256').update(der).digest('hex'),
    der: der.toString('base64'),
  };
}

/**
 * A validated path with the revocation evidence found for each certificate (the anchor's is
 * `not-checked`: its trust comes from the trust source, not from revocation data).
 *
 * @param path - target first, anchor last
 * @param evidence - by certificate fingerprint
 * @example `chainEntries(result.path, new Map())`
 */
export function chainEntries(
  path: readonly Certificate[],
  evidence: ReadonlyMap<string, RevocationEvidence>,
): ChainEntry[] {
  return path.map((c, i) => ({
    ...cachedCertificateInfo(c.der),
    trustAnchor: i === path.length - 1,
    revocation: evidence.get(c.fingerprint) ?? { status: 'not-checked' },
  }));
}
