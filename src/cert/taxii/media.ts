/**
 * TAXII 2.1 media types (§1.6.8): the Accept and Content-Type checks and the error resource
 * (§3.6.1), answered with `application/taxii+json;version=2.1`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CertError } from '../errors.js';

/** The TAXII media type every endpoint answers with. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
/** The STIX media type of the objects a collection holds. */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** Parses one media range (`type/subtype; a=b; q=0.5`). */
function parseRange(range: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = range.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0)
      params[p.slice(0, i).trim().toLowerCase()] = p
        .slice(i + 1)
        .trim()
        .replace(/^"|"$/g, '');
  }
  return { type: type.trim().toLowerCase(), params };
}

/** True when a media range names TAXII 2.1 (the version parameter absent means the latest). */
function isTaxii21(range: string): boolean {
  const { type, params } = parseRange(range);
  if (type !== 'application/taxii+json') return false;
  if (params['q'] !== undefined && !(Number(params['q']) > 0)) return false;
  return params['version'] === undefined || params['version'] === '2.1';
}

/** Throws TAXII_NOT_ACCEPTABLE (406) unless Accept admits TAXII 2.1. */
export function requireAccept(req: FastifyRequest): void {
  const accept = req.headers.accept;
  if (!accept || !accept.split(',').some(isTaxii21))
    throw new CertError(
      'TAXII_NOT_ACCEPTABLE',
      `Accept must include ${TAXII_MEDIA_TYPE} (got ${accept ?? 'none'})`,
    );
}

/** Throws TAXII_UNSUPPORTED_MEDIA_TYPE (415) unless the body is TAXII 2.1. */
export function requireContentType(req: FastifyRequest): void {
  const type = req.headers['content-type'];
  if (!type || !isTaxii21(type))
    throw new CertError(
      'TAXII_UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be ${TAXII_MEDIA_TYPE} (got ${type ?? 'none'})`,
    );
}

/** Sends a TAXII resource. */
export function sendTaxii(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  // A Buffer: Fastify sends the media type exactly as given (no charset parameter added).
  return reply
    .status(status)
    .header('content-type', TAXII_MEDIA_TYPE)
    .send(Buffer.from(JSON.stringify(body)));
}

/** The TAXII error resource of an HTTP status and a trustbridge code. */
export function errorResource(
  status: number,
  code: string,
  title: string,
  description: string,
): Record<string, unknown> {
  return { title, description, error_code: code, http_status: String(status) };
}
