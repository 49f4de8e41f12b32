/**
 * `cert sync`: pulls a remote CERT's collection incrementally. Manifest first (every version,
 * from the remote's `added_after` high-water mark), then only the object versions the local
 * mirror lacks (compared by id and version), each validated (STIX 2.1 schemas and rules) and
 * checked against the remote's TLP ceiling; each manifest page's objects are stored with the new
 * position (`next` cursor, high-water mark) in one transaction, so an interrupted sync resumes
 * where it stopped and fetches each object once. One sync of a remote runs at a time (a lease in
 * the store, sync_store.ts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store/database.js';
import { TaxiiClient } from './client/client.js';
import type { ManifestRecord, Page } from './client/client.js';
import type { TaxiiClientOptions } from './client/http.js';
import { CertError } from './errors.js';
import { versionOf } from './object_store.js';
import { findRemote, remoteAuth, remoteRows } from './remotes.js';
import { storedTime } from './schema.js';
import type { CertRemoteTable } from './schema.js';
import { validateStixObject } from './stix/validate.js';
import { heldVersions, releaseLease, storePage, takeLease } from './sync_store.js';
import type { SyncedObject } from './sync_store.js';
import { mayShare, tlpOf } from './tlp.js';
import type { TlpClearance } from './tlp.js';

/** Options of {@link syncRemote}. */
export interface SyncOptions extends Omit<TaxiiClientOptions, 'auth'> {
  /** The node's remote-secret key (remote_secrets.ts). */
  key: Buffer;
  clock: () => Date;
  /** Manifest page size asked of the remote (default 500; the server may serve fewer). */
  pageSize?: number;
  /** Lease term, renewed at every page (ms; default 2 minutes). */
  leaseMs?: number;
  /** Called after each stored page with the manifest records handled so far and whether more follow. */
  onPage?: (progress: { records: number; more: boolean; pageSize: number }) => void;
}

/** What a sync did (printed by `cert sync`). */
export interface SyncResult {
  remote: string;
  /** Objects downloaded. */
  fetched: number;
  /** New object versions stored. */
  stored: number;
  /** Manifest records already held, and objects above the remote's TLP ceiling. */
  skipped: number;
  /** Objects that failed validation, or that the manifest listed and the objects did not return. */
  failed: number;
  durationMs: number;
}

/** Object versions asked for in one objects request (the server takes 100 `match[…]` values). */
const FETCH_CHUNK = 50;

const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

interface Tally {
  fetched: number;
  stored: number;
  skipped: number;
  failed: number;
}

/** The manifest records of a page the mirror lacks, by `id|version` (stored form). */
async function lacking(store: Store, remote: CertRemoteTable, page: Page<ManifestRecord>, t: Tally) {
  const held = await heldVersions(
    store,
    remote.collection_id,
    page.items.map((r) => r.id),
  );
  const heldIds = new Set([...held].map((k) => k.slice(0, k.lastIndexOf('|'))));
  const wanted = new Map<string, string>();
  for (const r of page.items) {
    const v = storedTime(r.version);
    if (!v) {
      t.failed++;
      continue;
    }
    const k = `${r.id}|${v}`;
    if (held.has(k) || wanted.has(k)) t.skipped++;
    else wanted.set(k, v);
  }
  return { wanted, heldIds };
}

/**
 * The objects requests of the wanted versions. `match[id]` × `match[version]` selects every
 * listed version of every listed id, so new ids share requests (their versions are all wanted)
 * while new versions of ids already held go in requests of one version each: their older
 * versions are never downloaded again.
 */
function requestsOf(wanted: Map<string, string>, heldIds: Set<string>): string[][] {
  const fresh: string[] = [];
  const byVersion = new Map<string, string[]>();
  for (const [k, v] of wanted) {
    const id = k.slice(0, k.lastIndexOf('|'));
    if (!heldIds.has(id)) fresh.push(k);
    else byVersion.set(v, [...(byVersion.get(v) ?? []), k]);
  }
  const out: string[][] = [];
  for (const keys of [fresh, ...byVersion.values()])
    for (let i = 0; i < keys.length; i += FETCH_CHUNK) out.push(keys.slice(i, i + FETCH_CHUNK));
  return out;
}

/** Fetches the wanted versions and keeps the valid ones under the remote's TLP ceiling. */
async function fetchWanted(
  client: TaxiiClient,
  collectionId: string,
  want: { wanted: Map<string, string>; heldIds: Set<string> },
  tlpMax: TlpClearance,
  t: Tally,
): Promise<SyncedObject[]> {
  const { wanted } = want;
  const out: SyncedObject[] = [];
  for (const chunk of requestsOf(wanted, want.heldIds)) {
    const ids = [...new Set(chunk.map((k) => k.slice(0, k.lastIndexOf('|'))))];
    const versions = [...new Set(chunk.map((k) => wanted.get(k)!))];
    const objects = await client.allObjects(collectionId, { ids, versions, limit: 1000 });
    const open = new Set(chunk);
    for (const o of objects) {
      const id = o['id'] as string;
      const own = versionOf(o);
      // Objects without created/modified (cyber-observables) carry the server's version only in the manifest.
      const key =
        own !== undefined ? `${id}|${own}` : chunk.find((k) => open.has(k) && k.startsWith(`${id}|`));
      if (key === undefined || !open.has(key)) continue;
      open.delete(key);
      t.fetched++;
      if (!validateStixObject(o).valid) t.failed++;
      else if (!mayShare(tlpOf(o), tlpMax)) t.skipped++;
      else out.push({ object: o, version: wanted.get(key)! });
    }
    t.failed += open.size;
  }
  return out;
}

function laterOf(a: string | null, records: readonly ManifestRecord[]): string | null {
  let hw = a;
  for (const r of records) {
    const t = storedTime(r.date_added);
    if (t && (hw === null || t > hw)) hw = t;
  }
  return hw;
}

/**
 * Syncs one remote (by name or id) into its mirror collection.
 *
 * @throws CertError CERT_REMOTE_UNKNOWN, CERT_SYNC_BUSY, TAXII_CLIENT_* (the position of the
 * pages already stored is kept); the abort reason of `options.signal`
 * @example
 * ```ts
 * const r = await syncRemote(node.store, 'VN CERT', { key: remoteSecretKey(dir), clock: node.clock });
 * console.log(r.stored);
 * ```
 */
export async function syncRemote(store: Store, nameOrId: string, options: SyncOptions): Promise<SyncResult> {
  const started = Date.now();
  const remote = await findRemote(store, nameOrId);
  const leaseMs = options.leaseMs ?? 120_000;
  await takeLease(store, remote.id, holder, options.clock(), leaseMs);
  const t: Tally = { fetched: 0, stored: 0, skipped: 0, failed: 0 };
  try {
    const { key: _key, clock: _clock, pageSize: _size, leaseMs: _lease, onPage: _onPage, ...http } = options;
    const client = new TaxiiClient(remote.api_root_url, { ...http, auth: remoteAuth(remote, options.key) });
    const collection = await client.collection(remote.collection);
    const limit = options.pageSize ?? 500;
    let addedAfter = remote.next_cursor ? remote.added_after : remote.high_water;
    let next = remote.next_cursor ?? undefined;
    let highWater = remote.high_water;
    let records = 0;
    for (let restarted = false; ;) {
      let page: Page<ManifestRecord>;
      try {
        page = await client.manifest(collection.id, {
          limit,
          versions: ['all'],
          ...(addedAfter ? { addedAfter } : {}),
          ...(next ? { next } : {}),
        });
      } catch (e) {
        // A cursor the server no longer honours: start the pass again (held versions are skipped).
        if (!next || restarted || !(e instanceof CertError) || e.code !== 'TAXII_CLIENT_ERROR') throw e;
        restarted = true;
        next = undefined;
        continue;
      }
      const objects = await fetchWanted(
        client,
        collection.id,
        await lacking(store, remote, page, t),
        remote.tlp_max as TlpClearance,
        t,
      );
      const before = highWater;
      highWater = laterOf(highWater, page.items);
      // A server may page by date instead of `next` (TAXII 2.1 §3.4.1: `more` without `next`):
      // the next page starts after the last date added seen, for as long as it moves.
      const byDate = page.more && page.next === undefined && highWater !== null && highWater !== before;
      const more = page.more && (page.next !== undefined || byDate);
      const now = options.clock();
      t.stored += await storePage(
        store,
        remote,
        objects,
        more && !byDate
          ? { addedAfter: addedAfter ?? null, next: page.next!, highWater }
          : more
            ? { addedAfter: null, next: null, highWater }
            : { addedAfter: null, next: null, highWater, finishedAt: now.toISOString() },
        now,
      );
      records += page.items.length;
      options.onPage?.({ records, more, pageSize: limit });
      if (!more) break;
      if (byDate) {
        addedAfter = highWater;
        next = undefined;
      } else next = page.next;
      await takeLease(store, remote.id, holder, options.clock(), leaseMs);
    }
  } finally {
    await releaseLease(store, remote.id, holder);
  }
  return { remote: remote.name, ...t, durationMs: Date.now() - started };
}

/**
 * Syncs every remote in turn; a remote another process is syncing is left out, a failing one is
 * reported with its code and the others still run.
 *
 * @example
 * ```ts
 * const results = await syncAll(node.store, { key, clock: node.clock });
 * ```
 */
export async function syncAll(
  store: Store,
  options: SyncOptions,
): Promise<(SyncResult | { remote: string; error: string; message: string })[]> {
  const out: (SyncResult | { remote: string; error: string; message: string })[] = [];
  for (const r of await remoteRows(store)) {
    try {
      out.push(await syncRemote(store, r.id, options));
    } catch (e) {
      if (options.signal?.aborted) throw e;
      if (!(e instanceof CertError)) throw e;
      out.push({ remote: r.name, error: e.code, message: e.message });
    }
  }
  return out;
}
