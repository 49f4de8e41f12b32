/** The shape of one conformance check and of its result. */
import type { Ctx } from './context.js';

/** The keyword of the normative statement a check tests (RFC 2119 as used by TAXII 2.1 §1.2). */
export type Requirement = 'MUST' | 'SHOULD' | 'MAY';

/** One named check. */
export interface TaxiiCheck {
  /** What is checked, in a few words. */
  name: string;
  /** The TAXII 2.1 section(s) the check is written from (e.g. `§5.4, §3.4.1`). */
  section: string;
  /**
   * MUST: a normative requirement on servers. MAY: behaviour the specification allows and the
   * suite expects (e.g. 406 for an Accept without a TAXII media range).
   */
  requirement: Requirement;
  /** Runs the check; throws on failure, returns a reason to skip it. */
  run(ctx: Ctx): Promise<void | { skip: string }>;
}

/** The outcome of one check. */
export interface TaxiiCheckResult {
  name: string;
  section: string;
  requirement: Requirement;
  outcome: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped. */
  detail?: string;
  ms: number;
}
