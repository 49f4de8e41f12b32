/**
 * Service status over time (TS 119 612 clause 5.6, ServiceHistory): the current entry and the
 * history instances become half-open intervals [start, next start), precomputed once per loaded
 * list, so "was this service granted at time T" is a hash lookup plus a search over a handful of
 * intervals.
 */
import type { ServiceStatusEntry, TrustService } from '../parse/model.js';
import { SERVICE_STATUS } from '../uris.js';

const LEGACY_PREFIXES = [
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/',
  'http://uri.etsi.org/TrstSvc/eSigDir-1999-93-EC-TrustedList/Svcstatus/',
];

/**
 * Statuses under which a service's output is trusted. TS 119 612 v2 clause 5.5.4 `granted` and
 * `recognisedatnationallevel`; TS 119 615 clause 4.3 also treats the Directive 1999/93/EC
 * statuses of history entries (`undersupervision`, `supervisionincessation`, `accredited`,
 * `setbynationallaw`) as granted for the times they were in force.
 */
export const GRANTED_STATUSES: ReadonlySet<string> = new Set([
  SERVICE_STATUS.granted,
  SERVICE_STATUS.recognisedAtNationalLevel,
  ...['undersupervision', 'supervisionincessation', 'accredited', 'setbynationallaw'].flatMap((s) =>
    LEGACY_PREFIXES.map((p) => `${p}${s}`),
  ),
]);

/** One status period of a service. */
export interface StatusInterval {
  /** Inclusive start (ms since the epoch). */
  start: number;
  /** Exclusive end (Infinity for the current status). */
  end: number;
  entry: ServiceStatusEntry;
  granted: boolean;
}

/**
 * The service's status periods in time order. Entries with the same starting time keep the one
 * listed last among equals out (the current entry wins over a history instance).
 *
 * @param service - a parsed service
 * @param grantedStatuses - statuses counted as granted (MRA equivalences add foreign ones)
 * @example
 * ```ts
 * const intervals = statusIntervals(service);
 * intervalAt(intervals, Date.parse('2026-06-01T00:00:00Z'))?.granted;
 * ```
 */
export function statusIntervals(
  service: TrustService,
  grantedStatuses: ReadonlySet<string> = GRANTED_STATUSES,
): StatusInterval[] {
  const byStart = new Map<number, ServiceStatusEntry>();
  for (const h of service.history) byStart.set(h.statusStartingTime.getTime(), h);
  byStart.set(service.current.statusStartingTime.getTime(), service.current);
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  return starts.map((start, i) => {
    const entry = byStart.get(start)!;
    return { start, end: starts[i + 1] ?? Infinity, entry, granted: grantedStatuses.has(entry.status) };
  });
}

/**
 * The interval containing `time`, or undefined before the first status (binary search).
 *
 * @example `intervalAt(intervals, Date.now())?.entry.status`
 */
export function intervalAt(intervals: readonly StatusInterval[], time: number): StatusInterval | undefined {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = intervals[mid]!;
    if (time < x.start) hi = mid - 1;
    else if (time >= x.end) lo = mid + 1;
    else return x;
  }
  return undefined;
}
