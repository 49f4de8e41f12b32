/**
 * The STIX 2.1 rules the OASIS JSON schemas cannot express (see the schemas' README): the
 * identifier form and its UUID (§2.9), `modified` not before `created` (§3.2), the target types
 * of reference properties (§4–§6), granular-marking selectors that name present properties
 * (§7.2.3), a marking definition that does not mark itself, and a bound on nesting depth.
 * Each failure names a stable rule id.
 */
import { SCO_TYPES, SDO_TYPES, categoryOf } from './types.js';

/** One refused rule. */
export interface RuleFailure {
  /** Stable rule id, e.g. `stix.timestamps.order`. */
  rule: string;
  message: string;
}

/** Deepest nesting of arrays and objects accepted inside one STIX object. */
export const MAX_OBJECT_DEPTH = 32;

// RFC 4122 §3: hex digits are case-insensitive on input (the OASIS examples use both cases).
const IDENTIFIER =
  /^([a-z][a-z0-9-]*)--([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

/** The namespace STIX reserves for deterministic SCO identifiers (§2.9). */
export const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/**
 * The problems of identifier `id` of an object of type `type` (or of a referenced object when
 * `type` is undefined): `type--UUID`, the UUID an RFC 4122 one (variant 10, version 1–5).
 */
export function identifierProblem(id: unknown, type?: string): RuleFailure | undefined {
  if (typeof id !== 'string') return { rule: 'stix.id.form', message: 'the identifier is not a string' };
  const m = IDENTIFIER.exec(id);
  if (!m) return { rule: 'stix.id.form', message: `${id} is not of the form type--UUID` };
  if (type !== undefined && m[1] !== type) {
    const rule = categoryOf(type) === 'custom' ? 'stix.id.custom-prefix' : 'stix.id.form';
    return { rule, message: `${id} does not start with its type '${type}--'` };
  }
  const version = Number.parseInt(m[4]![0]!, 16);
  const variant = Number.parseInt(m[5]![0]!, 16);
  if (variant < 8 || variant > 11)
    return { rule: 'stix.id.uuid', message: `${id}: the UUID is not an RFC 4122 UUID (variant)` };
  if (version < 1 || version > 5)
    return { rule: 'stix.id.uuid', message: `${id}: the UUID version ${version} is not an RFC 4122 version` };
  return undefined;
}

/** The types a reference may target: a list, or a category. */
type Target = readonly string[] | 'sdo' | 'sdo-or-sco' | 'sco' | 'sco-or-sro' | 'any';

/** Common properties (§3.2, §7.2). */
const COMMON_REFS: Record<string, Target> = {
  created_by_ref: ['identity'],
  object_marking_refs: ['marking-definition'],
};

/** Reference properties by object type (§4–§6). */
const TYPE_REFS: Record<string, Record<string, Target>> = {
  relationship: { source_ref: 'sdo-or-sco', target_ref: 'sdo-or-sco' },
  sighting: {
    sighting_of_ref: 'sdo',
    observed_data_refs: ['observed-data'],
    where_sighted_refs: ['identity', 'location'],
  },
  'observed-data': { object_refs: 'sco-or-sro' },
  report: { object_refs: 'any' },
  note: { object_refs: 'any' },
  opinion: { object_refs: 'any' },
  grouping: { object_refs: 'any' },
  'language-content': { object_ref: 'any' },
  malware: { operating_system_refs: ['software'], sample_refs: ['file', 'artifact'] },
  'malware-analysis': {
    host_vm_ref: ['software'],
    operating_system_ref: ['software'],
    installed_software_refs: ['software'],
    analysis_sco_refs: 'sco',
    sample_ref: ['file', 'artifact', 'network-traffic'],
  },
  directory: { contains_refs: ['file', 'directory'] },
  'domain-name': { resolves_to_refs: ['ipv4-addr', 'ipv6-addr', 'domain-name'] },
  'email-addr': { belongs_to_ref: ['user-account'] },
  'email-message': {
    from_ref: ['email-addr'],
    sender_ref: ['email-addr'],
    to_refs: ['email-addr'],
    cc_refs: ['email-addr'],
    bcc_refs: ['email-addr'],
    raw_email_ref: ['artifact'],
  },
  file: { contains_refs: 'sco', content_ref: ['artifact'], parent_directory_ref: ['directory'] },
  'ipv4-addr': { resolves_to_refs: ['mac-addr'], belongs_to_refs: ['autonomous-system'] },
  'ipv6-addr': { resolves_to_refs: ['mac-addr'], belongs_to_refs: ['autonomous-system'] },
  'network-traffic': {
    src_ref: ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'],
    dst_ref: ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'],
    src_payload_ref: ['artifact'],
    dst_payload_ref: ['artifact'],
    encapsulates_refs: ['network-traffic'],
    encapsulated_by_ref: ['network-traffic'],
  },
  process: {
    opened_connection_refs: ['network-traffic'],
    creator_user_ref: ['user-account'],
    image_ref: ['file'],
    parent_ref: ['process'],
    child_refs: ['process'],
  },
  'windows-registry-key': { creator_user_ref: ['user-account'] },
};

function targetAllows(target: Target, type: string): boolean {
  const custom = categoryOf(type) === 'custom';
  switch (target) {
    case 'any':
      return type !== 'bundle';
    case 'sdo':
      return SDO_TYPES.has(type) || custom;
    case 'sco':
      return SCO_TYPES.has(type) || custom;
    case 'sdo-or-sco':
      return SDO_TYPES.has(type) || SCO_TYPES.has(type) || custom;
    case 'sco-or-sro':
      return SCO_TYPES.has(type) || type === 'relationship' || type === 'sighting' || custom;
    default:
      return target.includes(type);
  }
}

function describeTarget(target: Target): string {
  return typeof target === 'string' ? `an object of category ${target}` : target.join(' or ');
}

function checkRef(property: string, value: unknown, target: Target, out: RuleFailure[]): void {
  for (const ref of Array.isArray(value) ? (value as unknown[]) : [value]) {
    if (typeof ref !== 'string') continue; // the schema reports the wrong JSON type
    const bad = identifierProblem(ref);
    if (bad) {
      out.push({ rule: 'stix.ref.form', message: `${property}: ${bad.message}` });
      continue;
    }
    const type = ref.slice(0, ref.indexOf('--'));
    if (!targetAllows(target, type))
      out.push({
        rule: 'stix.ref.target-type',
        message: `${property} refers to ${ref}, which must be ${describeTarget(target)}`,
      });
  }
}

/** The reference target-type problems of object `o` of type `type`. */
export function referenceProblems(o: Record<string, unknown>, type: string): RuleFailure[] {
  const out: RuleFailure[] = [];
  const refs = { ...COMMON_REFS, ...TYPE_REFS[type] };
  for (const [property, target] of Object.entries(refs)) {
    if (o[property] !== undefined) checkRef(property, o[property], target, out);
  }
  const granular = o['granular_markings'];
  if (Array.isArray(granular)) {
    for (const g of granular as unknown[]) {
      const ref = (g as { marking_ref?: unknown } | null)?.marking_ref;
      if (ref !== undefined) checkRef('granular_markings.marking_ref', ref, ['marking-definition'], out);
    }
  }
  if (type === 'marking-definition') {
    const own = o['id'];
    const marks = [
      ...(Array.isArray(o['object_marking_refs']) ? (o['object_marking_refs'] as unknown[]) : []),
      ...(Array.isArray(granular)
        ? (granular as { marking_ref?: unknown }[]).map((g) => g?.marking_ref)
        : []),
    ];
    if (marks.includes(own))
      out.push({ rule: 'stix.marking.circular', message: `marking definition ${String(own)} marks itself` });
  }
  return out;
}

/** `modified` before `created` (both RFC 3339 timestamps, compared as instants). */
export function timestampProblem(o: Record<string, unknown>): RuleFailure | undefined {
  const { created, modified } = o;
  if (typeof created !== 'string' || typeof modified !== 'string') return undefined;
  const c = Date.parse(created);
  const m = Date.parse(modified);
  if (Number.isNaN(c) || Number.isNaN(m)) return undefined;
  // Same millisecond: compare the fractional digits beyond it as text.
  if (m < c || (m === c && fraction(modified) < fraction(created)))
    return { rule: 'stix.timestamps.order', message: `modified ${modified} is before created ${created}` };
  return undefined;
}

function fraction(t: string): string {
  return (/\.(\d+)/.exec(t)?.[1] ?? '').padEnd(9, '0');
}

/** Resolves one granular-marking selector (`a.b.[2].c`) in `o`; true when it names something present. */
export function selectorResolves(o: unknown, selector: string): boolean {
  let cur: unknown = o;
  for (const step of selector.split('.')) {
    const index = /^\[(\d+)\]$/.exec(step);
    if (index) {
      if (!Array.isArray(cur)) return false;
      const i = Number(index[1]);
      if (i >= cur.length) return false;
      cur = cur[i];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, step))
        return false;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return true;
}

/** Granular markings whose selectors name nothing in the object. */
export function selectorProblems(o: Record<string, unknown>): RuleFailure[] {
  const out: RuleFailure[] = [];
  const granular = o['granular_markings'];
  if (!Array.isArray(granular)) return out;
  for (const g of granular as unknown[]) {
    const selectors = (g as { selectors?: unknown } | null)?.selectors;
    if (!Array.isArray(selectors)) continue;
    for (const s of selectors as unknown[]) {
      if (typeof s === 'string' && !selectorResolves(o, s))
        out.push({
          rule: 'stix.granular.selector',
          message: `selector '${s}' names no property of the object`,
        });
    }
  }
  return out;
}

/** The nesting depth of a JSON value, stopping once it exceeds `limit`. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) stack.push([child, d + 1]);
  }
  return false;
}
