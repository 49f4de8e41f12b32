/**
 * Which format a document is, by its first bytes, and the extractor that reads it. ASiC (ZIP),
 * PAdES (PDF), XAdES (XML), JAdES (JSON or compact JWS) and CAdES (DER or PEM CMS).
 */
import { ValidationError } from './errors.js';
import { extractCades } from '../signature/cades/extract.js';
import { extractJades } from '../signature/jades/extract.js';
import { asicExtractor } from '../signature/asic/extract.js';
import { extractXades } from '../signature/xades/extract.js';
import { extractPades } from '../signature/pades/extract.js';
import type { DocumentSource } from '../lib/document_source.js';
import type { Extractor } from '../signature/model.js';

/** The container or signature syntax of a document. */
export type DocumentFormat = 'cades' | 'jades' | 'pades' | 'xades' | 'asic';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\s*$/;

/**
 * Detects the format of a document from its first kilobyte (and, for a compact JWS, its whole
 * first line).
 *
 * @example `await detectFormat(bufferSource(readFileSync('contract.pdf'))) // 'pades'`
 */
export async function detectFormat(source: DocumentSource): Promise<DocumentFormat> {
  const head = await source.read(0, 1024);
  const text = head.toString('latin1');
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'asic';
  // A CMS SEQUENCE with a long-form length comes first: an enveloped PDF carries '%PDF-' early on.
  if (head[0] === 0x30 && (head[1] ?? 0) >= 0x80 && (head[1] ?? 0) <= 0x84) return 'cades';
  if (text.includes('%PDF-')) return 'pades';
  const trimmed = text.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (trimmed.startsWith('<')) return 'xades';
  if (trimmed.startsWith('{')) return 'jades';
  if (head[0] === 0x30 || trimmed.startsWith('-----BEGIN')) return 'cades';
  if (source.size < 16 << 20 && COMPACT_JWS.test((await source.read(0, source.size)).toString('latin1')))
    return 'jades';
  throw new ValidationError('VALIDATION_FORMAT_UNKNOWN');
}

const EXTRACTORS: Partial<Record<DocumentFormat, Extractor>> = {
  cades: extractCades,
  jades: extractJades,
  xades: extractXades,
  pades: extractPades,
  asic: asicExtractor({ cades: extractCades, xades: extractXades }),
};

/**
 * The extractor of a format.
 *
 * @throws TrustbridgeError VALIDATION_FORMAT_UNKNOWN for a format that is not read yet
 * @example `const sigs = await extractorFor('cades')(source, {})`
 */
export function extractorFor(format: DocumentFormat): Extractor {
  const e = EXTRACTORS[format];
  if (!e) throw new ValidationError('VALIDATION_FORMAT_UNKNOWN', `${format} validation is not built yet`);
  return e;
}
