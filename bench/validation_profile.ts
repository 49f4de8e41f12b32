/**
 * One-off CPU profile of a validation (node:inspector sampling profiler): self time by function
 * and by source file, and how many node:crypto calls (verify, createPublicKey, createHash) one
 * validation makes, counted by wrapping them for the run (`syncBuiltinESMExports` makes the
 * ESM named imports of node:crypto see the wrappers).
 */
import crypto from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { ENV } from './common.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const COUNTED = ['verify', 'createPublicKey', 'createHash'] as const;
type Counted = (typeof COUNTED)[number];

/** Runs `fn` with the node:crypto functions of {@link COUNTED} counted; returns the counts. */
async function countCryptoCalls(runs: number, fn: () => Promise<void>): Promise<Record<Counted, number>> {
  const target = crypto as unknown as Record<Counted, (...a: unknown[]) => unknown>;
  const saved = COUNTED.map((name) => target[name]);
  const counts = Object.fromEntries(COUNTED.map((n) => [n, 0])) as Record<Counted, number>;
  COUNTED.forEach((name, i) => {
    const original = saved[i]!;
    target[name] = (...a: unknown[]) => {
      counts[name]++;
      return original(...a);
    };
  });
  syncBuiltinESMExports();
  try {
    for (let i = 0; i < runs; i++) await fn();
  } finally {
    COUNTED.forEach((name, i) => (target[name] = saved[i]!));
    syncBuiltinESMExports();
  }
  for (const n of COUNTED) counts[n] /= runs;
  return counts;
}

function where(url: string): string {
  if (!url) return '(native)';
  const i = url.lastIndexOf('/dist/');
  if (i >= 0) return url.slice(i + 6);
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return m ? m[1]! : url.replace(/^file:\/\//, '');
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `    ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

const frameName = (n: ProfileNode): string =>
  `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

/** Sample counts by function, by file, and by the closest caller frame under `dist/src/`. */
function aggregate(nodes: ProfileNode[]): {
  byFunction: Map<string, number>;
  byFile: Map<string, number>;
  bySrc: Map<string, number>;
  total: number;
} {
  const parent = new Map<number, ProfileNode>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const bySrc = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  let total = 0;
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    bump(byFunction, frameName(node), hits);
    bump(byFile, where(node.callFrame.url), hits);
    let up: ProfileNode | undefined = node;
    while (up && !where(up.callFrame.url).startsWith('src/')) up = parent.get(up.id);
    bump(bySrc, up ? frameName(up) : '(outside src/)', hits);
    total += hits;
  }
  return { byFunction, byFile, bySrc, total };
}

/**
 * Profiles `fn` (one validation) for about a fifth of BENCH_SECONDS (at least a second), after
 * counting its node:crypto calls over `countRuns` runs.
 *
 * @returns report lines: crypto calls per validation, top functions and files by self time
 * @example `for (const l of await profileValidation('CAdES B-B', () => validateOnce())) console.log(l)`
 */
export async function profileValidation(
  label: string,
  fn: () => Promise<void>,
  countRuns = 20,
): Promise<string[]> {
  const counts = await countCryptoCalls(countRuns, fn);
  const session = new Session();
  session.connect();
  let runs = 0;
  let profile: { nodes: ProfileNode[] };
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const end = performance.now() + 1000 * Math.max(1, ENV.seconds / 5);
    while (performance.now() < end) {
      await fn();
      runs++;
    }
    profile = (await session.post('Profiler.stop')).profile as unknown as { nodes: ProfileNode[] };
  } finally {
    session.disconnect();
  }
  const { byFunction, byFile, bySrc, total } = aggregate(profile.nodes);
  return [
    `profile (${label}, ${runs} validations sampled; node:crypto calls per validation: ` +
      COUNTED.map((n) => `${n} ${counts[n].toFixed(1)}`).join(', ') +
      '):',
    '  self time by function:',
    ...top(byFunction, total, 14),
    '  self time by file:',
    ...top(byFile, total, 10),
    '  time by the nearest src/ function on the stack (its own time plus the libraries and node:crypto it calls):',
    ...top(bySrc, total, 14),
  ];
}
