import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { STATUS_CODES } from 'node:http';
import { DOMAIN_ERROR_LISTS, ERROR_CATALOGUE } from '../../src/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { PkiError, TrustbridgeError, UsageError, isTrustbridgeError } from '../../src/lib/errors.js';
import { KeyStoreError } from '../../src/pki/errors.js';
import { StoreError } from '../../src/store/errors.js';
import { EidError } from '../../src/eid/errors.js';
import { NodeError } from '../../src/node/errors.js';
import { HTTP_STATUS, HttpError, httpStatus } from '../../src/server/errors.js';

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
  for (const [code, { text }] of entries) {
    const status = httpStatus(code);
    assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, `${code} is UPPER_SNAKE`);
    assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: ${status} is a 4xx/5xx`);
    assert.ok(STATUS_CODES[status], `${code}: ${status} is a known HTTP status`);
    assert.ok(text.length > 0 && text === text.trim(), `${code} has a text`);
  }
  assert.equal(httpStatus('INTERNAL'), 500);
  assert.equal(httpStatus('INPUT_TOO_LARGE'), 413);
  assert.equal(httpStatus('EID_PERSON_DUPLICATE'), 409);
  assert.equal(httpStatus('AUTH_FORBIDDEN'), 403);
});

test('the catalogue is exactly the union of the domain lists, each code listed once', () => {
  const seen = new Map<string, string>();
  for (const [domain, list] of Object.entries(DOMAIN_ERROR_LISTS)) {
    for (const [code, entry] of Object.entries(list)) {
      assert.ok(!seen.has(code), `${code} is listed by ${seen.get(code)} and by ${domain}`);
      seen.set(code, domain);
      assert.equal((ERROR_CATALOGUE as Record<string, unknown>)[code], entry, `${code} is in the catalogue`);
    }
  }
  assert.deepEqual(Object.keys(ERROR_CATALOGUE).sort(), [...seen.keys()].sort());
});

test("the HTTP edge's status map covers exactly the catalogue", () => {
  assert.deepEqual(Object.keys(HTTP_STATUS).sort(), Object.keys(ERROR_CATALOGUE).sort());
});

test('no folder under src/ imports the assembled catalogue, except the CLI at the top', () => {
  const offenders = tsFiles(SRC).filter((f) => {
    const rel = relative(SRC, f).split('\\').join('/');
    if (!rel.includes('/') || rel.startsWith('cli/')) return false;
    const imports = readFileSync(f, 'utf8').matchAll(/from '(\.[^']*)'/g);
    return [...imports].some((m) => join(dirname(f), m[1]!) === join(SRC, 'errors.js'));
  });
  assert.deepEqual(offenders, []);
});

test('no user-reachable plain Error: src/ throws only trustbridge errors', () => {
  const plain = tsFiles(SRC).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/throw new Error\(/g)].map((m) => `${relative(ROOT, f)}@${m.index}`),
  );
  // Two exceptions that no user request reaches as a trustbridge answer: the assembled catalogue's
  // duplicate check (it runs at load, a build fault), and the script login serves to the browser.
  const exempt = [join('src', 'errors.ts'), join('src', 'login', 'browser_wallet.ts')];
  assert.deepEqual(
    plain.filter((p) => !exempt.some((x) => p.startsWith(`${x}@`))),
    [],
  );
});

test('TrustbridgeError carries code, status, subclass name, catalogue text and cause', () => {
  const cause = new Error('root cause');
  type Options = { cause?: unknown };
  for (const [Cls, code, make] of [
    [
      UsageError,
      'USAGE_INVALID_ARGUMENT',
      (o: Options) => new UsageError('USAGE_INVALID_ARGUMENT', undefined, o),
    ],
    [KeyStoreError, 'KEY_NOT_FOUND', (o: Options) => new KeyStoreError('KEY_NOT_FOUND', undefined, o)],
    [PkiError, 'PKI_CSR_MALFORMED', (o: Options) => new PkiError('PKI_CSR_MALFORMED', undefined, o)],
    [EidError, 'EID_PERSON_DUPLICATE', (o: Options) => new EidError('EID_PERSON_DUPLICATE', undefined, o)],
    [StoreError, 'STORE_UNAVAILABLE', (o: Options) => new StoreError('STORE_UNAVAILABLE', undefined, o)],
    [HttpError, 'AUTH_FORBIDDEN', (o: Options) => new HttpError('AUTH_FORBIDDEN', undefined, o)],
    [NodeError, 'NODE_EXISTS', (o: Options) => new NodeError('NODE_EXISTS', undefined, o)],
  ] as const) {
    const e = make({ cause });
    assert.ok(e instanceof TrustbridgeError && e instanceof Error);
    assert.equal(e.code, code);
    assert.equal(httpStatus(e.code), HTTP_STATUS[code]);
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
