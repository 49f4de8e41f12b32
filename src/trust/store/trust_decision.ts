/**
 * The trust decision on a validated certification path whose anchor is a trusted-list service
 * (ETSI TS 119 615 clause 4.3, EN 319 102-1 clause 5.2.6 with TS 119 172-4): the service must
 * have a granted status, and its member must not be suspended, at the time that matters (the
 * best signature time for a signature, the genTime for a time-stamp). A withdrawal or a
 * suspension after that time does not matter; one before it leaves the path without a trusted
 * anchor at that time.
 */
import type { Certificate } from '../../x509/certificate.js';
import type { TrustServiceReport } from '../../validation/report.js';
import { qualify } from './qualification.js';
import { memberStatusAt } from './service_index.js';
import type { MemberChange, ServiceIndex, ServiceRecord } from './service_index.js';
import { HUB_LOTL } from '../uris.js';
import { intervalAt } from './status_intervals.js';
import type { StatusInterval } from './status_intervals.js';

/** The decision on one path. */
export interface TrustEvaluation {
  /** The anchor's service was granted (and its member active) at the time. */
  granted: boolean;
  /** Why, in words, for the report's checks. */
  detail: string;
  trust: TrustServiceReport;
}

interface Candidate {
  record: ServiceRecord;
  interval?: StatusInterval;
  memberActive: boolean;
  member?: MemberChange;
  ok: boolean;
}

const lastPart = (uri: string): string => uri.slice(uri.lastIndexOf('/') + 1);

function candidatesAt(records: readonly ServiceRecord[], t: number): Candidate[] {
  return records.map((record) => {
    const interval = intervalAt(record.intervals, t);
    const member = memberStatusAt(record, t);
    const memberActive = member === undefined || member.status === HUB_LOTL.active;
    return {
      record,
      ...(interval ? { interval } : {}),
      ...(member ? { member } : {}),
      memberActive,
      ok: !!interval?.granted && memberActive,
    };
  });
}

function why(c: Candidate, time: Date): string {
  const r = c.record;
  const who = `${r.country} / ${r.tspName} / ${r.service.current.name}`;
  if (!c.interval) {
    const first = new Date(r.intervals[0]?.start ?? 0).toISOString();
    return `${who}: no status before ${first}, and the time that matters is ${time.toISOString()}`;
  }
  const status = `${lastPart(c.interval.entry.status)} since ${new Date(c.interval.start).toISOString()}`;
  if (!c.interval.granted) return `${who}: ${status}, before the time that matters ${time.toISOString()}`;
  if (!c.memberActive)
    return `${who}: member ${r.country} ${c.member!.status} by the list of trusted lists since ${new Date(c.member!.start).toISOString()}, before ${time.toISOString()}`;
  return `${who}: ${status}`;
}

/**
 * Decides on a path ending in one of the index's anchors.
 *
 * @param index - the service index
 * @param path - the validated path, target first, anchor last
 * @param time - the time that matters
 * @param purpose - `signature` needs a CA service; `timestamp` a TSA (or the CA of the TSA)
 * @returns the decision, or undefined when the anchor is not a service of the index
 * @example
 * ```ts
 * const d = evaluateTrust(index, check.path, bestSignatureTime, 'signature');
 * if (d && !d.granted) console.log(d.detail);
 * ```
 */
export function evaluateTrust(
  index: ServiceIndex,
  path: readonly Certificate[],
  time: Date,
  purpose: 'signature' | 'timestamp',
): TrustEvaluation | undefined {
  const anchor = path[path.length - 1];
  if (!anchor) return undefined;
  const all = index.recordsFor(anchor.fingerprint, anchor.spki);
  if (all.length === 0) return undefined;
  const fitting = all.filter((r) => r.kind === 'ca' || (purpose === 'timestamp' && r.kind === 'tsa'));
  const candidates = candidatesAt(fitting.length > 0 ? fitting : all, time.getTime());
  const best =
    candidates.find((c) => c.ok && c.record.qualified) ?? candidates.find((c) => c.ok) ?? candidates[0]!;
  const wrongKind = fitting.length === 0;
  const granted = best.ok && !wrongKind;
  const entry = best.interval?.entry ?? best.record.service.current;
  const { qualification, notes } = qualify(path[0]!, entry, best.record.qualified, granted);
  const detail = wrongKind
    ? `${anchor.subjectText} is listed only as a ${best.record.kind} service, not as a CA`
    : why(best, time);
  return {
    granted,
    detail,
    trust: {
      country: best.record.country,
      tspName: best.record.tspName,
      serviceName: entry.name,
      serviceType: entry.type,
      status: entry.status,
      statusStartingTime: entry.statusStartingTime.toISOString(),
      qualification: purpose === 'signature' ? qualification : 'N/A',
      source: best.record.source,
      sequenceNumber: best.record.sequenceNumber,
      ...(notes.length ? { notes } : {}),
    },
  };
}
