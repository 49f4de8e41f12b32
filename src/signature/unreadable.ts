/**
 * A signature that can be recognised but not read: reported with a FORMAT_FAILURE (EN 319 102-1
 * clause 5.2.2) instead of refusing the whole document, which is for input that is no signature.
 */
import type { ExtractedSignature, SignatureFormat } from './model.js';

/**
 * A signature that fails format checking and has nothing else to check.
 *
 * @param id - the signature's identifier in the report (`S-1`, the PDF field name, ...)
 * @param format - its format
 * @param formatFailure - why it cannot be read
 * @param notFound - the integrity detail (the signed data cannot be located)
 * @example `unreadable('S-1', 'CAdES', 'the CMS SignedData is not valid DER: attribute appears twice')`
 */
export function unreadable(
  id: string,
  format: SignatureFormat,
  formatFailure: string,
  notFound = `${id}: no readable signature`,
): ExtractedSignature {
  return {
    id,
    format,
    level: 'NOT-ETSI',
    formatFailure,
    certificates: [],
    namesSigner: () => false,
    signatureAlgorithm: 'unknown',
    digestAlgorithm: 'sha256',
    checkIntegrity: () => Promise.resolve({ status: 'not-found', detail: notFound }),
    verifySignatureValue: () => Promise.resolve(false),
    timestamps: [],
    crls: [],
    ocspResponses: [],
  };
}
