/**
 * Fetching and checking the revocation data of one certificate for the long-term levels
 * (EN 319 122-1 §6.4 B-LT, §5.5.3 B-LTA; TS 119 182-1 §5.3.5 JAdES B-LT): an OCSP response when
 * the certificate names a responder (RFC 6960, RFC 5019 profile by default), else the CRL of its
 * distribution point (RFC 5280 §5). A fetched answer is checked before it is embedded, because a
 * B-LT that carries a revoked or stale answer cannot be validated later. The fetcher does the I/O.
 */
import { parseCertificate } from '../../x509/certificate_info.js';
import { buildOcspRequest, crlUrlOf, ocspUrlOf } from '../../pki/ocsp_request.js';
import type { OcspRequestHash } from '../../pki/ocsp_request.js';
import { decodeCrl } from '../../x509/crl.js';
import { signedBy } from '../../x509/signature.js';
import { checkOcspResponse } from '../revocation_fetcher.js';
import type { RevocationFetcher } from '../revocation_fetcher.js';
import { SignatureError } from '../errors.js';

/** How revocation data is fetched. */
export interface ValidationDataParams {
  /** Where OCSP responses and CRLs come from. */
  fetcher: RevocationFetcher;
  /** The time the fetched data must be current at (default now). */
  at?: Date;
  /** CertID hash of the OCSP requests (default sha1, RFC 5019). */
  hash?: OcspRequestHash;
  /** Send a random nonce with each OCSP request (default false: RFC 5019 pre-produced responses). */
  nonce?: boolean;
}

/** One fetched and checked answer: an OCSPResponse DER or a CertificateList DER. */
export type FetchedRevocation = { kind: 'ocsp'; der: Buffer } | { kind: 'crl'; der: Buffer };

/**
 * Whether a certificate is self-issued (RFC 5280 §3.2): the end of a path, which has no
 * revocation data of its own.
 *
 * @param der - the certificate DER
 * @example `if (isSelfIssued(rootDer)) return;`
 */
export function isSelfIssued(der: Buffer): boolean {
  const c = parseCertificate(der);
  return c.issuerDer.equals(c.subjectDer);
}

async function fetchOcsp(
  cert: Buffer,
  issuer: Buffer,
  url: string,
  p: ValidationDataParams,
  ca: boolean,
): Promise<Buffer> {
  const request = buildOcspRequest(cert, issuer, {
    hash: p.hash ?? 'sha1',
    ...(p.nonce ? { nonce: true } : {}),
  });
  const der = await p.fetcher.ocsp(url, request.der);
  checkOcspResponse(der, {
    certificate: cert,
    issuer,
    ca,
    ...(p.at ? { at: p.at } : {}),
    ...(request.nonce ? { nonce: request.nonce } : {}),
  });
  return der;
}

async function fetchCrl(
  cert: Buffer,
  issuer: Buffer,
  url: string,
  p: ValidationDataParams,
  ca: boolean,
): Promise<Buffer> {
  const der = await p.fetcher.crl!(url);
  const bad = (m: string): never => {
    throw new SignatureError('REV_OCSP_RESPONSE_INVALID', `the CRL at ${url} ${m}`);
  };
  let crl: ReturnType<typeof decodeCrl>;
  try {
    crl = decodeCrl(der);
  } catch {
    return bad('does not parse');
  }
  if (crl.problems.length) bad(`is malformed: ${crl.problems.join('; ')}`);
  if (signedBy(crl, parseCertificate(issuer).spki) !== 'valid') bad('is not signed by the issuer');
  if (crl.nextUpdate && crl.nextUpdate.getTime() < (p.at ?? new Date()).getTime()) bad('is stale');
  const serial = parseCertificate(cert).serial;
  if (crl.entries.has(serial))
    throw new SignatureError(
      ca ? 'PATH_CA_REVOKED' : 'PATH_REVOKED',
      `certificate ${serial} is on the CRL at ${url}`,
    );
  return der;
}

/**
 * Fetches the revocation data of `cert`: OCSP when the certificate names a responder (its
 * authorityInfoAccess, RFC 5280 §4.2.2.1), else the CRL of its distribution point when the
 * fetcher can get CRLs; nothing when it names neither. The answer is checked: an OCSP response
 * must be successful, good, signed by the issuer or its delegated responder and current
 * (RFC 6960 §3.2); a CRL must parse, be signed by the issuer, be current and not list `cert`.
 *
 * @param cert - the certificate (DER)
 * @param issuer - its issuer (DER)
 * @param p - fetcher, time, CertID hash, nonce
 * @param ca - whether `cert` is a CA certificate (picks PATH_CA_REVOKED over PATH_REVOKED)
 * @returns the answer, or undefined when the certificate names no source the fetcher can use
 * @throws SignatureError REV_* for an unusable answer, PATH_REVOKED / PATH_CA_REVOKED for a
 *   revoked certificate
 * @example
 * ```ts
 * const got = await fetchRevocation(signerDer, caDer, { fetcher: httpRevocationFetcher() }, false);
 * if (got?.kind === 'ocsp') ocspResponses.push(got.der);
 * ```
 */
export async function fetchRevocation(
  cert: Buffer,
  issuer: Buffer,
  p: ValidationDataParams,
  ca: boolean,
): Promise<FetchedRevocation | undefined> {
  const ocspUrl = ocspUrlOf(cert);
  if (ocspUrl) return { kind: 'ocsp', der: await fetchOcsp(cert, issuer, ocspUrl, p, ca) };
  const crlUrl = crlUrlOf(cert);
  if (crlUrl && p.fetcher.crl) return { kind: 'crl', der: await fetchCrl(cert, issuer, crlUrl, p, ca) };
  return undefined;
}
