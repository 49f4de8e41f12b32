/**
 * The whole x509-limbo suite of the namespaces this project runs (rfc5280, pathlen, crl, cve,
 * pathological and webpki), regenerated with the suite's own generator into
 * x509-limbo/limbo.json.gz (see its README.md), run through validatePath, checkPeerName and the
 * default crypto policy over every key of the path. Cases listed under "Not applicable to
 * document signing" in x509-limbo-known-differences.md (webpki:: rules of the Web PKI and the
 * CA/Browser Forum, optional pedantic features) are run but not counted; the agreement on the
 * others must be 98 % or more, every disagreement among them must be listed under "Differences"
 * with its reason, and no case at all may end in anything but a result or a PathValidationError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMBO_SUITE, listedInSection, readLimboSuite, runLimboCase } from './fixtures.js';
import type { LimboCase } from './fixtures.js';

const REQUIRED_AGREEMENT = 0.98;
const NAMESPACES = ['rfc5280', 'pathlen', 'crl', 'cve', 'pathological', 'webpki'];

/** The reason a case is not counted: a listed id, an `id-prefix*` pattern or a `feature:name`. */
function notApplicableReason(tc: LimboCase, rules: Map<string, string>): string | undefined {
  for (const [pattern, reason] of rules) {
    if (pattern.startsWith('feature:')) {
      if (tc.features.includes(pattern.slice('feature:'.length))) return reason;
    } else if (pattern.endsWith('*') ? tc.id.startsWith(pattern.slice(0, -1)) : tc.id === pattern) {
      return reason;
    }
  }
  return undefined;
}

test('x509-limbo suite: every case of the run namespaces, 98 % agreement on those that apply', (t) => {
  const cases = readLimboSuite(LIMBO_SUITE);
  assert.deepEqual(
    [...new Set(cases.map((c) => c.id.split('::')[0]!))].sort(),
    [...NAMESPACES].sort(),
    'the data holds exactly the run namespaces',
  );
  const notApplicable = listedInSection('Not applicable to document signing');
  const differences = listedInSection('Differences');
  for (const [id, reason] of [...notApplicable, ...differences])
    assert.ok(reason.length > 20, `${id} has a reason in the known-differences file`);
  for (const pattern of notApplicable.keys()) {
    const only = new Map([[pattern, 'x']]);
    assert.ok(
      cases.some((c) => notApplicableReason(c, only)),
      `not-applicable entry ${pattern} matches a case`,
    );
    assert.ok(
      pattern.startsWith('webpki::') || pattern.startsWith('feature:pedantic-'),
      `${pattern}: only webpki:: cases and optional pedantic features may be left out`,
    );
  }

  const outcomes = cases.map((tc) => ({ tc, ...runLimboCase(tc) }));
  assert.deepEqual(
    outcomes.filter((o) => o.result === 'CRASH').map((o) => `${o.tc.id}: ${o.why}`),
    [],
    'every case ends in a result or a PathValidationError',
  );

  const applicable = outcomes.filter((o) => !notApplicableReason(o.tc, notApplicable));
  const differing = applicable.filter((o) => o.result !== o.tc.expected_result);
  for (const ns of NAMESPACES) {
    const all = outcomes.filter((o) => o.tc.id.startsWith(`${ns}::`));
    const app = applicable.filter((o) => o.tc.id.startsWith(`${ns}::`));
    const agree = app.filter((o) => o.result === o.tc.expected_result).length;
    t.diagnostic(`${ns}: ${agree}/${app.length} applicable agree (${all.length} run)`);
  }
  const agreed = applicable.length - differing.length;
  const figure = `x509-limbo suite agreement: ${agreed}/${applicable.length} applicable (${((100 * agreed) / applicable.length).toFixed(1)} %), ${outcomes.length} cases run`;
  t.diagnostic(figure);
  console.log(figure);
  for (const d of differing)
    t.diagnostic(`differs: ${d.tc.id} expected ${d.tc.expected_result}, got ${d.result} ${d.why}`);
  assert.ok(agreed / applicable.length >= REQUIRED_AGREEMENT, figure);

  assert.deepEqual(
    differing.map((d) => d.tc.id).filter((id) => !differences.has(id)),
    [],
    'every disagreement on an applicable case is listed in x509-limbo-known-differences.md',
  );
  const ids = new Set(cases.map((c) => c.id));
  assert.deepEqual(
    [...differences.keys()].filter((id) => !ids.has(id)),
    [],
    'listed differences exist in the suite',
  );
  assert.deepEqual(
    [...differences.keys()].filter(
      (id) => applicable.some((o) => o.tc.id === id) && !differing.some((d) => d.tc.id === id),
    ),
    [],
    'listed differences of applicable cases that now agree must be removed from the list',
  );
});
