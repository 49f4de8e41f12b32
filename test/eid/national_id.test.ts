import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  assertNationalId,
  generateNationalId,
  isValidNationalId,
  verhoeffCheckDigit,
} from '../../src/eid/national_id.js';

/** Deterministic byte source: SHA-256 in counter mode over `seed`. */
function seededRandom(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n: number) => {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      parts.push(block);
      have += block.length;
    }
    return Buffer.concat(parts).subarray(0, n);
  };
}

function assertCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.equal((e as { code?: unknown }).code, code);
    return true;
  });
}

/** True when `digits` (check digit last) passes the Verhoeff check. */
function verhoeffValid(digits: string): boolean {
  return verhoeffCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

test('Verhoeff check digits match published vectors', () => {
  // 236 → 3 is Wikipedia's worked example; 12345 → 1 and 123456789012 → 0 are Rosetta Code's.
  assert.equal(verhoeffCheckDigit('236'), '3');
  assert.equal(verhoeffCheckDigit('12345'), '1');
  assert.equal(verhoeffCheckDigit('142857'), '0');
  assert.equal(verhoeffCheckDigit('123456789012'), '0');
  assert.equal(verhoeffCheckDigit('0'), '4'); // by hand: d(0, p(1, 0)) = 1, inv(1) = 4
  assert.ok(verhoeffValid('2363'));
  assert.ok(!verhoeffValid('2364'));
});

/** Verhoeff from first principles: D5 as rotations/reflections, p = powers of (1 5 7 6 2 8 3 0 9 4). */
function referenceCheckDigit(digits: string): string {
  const d = (j: number, k: number): number => {
    if (j < 5 && k < 5) return (j + k) % 5;
    if (j < 5) return 5 + ((j + k) % 5);
    if (k < 5) return 5 + ((j - k + 5) % 5);
    return (j - k + 5) % 5;
  };
  const base = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
  const p: number[][] = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]];
  for (let i = 1; i < 8; i++) p.push(p[i - 1]!.map((x) => base[x]!));
  let c = 0;
  [...digits].reverse().forEach((ch, i) => (c = d(c, p[(i + 1) % 8]![Number(ch)]!)));
  for (let k = 0; k < 10; k++) if (d(c, k) === 0) return String(k);
  throw new Error('unreachable');
}

test('check digits agree with a from-first-principles Verhoeff implementation', () => {
  const random = seededRandom('reference');
  for (let k = 0; k < 5000; k++) {
    const bytes = random(1 + (k % 30));
    const digits = [...bytes].map((b) => String(b % 10)).join('');
    assert.equal(verhoeffCheckDigit(digits), referenceCheckDigit(digits), digits);
  }
});

test('verhoeffCheckDigit rejects empty and non-digit input', () => {
  for (const bad of ['', '12a4', ' 123', '١٢٣', '12.3']) {
    assertCode(() => verhoeffCheckDigit(bad), 'EID_INVALID_NATIONAL_ID');
  }
});

test('single substitutions and adjacent transpositions are detected for every 4-digit string', () => {
  for (let n = 0; n < 10_000; n++) {
    const payload = String(n).padStart(4, '0');
    const code = payload + verhoeffCheckDigit(payload);
    assertAllErrorsDetected(code);
  }
});

function assertAllErrorsDetected(code: string): void {
  for (let i = 0; i < code.length; i++) {
    for (let d = 0; d < 10; d++) {
      if (String(d) === code[i]) continue;
      const changed = code.slice(0, i) + String(d) + code.slice(i + 1);
      assert.ok(!verhoeffValid(changed), `substitution ${code} → ${changed} undetected`);
    }
  }
  for (let i = 0; i + 1 < code.length; i++) {
    if (code[i] === code[i + 1]) continue;
    const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
    assert.ok(!verhoeffValid(swapped), `transposition ${code} → ${swapped} undetected`);
  }
}

test('single substitutions and adjacent transpositions are detected in generated national ids', () => {
  const random = seededRandom('errors');
  for (let k = 0; k < 500; k++) {
    const id = generateNationalId(random);
    assertAllErrorsDetected(id);
    for (let i = 0; i < id.length; i++) {
      const changed = id.slice(0, i) + String((Number(id[i]) + 1) % 10) + id.slice(i + 1);
      assert.equal(isValidNationalId(changed), false);
    }
  }
});

test('generated ids are valid with the default CSPRNG', () => {
  const seen = new Set<string>();
  for (let k = 0; k < 1000; k++) {
    const id = generateNationalId();
    assert.match(id, /^[2-9][0-9]{11}$/);
    assert.ok(isValidNationalId(id), id);
    assert.doesNotThrow(() => assertNationalId(id));
    seen.add(id);
  }
  assert.equal(seen.size, 1000);
});

test('generation is deterministic for a seeded random source', () => {
  const a = Array.from(
    { length: 5 },
    (
      (r) => () =>
        generateNationalId(r)
    )(seededRandom('s')),
  );
  const b = Array.from(
    { length: 5 },
    (
      (r) => () =>
        generateNationalId(r)
    )(seededRandom('s')),
  );
  assert.deepEqual(a, b);
});

test('rejection sampling discards bytes 250..255 instead of reducing them modulo 10', () => {
  // 250..255 would be digits 0..5 under plain modulo; they must be skipped.
  const bytes = [255, 250, 253, 2, 251, 14, 23, 39, 41, 57, 62, 70, 83, 99, 249];
  const random = (n: number): Buffer => Buffer.from(bytes.splice(0, n));
  const id = generateNationalId(random);
  assert.equal(id.slice(0, 11), '24391720399');
  assert.ok(isValidNationalId(id));
});

test('a broken random source fails with INTERNAL instead of looping forever', () => {
  assertCode(() => generateNationalId((n) => Buffer.alloc(n, 0)), 'INTERNAL');
  assertCode(() => generateNationalId((n) => Buffer.alloc(n, 255)), 'INTERNAL');
  assertCode(() => generateNationalId(() => Buffer.alloc(0)), 'INTERNAL');
});

test('each digit position is roughly uniform over 10k generated ids', () => {
  const random = seededRandom('distribution');
  const counts = Array.from({ length: 12 }, () => new Array<number>(10).fill(0));
  const total = 10_000;
  for (let k = 0; k < total; k++) {
    const id = generateNationalId(random);
    for (let i = 0; i < 12; i++) counts[i]![Number(id[i])]!++;
  }
  // First digit: uniform over 2..9; never 0 or 1.
  assert.equal(counts[0]![0], 0);
  assert.equal(counts[0]![1], 0);
  for (let d = 2; d < 10; d++) assertNear(counts[0]![d]!, total / 8, `position 0 digit ${d}`);
  // Other positions (check digit included): uniform over 0..9. Tolerance ~5 standard deviations.
  for (let i = 1; i < 12; i++) {
    for (let d = 0; d < 10; d++) assertNear(counts[i]![d]!, total / 10, `position ${i} digit ${d}`);
  }
});

function assertNear(actual: number, expected: number, what: string): void {
  const sigma = Math.sqrt(expected);
  assert.ok(Math.abs(actual - expected) < 5 * sigma, `${what}: ${actual} vs ${expected}`);
}

test('valid ids are accepted', () => {
  for (const payload of ['23571113171', '98069542378', '20202020202']) {
    const id = payload + verhoeffCheckDigit(payload);
    assert.ok(isValidNationalId(id), id);
    assert.doesNotThrow(() => assertNationalId(id));
  }
});

test('invalid ids are rejected with EID_INVALID_NATIONAL_ID and a reason', () => {
  const withCheck = (p: string): string => p + verhoeffCheckDigit(p);
  const cases: [unknown, RegExp][] = [
    ['', /exactly 12 ASCII digits/],
    ['2357111317', /exactly 12 ASCII digits/],
    [withCheck('235711131719'), /exactly 12 ASCII digits/],
    ['23571113171a', /exactly 12 ASCII digits/],
    [' 23571113171', /exactly 12 ASCII digits/],
    ['２３５７１１１３１７１１', /exactly 12 ASCII digits/],
    [withCheck('03571113171'), /must not start with 0 or 1/],
    [withCheck('13571113171'), /must not start with 0 or 1/],
    [wrongCheck('23571113171'), /Verhoeff/],
    [withCheck('23571234171'), /ascending/],
    [withCheck('29876113171'), /descending/],
    [withCheck('23571113333'), /identical/],
    [withCheck('25555113171'), /identical/],
    [235711131719, /must be a string/],
    [undefined, /must be a string/],
  ];
  for (const [id, reason] of cases) {
    assert.equal(isValidNationalId(id as string), false, String(id));
    assert.throws(
      () => assertNationalId(id as string),
      (e: unknown) => {
        assert.equal((e as { code?: unknown }).code, 'EID_INVALID_NATIONAL_ID');
        assert.match((e as Error).message, reason);
        return true;
      },
    );
  }
});

function wrongCheck(payload: string): string {
  return payload + String((Number(verhoeffCheckDigit(payload)) + 1) % 10);
}

test('patterns are only looked for in the first 11 digits and runs of 3 are allowed', () => {
  const id = '23571113' + '123';
  assert.ok(isValidNationalId(id + verhoeffCheckDigit(id)));
  // a run of 3 identical digits plus the check digit is not a pattern violation by itself
  const p = '24680135777';
  assert.ok(isValidNationalId(p + verhoeffCheckDigit(p)));
});
