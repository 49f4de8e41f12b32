/**
 * The log monitor (`trustbridge log monitor`): a country's auditor checks its node's log as any
 * verifier does ({@link verifyLog}: signature, witness policy, every tile rebuilt, consistency
 * with the checkpoint the monitor saw last), then holds the register against it. It lists what
 * the node's own CAs issued, suspended, resumed and revoked, and reports, each with a stable
 * code: a change of the register missing from the log (`LEDGER_MONITOR_UNLOGGED`), a
 * certificate of the node's CAs seen in use (a signature, a login, an OCSP request) that is in
 * neither the register nor the log — an issuance that bypassed the register
 * (`LEDGER_MONITOR_UNKNOWN_CERT`), a log inconsistent with what the monitor saw before
 * (`LEDGER_MONITOR_FORK`), and witnesses that refused the node's checkpoint
 * (`LEDGER_MONITOR_WITNESS_REFUSED`). Entries still queued, or integrated after the published
 * checkpoint, are pending, not missing.
 */
import { decodeEntry } from './entry.js';
import type { LedgerEntry } from './entry.js';
import { CERTIFICATE_EVENT } from './monitor_register.js';
import type { CertificateEvent, RegisterSnapshot } from './monitor_register.js';
import type { Policy } from './policy.js';
import type { TileSource } from './tile_store.js';
import { verifyLog } from './verify_log.js';
import type { LogVerdict, SeenTree } from './verify_log.js';
import type { StoredWitnessOutcome } from './witness_outcomes.js';

/** A certificate event of the node's own CAs found in the log. */
export interface MonitorEvent {
  readonly index: number;
  readonly type: string;
  readonly serial: string;
  readonly sha256: string;
  readonly time: string;
  /** The revocation reason, for `eid-cert-revoked`. */
  readonly reason?: string;
}

/** A problem the monitor found. */
export interface MonitorProblem {
  readonly code: string;
  readonly message: string;
  readonly sha256?: string;
  readonly serial?: string;
  readonly type?: string;
  readonly witness?: string;
}

/** The monitor's report. */
export interface MonitorReport extends Omit<LogVerdict, 'problems'> {
  /** Entries in the log by type. */
  readonly entries: Record<string, number>;
  /** Events listed from this index on (the size the monitor saw last, or `since`). */
  readonly since: number;
  /** The certificate events of the node's CAs at or after `since`. */
  readonly events: readonly MonitorEvent[];
  /** Entries queued or integrated after the published checkpoint. */
  readonly pending: number;
  /** Certificates of the node's CAs seen in use (register rows). */
  readonly seen: number;
  /** Each witness's last answer to the node. */
  readonly witnesses: readonly StoredWitnessOutcome[];
  readonly problems: readonly MonitorProblem[];
}

/** Options of {@link monitorLog}. */
export interface MonitorOptions {
  readonly source: TileSource;
  readonly logKey: string;
  readonly policy?: Policy;
  /** The tree the monitor saw last. */
  readonly previous?: SeenTree;
  /** List events from this index (default: the previous tree's size, else 0). */
  readonly since?: number;
  readonly register: RegisterSnapshot;
  /** The entries integrated in the store after the published checkpoint of `size`. */
  readonly pendingAfter: (size: number) => Promise<readonly LedgerEntry[]>;
  readonly onProgress?: (done: number, total: number) => void;
}

const TYPE_OF: Record<CertificateEvent, string> = {
  issued: 'eid-cert-issued',
  suspended: 'eid-cert-suspended',
  resumed: 'eid-cert-resumed',
  revoked: 'eid-cert-revoked',
};

/** Certificate events counted by certificate and event, and the certificates known by serial. */
class Tally {
  readonly events = new Map<string, number>();
  readonly hashes = new Set<string>();
  readonly serials = new Set<string>();

  add(e: LedgerEntry): CertificateEvent | undefined {
    const event = CERTIFICATE_EVENT[e.type];
    if (!event || !('sha256' in e) || !('serial' in e)) return undefined;
    const key = `${e.sha256} ${event}`;
    this.events.set(key, (this.events.get(key) ?? 0) + 1);
    this.hashes.add(e.sha256);
    this.serials.add(`${e.issuer}\n${e.serial}`);
    return event;
  }

  count(sha256: string, event: CertificateEvent): number {
    return this.events.get(`${sha256} ${event}`) ?? 0;
  }
}

/** Walks the log's entries as the audit reads them. */
function entryWalker(o: MonitorOptions, since: number, logged: Tally) {
  const own = new Set(o.register.cas.map((c) => c.subject));
  const entries: Record<string, number> = {};
  const events: MonitorEvent[] = [];
  let unreadable: { first: number; count: number; message: string } | undefined;
  const onEntries = (first: number, chunk: readonly Buffer[]): void => {
    chunk.forEach((bytes, i) => {
      let e: LedgerEntry;
      try {
        e = decodeEntry(bytes);
      } catch (err) {
        unreadable ??= { first: first + i, count: 0, message: (err as Error).message };
        unreadable.count++;
        entries['unreadable'] = (entries['unreadable'] ?? 0) + 1;
        return;
      }
      entries[e.type] = (entries[e.type] ?? 0) + 1;
      if (!logged.add(e) || first + i < since || !('issuer' in e) || !own.has(e.issuer)) return;
      events.push({
        index: first + i,
        type: e.type,
        serial: e.serial,
        sha256: e.sha256,
        time: e.time,
        ...(e.type === 'eid-cert-revoked' ? { reason: e.reason } : {}),
      });
    });
  };
  return { entries, events, onEntries, unreadable: () => unreadable };
}

/** Register changes missing from both the log and the pending entries. */
function unlogged(register: RegisterSnapshot, logged: Tally, pending: Tally): MonitorProblem[] {
  const out: MonitorProblem[] = [];
  for (const c of register.certificates)
    for (const [event, n] of Object.entries(c.expected) as [CertificateEvent, number][]) {
      const missing = n - logged.count(c.sha256, event) - pending.count(c.sha256, event);
      if (missing <= 0) continue;
      out.push({
        code: 'LEDGER_MONITOR_UNLOGGED',
        message: `certificate ${c.serial} (${c.usage}, ${c.issuerCa}) was ${event} in the register${
          missing > 1 ? ` ${missing} times more` : ''
        } but the log does not say so`,
        sha256: c.sha256,
        serial: c.serial,
        type: event === 'issued' ? 'issued' : TYPE_OF[event],
      });
    }
  return out;
}

/** Certificates seen in use that neither the register nor the log (nor the queue) knows. */
function unknownSeen(register: RegisterSnapshot, logged: Tally, pending: Tally): MonitorProblem[] {
  const hashes = new Set(register.certificates.map((c) => c.sha256));
  const serials = new Set(register.certificates.map((c) => `${c.issuerCa}\n${c.serial}`));
  const subject = new Map(register.cas.map((c) => [c.id, c.subject]));
  const out: MonitorProblem[] = [];
  for (const s of register.seen) {
    const logKey = `${subject.get(s.issuerCa) ?? ''}\n${s.serial}`;
    const known = s.sha256
      ? hashes.has(s.sha256) || logged.hashes.has(s.sha256) || pending.hashes.has(s.sha256)
      : serials.has(`${s.issuerCa}\n${s.serial}`) ||
        logged.serials.has(logKey) ||
        pending.serials.has(logKey);
    if (known) continue;
    out.push({
      code: 'LEDGER_MONITOR_UNKNOWN_CERT',
      message: `certificate ${s.serial} of ${s.issuerCa}, seen ${s.count} time(s) in ${s.source} (first ${s.firstSeen}), is in neither the register nor the log`,
      ...(s.sha256 ? { sha256: s.sha256 } : {}),
      serial: s.serial,
    });
  }
  return out;
}

function refusals(witnesses: readonly StoredWitnessOutcome[]): MonitorProblem[] {
  return witnesses
    .filter((w) => w.result === 'refused' || w.result === 'invalid')
    .map((w) => ({
      code: 'LEDGER_MONITOR_WITNESS_REFUSED',
      message: `witness ${w.witness} ${w.result === 'refused' ? `refused (HTTP ${w.status ?? '?'})` : 'answered no valid cosignature'} the checkpoint of size ${w.checkpointSize} at ${w.at}${w.detail ? `: ${w.detail}` : ''}`,
      witness: w.witness,
    }));
}

/**
 * Verifies the log and holds the register against it.
 *
 * @param o - the log, its key and policy, the tree seen before, the register's side
 * @example
 * ```ts
 * const report = await monitorLog({
 *   source: httpTileSource(url), logKey: vkey, register: await readRegisterSnapshot(store.db),
 *   pendingAfter: (size) => integratedAfter(store.db, size, register.integratedSize),
 * });
 * process.exitCode = report.ok ? 0 : 1;
 * ```
 */
export async function monitorLog(o: MonitorOptions): Promise<MonitorReport> {
  const since = o.since ?? o.previous?.size ?? 0;
  const logged = new Tally();
  const walk = entryWalker(o, since, logged);
  const verdict = await verifyLog({
    source: o.source,
    logKey: o.logKey,
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.previous ? { previous: o.previous } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    onEntries: walk.onEntries,
  });
  const problems: MonitorProblem[] = verdict.problems
    .filter((p) => p.message !== verdict.inconsistent)
    .map((p) => ({ ...p }));
  if (verdict.inconsistent !== undefined)
    problems.push({ code: 'LEDGER_MONITOR_FORK', message: verdict.inconsistent });
  const bad = walk.unreadable();
  if (bad)
    problems.push({
      code: 'LEDGER_ENTRY_MALFORMED',
      message: `${bad.count} entries do not decode, the first at index ${bad.first}: ${bad.message}`,
    });
  const pending = new Tally();
  let pendingCount = 0;
  // The register is compared with a log read whole; a log that could not be read is reported above.
  if (verdict.size !== undefined && verdict.entriesChecked === verdict.size) {
    const later = [...o.register.queued, ...(await o.pendingAfter(verdict.size))];
    for (const e of later) pending.add(e);
    pendingCount = later.length;
    problems.push(...unlogged(o.register, logged, pending));
  }
  problems.push(...unknownSeen(o.register, logged, pending), ...refusals(o.register.witnesses));
  const { problems: _verified, ...rest } = verdict;
  return {
    ...rest,
    ok: problems.length === 0,
    entries: walk.entries,
    since,
    events: walk.events,
    pending: pendingCount,
    seen: o.register.seen.length,
    witnesses: o.register.witnesses,
    problems,
  };
}
