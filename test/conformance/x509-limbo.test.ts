/**
 * The C2SP x509-limbo subset in ../shared/corpus/x509-limbo/ (see its README.md) run through
 * validatePath and the crypto policy over the path (fixtures.ts, shared with
 * x509-limbo-suite.test.ts, which runs the whole regenerated suite): every case, compared with
 * its expected result. The agreement must stay at 95 % or more, every disagreement must be listed
 * with its reason under "Differences" in x509-limbo-known-differences.md (and no case of this
 * subset listed there may agree), and no case may end in anything but a result or a
 * PathValidationError.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listedInSection, readLimboSuite, runLimboCase } from './fixtures.js';

const REQUIRED_AGREEMENT = 0.95;

/** The corpus folder: the nearest `shared/corpus/x509-limbo` above this file (the repository's `../shared`). */
function findCorpus(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'corpus', 'x509-limbo', 'cases.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const corpus = findCorpus();

test(
  'x509-limbo: every case agrees with its expected result or is a listed known difference',
  { skip: corpus ? false : 'the x509-limbo corpus (../shared/corpus/x509-limbo) is not present' },
  (t) => {
    const cases = readLimboSuite(corpus!);
    const outcomes = cases.map((tc) => ({ tc, ...runLimboCase(tc) }));
    const crashes = outcomes.filter((o) => o.result === 'CRASH');
    assert.deepEqual(
      crashes.map((o) => `${o.tc.id}: ${o.why}`),
      [],
      'every case ends in a result or a PathValidationError',
    );

    const disagreements = outcomes.filter((o) => o.result !== o.tc.expected_result);
    const agreed = cases.length - disagreements.length;
    const figure = `x509-limbo agreement: ${agreed}/${cases.length} (${((100 * agreed) / cases.length).toFixed(1)} %)`;
    t.diagnostic(figure);
    console.log(figure);
    for (const d of disagreements)
      t.diagnostic(`differs: ${d.tc.id} expected ${d.tc.expected_result}, got ${d.result} ${d.why}`);
    assert.ok(agreed / cases.length >= REQUIRED_AGREEMENT, figure);

    // The file also lists differences of the whole suite (x509-limbo-suite.test.ts): only the
    // ids of this subset are held to it here.
    const ids = new Set(cases.map((c) => c.id));
    const listed = new Map([...listedInSection('Differences')].filter(([id]) => ids.has(id)));
    for (const [id, reason] of listed)
      assert.ok(reason.length > 20, `${id} has a reason in the known-differences file`);
    assert.deepEqual(
      disagreements.map((d) => d.tc.id).filter((id) => !listed.has(id)),
      [],
      'every disagreement is listed in x509-limbo-known-differences.md',
    );
    const nowAgreeing = [...listed.keys()].filter((id) => !disagreements.some((d) => d.tc.id === id));
    assert.deepEqual(nowAgreeing, [], 'listed differences that now agree must be removed from the list');
  },
);
