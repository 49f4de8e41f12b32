/**
 * Validation data for the long-term levels (EN 319 122-1 §5.5.1 / §6.4, TS 119 182-1 §5.3.5): the
 * certificate paths of the signer and of each time-stamping unit, and revocation data (OCSP
 * responses, CRLs) for every certificate of those paths that has none yet. Shared by CAdES B-LTA
 * and JAdES B-LT; the fetcher does the I/O.
 */
import { X509Certificate } from 'node:crypto';
import { parseCertificate } from '../../x509/certificate_info.js';
import { certIdMatches } from '../../pki/ocsp.js';
import { parseOcspResponse } from '../../pki/ocsp_response_parser.js';
import { decodeCrl } from '../../x509/crl.js';
import { signedBy } from '../../x509/signature.js';
import { SignatureError } from '../errors.js';
import { fetchRevocation, isSelfIssued } from './collect_validation_data.js';
import type { ValidationDataParams } from './collect_validation_data.js';

/** A certificate whose path needs validation data. */
export interface ValidationTarget {
  /** The end-entity certificate (signer or time-stamping unit). */
  leaf: Buffer;
  /** When no revocation data can be obtained for the leaf, fail (signer) or go on (TSA). */
  required: boolean;
  /**
   * Revocation data issued before this time does not count (the last archive time-stamp's time:
   * EN 319 122-1 §5.5.3 wants data proving the TSA certificate was good when it time-stamped).
   */
  after?: Date;
}

/** Certificates and revocation data, either embedded already or newly gathered. */
export interface ValidationData {
  certificates: Buffer[];
  ocspResponses: Buffer[];
  crls: Buffer[];
}

const MAX_PATH = 10;

/** Whether `issuer`'s key verifies `child`'s signature (names alone can collide across CAs). */
function issued(issuer: Buffer, child: Buffer): boolean {
  try {
    return new X509Certificate(child).verify(new X509Certificate(issuer).publicKey);
  } catch {
    return false;
  }
}

/** `leaf` and its issuers found in `pool` by name (and key), up to a self-issued one. */
function pathOf(leaf: Buffer, pool: Buffer[]): Buffer[] {
  const path = [leaf];
  while (path.length < MAX_PATH && !isSelfIssued(path[path.length - 1]!)) {
    const child = path[path.length - 1]!;
    const issuerName = parseCertificate(child).issuerDer;
    const next = pool.find((c) => parseCertificate(c).subjectDer.equals(issuerName) && issued(c, child));
    if (!next || path.some((p) => p.equals(next))) break;
    path.push(next);
  }
  return path;
}

function ocspCovers(der: Buffer, cert: Buffer, issuer: Buffer, after?: Date): boolean {
  try {
    const r = parseOcspResponse(der);
    const c = parseCertificate(cert);
    const i = parseCertificate(issuer);
    const answer = r.answers.find(
      (a) => a.serial === c.serial && certIdMatches(a.certId, i.subjectDer, i.spki),
    );
    const issued = r.producedAt ?? answer?.thisUpdate;
    return (
      r.status === 'successful' &&
      answer?.status.status === 'good' &&
      (!after || (issued !== undefined && issued.getTime() >= after.getTime()))
    );
  } catch {
    return false;
  }
}

function crlCovers(der: Buffer, issuer: Buffer, after?: Date): boolean {
  try {
    const crl = decodeCrl(der);
    return (
      crl.problems.length === 0 &&
      signedBy(crl, parseCertificate(issuer).spki) === 'valid' &&
      (!after || crl.thisUpdate.getTime() >= after.getTime())
    );
  } catch {
    return false;
  }
}

function covered(have: ValidationData, cert: Buffer, issuer: Buffer, after?: Date): boolean {
  return (
    have.ocspResponses.some((o) => ocspCovers(o, cert, issuer, after)) ||
    have.crls.some((c) => crlCovers(c, issuer, after))
  );
}

/** OCSP when the certificate names a responder, else its CRL; nothing when it names neither. */
async function fetchFor(
  cert: Buffer,
  issuer: Buffer,
  p: ValidationDataParams,
  ca: boolean,
  out: ValidationData,
): Promise<boolean> {
  const got = await fetchRevocation(cert, issuer, p, ca);
  if (!got) return false;
  if (got.kind === 'ocsp') out.ocspResponses.push(got.der);
  else if (!out.crls.some((c) => c.equals(got.der))) out.crls.push(got.der);
  return true;
}

function pushUnique(list: Buffer[], items: Buffer[]): void {
  for (const i of items) if (!list.some((l) => l.equals(i))) list.push(i);
}

/**
 * Gathers what is missing to validate each target later: its certificate path (built by name and
 * signature from `pool`), and revocation data for every non-root certificate of the path that
 * `have` does not already cover (a good OCSP answer for it, or a CRL signed by its issuer; issued
 * after `target.after` when given).
 *
 * @param targets - the signer and the time-stamping units
 * @param pool - certificates to build the paths from (SignedData.certificates, token certificates, x5c)
 * @param have - what the signature already embeds
 * @param p - fetcher, time, OCSP options
 * @returns only what is new: path certificates, OCSP responses (OCSPResponse DER), CRLs
 * @throws SignatureError REV_* when revocation data cannot be obtained for a required leaf or a
 *   response is unusable, PATH_REVOKED / PATH_CA_REVOKED for a revoked certificate
 * @example
 * ```ts
 * const added = await gatherValidationData([{ leaf: signerDer, required: true }], pool, have, { fetcher });
 * ```
 */
export async function gatherValidationData(
  targets: ValidationTarget[],
  pool: Buffer[],
  have: ValidationData,
  p: ValidationDataParams,
): Promise<ValidationData> {
  const added: ValidationData = { certificates: [], ocspResponses: [], crls: [] };
  for (const target of targets) {
    const path = pathOf(target.leaf, pool);
    pushUnique(added.certificates, path.slice(1));
    for (let i = 0; i + 1 < path.length; i++) {
      const [cert, issuer] = [path[i]!, path[i + 1]!];
      const all: ValidationData = {
        certificates: [],
        ocspResponses: [...have.ocspResponses, ...added.ocspResponses],
        crls: [...have.crls, ...added.crls],
      };
      if (covered(all, cert, issuer, i === 0 ? target.after : undefined)) continue;
      const got = await fetchFor(cert, issuer, p, i > 0, added);
      if (!got && i === 0 && target.required)
        throw new SignatureError(
          'REV_OCSP_RESPONSE_INVALID',
          'the signer certificate names no OCSP responder (and no CRL could be fetched)',
        );
    }
    if (path.length === 1 && !isSelfIssued(target.leaf) && target.required)
      throw new SignatureError(
        'REV_OCSP_RESPONSE_INVALID',
        'the issuer of the signer certificate is not in the signature: its revocation cannot be checked',
      );
  }
  return added;
}
