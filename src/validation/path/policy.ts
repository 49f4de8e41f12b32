/**
 * Certificate policy processing of RFC 5280 §6.1 (steps 6.1.2 (a), (d)-(f); 6.1.3 (d)-(f);
 * 6.1.4 (a)-(b), (h)-(j); 6.1.5 (a)-(b), (g)) over the valid-policy *graph* of RFC 9618, which
 * gives the same answers as the valid_policy_tree without its exponential growth. Policy
 * qualifiers are not tracked (they do not change the outcome).
 */
import { pathError } from '../errors.js';
import type { Certificate } from '../../x509/certificate.js';
import { OID } from '../../x509/oids.js';

const ANY = OID.anyPolicy;

interface PolicyNode {
  readonly policy: string;
  expected: Set<string>;
  readonly parents: Set<PolicyNode>;
}

/** The policy state variables of RFC 5280 §6.1.2. */
export interface PolicyState {
  /** Level j holds the nodes of depth j; null is the NULL tree. */
  levels: PolicyNode[][] | null;
  explicitPolicy: number;
  policyMapping: number;
  inhibitAnyPolicy: number;
}

/** The policy inputs of RFC 5280 §6.1.1 (c), (e)-(g). */
export interface PolicyInputs {
  /** user-initial-policy-set; default any-policy. */
  initialPolicySet?: readonly string[];
  initialExplicitPolicy?: boolean;
  initialPolicyMappingInhibit?: boolean;
  initialAnyPolicyInhibit?: boolean;
}

function fail(detail: string, cert: Certificate, certificateIndex: number): never {
  throw pathError('PATH_POLICY', `${cert.subjectText}: ${detail}`, {
    certificateIndex,
    subject: cert.subjectText,
  });
}

/**
 * The initial policy state for a path of `n` certificates (§6.1.2 (a), (d)-(f)).
 *
 * @example
 * ```ts
 * const state = initialPolicyState(2, { initialExplicitPolicy: true });
 * ```
 */
export function initialPolicyState(n: number, inputs: PolicyInputs = {}): PolicyState {
  return {
    levels: [[{ policy: ANY, expected: new Set([ANY]), parents: new Set() }]],
    explicitPolicy: inputs.initialExplicitPolicy ? 0 : n + 1,
    policyMapping: inputs.initialPolicyMappingInhibit ? 0 : n + 1,
    inhibitAnyPolicy: inputs.initialAnyPolicyInhibit ? 0 : n + 1,
  };
}

/** Removes, from the deepest level up, nodes that no node of the level below descends from. */
function prune(state: PolicyState): void {
  const levels = state.levels;
  if (!levels) return;
  for (let j = levels.length - 2; j >= 0; j--) {
    const used = new Set<PolicyNode>();
    for (const child of levels[j + 1]!) for (const p of child.parents) used.add(p);
    levels[j] = levels[j]!.filter((node) => used.has(node));
  }
  if (levels[0]!.length === 0) state.levels = null;
}

function addChildren(prev: PolicyNode[], policies: string[], anyAllowed: boolean): PolicyNode[] {
  const level = new Map<string, PolicyNode>();
  // (d)(1): each policy under the nodes that expect it, or else under anyPolicy nodes
  for (const p of policies.filter((x) => x !== ANY)) {
    let parents = prev.filter((n) => n.expected.has(p));
    if (parents.length === 0) parents = prev.filter((n) => n.policy === ANY);
    if (parents.length > 0) level.set(p, { policy: p, expected: new Set([p]), parents: new Set(parents) });
  }
  // (d)(2): anyPolicy stands for every policy the nodes above expect
  if (anyAllowed && policies.includes(ANY)) {
    for (const parent of prev) {
      for (const e of parent.expected) {
        const node = level.get(e);
        if (node) node.parents.add(parent);
        else level.set(e, { policy: e, expected: new Set([e]), parents: new Set([parent]) });
      }
    }
  }
  return [...level.values()];
}

/**
 * §6.1.3 (d)-(f) for certificate i of n (1-based, from the trust anchor side).
 *
 * @example
 * ```ts
 * processCertificatePolicies(state, cert, 1, 2, 1);
 * ```
 */
export function processCertificatePolicies(
  state: PolicyState,
  cert: Certificate,
  i: number,
  n: number,
  certificateIndex: number,
): void {
  const cp = cert.extensions.certificatePolicies;
  if (state.levels && cp) {
    const anyAllowed = state.inhibitAnyPolicy > 0 || (i < n && cert.selfIssued);
    state.levels.push(addChildren(state.levels[i - 1]!, cp.policies, anyAllowed));
    prune(state);
  } else {
    state.levels = null; // (e)
  }
  if (state.explicitPolicy === 0 && !state.levels)
    fail('no acceptable policy and an explicit policy is required', cert, certificateIndex);
}

function applyMappings(state: PolicyState, cert: Certificate, i: number): void {
  const mappings = cert.extensions.policyMappings?.mappings ?? [];
  const byIssuerPolicy = new Map<string, Set<string>>();
  for (const m of mappings) {
    const set = byIssuerPolicy.get(m.issuerDomainPolicy) ?? new Set<string>();
    byIssuerPolicy.set(m.issuerDomainPolicy, set.add(m.subjectDomainPolicy));
  }
  for (const [idp, sdps] of byIssuerPolicy) {
    if (!state.levels) return;
    const level = state.levels[i]!;
    const node = level.find((x) => x.policy === idp);
    if (state.policyMapping > 0) {
      const any = level.find((x) => x.policy === ANY);
      if (node) node.expected = sdps;
      else if (any) level.push({ policy: idp, expected: sdps, parents: new Set(any.parents) });
    } else if (node) {
      state.levels[i] = level.filter((x) => x !== node);
      prune(state);
    }
  }
}

/**
 * §6.1.4 (a)-(b), (h)-(j): mappings and the policy counters, before certificate i+1.
 *
 * @example
 * ```ts
 * preparePolicyForNext(state, intermediate, 1, 1);
 * ```
 */
export function preparePolicyForNext(
  state: PolicyState,
  cert: Certificate,
  i: number,
  certificateIndex: number,
): void {
  const mappings = cert.extensions.policyMappings?.mappings ?? [];
  // (a): "If anyPolicy appears as an issuerDomainPolicy or a subjectDomainPolicy … reject"
  if (mappings.some((m) => m.issuerDomainPolicy === ANY || m.subjectDomainPolicy === ANY)) {
    fail('policyMappings maps anyPolicy', cert, certificateIndex);
  }
  applyMappings(state, cert, i);
  if (!cert.selfIssued) {
    if (state.explicitPolicy > 0) state.explicitPolicy--;
    if (state.policyMapping > 0) state.policyMapping--;
    if (state.inhibitAnyPolicy > 0) state.inhibitAnyPolicy--;
  }
  applyPolicyConstraints(state, cert);
}

/**
 * §6.1.4 (i)-(j): a certificate's policyConstraints and inhibitAnyPolicy lower the counters.
 * Also applied to the trust anchor's own constraints before the first certificate (RFC 5937 §3).
 *
 * @example
 * ```ts
 * applyPolicyConstraints(state, anchor);
 * ```
 */
export function applyPolicyConstraints(state: PolicyState, cert: Certificate): void {
  const pc = cert.extensions.policyConstraints;
  if (pc?.requireExplicitPolicy !== undefined) {
    state.explicitPolicy = Math.min(state.explicitPolicy, pc.requireExplicitPolicy);
  }
  if (pc?.inhibitPolicyMapping !== undefined) {
    state.policyMapping = Math.min(state.policyMapping, pc.inhibitPolicyMapping);
  }
  const iap = cert.extensions.inhibitAnyPolicy;
  if (iap) state.inhibitAnyPolicy = Math.min(state.inhibitAnyPolicy, iap.skipCerts);
}

function removeWithDescendants(levels: PolicyNode[][], doomed: Set<PolicyNode>): void {
  for (let j = 1; j < levels.length; j++) {
    levels[j] = levels[j]!.filter((node) => {
      for (const p of [...node.parents]) if (doomed.has(p)) node.parents.delete(p);
      const gone = doomed.has(node) || node.parents.size === 0;
      if (gone) doomed.add(node);
      return !gone;
    });
  }
}

/** §6.1.5 (g)(iii): intersect with a user-initial-policy-set that is not any-policy. */
function intersect(state: PolicyState, userSet: ReadonlySet<string>): void {
  const levels = state.levels!;
  const n = levels.length - 1;
  const validNodes = levels
    .slice(1)
    .flat()
    .filter((x) => x.policy !== ANY && [...x.parents].every((p) => p.policy === ANY));
  removeWithDescendants(levels, new Set(validNodes.filter((x) => !userSet.has(x.policy))));
  const leafAny = levels[n]!.find((x) => x.policy === ANY);
  if (leafAny) {
    const present = new Set(validNodes.map((x) => x.policy));
    for (const p of userSet) {
      if (!present.has(p))
        levels[n]!.push({ policy: p, expected: new Set([p]), parents: new Set(leafAny.parents) });
    }
    levels[n] = levels[n]!.filter((x) => x !== leafAny);
  }
  prune(state);
}

/**
 * §6.1.5 (a)-(b), (g) for the last certificate; returns the valid policies at the end of the
 * path (empty when the tree is NULL and no explicit policy was required).
 *
 * @throws PathValidationError PATH_POLICY when an explicit policy is required and none is valid
 * @example
 * ```ts
 * const policies = wrapUpPolicy(state, leaf, 0, ['0.4.0.194112.1.2']);
 * ```
 */
export function wrapUpPolicy(
  state: PolicyState,
  cert: Certificate,
  certificateIndex: number,
  initialPolicySet: readonly string[] = [ANY],
): string[] {
  if (state.explicitPolicy > 0) state.explicitPolicy--;
  if (cert.extensions.policyConstraints?.requireExplicitPolicy === 0) state.explicitPolicy = 0;
  const userSet = new Set(initialPolicySet);
  if (state.levels && !userSet.has(ANY)) intersect(state, userSet);
  if (state.explicitPolicy === 0 && !state.levels)
    fail('no policy acceptable to the relying party is valid for the path', cert, certificateIndex);
  return state.levels ? [...new Set(state.levels[state.levels.length - 1]!.map((x) => x.policy))] : [];
}
