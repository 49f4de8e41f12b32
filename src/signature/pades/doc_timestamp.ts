/**
 * PAdES document time-stamps (ETSI EN 319 142-1 §5.4.3, ISO 32000-2 §12.8.5): a signature field
 * whose dictionary has /Type /DocTimeStamp and /SubFilter /ETSI.RFC3161, and whose /Contents is
 * an RFC 3161 TimeStampToken over the digest of the ByteRange. Appended after the DSS it makes
 * B-LTA (§6.5).
 */
import { requestTimeStamp } from '../../timestamp/client.js';
import type { HashAlgorithm } from '../../pki/key_store.js';
import type { TsaEndpoint } from '../cades/sign.js';
import { appendSignatureRevision } from './placeholder.js';

/** Room reserved for a token: the TSTInfo, the TSA's signature and its certificates. */
const TOKEN_CAPACITY = 8192;

/**
 * Appends a document time-stamp from `tsa` as a new incremental update.
 *
 * @param pdf - the document (usually a PAdES B-LT)
 * @param tsa - the time-stamping authority
 * @param hash - the message imprint hash (default SHA-256)
 * @returns the time-stamped document
 * @throws TimestampError TSP_* when the TSA fails; PdfError for unreadable PDFs
 * @example `const lta = await addDocumentTimeStamp(lt, { url: 'http://127.0.0.1:8080/tsa', transport })`
 */
export async function addDocumentTimeStamp(
  pdf: Buffer,
  tsa: TsaEndpoint,
  hash: HashAlgorithm = 'sha256',
): Promise<Buffer> {
  const written = await appendSignatureRevision(pdf, {
    entries: '/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161',
    capacity: TOKEN_CAPACITY + (tsa.certificate?.length ?? 0),
    hash,
    produce: (digest) =>
      requestTimeStamp(
        tsa.url,
        digest,
        hash,
        tsa.transport,
        tsa.certificate ? { tsaCertificate: tsa.certificate } : {},
      ),
  });
  return written.bytes;
}
