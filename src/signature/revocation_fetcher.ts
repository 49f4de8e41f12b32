/**
 * Fetching revocation data for the long-term signature levels (EN 319 122-1 B-LT): OCSP
 * responses (RFC 6960 over HTTP, RFC 5019 §5) and CRLs, through an injected fetcher so the core
 * does no I/O; and the check that an OCSP response really vouches for a certificate.
 */
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { Lru } from '../lib/lru.js';
import { nodeX509, nodeX509Key } from '../lib/node_x509.js';
import type { KeyObject, X509Certificate } from 'node:crypto';
import { OID, hashForEcdsaOid } from '../pki/algorithms.js';
import { certIdMatches } from '../pki/ocsp.js';
import { parseCertificate } from '../x509/certificate_info.js';
import { parseOcspResponse } from '../pki/ocsp_response_parser.js';
import type { ParsedOcspAnswer, ParsedOcspResponse } from '../pki/ocsp_response_parser.js';
import * as DER from '../lib/der.js';
import { SignatureError } from './errors.js';

/** Where revocation data comes from: HTTP in the CLI, an in-process responder in tests. */
export interface RevocationFetcher {
  /** POSTs an OCSPRequest DER to `url` and returns the OCSPResponse DER. */
  ocsp(url: string, requestDer: Buffer): Promise<Buffer>;
  /** GETs the CRL (DER) published at `url`; without it no CRL is fetched. */
  crl?(url: string): Promise<Buffer>;
}

/** Options of {@link httpRevocationFetcher}. */
export interface HttpFetcherOptions {
  /** Milliseconds before a request is abandoned (default 10 000). */
  timeoutMs?: number;
  /** Largest answer accepted, in bytes (default 1 MiB). */
  maxBytes?: number;
}

async function readLimited(r: Response, url: string, maxBytes: number): Promise<Buffer> {
  const length = Number(r.headers.get('content-length') ?? '0');
  if (length > maxBytes)
    throw new SignatureError('INPUT_TOO_LARGE', `${url} answers more than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of r.body ?? []) {
    total += (chunk as Uint8Array).length;
    if (total > maxBytes)
      throw new SignatureError('INPUT_TOO_LARGE', `${url} answers more than ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

async function httpCall(url: string, init: RequestInit, o: Required<HttpFetcherOptions>): Promise<Buffer> {
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(o.timeoutMs) });
    if (r.status !== 200)
      throw new SignatureError('REV_TRANSPORT_FAILED', `${url} answered HTTP ${r.status}`);
    return await readLimited(r, url, o.maxBytes);
  } catch (e) {
    if (e instanceof SignatureError) throw e;
    throw new SignatureError('REV_TRANSPORT_FAILED', `${url} cannot be reached: ${(e as Error).message}`);
  }
}

/**
 * A {@link RevocationFetcher} over HTTP with the global `fetch`: OCSP as a POST of
 * `application/ocsp-request` (RFC 6960 Appendix A), CRLs as a GET.
 *
 * @param options - timeout (10 s) and size limit (1 MiB)
 * @returns the fetcher
 * @example
 * ```ts
 * const lt = await extendToLt(bt, { chain, fetcher: httpRevocationFetcher() });
 * ```
 */
export function httpRevocationFetcher(options: HttpFetcherOptions = {}): RevocationFetcher {
  const o = { timeoutMs: options.timeoutMs ?? 10_000, maxBytes: options.maxBytes ?? 1024 * 1024 };
  return {
    ocsp: (url, requestDer) =>
      httpCall(
        url,
        { method: 'POST', body: requestDer, headers: { 'content-type': 'application/ocsp-request' } },
        o,
      ),
    crl: (url) => httpCall(url, { method: 'GET' }, o),
  };
}

/** What {@link checkOcspResponse} checks the response against. */
export interface OcspCheckParams {
  /** The certificate asked about. */
  certificate: Buffer;
  /** Its issuer. */
  issuer: Buffer;
  /** The time the answer must be fresh at (default now). */
  at?: Date;
  /** The nonce sent (OCTET STRING value), which the response must echo. */
  nonce?: Buffer;
  /** The certificate is a CA certificate (a revoked one is PATH_CA_REVOKED). */
  ca?: boolean;
}

const RSA_HASHES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const SKEW_MS = 5 * 60_000;

function invalid(message: string): never {
  throw new SignatureError('REV_OCSP_RESPONSE_INVALID', message);
}

function signedBy(r: ParsedOcspResponse, key: KeyObject): boolean {
  const hash = hashForEcdsaOid(r.signatureAlgorithm ?? '') ?? RSA_HASHES[r.signatureAlgorithm ?? ''];
  if (!hash) return invalid(`unsupported OCSP signature algorithm ${r.signatureAlgorithm}`);
  try {
    return cryptoVerify(hash, r.tbsResponseData!, key, r.signature!);
  } catch {
    return false;
  }
}

function validAt(c: X509Certificate, at: Date): boolean {
  return Date.parse(c.validFrom) <= at.getTime() + SKEW_MS && at.getTime() <= Date.parse(c.validTo);
}

/** Responder certificates already found issued by their issuer with id-kp-OCSPSigning. */
const DELEGATIONS = new Lru<string, true>(256);

function digestKey(...ders: Buffer[]): string {
  const h = createHash('sha256');
  for (const d of ders) h.update(d);
  return h.digest('base64');
}

/**
 * Certificates of OCSP responders and their issuers: the same few for every answer of a day, so
 * each is parsed and its key imported once (node_x509.ts, keyed by the SHA-256 of the DER).
 */
function x509Of(der: Buffer): X509Certificate {
  return nodeX509(der);
}

function checkDelegation(c: X509Certificate, der: Buffer, issuerDer: Buffer): void {
  const key = digestKey(issuerDer, der);
  if (DELEGATIONS.get(key)) return;
  const issuer = x509Of(issuerDer);
  if (!c.checkIssued(issuer) || !c.verify(nodeX509Key(issuerDer)))
    invalid('the OCSP responder certificate is not issued by the certificate issuer');
  if (!(c.keyUsage ?? []).includes(OID.kpOcspSigning))
    invalid('the OCSP responder certificate lacks the OCSPSigning extended key usage');
  DELEGATIONS.set(key, true);
}

/**
 * RFC 6960 §4.2.2.2: the issuer itself, or a certificate it issued for id-kp-OCSPSigning. A
 * response carrying certificates is tried with them first (a delegated responder), so that the
 * usual case costs one signature verification.
 */
function checkResponder(r: ParsedOcspResponse, issuerDer: Buffer, at: Date): void {
  for (const der of r.certificates) {
    if (der.equals(issuerDer)) continue;
    const c = x509Of(der);
    if (!signedBy(r, nodeX509Key(der))) continue;
    checkDelegation(c, der, issuerDer);
    if (!validAt(c, at)) invalid('the OCSP responder certificate is not valid now');
    return;
  }
  if (signedBy(r, nodeX509Key(issuerDer))) return;
  invalid('the OCSP response signature does not verify with the issuer or a responder certificate');
}

function checkFreshness(a: ParsedOcspAnswer, at: Date): void {
  if (a.thisUpdate.getTime() > at.getTime() + SKEW_MS) invalid('the OCSP answer is from the future');
  if (a.nextUpdate && a.nextUpdate.getTime() < at.getTime()) invalid('the OCSP answer is stale');
}

/**
 * Checks that an OCSPResponse vouches for a certificate (RFC 6960 §3.2): it is successful, has an
 * answer naming the certificate's serial and issuer, signed by the issuer or by a delegated
 * responder certificate (in `certs`) the issuer issued with id-kp-OCSPSigning, current at `at`,
 * echoing the nonce, and saying good.
 *
 * @param der - the OCSPResponse DER
 * @param p - certificate, issuer, time, nonce sent
 * @returns the parsed response and the answer for the certificate
 * @throws SignatureError PATH_REVOCATION_UNKNOWN for an unusable response, PATH_REVOKED /
 *   PATH_CA_REVOKED for a revoked certificate; PkiError INPUT_MALFORMED for one that does not parse
 * @example
 * ```ts
 * const { answer } = checkOcspResponse(der, { certificate: citizenDer, issuer: eidCaDer });
 * ```
 */
export function checkOcspResponse(
  der: Uint8Array,
  p: OcspCheckParams,
): { response: ParsedOcspResponse; answer: ParsedOcspAnswer } {
  return checkParsedOcspResponse(parseOcspResponse(der), p);
}

/**
 * {@link checkOcspResponse} of a response already parsed with `parseOcspResponse` (a validator
 * reads it first to find the answer it reports).
 *
 * @param response - the parsed OCSPResponse
 * @param p - certificate, issuer, time, nonce sent
 * @returns the response and the answer for the certificate
 * @throws as {@link checkOcspResponse}, parsing aside
 * @example `checkParsedOcspResponse(parseOcspResponse(der), { certificate, issuer })`
 */
export function checkParsedOcspResponse(
  response: ParsedOcspResponse,
  p: OcspCheckParams,
): { response: ParsedOcspResponse; answer: ParsedOcspAnswer } {
  if (response.status !== 'successful') invalid(`the OCSP responder answered ${response.status}`);
  const cert = parseCertificate(p.certificate);
  const issuer = parseCertificate(p.issuer);
  if (!cert.issuerDer.equals(issuer.subjectDer)) invalid('the issuer given did not issue the certificate');
  const answer = response.answers.find(
    (a) => a.serial === cert.serial && certIdMatches(a.certId, issuer.subjectDer, issuer.spki),
  );
  if (!answer) return invalid(`the OCSP response does not answer for serial ${cert.serial}`);
  const at = p.at ?? new Date();
  checkResponder(response, p.issuer, at);
  checkFreshness(answer, at);
  if (p.nonce && !response.nonce?.equals(DER.octets(p.nonce)))
    invalid('the OCSP response does not echo the nonce');
  if (answer.status.status === 'revoked')
    throw new SignatureError(
      p.ca ? 'PATH_CA_REVOKED' : 'PATH_REVOKED',
      `certificate ${cert.serial} was revoked at ${answer.status.revokedAt.toISOString()}`,
    );
  if (answer.status.status !== 'good') invalid(`the OCSP responder does not know certificate ${cert.serial}`);
  return { response, answer };
}
