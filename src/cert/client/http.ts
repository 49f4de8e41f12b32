/**
 * One request of the TAXII 2.1 client: the exact media types (§1.6.8), HTTP Basic or bearer
 * authentication, a timeout, a cap on the response size (read as a stream, so an oversize answer
 * is cut off, never held in memory), and every failure — unreachable, timed out, an error
 * resource (§3.6.1), the wrong media type, malformed JSON, too large — as a {@link CertError}
 * with a stable `TAXII_CLIENT_*` code.
 */
import { CertError } from '../errors.js';
import type { CertErrorCode } from '../errors.js';
import { jsonDepthExceeds } from '../taxii/ingest.js';
import { TAXII_MEDIA_TYPE } from '../taxii/media.js';

/** How the client authenticates to the server. */
export type TaxiiAuth =
  { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

/** Options of every client request. */
export interface TaxiiClientOptions {
  auth: TaxiiAuth;
  /** Time allowed for one request, answer included (ms; default 30 s). */
  timeoutMs?: number;
  /** Largest response body accepted (bytes; default 64 MiB). */
  maxResponseBytes?: number;
  /** Aborts every request (a sync being stopped). */
  signal?: AbortSignal;
  /** The fetch implementation (default the global one). */
  fetch?: typeof fetch;
}

/** Defaults of {@link TaxiiClientOptions}. */
export const CLIENT_DEFAULTS = { timeoutMs: 30_000, maxResponseBytes: 64 * 1024 * 1024 } as const;

/** Deepest nesting accepted in a response (an envelope adds two levels to its objects'). */
const MAX_RESPONSE_DEPTH = 100;

/** A decoded TAXII answer. */
export interface TaxiiAnswer {
  status: number;
  headers: Headers;
  /** The resource (an empty object for an empty body). */
  body: Record<string, unknown>;
}

function authorization(auth: TaxiiAuth): string {
  return auth.type === 'basic'
    ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
    : `Bearer ${auth.token}`;
}

/** True when a Content-Type names TAXII 2.1 exactly (the version parameter is required). */
export function isTaxii21Type(value: string | null): boolean {
  if (!value) return false;
  const [type = '', ...params] = value.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/taxii+json') return false;
  return params.some((p) => p.replace(/\s+/g, '').replace(/"/g, '') === 'version=2.1');
}

async function readCapped(res: Response, limit: number, url: string): Promise<Buffer> {
  const tooLarge = () => new CertError('TAXII_CLIENT_TOO_LARGE', `${url}: the answer exceeds ${limit} bytes`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

function parseResource(text: Buffer, url: string): Record<string, unknown> {
  if (text.length === 0) return {};
  if (jsonDepthExceeds(text, MAX_RESPONSE_DEPTH))
    throw new CertError(
      'TAXII_CLIENT_MALFORMED',
      `${url}: the answer nests deeper than ${MAX_RESPONSE_DEPTH}`,
    );
  let v: unknown;
  try {
    v = JSON.parse(text.toString('utf8'));
  } catch (e) {
    throw new CertError(
      'TAXII_CLIENT_MALFORMED',
      `${url}: the answer is not JSON (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new CertError('TAXII_CLIENT_MALFORMED', `${url}: the answer is not a JSON object`);
  return v as Record<string, unknown>;
}

/** The error of a non-2xx answer: the server's error resource when it sent one. */
function remoteError(status: number, headers: Headers, text: Buffer, url: string): CertError {
  const code: CertErrorCode =
    status === 401 || status === 403 ? 'TAXII_CLIENT_REFUSED' : 'TAXII_CLIENT_ERROR';
  let detail = '';
  if (isTaxii21Type(headers.get('content-type'))) {
    try {
      const r = parseResource(text, url);
      const parts = [r['error_code'], r['title'], r['description']].filter((x) => typeof x === 'string');
      detail = parts.join(': ');
    } catch {
      detail = 'an unreadable error resource';
    }
  }
  return new CertError(code, `${url}: HTTP ${status}${detail ? ` (${detail})` : ''}`);
}

function signalOf(o: TaxiiClientOptions): AbortSignal {
  const timeout = AbortSignal.timeout(o.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs);
  return o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
}

/**
 * Sends one TAXII request and decodes the answer.
 *
 * @param o - authentication, limits
 * @param method - GET, POST or DELETE
 * @param url - the full URL
 * @param body - a resource to POST (sent as `application/taxii+json;version=2.1`)
 * @throws CertError TAXII_CLIENT_* (see the module comment); `o.signal`'s reason when aborted
 * @example
 * ```ts
 * const { body } = await taxiiRequest({ auth: { type: 'bearer', token } }, 'GET', 'https://ph.example/taxii2/');
 * ```
 */
export async function taxiiRequest(
  o: TaxiiClientOptions,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<TaxiiAnswer> {
  const signal = signalOf(o);
  const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE, authorization: authorization(o.auth) };
  if (body !== undefined) headers['content-type'] = TAXII_MEDIA_TYPE;
  const limit = o.maxResponseBytes ?? CLIENT_DEFAULTS.maxResponseBytes;
  try {
    const res = await (o.fetch ?? fetch)(url, {
      method,
      headers,
      signal,
      redirect: 'error',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await readCapped(res, limit, url);
    if (res.status < 200 || res.status > 299) throw remoteError(res.status, res.headers, text, url);
    if (text.length > 0 && !isTaxii21Type(res.headers.get('content-type')))
      throw new CertError(
        'TAXII_CLIENT_MEDIA_TYPE',
        `${url}: Content-Type ${res.headers.get('content-type') ?? 'none'}, expected ${TAXII_MEDIA_TYPE}`,
      );
    return { status: res.status, headers: res.headers, body: parseResource(text, url) };
  } catch (e) {
    if (e instanceof CertError) throw e;
    if (o.signal?.aborted) throw o.signal.reason;
    if (signal.aborted)
      throw new CertError(
        'TAXII_CLIENT_TIMEOUT',
        `${url}: no answer within ${o.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs} ms`,
        {
          cause: e,
        },
      );
    const reason = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new CertError('TAXII_CLIENT_UNREACHABLE', `${url}: ${reason}`, { cause: e });
  }
}
