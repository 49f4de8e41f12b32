/**
 * The C2SP x509-limbo subset in ../shared/corpus/x509-limbo/ (see its README.md) run through
 * validatePath: every case, compared with its expected result. The agreement must stay at 95 %
 * or more, every disagreement must be listed with its reason in x509-limbo-known-differences.md
 * (and nothing listed there may agree), and no case may end in anything but a result or a
 * PathValidationError.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PathValidationError, checkPeerName, validatePath } from '../../src/validation/index.js';
import type { PeerName } from '../../src/validation/index.js';

interface LimboCase {
  id: string;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: PeerName | null;
  key_usage: string[];
  extended_key_usage: string[];
  max_chain_depth: number | null;
  crls: string[];
}

interface Outcome {
  result: 'SUCCESS' | 'FAILURE' | 'CRASH';
  why: string;
}

// README "How a harness should use a case", 2: a fixed instant when validation_time is null.
const DEFAULT_TIME = new Date('2025-01-01T00:00:00Z');
const REQUIRED_AGREEMENT = 0.95;
const KNOWN_DIFFERENCES = fileURLToPath(
  new URL('../../../test/conformance/x509-limbo-known-differences.md', import.meta.url),
);

/** The corpus folder: the nearest `shared/corpus/x509-limbo` above this file (the repository's `../shared`). */
function findCorpus(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'corpus', 'x509-limbo', 'cases.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function runCase(tc: LimboCase): Outcome {
  try {
    const result = validatePath({
      target: tc.peer_certificate,
      intermediates: tc.untrusted_intermediates,
      anchors: tc.trusted_certs,
      time: tc.validation_time ? new Date(tc.validation_time) : DEFAULT_TIME,
      crls: tc.crls,
      ...(tc.max_chain_depth === null ? {} : { maxDepth: tc.max_chain_depth }),
      requiredEku: tc.extended_key_usage,
      requiredKeyUsage: tc.key_usage,
    });
    // README 5: match SERVER names against the leaf's SAN; CLIENT cases carry no expected_peer_name.
    if (tc.expected_peer_name) checkPeerName(result.path[0]!, tc.expected_peer_name);
    return { result: 'SUCCESS', why: '' };
  } catch (e) {
    if (e instanceof PathValidationError) return { result: 'FAILURE', why: `${e.pathCode}: ${e.detail}` };
    return { result: 'CRASH', why: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

/** Ids listed as "- `id` — reason" in the known-differences file, each with a reason. */
function knownDifferences(): Map<string, string> {
  const listed = new Map<string, string>();
  for (const m of readFileSync(KNOWN_DIFFERENCES, 'utf8').matchAll(/^- `([^`]+)`(.*)$/gm)) {
    listed.set(m[1]!, m[2]!.replace(/^[\s—:-]+/, '').trim());
  }
  return listed;
}

const corpus = findCorpus();

test(
  'x509-limbo: every case agrees with its expected result or is a listed known difference',
  { skip: corpus ? false : 'the x509-limbo corpus (../shared/corpus/x509-limbo) is not present' },
  (t) => {
    const cases = (JSON.parse(readFileSync(corpus!, 'utf8')) as { testcases: LimboCase[] }).testcases;
    const outcomes = cases.map((tc) => ({ tc, ...runCase(tc) }));
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

    const listed = knownDifferences();
    for (const [id, reason] of listed)
      assert.ok(reason.length > 20, `${id} has a reason in the known-differences file`);
    const ids = new Set(cases.map((c) => c.id));
    assert.deepEqual(
      [...listed.keys()].filter((id) => !ids.has(id)),
      [],
      'listed ids exist in the corpus',
    );
    assert.deepEqual(
      disagreements.map((d) => d.tc.id).filter((id) => !listed.has(id)),
      [],
      'every disagreement is listed in x509-limbo-known-differences.md',
    );
    const nowAgreeing = [...listed.keys()].filter((id) => !disagreements.some((d) => d.tc.id === id));
    assert.deepEqual(nowAgreeing, [], 'listed differences that now agree must be removed from the list');
  },
);
