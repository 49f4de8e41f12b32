import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { STATUS_CODES } from 'node:http';
import {
  ERROR_CATALOGUE,
  EidError,
  HttpError,
  KeyStoreError,
  NodeError,
  PkiError,
  StoreError,
  TrustbridgeError,
  UsageError,
  isTrustbridgeError,
} from '../../src/lib/errors.js';
import type { ErrorCode } from '../../src/lib/errors.js';

// dist/test/lib/errors.test.js → the repository root, where src/ holds the TypeScript sources.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

test('every code is UPPER_SNAKE with a text, and maps to a real HTTP error status', () => {
  const entries = Object.entries(ERROR_CATALOGUE);
  assert.ok(entries.length >= 30);
  for (const [code, { status, text }] of entries) {
    assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, `${code} is UPPER_SNAKE`);
    assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: ${status} is a 4xx/5xx`);
    assert.ok(STATUS_CODES[status], `${code}: ${status} is a known HTTP status`);
    assert.ok(text.length > 0 && text === text.trim(), `${code} has a text`);
  }
  assert.equal(ERROR_CATALOGUE.INTERNAL.status, 500);
  assert.equal(ERROR_CATALOGUE.INPUT_TOO_LARGE.status, 413);
  assert.equal(ERROR_CATALOGUE.EID_PERSON_DUPLICATE.status, 409);
  assert.equal(ERROR_CATALOGUE.AUTH_FORBIDDEN.status, 403);
});

test('TrustbridgeError carries code, status, subclass name, catalogue text and cause', () => {
  const cause = new Error('root cause');
  for (const [Cls, code] of [
    [UsageError, 'USAGE_INVALID_ARGUMENT'],
    [KeyStoreError, 'KEY_NOT_FOUND'],
    [PkiError, 'PKI_CSR_MALFORMED'],
    [EidError, 'EID_PERSON_DUPLICATE'],
    [StoreError, 'STORE_UNAVAILABLE'],
    [HttpError, 'AUTH_FORBIDDEN'],
    [NodeError, 'NODE_EXISTS'],
  ] as const) {
    const e = new Cls(code, undefined, { cause });
    assert.ok(e instanceof TrustbridgeError && e instanceof Error);
    assert.equal(e.code, code);
    assert.equal(e.status, ERROR_CATALOGUE[code].status);
    assert.equal(e.name, Cls.name);
    assert.equal(e.message, ERROR_CATALOGUE[code].text);
    assert.equal(e.cause, cause);
    assert.ok(isTrustbridgeError(e) && isTrustbridgeError(e, code));
    assert.ok(!isTrustbridgeError(e, 'INTERNAL'));
  }
  assert.equal(new EidError('EID_INVALID_DATE', 'custom detail').message, 'custom detail');
  assert.ok(!isTrustbridgeError(Object.assign(new Error('x'), { code: 'INTERNAL' })));
  assert.ok(!isTrustbridgeError(undefined));
});

test("every `new XxxError('CODE'` and API error code in src/ is in the catalogue", () => {
  const files = tsFiles(SRC);
  assert.ok(files.length > 20, `found the sources in ${SRC}`);
  const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  // The trustbridge error classes: TrustbridgeError and whatever extends it, here or elsewhere in src/.
  const classes = new Set(['TrustbridgeError']);
  for (let grown = true; grown;) {
    grown = false;
    for (const text of texts.values()) {
      for (const m of text.matchAll(/class\s+(\w+)\s+extends\s+(\w+)/g)) {
        if (classes.has(m[2]!) && !classes.has(m[1]!)) grown = Boolean(classes.add(m[1]!));
      }
    }
  }
  assert.ok(classes.has('EidError') && classes.has('PkiError'));
  const uses: { code: string; where: string }[] = [];
  const patterns = [
    new RegExp(`new\\s+(?:${[...classes].join('|')})\\(\\s*'([^']+)'`, 'g'), // new EidError('EID_…'
    /isTrustbridgeError\([^,()]+,\s*'([^']+)'\)/g,
    /\bcode:\s*'([A-Z][A-Z0-9_]+)'/g, // { code: 'INPUT_TOO_LARGE', … } at the HTTP edge
    /\bguarded\(\s*'([^']+)'/g, // guarded('PKI_OCSP_REQUEST_MALFORMED', …)
    /\b(?:pathError|reject)\(\s*'([^']+)'/g, // pathError('PATH_EXPIRED', …)
  ];
  for (const [file, text] of texts) {
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const line = text.slice(0, m.index).split('\n').length;
        uses.push({ code: m[1]!, where: `${relative(ROOT, file)}:${line}` });
      }
    }
  }
  assert.ok(uses.length > 40, `found ${uses.length} error constructions`);
  const unknown = uses.filter((u) => !Object.hasOwn(ERROR_CATALOGUE, u.code));
  assert.deepEqual(unknown, [], 'codes used in src/ but missing from ERROR_CATALOGUE');
  const used = new Set(uses.map((u) => u.code));
  for (const code of [
    'EID_PERSON_DUPLICATE',
    'PKI_CSR_KEY_REUSED',
    'AUTH_FORBIDDEN',
    'KEY_PASSPHRASE_WRONG',
  ] as ErrorCode[]) {
    assert.ok(used.has(code), `${code} is thrown somewhere`);
  }
});
