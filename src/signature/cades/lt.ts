/**
 * CAdES baseline B-LT (ETSI EN 319 122-1 §6.4): a B-T with the certificates and revocation data
 * needed to validate it later embedded in SignedData.certificates and SignedData.crls (OCSP
 * responses as RFC 5940 RevocationInfoChoice `other`, CRLs as plain CertificateLists).
 */
import { parseCertificate } from '../../x509/certificate_info.js';
import { parseSignedData } from '../../pki/cms_signed_data.js';
import { SignatureError } from '../errors.js';
import { fetchRevocation, isSelfIssued } from './collect_validation_data.js';
import type { ValidationDataParams } from './collect_validation_data.js';
import { CADES_OID } from './oids.js';
import { editSignedData, ocspRevocationInfoChoice } from './signed_data_editor.js';

/** Inputs of {@link extendToLt}. */
export interface CadesLtParams extends ValidationDataParams {
  /** The signer's issuer chain (DER), issuing CA first, up to and including the root. */
  chain: Buffer[];
}

/** The revocation data gathered for one certificate. */
interface Gathered {
  revocationInfoChoices: Buffer[];
}

/** The issuer of `der` among `candidates` (by name), if any. */
function issuerIn(der: Buffer, candidates: Buffer[]): Buffer | undefined {
  const issuerName = parseCertificate(der).issuerDer;
  return candidates.find((c) => parseCertificate(c).subjectDer.equals(issuerName));
}

/** OCSP when the certificate names a responder, else the CRL when the fetcher can get CRLs. */
async function revocationOf(cert: Buffer, issuer: Buffer, p: CadesLtParams, ca: boolean): Promise<Buffer[]> {
  const got = await fetchRevocation(cert, issuer, p, ca);
  // RFC 5940 §3: an OCSP response goes into SignedData.crls as RevocationInfoChoice `other`.
  if (got?.kind === 'ocsp') return [ocspRevocationInfoChoice(got.der)];
  if (got) return [got.der];
  if (!ca)
    throw new SignatureError(
      'REV_OCSP_RESPONSE_INVALID',
      'the signer certificate names no OCSP responder (and no CRL could be fetched)',
    );
  return [];
}

/** `leaf` and its issuers found in `chain` by name, up to a self-issued certificate. */
function pathOf(leaf: Buffer, chain: Buffer[]): Buffer[] {
  const path = [leaf];
  while (path.length <= chain.length && !isSelfIssued(path[path.length - 1]!)) {
    const next = issuerIn(path[path.length - 1]!, chain);
    if (!next) break;
    path.push(next);
  }
  return path;
}

/** Revocation data for every non-root certificate of `path` (each issued by the next). */
async function gatherPath(path: Buffer[], p: CadesLtParams, ca: boolean, out: Gathered): Promise<void> {
  for (let i = 0; i + 1 < path.length; i++) {
    if (isSelfIssued(path[i]!)) break;
    out.revocationInfoChoices.push(...(await revocationOf(path[i]!, path[i + 1]!, p, ca || i > 0)));
  }
}

function signerCertificateOf(
  certificates: Buffer[],
  issuerDer: Buffer | undefined,
  serial: string | undefined,
): Buffer {
  const found = certificates.find((c) => {
    const info = parseCertificate(c);
    return issuerDer?.equals(info.issuerDer) && info.serial === serial;
  });
  if (!found)
    throw new SignatureError('PKI_CMS_MALFORMED', 'the SignedData does not carry the signer certificate');
  return found;
}

/**
 * Extends a CAdES B-T to B-LT (EN 319 122-1 §6.4): fetches an OCSP response for the signer
 * certificate (and for each CA in `chain` that names an OCSP responder; otherwise that CA's CRL
 * when the fetcher has `crl`), checks each (good, signed by the issuer or its delegated
 * responder, current), and adds to the SignedData the chain certificates (root included), the
 * certificates of each signature time-stamp token (TSA and its chain, with revocation data for
 * the TSA certificate when its issuer is in `chain`), the OCSP responses as RevocationInfoChoice
 * `other` (id-ri-ocsp-response) and the CRLs. The signed bytes are not touched.
 *
 * @param cms - a CAdES B-T (ContentInfo DER)
 * @param p - the issuer chain up to the root, the fetcher, time, CertID hash, nonce
 * @returns the CAdES B-LT
 * @throws SignatureError USAGE_INVALID_ARGUMENT for input without a signature time-stamp,
 *   PATH_REVOCATION_UNKNOWN when no usable revocation data is obtained, PATH_REVOKED /
 *   PATH_CA_REVOKED for a revoked certificate; PkiError PKI_CMS_MALFORMED for input that is not CMS
 * @example
 * ```ts
 * const lt = await extendToLt(bt, { chain: [eidCaDer, rootDer], fetcher: httpRevocationFetcher() });
 * ```
 */
export async function extendToLt(cms: Uint8Array, p: CadesLtParams): Promise<Buffer> {
  const sd = parseSignedData(cms);
  const si = sd.signerInfos[0];
  if (!si) throw new SignatureError('PKI_CMS_MALFORMED', 'the SignedData has no SignerInfo');
  const tokens = si.unsignedAttributes.get(CADES_OID.signatureTimeStampToken) ?? [];
  if (tokens.length === 0)
    throw new SignatureError(
      'USAGE_INVALID_ARGUMENT',
      'CAdES B-LT builds on B-T: add a signature time-stamp first',
    );
  if (p.chain.length === 0) throw new SignatureError('USAGE_INVALID_ARGUMENT', 'B-LT needs the issuer chain');
  const signer = signerCertificateOf(sd.certificates, si.sidIssuerDer, si.sidSerial);
  const out: Gathered = { revocationInfoChoices: [] };
  await gatherPath(pathOf(signer, p.chain), p, false, out);
  const tsaCertificates: Buffer[] = [];
  for (const token of tokens) {
    const tsd = parseSignedData(token);
    tsaCertificates.push(...tsd.certificates);
    const tsaSigner = tsd.signerInfos[0];
    const tsaCert =
      tsaSigner &&
      tsd.certificates.find((c) => {
        const info = parseCertificate(c);
        return tsaSigner.sidIssuerDer?.equals(info.issuerDer) && info.serial === tsaSigner.sidSerial;
      });
    const issuer = tsaCert && issuerIn(tsaCert, [...p.chain, ...tsd.certificates]);
    if (tsaCert && issuer && !isSelfIssued(tsaCert))
      out.revocationInfoChoices.push(...(await revocationOf(tsaCert, issuer, p, true)));
  }
  return editSignedData(cms, {
    certificates: [...p.chain, ...tsaCertificates],
    revocationInfoChoices: out.revocationInfoChoices,
  });
}
