/**
 * The trust store (ETSI TS 119 612 / TS 119 615): loads lists of trusted lists and trusted lists
 * from pinned roots, follows each LOTL pointer to its member's list with the certificates the
 * pointer pins, keeps the last good version of every list, and answers the validator's questions
 * from a {@link ServiceIndex}. No I/O of its own: a {@link TrustListFetcher} and a clock come in.
 *
 * Policy choices (documented in the README):
 * - a list past its NextUpdate is reported in every report that uses it; `stalePolicy: 'warn'`
 *   (the default) keeps using it, `'refuse'` stops using it until a fresh one arrives;
 * - a refused or failed download keeps the previously accepted version (and says so);
 * - a member whose pointer disappears from the LOTL is no longer trusted at all; a pointer that
 *   carries the hub's membership history (`tb:MemberStatus`, see HUB_LOTL in ../uris.ts) keeps
 *   the member trusted only at times it was `active` (before the first change: no objection).
 */
import type { Certificate } from '../../x509/certificate.js';
import type { TrustServiceDecision, TrustServiceSource } from '../../validation/path_check.js';
import type { TslPointer } from '../parse/model.js';
import { TSL, isListOfListsType } from '../uris.js';
import type { TrustStoreErrorCode } from './errors.js';
import type { TrustListCache, TrustListFetcher } from './fetcher.js';
import { isListOfLists, updateList } from './list_state.js';
import type { ListProblem, ListState, UpdateContext } from './list_state.js';
import { ServiceIndex } from './service_index.js';
import type { IndexedList, MemberChange } from './service_index.js';
import { evaluateTrust } from './trust_decision.js';

/** A pinned root: a LOTL (or a single TL) and the certificates allowed to sign it. */
export interface TrustRoot {
  /** URL (or whatever the fetcher understands, e.g. a file path in the CLI). */
  url: string;
  signers: readonly Buffer[];
}

/** Something the store did or refused, for the caller's log. */
export interface TrustStoreEvent {
  level: 'info' | 'warn';
  url: string;
  message: string;
  code?: TrustStoreErrorCode;
  at: string;
}

/** Options of {@link TrustStore}. */
export interface TrustStoreOptions {
  fetcher: TrustListFetcher;
  /** The clock (default: the system clock). */
  clock?: () => Date;
  /** A list past its NextUpdate: `warn` (default) uses it and reports it, `refuse` does not use it. */
  stalePolicy?: 'warn' | 'refuse';
  /** Largest list accepted (default 16 MiB). */
  maxBytes?: number;
  /** Keeps accepted lists across restarts. */
  cache?: TrustListCache;
  /** Lists downloaded at once (default 8). */
  concurrency?: number;
  log?: (event: TrustStoreEvent) => void;
}

/** The state of one list, as {@link TrustStore.lists} reports it. */
export interface ListSummary {
  url: string;
  role: 'root' | 'member';
  /** The member country (scheme territory) of the accepted version. */
  territory?: string;
  sequenceNumber?: number;
  issueDate?: string;
  nextUpdate?: string;
  /** The accepted version is past its NextUpdate (or closed). */
  stale: boolean;
  /** Its services are in the index. */
  used: boolean;
  services: number;
  problem?: ListProblem;
}

/**
 * The hub's membership history of a pointer (`tb:MemberStatus`, HUB_LOTL in src/trust/uris.ts),
 * in the index's form.
 *
 * @example `memberHistoryOf(pointer) // [{ status: 'active', start: 1767225600000 }]`
 */
export function memberHistoryOf(p: TslPointer): MemberChange[] | undefined {
  return p.memberStatus?.map((c) => ({ status: c.status, start: c.start.getTime() }));
}

/** The pointers of a LOTL that lead to members' trusted lists (XML ones, not back to a LOTL). */
function memberPointers(lotlUrl: string, pointers: readonly TslPointer[]): TslPointer[] {
  const seen = new Set<string>([lotlUrl]);
  return pointers.filter((p) => {
    if (p.mimeType !== undefined && p.mimeType !== TSL.mimeType) return false;
    if (p.tslType !== undefined && isListOfListsType(p.tslType)) return false;
    if (seen.has(p.location)) return false;
    seen.add(p.location);
    return true;
  });
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Trust anchors from trusted lists, with their status history.
 *
 * @example
 * ```ts
 * const store = new TrustStore([{ url: 'https://hub.example/lotl.xml', signers: [lotlSignerDer] }], {
 *   fetcher: httpTrustListFetcher(),
 * });
 * await store.refresh();
 * const report = await validateDocument(source, { anchors: [], trustServices: store });
 * ```
 */
export class TrustStore implements TrustServiceSource {
  private readonly roots: readonly TrustRoot[];
  private readonly options: TrustStoreOptions;
  private readonly states = new Map<string, ListState>();
  private index = new ServiceIndex();
  private summaries: ListSummary[] = [];
  private reportNotes: string[] = [];
  private running: Promise<ListSummary[]> | undefined;

  /**
   * @param roots - the pinned LOTLs / TLs
   * @param options - fetcher, clock, staleness policy, limits, cache, log
   */
  constructor(roots: readonly TrustRoot[], options: TrustStoreOptions) {
    this.roots = roots;
    this.options = options;
  }

  /** Number of service certificates in the index. */
  get size(): number {
    return this.index.size;
  }

  /**
   * Downloads (conditionally) and checks every list, then rebuilds the index from the accepted
   * versions. Concurrent calls share one run. Never throws for a bad list: see {@link lists}.
   *
   * @returns the state of every list
   */
  refresh(): Promise<ListSummary[]> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * The pointers of the accepted lists of lists (verified under their pinned signers), the self
   * pointer included, after the last refresh: where the hub's vocabulary (membership, members'
   * transparency logs and witnesses) is read from.
   */
  lotlPointers(): readonly TslPointer[] {
    return this.roots.flatMap((r) => {
      const list = this.states.get(r.url)?.accepted?.list;
      return list && isListOfLists(list) ? list.pointers : [];
    });
  }

  /** The state of every list after the last refresh. */
  lists(): readonly ListSummary[] {
    return this.summaries;
  }

  private state(url: string): ListState {
    let s = this.states.get(url);
    if (!s) this.states.set(url, (s = { url }));
    return s;
  }

  private context(now: Date, expect: 'any' | 'tl'): UpdateContext {
    const log = this.options.log;
    return {
      fetcher: this.options.fetcher,
      now,
      maxBytes: this.options.maxBytes ?? 16 * 1024 * 1024,
      ...(this.options.cache ? { cache: this.options.cache } : {}),
      expect,
      log: (level, url, message, code) =>
        log?.({ level, url, message, ...(code ? { code } : {}), at: now.toISOString() }),
    };
  }

  private summarise(s: ListState, role: ListSummary['role'], now: Date, parentUsable = true): ListSummary {
    const list = s.accepted?.list;
    const stale = !!list && (list.nextUpdate === undefined || list.nextUpdate.getTime() < now.getTime());
    const used = !!list && parentUsable && (!stale || this.options.stalePolicy !== 'refuse');
    return {
      url: s.url,
      role,
      ...(list
        ? {
            territory: list.schemeTerritory,
            sequenceNumber: list.sequenceNumber,
            issueDate: list.issueDate.toISOString(),
            ...(list.nextUpdate ? { nextUpdate: list.nextUpdate.toISOString() } : {}),
          }
        : {}),
      stale,
      used,
      services: list ? list.providers.reduce((n, p) => n + p.services.length, 0) : 0,
      ...(s.lastProblem ? { problem: s.lastProblem } : {}),
    };
  }

  private async run(): Promise<ListSummary[]> {
    const now = (this.options.clock ?? (() => new Date()))();
    const indexed: IndexedList[] = [];
    const summaries: ListSummary[] = [];
    for (const root of this.roots) {
      const st = this.state(root.url);
      await updateList(st, root.signers, this.context(now, 'any'));
      const rootSummary = this.summarise(st, 'root', now);
      summaries.push(rootSummary);
      const list = st.accepted?.list;
      if (!list) continue;
      if (!isListOfLists(list)) {
        if (rootSummary.used) indexed.push({ list, source: root.url });
        continue;
      }
      const pointers = memberPointers(root.url, list.pointers);
      await eachLimited(pointers, this.options.concurrency ?? 8, (p) =>
        updateList(this.state(p.location), p.certificates, this.context(now, 'tl')),
      );
      for (const p of pointers) {
        const member = this.state(p.location);
        const summary = this.summarise(member, 'member', now, rootSummary.used);
        summaries.push(summary);
        const history = memberHistoryOf(p);
        if (summary.used)
          indexed.push({
            list: member.accepted!.list,
            source: p.location,
            ...(history ? { memberHistory: history } : {}),
          });
      }
    }
    this.index = ServiceIndex.build(indexed);
    this.summaries = summaries;
    this.reportNotes = summaries.flatMap((s) => this.noteOf(s));
    return summaries;
  }

  private noteOf(s: ListSummary): string[] {
    const name = `trusted list ${s.url}${s.territory ? ` (${s.territory}, sequence ${s.sequenceNumber})` : ''}`;
    const out: string[] = [];
    if (s.stale)
      out.push(
        `${name} is past its next update ${s.nextUpdate ?? '(closed list)'}: ${s.used ? 'used (policy warn)' : 'not used (policy refuse)'}`,
      );
    if (s.problem)
      out.push(
        `${name}: ${s.problem.code} ${s.problem.message}${s.sequenceNumber !== undefined ? '; the last good version is used' : '; not used'}`,
      );
    return out;
  }

  /** {@inheritDoc TrustServiceSource.anchorsFor} */
  anchorsFor(issuerNameKeys: ReadonlySet<string>): readonly Buffer[] {
    const out: Buffer[] = [];
    for (const k of issuerNameKeys) {
      const list = this.index.anchorsBySubject.get(k);
      if (list) out.push(...list);
    }
    return out;
  }

  /** {@inheritDoc TrustServiceSource.evaluate} */
  evaluate(
    path: readonly Certificate[],
    time: Date,
    purpose: 'signature' | 'timestamp',
  ): TrustServiceDecision | undefined {
    return evaluateTrust(this.index, path, time, purpose);
  }

  /** {@inheritDoc TrustServiceSource.notes} */
  notes(): readonly string[] {
    return this.reportNotes;
  }
}
