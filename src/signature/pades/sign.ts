/**
 * PAdES baseline signatures (ETSI EN 319 142-1 §6): B-B and B-T in one incremental update, B-LT
 * adds a DSS in a second one, B-LTA a document time-stamp in a third. The CMS is a detached CAdES
 * over the ByteRange (SubFilter ETSI.CAdES.detached, §5.1) with signing-certificate-v2 and no
 * signing-time attribute: the claimed time is the dictionary's /M (§6.3, Table 1).
 */
import { buildSignedData, CMS_OID, signingCertificateV2Attribute } from '../../pki/cms_signed_data.js';
import type { Signer } from '../../pki/key_store.js';
import { addSignatureTimeStamp } from '../cades/sign.js';
import type { TsaEndpoint } from '../cades/sign.js';
import { SignatureError } from '../errors.js';
import type { RevocationFetcher } from '../revocation_fetcher.js';
import { addDocumentTimeStamp } from './doc_timestamp.js';
import { addPadesValidationData } from './dss.js';
import { appendSignatureRevision, pdfDate } from './placeholder.js';
import { PdfString } from '../../lib/pdf/objects.js';
import { serialize } from '../../lib/pdf/writer.js';

/** The PAdES baseline levels (EN 319 142-1 §6). */
export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** Inputs of {@link signPades} (as `CadesSignParams` and `CadesLtParams`). */
export interface PadesSignParams {
  /** The PDF to sign (it may already be signed: a new revision is appended). */
  pdf: Buffer;
  /** The citizen's signature key. */
  signer: Signer;
  /** Its certificate (DER). */
  signerCertificate: Buffer;
  /** The CA certificates above it (DER), issuing CA first, up to the root. */
  chain: Buffer[];
  /** The claimed signing time, written as /M (seconds precision). */
  signingTime: Date;
  level: PadesLevel;
  /** The TSA, for B-T and above (also the document time-stamp of B-LTA). */
  tsa?: TsaEndpoint;
  /** Where OCSP responses and CRLs come from, for B-LT and B-LTA. */
  fetcher?: RevocationFetcher;
  /** The time the revocation data must be current at (default now). */
  revocationAt?: Date;
  /** /Reason and /Location of the signature dictionary. */
  reason?: string;
  location?: string;
}

function checkParams(p: PadesSignParams): void {
  if (!['B-B', 'B-T', 'B-LT', 'B-LTA'].includes(p.level))
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `PAdES has no level ${p.level}`);
  if (p.level !== 'B-B' && !p.tsa)
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `PAdES ${p.level} needs a time-stamping authority`);
  if ((p.level === 'B-LT' || p.level === 'B-LTA') && !p.fetcher)
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `PAdES ${p.level} needs a revocation fetcher`);
  if (Number.isNaN(p.signingTime.getTime()))
    throw new SignatureError('INTERNAL', 'the signing time is not a valid date');
}

function text(s: string): string {
  return serialize(new PdfString(Buffer.from(s, 'latin1')));
}

/** The signature dictionary entries of EN 319 142-1 §5.3 / Table 1. */
function sigEntries(p: PadesSignParams): string {
  return [
    '/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached',
    `/M ${text(pdfDate(p.signingTime))}`,
    p.reason === undefined ? '' : `/Reason ${text(p.reason)}`,
    p.location === undefined ? '' : `/Location ${text(p.location)}`,
  ]
    .filter(Boolean)
    .join(' ');
}

function capacityFor(p: PadesSignParams): number {
  const certs = [p.signerCertificate, ...p.chain].reduce((n, c) => n + c.length, 0);
  // B-T adds a time-stamp token (TSTInfo, the TSA's signature and certificates).
  return certs + 2048 + (p.level === 'B-B' ? 0 : 6144);
}

/**
 * Signs a PDF as PAdES (ETSI EN 319 142-1 baseline): appends a signature field with a detached
 * CAdES over the ByteRange (signing-certificate-v2, the signer's certificate and chain embedded,
 * no signing-time), and for B-T its signature time-stamp; B-LT then appends a DSS with the chain,
 * OCSP responses and CRLs (VRI keyed by the SHA-1 of /Contents); B-LTA then appends a document
 * time-stamp. Earlier revisions and signatures are untouched.
 *
 * @param p - the PDF, key, certificates, signing time, level, TSA and revocation fetcher
 * @returns the signed PDF
 * @throws SignatureError USAGE_INVALID_ARGUMENT for a level the inputs cannot reach; PdfError
 *   PDF_MALFORMED / PDF_UNSUPPORTED for PDFs that cannot be updated (encrypted ones);
 *   TimestampError TSP_*, SignatureError REV_* / PATH_* from the TSA and revocation fetching
 * @example
 * ```ts
 * const signed = await signPades({
 *   pdf, signer: keyObjectSigner(wallet.keys.signature.privateKey),
 *   signerCertificate: wallet.keys.signature.certificate!, chain: wallet.caCertificates,
 *   signingTime: new Date(), level: 'B-LT', tsa: { url, transport }, fetcher: httpRevocationFetcher(),
 * });
 * ```
 */
export async function signPades(p: PadesSignParams): Promise<Buffer> {
  checkParams(p);
  const hash = p.signer.hash;
  const written = await appendSignatureRevision(p.pdf, {
    entries: sigEntries(p),
    capacity: capacityFor(p),
    hash,
    produce: async (digest) => {
      const bb = await buildSignedData({
        eContentType: CMS_OID.data,
        contentDigest: digest,
        signer: p.signer,
        signerCertificate: p.signerCertificate,
        certificates: [p.signerCertificate, ...p.chain],
        signedAttributes: [signingCertificateV2Attribute(p.signerCertificate, hash)],
        digestAlgorithm: hash,
      });
      return p.level === 'B-B' ? bb : addSignatureTimeStamp(bb, p.tsa!, hash);
    },
  });
  if (p.level === 'B-B' || p.level === 'B-T') return written.bytes;
  const lt = await addPadesValidationData(written.bytes, {
    chain: p.chain,
    fetcher: p.fetcher!,
    ...(p.revocationAt ? { at: p.revocationAt } : {}),
    signature: written.contents,
  });
  return p.level === 'B-LT' ? lt : addDocumentTimeStamp(lt, p.tsa!);
}
