/**
 * The layer check of `npm run lint` (scripts/check_layers.mjs): it passes on the real tree, and
 * fails, naming the file and line, on an import that goes up the layer order or closes a cycle.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHECK = join(ROOT, 'scripts', 'check_layers.mjs');

function check(src?: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CHECK, ...(src ? ['--src', src] : [])], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'src', path)), { recursive: true });
    writeFileSync(join(dir, 'src', path), text);
  }
  return join(dir, 'src');
}

test('the source tree keeps the layer order', () => {
  const r = check();
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
});

test('an import from a lower layer into a higher one fails with its file and line', () => {
  const src = tree({
    'pki/a.ts':
      "import { x } from '../lib/x.js';\nimport type { V } from '../validation/v.js';\nexport const a = x;\n",
    'lib/x.ts': 'export const x = 1;\n',
    'validation/v.ts': 'export type V = number;\n',
  });
  try {
    const r = check(src);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /pki\/a\.ts:2: pki\/ imports validation\/ \('\.\.\/validation\/v\.js'\), a higher layer/,
    );
    assert.doesNotMatch(r.stderr, /a\.ts:1:/);
  } finally {
    rmSync(dirname(src), { recursive: true, force: true });
  }
});

test('two folders importing each other are reported as a cycle', () => {
  const src = tree({
    'signature/s.ts': "export { v } from '../validation/v.js';\n",
    'validation/v.ts': "import { s } from '../signature/s.js';\nexport const v = s;\n",
  });
  try {
    const r = check(src);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cycle between folders: src\/signature\/ <-> src\/validation\//);
  } finally {
    rmSync(dirname(src), { recursive: true, force: true });
  }
});

test('a folder outside the layer order is refused', () => {
  const src = tree({
    'gadgets/g.ts': "import { x } from '../lib/x.js';\nexport const g = x;\n",
    'lib/x.ts': 'export const x = 1;\n',
  });
  try {
    const r = check(src);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /folder src\/gadgets\/ is not in the layer order/);
  } finally {
    rmSync(dirname(src), { recursive: true, force: true });
  }
});

test('a file directly in src/ may import any folder, and no folder may import it', () => {
  const src = tree({
    'errors.ts': "export { v } from './validation/v.js';\n",
    'validation/v.ts': 'export const v = 1;\n',
    'lib/x.ts': "import { v } from '../errors.js';\nexport const x = v;\n",
  });
  try {
    const r = check(src);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /lib\/x\.ts:1: lib\/ imports '\.\.\/errors\.js', a file above every layer/);
    assert.doesNotMatch(r.stderr, /errors\.ts:1:/);
  } finally {
    rmSync(dirname(src), { recursive: true, force: true });
  }
});
