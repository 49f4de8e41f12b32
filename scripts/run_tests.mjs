#!/usr/bin/env node
/**
 * Runs one half of the compiled test suite: `unit` (every file `node --test dist/test/` runs,
 * except those under dist/test/e2e/) or `e2e` (those under dist/test/e2e/). The two halves
 * together are exactly what `npm test` runs.
 *
 * The files are listed here rather than as directory arguments because Node 20's `node --test`
 * matches its test-file patterns relative to the directory it is given: `node --test dist/test/`
 * runs every .js/.cjs/.mjs file under it (the "files in a test directory" rule), while
 * `node --test dist/test/login/` would skip the helpers and fixtures there.
 *
 * Usage: node scripts/run_tests.mjs unit|e2e [--list | node --test options...]
 * (`--list` prints the files instead of running them).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const ROOT = 'dist/test';
const E2E = join(ROOT, 'e2e');

/** Every file under `dir` that the test runner loads, sorted. */
function testFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(c|m)?js$/.test(e.name))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

const [half, ...options] = process.argv.slice(2);
if (half !== 'unit' && half !== 'e2e') {
  process.stderr.write('usage: node scripts/run_tests.mjs unit|e2e [--list | node --test options...]\n');
  process.exit(2);
}
const inE2e = (f) => f.startsWith(E2E + '/');
const files = testFiles(ROOT).filter((f) => (half === 'e2e' ? inE2e(f) : !inE2e(f)));
if (options[0] === '--list') {
  process.stdout.write(files.map((f) => f + '\n').join(''));
  process.exit(0);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...options, ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
