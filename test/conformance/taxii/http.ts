/**
 * The HTTP side of the TAXII 2.1 conformance suite: one request helper over the global fetch,
 * and the shape checks every response is held to (media type, error resource, TAXII timestamps,
 * identifiers), each citing the clause of TAXII Version 2.1 (OASIS Standard, 10 June 2021) it
 * comes from.
 */

/** `application/taxii+json;version=2.1` (§1.6.8.2). */
export const TAXII_21 = 'application/taxii+json;version=2.1';
/** `application/stix+json;version=2.1`, the media type of STIX 2.1 objects in a collection. */
export const STIX_21 = 'application/stix+json;version=2.1';

/** A response as the checks read it. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON body, or undefined when the body is empty or not JSON. */
  json: Record<string, unknown> | undefined;
  /** What was asked (for failure messages). */
  what: string;
}

/** How to send one request. */
export interface Send {
  /** Absolute URL, or a path resolved against the discovery URL. */
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  /** `Authorization` header: omitted when null; the suite's credentials when undefined. */
  authorization?: string | null;
  /** `Accept` header: omitted when null; TAXII 2.1 when undefined. */
  accept?: string | null;
  contentType?: string;
  body?: string | Uint8Array;
}

/** A failed expectation of the suite. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

/** Throws a {@link CheckFailure} with `message` unless `ok`. */
export function expect(ok: unknown, message: string): asserts ok {
  if (!ok) throw new CheckFailure(message);
}

/** HTTP Basic credentials as an `Authorization` value (RFC 7617). */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Sends one request; never throws for an HTTP status. */
export async function send(base: string, auth: string, s: Send): Promise<Reply> {
  const url = new URL(s.url, base).toString();
  const headers: Record<string, string> = {};
  const authorization = s.authorization === undefined ? auth : s.authorization;
  if (authorization !== null) headers['authorization'] = authorization;
  const accept = s.accept === undefined ? TAXII_21 : s.accept;
  if (accept !== null) headers['accept'] = accept;
  if (s.contentType) headers['content-type'] = s.contentType;
  const method = s.method ?? 'GET';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, ...(s.body !== undefined ? { body: s.body } : {}) });
  } catch (e) {
    // E.g. a server that refuses a large body and resets the connection before the client can
    // read its answer (no lingering close, RFC 9112 §9.6).
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new CheckFailure(`${method} ${url}: no answer (${cause?.code ?? cause?.message ?? String(e)})`);
  }
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, what: `${method} ${url}` };
}

/** The media type with whitespace and case removed, for comparison. */
function normalised(type: string | null): string {
  return (type ?? '').replace(/\s+/g, '').toLowerCase();
}

/** §3.1: every TAXII response names `application/taxii+json;version=2.1` in Content-Type. */
export function expectTaxiiType(r: Reply): void {
  expect(
    normalised(r.headers.get('content-type')) === TAXII_21,
    `${r.what}: Content-Type is '${r.headers.get('content-type')}', not '${TAXII_21}' (§3.1)`,
  );
}

/** A successful response: the status, the TAXII media type and a JSON object body. */
export function expectResource(r: Reply, status = 200): Record<string, unknown> {
  expect(r.status === status, `${r.what}: HTTP ${r.status}, expected ${status}: ${r.text.slice(0, 300)}`);
  expectTaxiiType(r);
  expect(r.json !== undefined, `${r.what}: the body is not a JSON object`);
  return r.json;
}

/**
 * An error response: one of `statuses`, the TAXII media type, and an error resource (§3.6.1:
 * `title` required; `description`, `error_id`, `error_code`, `external_details` strings;
 * `http_status` a string equal to the HTTP status; `details` a dictionary).
 */
export function expectError(r: Reply, ...statuses: number[]): void {
  expect(
    statuses.includes(r.status),
    `${r.what}: HTTP ${r.status}, expected ${statuses.join(' or ')}: ${r.text.slice(0, 300)}`,
  );
  expectTaxiiType(r);
  checkErrorResource(r);
}

/** §3.6.1 on the body of an error response. */
export function checkErrorResource(r: Reply): void {
  const e = r.json;
  expect(e !== undefined, `${r.what}: the error response has no error resource body (§3.6.1)`);
  expect(
    typeof e['title'] === 'string' && e['title'] !== '',
    `${r.what}: error resource without title (§3.6.1)`,
  );
  for (const k of ['description', 'error_id', 'error_code', 'external_details'])
    expect(e[k] === undefined || typeof e[k] === 'string', `${r.what}: error ${k} is not a string (§3.6.1)`);
  expect(
    e['http_status'] === undefined || e['http_status'] === String(r.status),
    `${r.what}: error http_status ${JSON.stringify(e['http_status'])} does not match HTTP ${r.status} (§3.6.1)`,
  );
  const d = e['details'];
  expect(
    d === undefined || (typeof d === 'object' && d !== null && !Array.isArray(d)),
    `${r.what}: error details is not a dictionary (§3.6.1)`,
  );
}

/** §2 timestamp: RFC 3339, UTC with `Z`, microsecond precision (`YYYY-MM-DDTHH:MM:SS.ssssssZ`). */
export function isTaxiiTimestamp(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(v) &&
    !Number.isNaN(Date.parse(v))
  );
}

/** §2 identifier: an RFC 4122 version 4 UUID. */
export function isIdentifier(v: unknown): v is string {
  return (
    typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(v)
  );
}

/** §2 list: present lists hold at least one value (empty lists are prohibited). */
export function expectList(r: Reply, key: string, body: Record<string, unknown>): unknown[] | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  expect(Array.isArray(v), `${r.what}: ${key} is not a list (§2)`);
  expect(v.length > 0, `${r.what}: ${key} is an empty list; it must be omitted instead (§2)`);
  return v;
}

/** §2 integer ≥ 0. */
export function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
