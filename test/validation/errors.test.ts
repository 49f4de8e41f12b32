import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { TrustbridgeError } from '../../src/lib/errors.js';
import { httpStatus } from '../../src/server/errors.js';
import {
  PATH_VALIDATION_ERRORS,
  PathValidationError,
  isPathValidationError,
  pathError,
} from '../../src/validation/errors.js';
import type { PathValidationCode } from '../../src/validation/errors.js';

// dist/test/validation/errors.test.js → the repository's src/validation
const SRC = fileURLToPath(new URL('../../../src/validation/', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('the PATH_* catalogue: UPPER_SNAKE codes, real 4xx statuses, texts, no clash with ERROR_CATALOGUE', () => {
  for (const [code, { text }] of Object.entries(PATH_VALIDATION_ERRORS)) {
    const status = httpStatus(code);
    assert.match(code, /^PATH_[A-Z0-9]+(_[A-Z0-9]+)*$/);
    assert.ok(status >= 400 && status < 500 && STATUS_CODES[status], `${code}: ${status}`);
    assert.ok(text.length > 0 && text === text.trim() && !text.endsWith('.'), code);
    // Before the merge the code is absent from ERROR_CATALOGUE; after it, the entry must be this one.
    const merged = (ERROR_CATALOGUE as Record<string, { text: string }>)[code];
    assert.ok(
      merged === undefined || (merged.text === text && httpStatus(code) === status),
      `${code} merges cleanly`,
    );
  }
});

test('PathValidationError: a TrustbridgeError with code, status, detail, context and cause', () => {
  const cause = new Error('root cause');
  const e = new PathValidationError('PATH_REVOKED', 'CN=x: revoked', { certificateIndex: 0 }, { cause });
  assert.ok(e instanceof TrustbridgeError && e instanceof Error);
  assert.equal(e.name, 'PathValidationError');
  assert.equal(e.code as string, 'PATH_REVOKED');
  assert.equal(e.pathCode, 'PATH_REVOKED');
  assert.equal(httpStatus(e.code), 422);
  assert.equal(e.detail, 'CN=x: revoked');
  assert.equal(e.message, 'the end-entity certificate is revoked: CN=x: revoked');
  assert.deepEqual(e.context, { certificateIndex: 0 });
  assert.equal(e.cause, cause);
  assert.ok(isPathValidationError(e) && isPathValidationError(e, 'PATH_REVOKED'));
  assert.ok(!isPathValidationError(e, 'PATH_EXPIRED') && !isPathValidationError(new Error('x')));
  assert.equal(httpStatus(pathError('PATH_MALFORMED', 'bad').code), 400);
});

test('every PATH_* code written in src/validation is catalogued, and every catalogued code is used', () => {
  const used = new Set<string>();
  for (const file of tsFiles(SRC)) {
    if (file.endsWith('errors.ts') || file.endsWith('sub_indication.ts')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/'(PATH_[A-Z_]+)'/g)) used.add(m[1]!);
  }
  const known = new Set(Object.keys(PATH_VALIDATION_ERRORS));
  assert.deepEqual(
    [...used].filter((c) => !known.has(c)),
    [],
  );
  assert.deepEqual(
    [...known].filter((c) => !used.has(c as PathValidationCode)),
    [],
  );
});
