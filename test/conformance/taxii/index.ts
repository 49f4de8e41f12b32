/**
 * A black-box conformance suite for TAXII 2.1 servers (TAXII Version 2.1, OASIS Standard,
 * 10 June 2021), written from the specification's normative statements: discovery, API root,
 * status, collections, objects with every filter, add objects, object by id, delete, versions,
 * manifest, paging, media types, authentication and the error resource. Each check names the
 * sections it comes from and the keyword of the statement (MUST, or MAY for behaviour the
 * specification allows and the suite expects).
 *
 * It talks HTTP only (the global fetch), with one account's HTTP Basic credentials, so it runs
 * against any TAXII 2.1 server: it posts its own STIX objects (marked TLP:CLEAR) and scopes every
 * read to their ids, and deletes only objects it posted for that purpose.
 *
 * @example
 * ```ts
 * const results = await runTaxiiConformance({
 *   discoveryUrl: 'https://cert.example/taxii2/', username: 'vn-cert', password: '…',
 * });
 * console.log(formatResults(results));
 * ```
 */
import type { TaxiiCheck, TaxiiCheckResult } from './check.js';
import { SERVER_CHECKS } from './checks_server.js';
import { OBJECTS_CHECKS } from './checks_objects.js';
import { OBJECT_CHECKS } from './checks_object.js';
import { Ctx } from './context.js';
import type { TaxiiConformanceOptions } from './context.js';

export type { Requirement, TaxiiCheck, TaxiiCheckResult } from './check.js';
export type { Account, TaxiiConformanceOptions } from './context.js';

/** Every check, in the order they run. */
export const TAXII_CHECKS: readonly TaxiiCheck[] = [...SERVER_CHECKS, ...OBJECTS_CHECKS, ...OBJECT_CHECKS];

/**
 * Runs the checks (all, or those whose name includes one of `only`) one after the other.
 * A check that throws fails with the message; the run always completes.
 */
export async function runTaxiiConformance(
  options: TaxiiConformanceOptions,
  only?: readonly string[],
): Promise<TaxiiCheckResult[]> {
  const ctx = new Ctx(options);
  const results: TaxiiCheckResult[] = [];
  for (const check of TAXII_CHECKS) {
    if (only?.length && !only.some((o) => check.name.includes(o))) continue;
    const started = Date.now();
    const base = { name: check.name, section: check.section, requirement: check.requirement };
    try {
      const r = await check.run(ctx);
      results.push({
        ...base,
        outcome: r ? 'skip' : 'pass',
        ...(r ? { detail: r.skip } : {}),
        ms: Date.now() - started,
      });
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      results.push({ ...base, outcome: 'fail', detail, ms: Date.now() - started });
    }
  }
  return results;
}

/** The results as a plain-text table: check, section, requirement, outcome, time, detail. */
export function formatResults(results: readonly TaxiiCheckResult[]): string {
  const rows = results.map((r) => [
    r.name,
    r.section,
    r.requirement,
    r.outcome.toUpperCase(),
    `${r.ms} ms`,
    r.detail ?? '',
  ]);
  const head = ['check', 'section', 'req.', 'result', 'time', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i < 5 ? r[i]!.length : 0))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 5 ? c.padEnd(widths[i]!) : c))
      .join('  ')
      .trimEnd();
  const counts = ['pass', 'fail', 'skip'].map((o) => `${results.filter((r) => r.outcome === o).length} ${o}`);
  return [line(head), ...rows.map(line), counts.join(', ')].join('\n');
}
