/**
 * Reading `--trust SOURCE` for `trustbridge validate` (DESIGN.md): a PEM file of trust anchors, a
 * node's data directory (its `public/root.pem`), an ETSI TS 119 612 trusted list or list of
 * trusted lists, each as a file or over HTTP(S).
 *
 * A list is believed only when its signature verifies with a pinned certificate. The pin is, in
 * order: every `--trust-signer PEM` given (file or URL), else the publisher's certificate next to
 * the list (`lotl-signer.pem` beside a LOTL, as `trustbridge hub` writes it in `HUB/public/`, or
 * `tl-signer.pem` beside a national TL, as a node writes it in `DIR/public/`). The second form
 * trusts whoever controls that directory or web server, exactly as far as the list itself: use
 * `--trust-signer` with a certificate obtained out of band for a real pin.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TrustbridgeError, UsageError } from '../lib/errors.js';
import { ValidationError } from '../validation/errors.js';
import { fromPemAll } from '../lib/pem.js';
import { parseCertificate } from '../x509/certificate_info.js';
import type { TrustListFetcher } from '../trust/store/fetcher.js';
import { httpTrustListFetcher } from '../trust/store/http_fetcher.js';
import { TrustStoreError } from '../trust/store/errors.js';
import { TrustStore } from '../trust/store/trust_store.js';
import type { TrustRoot } from '../trust/store/trust_store.js';
import { checkAndRecordSequences, trustStatePath } from './trust_state.js';

const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
const IS_URL = /^https?:\/\//i;
const IS_LIST = /<(\w+:)?TrustServiceStatusList\b/;

function invalid(source: string, why: string): never {
  throw new ValidationError('VALIDATION_TRUST_SOURCE_INVALID', `trust source ${source}: ${why}`);
}

function certificatesIn(source: string, bytes: Buffer): Buffer[] {
  const pems = fromPemAll(bytes.toString('latin1'), 'CERTIFICATE');
  const ders = pems.length > 0 ? pems : bytes[0] === 0x30 ? [bytes] : [];
  if (ders.length === 0) invalid(source, 'no certificate (PEM or DER) found');
  for (const der of ders) {
    try {
      parseCertificate(der);
    } catch (e) {
      invalid(source, `not a certificate: ${(e as Error).message}`);
    }
  }
  return ders;
}

/** A source that cannot be downloaded is unavailable (the network or the server), not invalid. */
function unavailable(url: string, why: string, cause?: unknown): never {
  throw new TrustStoreError('TRUST_LIST_UNAVAILABLE', `trust source ${url}: ${why}`, { cause });
}

/**
 * The download limits: 15 s and 16 MiB, which `TRUSTBRIDGE_TRUST_TIMEOUT_MS` and
 * `TRUSTBRIDGE_TRUST_MAX_BYTES` may lower (never raise the size limit).
 */
export function downloadLimits(env: NodeJS.ProcessEnv = process.env): {
  timeoutMs: number;
  maxBytes: number;
} {
  const read = (name: string, fallback: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1 || n > max)
      throw new UsageError('USAGE_INVALID_ARGUMENT', `${name} must be an integer from 1 to ${max}`);
    return n;
  };
  return {
    timeoutMs: read('TRUSTBRIDGE_TRUST_TIMEOUT_MS', 15_000, 600_000),
    maxBytes: read('TRUSTBRIDGE_TRUST_MAX_BYTES', MAX_SOURCE_BYTES, MAX_SOURCE_BYTES),
  };
}

/** The HTTP(S) fetcher of every download: the limits enforced while reading, not after. */
function boundedFetcher(): TrustListFetcher {
  const http = httpTrustListFetcher(downloadLimits());
  return {
    async fetch(url, options) {
      try {
        return await http.fetch(url, options);
      } catch (e) {
        if (e instanceof TrustbridgeError) throw e;
        const err = e as Error & { cause?: Error };
        const why =
          err.name === 'TimeoutError'
            ? `no complete answer within ${downloadLimits().timeoutMs} ms`
            : `download failed: ${err.cause?.message ?? err.message}`;
        return unavailable(url, why, e);
      }
    },
  };
}

async function download(url: string): Promise<Buffer> {
  let res;
  try {
    res = await boundedFetcher().fetch(url, {});
  } catch (e) {
    if (e instanceof TrustStoreError && !e.message.includes(url))
      unavailable(url, e.message.slice(e.message.indexOf(': ') + 2), e);
    throw e;
  }
  if (res.status !== 200 || !res.body) unavailable(url, `HTTP ${res.status}`);
  return res.body;
}

function readLocal(source: string): Buffer {
  if (!existsSync(source)) invalid(source, 'no such file or directory');
  if (statSync(source).isDirectory()) {
    const root = join(source, 'public', 'root.pem');
    if (!existsSync(root)) invalid(source, 'a directory, but not a node data directory (no public/root.pem)');
    return readFileSync(root);
  }
  if (statSync(source).size > MAX_SOURCE_BYTES) invalid(source, 'larger than 16 MiB');
  return readFileSync(source);
}

function readSource(source: string): Promise<Buffer> {
  return IS_URL.test(source) ? download(source) : Promise.resolve(readLocal(source));
}

/**
 * The trust anchors of one PEM / DER / node-directory `--trust` source.
 *
 * @param source - file, node directory or http(s) URL
 * @returns the anchor certificates (DER)
 * @throws TrustbridgeError VALIDATION_TRUST_SOURCE_INVALID (a trusted list is read by {@link loadTrust})
 * @example `const anchors = await loadTrustAnchors('ph/public/root.pem')`
 */
export async function loadTrustAnchors(source: string): Promise<Buffer[]> {
  const bytes = await readSource(source);
  if (IS_LIST.test(bytes.subarray(0, 4096).toString('latin1')))
    invalid(source, 'a trusted list: give it to loadTrust, which verifies its signature');
  return certificatesIn(source, bytes);
}

/** The certificate published next to a list: `lotl-signer.pem` beside a LOTL, `tl-signer.pem` beside a TL. */
function siblingSigner(source: string, bytes: Buffer): string {
  // The list's own TSLType is the first one in the document (SchemeInformation comes first).
  const own = /<(?:\w+:)?TSLType>([^<]*)</.exec(bytes.toString('latin1'))?.[1] ?? '';
  const name = /listofthelists\s*$/.test(own) ? 'lotl-signer.pem' : 'tl-signer.pem';
  return IS_URL.test(source) ? new URL(name, source).toString() : join(dirname(source), name);
}

/** The CLI's fetcher: the bytes already read for the roots, then HTTP(S) URLs or local files. */
function cliFetcher(preloaded: Map<string, Buffer>): TrustListFetcher {
  const http = boundedFetcher();
  return {
    async fetch(url, options) {
      const first = preloaded.get(url);
      if (first) {
        preloaded.delete(url);
        return { status: 200, body: first };
      }
      if (IS_URL.test(url)) return http.fetch(url, options);
      return { status: 200, body: readLocal(url) };
    },
  };
}

/** What the `--trust` sources give the validator. */
export interface LoadedTrust {
  anchors: Buffer[];
  store?: TrustStore;
}

/** Options of {@link loadTrust}. */
export interface LoadTrustOptions {
  /** `--trust-signer` sources: the certificates pinned for every list given. */
  signers?: readonly string[];
  /** `--trust-stale`: what to do with a list past its NextUpdate (default `warn`). */
  stalePolicy?: 'warn' | 'refuse';
  /** Where the last accepted sequence numbers are kept (default {@link trustStatePath}). */
  stateFile?: string;
}

async function pinsFor(source: string, bytes: Buffer, explicit: Buffer[]): Promise<Buffer[]> {
  if (explicit.length > 0) return explicit;
  const sibling = siblingSigner(source, bytes);
  try {
    return certificatesIn(sibling, await readSource(sibling));
  } catch (e) {
    return invalid(
      source,
      `no pinned signer for this list: give --trust-signer PEM (${sibling}: ${(e as Error).message})`,
    );
  }
}

/**
 * Reads every `--trust` source: PEM anchors as before, and trusted lists / LOTLs into one trust
 * store, loaded (with every list's signature checked) before it is returned.
 *
 * @param sources - the `--trust` values
 * @param options - pins and staleness policy
 * @throws TrustbridgeError VALIDATION_TRUST_SOURCE_INVALID when a source cannot be read, has no
 *   pin, or its own list is refused (the member lists' problems go into the reports' warnings);
 *   TRUST_LIST_UNAVAILABLE when a source URL cannot be downloaded (unreachable, too slow, too
 *   large); TRUST_LIST_ROLLBACK when a list is older than one accepted before (trust_state.ts)
 * @example
 * ```ts
 * const { anchors, store } = await loadTrust(['http://127.0.0.1:9000/lotl.xml'], { signers: ['hub/public/lotl-signer.pem'] });
 * ```
 */
export async function loadTrust(
  sources: readonly string[],
  options: LoadTrustOptions = {},
): Promise<LoadedTrust> {
  const explicit = (
    await Promise.all((options.signers ?? []).map(async (s) => certificatesIn(s, await readSource(s))))
  ).flat();
  const anchors: Buffer[] = [];
  const roots: TrustRoot[] = [];
  const preloaded = new Map<string, Buffer>();
  for (const source of sources) {
    const bytes = await readSource(source);
    if (!IS_LIST.test(bytes.subarray(0, 4096).toString('latin1'))) {
      anchors.push(...certificatesIn(source, bytes));
      continue;
    }
    roots.push({ url: source, signers: await pinsFor(source, bytes, explicit) });
    preloaded.set(source, bytes);
  }
  if (roots.length === 0) return { anchors };
  const store = new TrustStore(roots, {
    fetcher: cliFetcher(preloaded),
    stalePolicy: options.stalePolicy ?? 'warn',
  });
  const lists = await store.refresh();
  for (const l of lists.filter((x) => x.role === 'root' && x.problem && x.sequenceNumber === undefined))
    invalid(l.url, `${l.problem!.code}: ${l.problem!.message}`);
  checkAndRecordSequences(lists, options.stateFile ?? trustStatePath());
  return { anchors, store };
}
