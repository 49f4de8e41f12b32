/**
 * Shared harness for the x509-limbo runs (the ../shared subset and the whole regenerated suite in
 * x509-limbo/limbo.json.gz): one case through validatePath and checkPeerName, and the parsing of
 * x509-limbo-known-differences.md.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  DEFAULT_CRYPTO_POLICY,
  PathValidationError,
  checkChainCrypto,
  checkPeerName,
  validatePath,
} from '../../src/validation/index.js';
import type { PeerName } from '../../src/validation/index.js';

export interface LimboCase {
  id: string;
  features: string[];
  description: string;
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

export interface LimboOutcome {
  result: 'SUCCESS' | 'FAILURE' | 'CRASH';
  why: string;
}

/** The corpus README's "How a harness should use a case", 2: a fixed instant when validation_time is null. */
export const LIMBO_DEFAULT_TIME = new Date('2025-01-01T00:00:00Z');

export const LIMBO_KNOWN_DIFFERENCES = fileURLToPath(
  new URL('../../../test/conformance/x509-limbo-known-differences.md', import.meta.url),
);

/** The whole regenerated suite (the namespaces this project runs), see x509-limbo/README.md. */
export const LIMBO_SUITE = fileURLToPath(
  new URL('../../../test/conformance/x509-limbo/limbo.json.gz', import.meta.url),
);

export function readLimboSuite(path: string): LimboCase[] {
  const bytes = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return (JSON.parse(text) as { testcases: LimboCase[] }).testcases;
}

function limboTime(tc: LimboCase): Date {
  return tc.validation_time ? new Date(tc.validation_time) : LIMBO_DEFAULT_TIME;
}

export function runLimboCase(tc: LimboCase): LimboOutcome {
  try {
    const result = validatePath({
      target: tc.peer_certificate,
      intermediates: tc.untrusted_intermediates,
      anchors: tc.trusted_certs,
      time: limboTime(tc),
      crls: tc.crls,
      ...(tc.max_chain_depth === null ? {} : { maxDepth: tc.max_chain_depth }),
      requiredEku: tc.extended_key_usage,
      requiredKeyUsage: tc.key_usage,
    });
    // Match SERVER names against the leaf's SAN; CLIENT cases carry no expected_peer_name.
    if (tc.expected_peer_name) checkPeerName(result.path[0]!, tc.expected_peer_name);
    // The crypto constraints of the signature validation apply to every key of the path.
    const refused = checkChainCrypto(DEFAULT_CRYPTO_POLICY, result.path, limboTime(tc), {
      includeTargetKey: true,
    });
    if (refused.length) return { result: 'FAILURE', why: `crypto policy: ${refused[0]!.detail}` };
    return { result: 'SUCCESS', why: '' };
  } catch (e) {
    if (e instanceof PathValidationError) return { result: 'FAILURE', why: `${e.pathCode}: ${e.detail}` };
    return { result: 'CRASH', why: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

/** Bullets "- `id` — reason" under the level-2 heading `section` of the known-differences file. */
export function listedInSection(section: string): Map<string, string> {
  const text = readFileSync(LIMBO_KNOWN_DIFFERENCES, 'utf8');
  const listed = new Map<string, string>();
  let inSection = false;
  for (const line of text.split('\n')) {
    const heading = /^## (.*)$/.exec(line);
    if (heading) inSection = heading[1]!.trim() === section;
    if (!inSection) continue;
    const m = /^- `([^`]+)`(.*)$/.exec(line);
    if (m) listed.set(m[1]!, m[2]!.replace(/^[\s—:-]+/, '').trim());
  }
  return listed;
}
