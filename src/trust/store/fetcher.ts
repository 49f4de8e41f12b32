/**
 * How the trust store gets lists: an interface the caller implements (HTTP in the CLI and the
 * server, a map in tests and benchmarks), so the store itself does no I/O. Conditional requests
 * (RFC 9110 §13.1.2 If-None-Match, RFC 9111 validators) let an unchanged list cost a 304.
 */

/** What a fetch returned. */
export interface TrustListResponse {
  /** HTTP status (200 with a body, 304 when `etag` still matches, anything else a failure). */
  status: number;
  body?: Buffer;
  /** The entity tag of the body, if the server gave one. */
  etag?: string;
}

/** Fetches one list. Throwing (network error, timeout, size limit) means "unavailable". */
export interface TrustListFetcher {
  fetch(url: string, options: { etag?: string }): Promise<TrustListResponse>;
}

/** Where the store keeps accepted lists across restarts (optional; a directory in the server). */
export interface TrustListCache {
  load(url: string): Promise<{ body: Buffer; etag?: string } | undefined>;
  save(url: string, entry: { body: Buffer; etag?: string }): Promise<void>;
}

/**
 * A fetcher answering from a map of URL to bytes (tests, benchmarks, offline bundles). The ETag is
 * the bytes' length and a cheap checksum, so a changed entry is a new version.
 *
 * @example
 * ```ts
 * const f = mapFetcher(new Map([['https://hub.example/lotl.xml', lotlBytes]]));
 * ```
 */
export function mapFetcher(lists: ReadonlyMap<string, Buffer>): TrustListFetcher {
  const tagOf = (b: Buffer): string => {
    let h = 0;
    for (let i = 0; i < b.length; i += 97) h = (h * 31 + b[i]!) | 0;
    return `"${b.length.toString(16)}-${(h >>> 0).toString(16)}"`;
  };
  return {
    fetch(url, options) {
      const body = lists.get(url);
      if (!body) return Promise.resolve({ status: 404 });
      const etag = tagOf(body);
      if (options.etag === etag) return Promise.resolve({ status: 304, etag });
      return Promise.resolve({ status: 200, body, etag });
    },
  };
}
