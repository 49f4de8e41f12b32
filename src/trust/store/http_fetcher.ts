/**
 * The HTTP(S) implementation of {@link TrustListFetcher} the CLI and the server pass to the trust
 * store: a timeout, a size limit enforced while reading (a hostile server cannot make us buffer
 * more), If-None-Match with the last ETag, and a check that the body is as long as announced (a
 * truncated download is a failure, not a shorter list).
 */
import type { TrustListFetcher, TrustListResponse } from './fetcher.js';
import { TrustStoreError } from './errors.js';

/** Options of {@link httpTrustListFetcher}. */
export interface HttpTrustListFetcherOptions {
  /** Milliseconds for the whole request (default 15 000). */
  timeoutMs?: number;
  /** Largest body accepted (default 16 MiB). */
  maxBytes?: number;
}

async function readBounded(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes)
    throw new TrustStoreError('TRUST_LIST_UNAVAILABLE', `the list is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += (chunk as Uint8Array).length;
    if (size > maxBytes)
      throw new TrustStoreError('TRUST_LIST_UNAVAILABLE', `the list is larger than ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  const body = Buffer.concat(chunks);
  const encoded = res.headers.get('content-encoding');
  if (!encoded && Number.isFinite(declared) && declared !== body.length)
    throw new TrustStoreError(
      'TRUST_LIST_UNAVAILABLE',
      `truncated download: ${body.length} of ${declared} bytes`,
    );
  return body;
}

/**
 * A fetcher over the global `fetch`.
 *
 * @example
 * ```ts
 * const store = new TrustStore([{ url: lotlUrl, signers: [pinnedDer] }], { fetcher: httpTrustListFetcher() });
 * ```
 */
export function httpTrustListFetcher(options: HttpTrustListFetcherOptions = {}): TrustListFetcher {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  return {
    async fetch(url, { etag }): Promise<TrustListResponse> {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          accept: 'application/vnd.etsi.tsl+xml, application/xml;q=0.9, */*;q=0.1',
          ...(etag ? { 'if-none-match': etag } : {}),
        },
        redirect: 'follow',
      });
      const tag = res.headers.get('etag') ?? undefined;
      if (res.status !== 200) {
        await res.body?.cancel();
        return { status: res.status, ...(tag ? { etag: tag } : {}) };
      }
      return { status: 200, body: await readBounded(res, maxBytes), ...(tag ? { etag: tag } : {}) };
    },
  };
}
