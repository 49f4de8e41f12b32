/**
 * A reader of `multipart/form-data` bodies (RFC 7578) already held in memory: the web forms post
 * one file and a few short fields, within a body limit the caller enforces before this runs.
 */
import { UsageError } from './errors.js';

/** One part of a form: its field name, the file name and type when it is a file, its bytes. */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

const MAX_PARTS = 16;
const MAX_HEADER_BYTES = 2048;

function malformed(why: string): never {
  throw new UsageError('INPUT_MALFORMED', `multipart body: ${why}`);
}

/**
 * The boundary of a `multipart/form-data` content type (RFC 2046 clause 5.1.1: 1 to 70 characters).
 *
 * @throws UsageError INPUT_MALFORMED when the type is not multipart/form-data or has no boundary
 * @example
 * ```ts
 * multipartBoundary('multipart/form-data; boundary=xyz'); // 'xyz'
 * ```
 */
export function multipartBoundary(contentType: string | undefined): string {
  const m = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(
    contentType ?? '',
  );
  if (!m) malformed('no multipart/form-data boundary');
  return (m[1] ?? m[2])!;
}

function headerParam(header: string, param: string): string | undefined {
  const m = new RegExp(`;\\s*${param}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  if (m) return m[1]!.replace(/\\(.)/g, '$1');
  const bare = new RegExp(`;\\s*${param}=([^;\\s]+)`, 'i').exec(header);
  return bare?.[1];
}

function parsePart(raw: Buffer): FormPart {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0 || end > MAX_HEADER_BYTES) malformed('a part has no header block');
  const headers = raw.subarray(0, end).toString('utf8').split('\r\n');
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of headers) {
    const colon = line.indexOf(':');
    if (colon < 0) malformed('a part header has no colon');
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') disposition = value;
    else if (key === 'content-type') contentType = value;
  }
  if (!disposition || !/^form-data\b/i.test(disposition)) malformed('a part is not form-data');
  const name = headerParam(disposition, 'name');
  if (name === undefined) malformed('a part has no name');
  const filename = headerParam(disposition, 'filename');
  return {
    name,
    ...(filename !== undefined ? { filename } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
    data: raw.subarray(end + 4),
  };
}

/**
 * Splits a `multipart/form-data` body into its parts (at most 16).
 *
 * @param body - the whole body
 * @param boundary - from {@link multipartBoundary}
 * @throws UsageError INPUT_MALFORMED for a body that is not well formed
 * @example
 * ```ts
 * const parts = parseMultipart(body, multipartBoundary(req.headers['content-type']));
 * const file = parts.find((p) => p.name === 'document');
 * ```
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  if (at < 0) malformed('no boundary in the body');
  const parts: FormPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') return parts;
    if (body.subarray(at, at + 2).toString('latin1') !== '\r\n') malformed('a boundary line is malformed');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), at);
    if (next < 0) malformed('the body has no closing boundary');
    if (parts.length === MAX_PARTS) malformed(`more than ${MAX_PARTS} parts`);
    parts.push(parsePart(body.subarray(at + 2, next)));
    at = next + 2;
  }
}
