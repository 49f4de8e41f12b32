/**
 * Whether a signature's own revocation values cover the certificate chains it needs at level LT
 * (EN 319 102-1 / the baseline profiles: "all the certificates and revocation data needed to
 * validate the signature"). The chains are built from the certificates the signature and its
 * time-stamps carry, from the signing certificate and from the signer of each signature and
 * content time-stamp, up to a self-issued certificate or the first certificate whose issuer is not
 * carried. Every certificate on the way but the self-issued ones needs a revocation value of the
 * signature: an OCSP answer naming its serial number under its issuer's name, or a CRL of its
 * issuer; a certificate with id-pkix-ocsp-nocheck needs none. Archive and document time-stamps
 * are left out, as the last of them is not covered by revocation data of the signature. This is a
 * level attribute only: it never makes a signature fail. Internal.
 */
import { createHash } from 'node:crypto';
import { decodeCertificate } from '../x509/certificate.js';
import type { Certificate } from '../x509/certificate.js';
import { decodeCrl } from '../x509/crl.js';
import type { Crl } from '../x509/crl.js';
import { parseSignedData } from '../pki/cms_signed_data.js';
import { parseOcspResponse } from '../pki/ocsp_response_parser.js';
import type { ParsedOcspAnswer } from '../pki/ocsp_response_parser.js';
import type { ExtractedSignature } from './model.js';

const OCSP_NO_CHECK = '1.3.6.1.5.5.7.48.1.5';

function tryDecode<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

function certificatesOf(list: readonly Buffer[]): Certificate[] {
  return list.map((d) => tryDecode(() => decodeCertificate(d))).filter((c): c is Certificate => !!c);
}

/** The signer certificate of a time-stamp token, found among its certificates or the pool. */
function timestampSigner(
  token: Buffer,
  pool: Certificate[],
): { signer?: Certificate; carried: Certificate[] } {
  const sd = tryDecode(() => parseSignedData(token));
  if (!sd) return { carried: [] };
  const carried = certificatesOf(sd.certificates);
  const si = sd.signerInfos[0];
  const signer = [...carried, ...pool].find((c) =>
    si?.sidKeyIdentifier
      ? c.extensions.subjectKeyIdentifier?.keyId.equals(si.sidKeyIdentifier) === true
      : si?.sidIssuerDer !== undefined &&
        c.issuer.der.equals(si.sidIssuerDer) &&
        c.serialHex === si.sidSerial,
  );
  return signer ? { signer, carried } : { carried };
}

function covered(c: Certificate, answers: readonly ParsedOcspAnswer[], crls: readonly Crl[]): boolean {
  if (c.extensions.all.some((e) => e.oid === OCSP_NO_CHECK)) return true;
  const byOcsp = answers.some(
    (a) =>
      a.serial === c.serialHex &&
      a.certId.issuerNameHash.equals(createHash(a.certId.hashAlgorithm).update(c.issuer.der).digest()),
  );
  return byOcsp || crls.some((crl) => crl.issuer.key === c.issuer.key);
}

/**
 * True when every certificate of the signing and time-stamp chains that needs revocation data has
 * some in the signature (see the module comment).
 *
 * @param sig - the extracted signature (its certificates, time-stamps, CRLs and OCSP responses)
 * @returns whether the LT requirement on revocation data holds
 * @example
 * ```ts
 * if (level === 'B-LT' && !revocationCoversChains(sig)) level = 'B-T';
 * ```
 */
export function revocationCoversChains(
  sig: Pick<ExtractedSignature, 'certificates' | 'namesSigner' | 'timestamps' | 'crls' | 'ocspResponses'>,
): boolean {
  const pool = certificatesOf(sig.certificates);
  const starts: Certificate[] = [];
  const signing = pool.find((c) => sig.namesSigner(c.der));
  if (signing) starts.push(signing);
  for (const t of sig.timestamps) {
    if (t.type !== 'signature' && t.type !== 'content') continue;
    const { signer, carried } = timestampSigner(t.token, pool);
    pool.push(...carried, ...certificatesOf(t.certificates ?? []));
    if (signer) starts.push(signer);
  }
  if (starts.length === 0) return false;
  const answers = sig.ocspResponses.flatMap((d) => tryDecode(() => parseOcspResponse(d).answers) ?? []);
  const crls = sig.crls
    .map((d) => tryDecode(() => decodeCrl(d)))
    .filter((c): c is Crl => c !== undefined && c.problems.length === 0);
  const seen = new Set<string>();
  const queue = [...starts];
  for (let c = queue.shift(); c; c = queue.shift()) {
    // A CA certificate may be a trust anchor of the verifier, where DSS's check stops: only
    // the end-entity certificates (signer, time-stamp units) are required to be covered here.
    if (seen.has(c.fingerprint) || c.selfIssued || c.extensions.basicConstraints?.ca === true) continue;
    seen.add(c.fingerprint);
    if (!covered(c, answers, crls)) return false;
    const issuer = pool.find((p) => p.subject.key === c.issuer.key);
    if (issuer) queue.push(issuer);
  }
  return true;
}
