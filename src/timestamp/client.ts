/** RFC 3161 time-stamping client. No I/O of its own: the HTTP transport is injected. */
import { randomBytes } from 'node:crypto';
import { PkiError } from '../lib/errors.js';
import type { HashAlgorithm } from '../pki/key_store.js';
import { TimestampError } from './errors.js';
import { encodeTimeStampReq } from './request.js';
import { parseTimeStampResp } from './response.js';
import { parseTimeStampToken, verifyTimeStampToken } from './token.js';
import { digestLength } from './tsp.js';

/** Options of a time-stamp request. */
export interface TimeStampRequestOptions {
  /** Send a random 64-bit nonce (default true). */
  nonce?: boolean;
  /** Ask for the TSA certificate in the token (default true). */
  certReq?: boolean;
  /** Ask for this TSA policy. */
  policy?: string;
}

/** Options of {@link requestTimeStamp}: the request options and the TSA certificate, if known. */
export interface RequestTimeStampOptions extends TimeStampRequestOptions {
  tsaCertificate?: Buffer;
}

/** An HTTP POST: the transport `requestTimeStamp` uses (`fetch`, `app.inject`, a test double). */
export type TspTransport = (
  url: string,
  body: Buffer,
  contentType: string,
) => Promise<{ status: number; body: Buffer; contentType?: string }>;

/**
 * Builds a TimeStampReq (RFC 3161 §2.4.1) for a digest.
 *
 * @param digest - digest of the data to time-stamp
 * @param hash - its hash algorithm
 * @param options - nonce (default on), certReq (default on), policy
 * @returns the request DER and the nonce sent
 * @throws PkiError INPUT_MALFORMED when the digest length does not match the hash
 * @example
 * ```ts
 * const { der, nonce } = createTimeStampRequest(createHash('sha256').update(doc).digest(), 'sha256');
 * ```
 */
export function createTimeStampRequest(
  digest: Uint8Array,
  hash: HashAlgorithm,
  options: TimeStampRequestOptions = {},
): { der: Buffer; nonce?: bigint } {
  if (digest.length !== digestLength(hash))
    throw new PkiError(
      'INPUT_MALFORMED',
      `a ${hash} digest is ${digestLength(hash)} bytes, not ${digest.length}`,
    );
  const nonce = options.nonce === false ? undefined : BigInt(`0x${randomBytes(8).toString('hex')}`) | 1n;
  const der = encodeTimeStampReq({
    hash,
    digest,
    certReq: options.certReq ?? true,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(nonce === undefined ? {} : { nonce }),
  });
  return nonce === undefined ? { der } : { der, nonce };
}

async function post(url: string, body: Buffer, transport: TspTransport): Promise<Buffer> {
  let res: Awaited<ReturnType<TspTransport>>;
  try {
    res = await transport(url, body, 'application/timestamp-query');
  } catch (e) {
    throw new TimestampError('TSP_TRANSPORT_FAILED', `the TSA ${url} cannot be reached`, { cause: e });
  }
  if (res.status !== 200)
    throw new TimestampError('TSP_TRANSPORT_FAILED', `the TSA ${url} answered HTTP ${res.status}`);
  if (res.contentType !== undefined && !/^application\/timestamp-(reply|response)\b/i.test(res.contentType))
    throw new TimestampError('TSP_RESPONSE_MALFORMED', `the TSA answered ${res.contentType}`);
  return res.body;
}

function mismatch(what: string): never {
  throw new TimestampError(
    'TSP_RESPONSE_MISMATCH',
    `the time-stamp token does not answer the request: ${what}`,
  );
}

/**
 * Obtains a time-stamp token from a TSA over HTTP (RFC 3161 §3.4): posts a request, checks that the
 * status is granted, that the token echoes the nonce, the message imprint and the policy asked for,
 * carries the TSA certificate when asked, and verifies (signature, ESSCertIDv2, critical
 * timeStamping EKU) with the TSA certificate given or carried.
 *
 * @param url - the TSA URL
 * @param digest - digest of the data to time-stamp
 * @param hash - its hash algorithm
 * @param transport - performs the HTTP POST
 * @param options - request options, and the TSA certificate if known
 * @returns the TimeStampToken DER
 * @throws TimestampError 'TSP_TRANSPORT_FAILED', responseMalformed, rejected, responseMismatch, tokenMalformed, …
 * @example
 * ```ts
 * const token = await requestTimeStamp('https://pki.example/tsa', digest, 'sha256', async (url, body, type) => {
 *   const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': type } });
 *   return { status: r.status, body: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type') ?? undefined };
 * });
 * ```
 */
export async function requestTimeStamp(
  url: string,
  digest: Uint8Array,
  hash: HashAlgorithm,
  transport: TspTransport,
  options: RequestTimeStampOptions = {},
): Promise<Buffer> {
  const request = createTimeStampRequest(digest, hash, options);
  const response = parseTimeStampResp(await post(url, request.der, transport));
  if (response.status > 1 || !response.token) {
    const why = [...response.failInfo, ...response.statusText].join(', ');
    throw new TimestampError(
      'TSP_REJECTED',
      `the TSA answered ${response.statusName}${why ? `: ${why}` : ''}`,
    );
  }
  const token = parseTimeStampToken(response.token);
  if (token.nonce !== request.nonce) mismatch('nonce');
  if (token.messageImprint.hash !== hash || !token.messageImprint.digest.equals(Buffer.from(digest)))
    mismatch('message imprint');
  if (options.policy !== undefined && token.policy !== options.policy) mismatch('policy');
  if ((options.certReq ?? true) && !token.tsaCertificate) mismatch('no TSA certificate');
  if (options.tsaCertificate || token.tsaCertificate)
    verifyTimeStampToken(response.token, { digest, hash, tsaCertificate: options.tsaCertificate });
  return response.token;
}
