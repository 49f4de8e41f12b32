#!/usr/bin/env node
/**
 * The layer check run by `npm run lint`: every import inside `src/` (value or type, static or
 * dynamic) goes from a folder to a folder listed before it in LAYERS, or stays inside its own
 * folder; no two top-level folders import each other. The order is the README's source map.
 *
 *   node scripts/check_layers.mjs          # exit 1 and one line per offending import
 *   node scripts/check_layers.mjs --graph  # the folder-to-folder import counts
 *   node scripts/check_layers.mjs --src DIR  # check another tree (the test uses it)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lowest first: a folder may import only the folders before it. */
export const LAYERS = [
  'lib',
  'x509',
  'pki',
  'store',
  'timestamp',
  'signature',
  'validation',
  'trust',
  'ledger',
  'eid',
  'node',
  'cert',
  'login',
  'hub',
  'portal',
  'federation',
  'server',
  'cli',
];

const srcArg = process.argv.indexOf('--src');
const SRC =
  srcArg > 0 ? process.argv[srcArg + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const ROOT = dirname(SRC);
const IMPORT =
  /(?:^\s*(?:import|export)\s[^;]*?\sfrom\s*|\bimport\s*\(\s*|^\s*import\s*)(['"])(\.{1,2}\/[^'"]+)\1/gm;

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return name.endsWith('.ts') ? [p] : [];
  });
}

/** The top-level folder of a path inside src/, or undefined for a file directly in src/. */
function folderOf(path) {
  const rel = relative(SRC, path);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Every cross-folder import: [from folder, to folder, file, line, specifier]. */
export function crossImports() {
  const out = [];
  for (const file of tsFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const from = folderOf(file);
    for (const m of text.matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), m[2]));
      const to = folderOf(target);
      // A file directly in src/ (the assembled error catalogue) sits above every layer: it may
      // import any folder, and no folder may import it.
      if (from === undefined || to === from || relative(SRC, target).startsWith('..')) continue;
      const line = text.slice(0, m.index).split('\n').length;
      out.push([from, to, relative(ROOT, file), line, m[2]]);
    }
  }
  return out;
}

function main() {
  const rank = new Map(LAYERS.map((l, i) => [l, i]));
  const imports = crossImports();
  const problems = [];
  for (const [from, to, file, line, spec] of imports) {
    if (to === undefined)
      problems.push(`${file}:${line}: ${from}/ imports '${spec}', a file above every layer`);
    else if (!rank.has(from)) problems.push(`${file}:${line}: folder src/${from}/ is not in the layer order`);
    else if (!rank.has(to))
      problems.push(`${file}:${line}: imports src/${to}/, which is not in the layer order`);
    else if (rank.get(to) > rank.get(from))
      problems.push(`${file}:${line}: ${from}/ imports ${to}/ ('${spec}'), a higher layer`);
  }
  const pairs = new Map();
  for (const [from, to] of imports)
    if (to !== undefined) pairs.set(`${from} -> ${to}`, (pairs.get(`${from} -> ${to}`) ?? 0) + 1);
  for (const key of pairs.keys()) {
    const [a, b] = key.split(' -> ');
    if (a < b && pairs.has(`${b} -> ${a}`)) problems.push(`cycle between folders: src/${a}/ <-> src/${b}/`);
  }
  if (process.argv.includes('--graph')) for (const [k, n] of [...pairs].sort()) console.log(`${k} ${n}`);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`layers: ${problems.length} problem(s); the order, lowest first: ${LAYERS.join(' < ')}`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
