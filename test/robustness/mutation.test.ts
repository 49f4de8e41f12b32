/**
 * Mutation robustness: bytes of signed files of every format are flipped, truncated, spliced and
 * duplicated with a fixed seed, and each mutant is validated. Every case must end in a report or
 * a TrustbridgeError with a stable code: no other exception, no hang (a time bound per case), no
 * runaway memory. Seeds: our own CAdES and JAdES signatures (fixed keys and clock) and every
 * signed file of the DSS corpus.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import { signCades } from '../../src/signature/cades/sign.js';
import { signJades } from '../../src/signature/jades/sign.js';
import { bufferSource } from '../../src/lib/document_source.js';
import { validateDocument } from '../../src/validation/validate_document.js';
import { REPO_ROOT } from '../fixtures/cli.js';
import { DOCUMENT, signingFixture } from '../signature/fixtures.js';
import type { SigningFixture } from '../signature/fixtures.js';

const CASES_PER_SEED = Number(process.env['TRUSTBRIDGE_MUTATIONS'] ?? 150);
const CASE_BUDGET_MS = 2000;
const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');

/** Mulberry32: a small deterministic PRNG, so every run makes the same mutants. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One mutant of `input`: flip bits, truncate, splice in a copy of a range, delete a range, or set bytes to 0x00/0xff/0x80. */
function mutate(input: Buffer, rnd: () => number): Buffer {
  const pos = (): number => Math.floor(rnd() * input.length);
  const b = Buffer.from(input);
  switch (Math.floor(rnd() * 6)) {
    case 0:
      for (let i = 0; i < 1 + Math.floor(rnd() * 4); i++) b[pos()] ^= 1 << Math.floor(rnd() * 8);
      return b;
    case 1:
      return b.subarray(0, pos());
    case 2: {
      const from = pos();
      const len = Math.floor(rnd() * Math.min(512, input.length - from));
      const at = pos();
      return Buffer.concat([b.subarray(0, at), input.subarray(from, from + len), b.subarray(at)]);
    }
    case 3: {
      const at = pos();
      return Buffer.concat([
        b.subarray(0, at),
        b.subarray(Math.min(input.length, at + 1 + Math.floor(rnd() * 64))),
      ]);
    }
    case 4: {
      const v = [0x00, 0xff, 0x80][Math.floor(rnd() * 3)]!;
      const at = pos();
      b.fill(v, at, Math.min(b.length, at + 1 + Math.floor(rnd() * 8)));
      return b;
    }
    default: {
      // A length byte made huge: the classic ASN.1 / PDF length attack.
      const at = pos();
      b[at] = 0x84;
      return b;
    }
  }
}

function corpusSeeds(): { name: string; bytes: Buffer }[] {
  if (!existsSync(CORPUS)) return [];
  const out: { name: string; bytes: Buffer }[] = [];
  for (const dir of ['cades', 'pades', 'jades', 'xades', 'asic', 'tl']) {
    if (!existsSync(join(CORPUS, dir))) continue;
    for (const f of readdirSync(join(CORPUS, dir)).sort()) {
      const bytes = readFileSync(join(CORPUS, dir, f));
      if (bytes.length <= 2 * 1024 * 1024) out.push({ name: `${dir}/${f}`, bytes });
    }
  }
  return out;
}

let f: SigningFixture;
const seeds: { name: string; bytes: Buffer }[] = [];

before(async () => {
  f = await signingFixture();
  const common = {
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: f.node.clock(),
    tsa: f.endpoint,
  };
  seeds.push({
    name: 'ours: CAdES B-T',
    bytes: await signCades({ ...common, content: DOCUMENT, detached: false, level: 'B-T' }),
  });
  const jws = await signJades({
    ...common,
    payload: DOCUMENT,
    serialization: 'json',
    detached: false,
    level: 'B-T',
  });
  seeds.push({ name: 'ours: JAdES B-T', bytes: Buffer.from(jws) });
  seeds.push(...corpusSeeds());
});
after(() => f?.node.close());

describe('mutation robustness (fixed seed)', () => {
  it('every mutant of every seed ends in a report or a stable error code, within the time bound', async (t) => {
    const codes = new Map<string, number>();
    let reports = 0;
    let slowest = 0;
    for (const [s, seed] of seeds.entries()) {
      const rnd = prng(0x5eed + s);
      for (let i = 0; i < CASES_PER_SEED; i++) {
        const mutant = mutate(seed.bytes, rnd);
        const started = performance.now();
        try {
          const report = await validateDocument(bufferSource(mutant), {
            anchors: [f.node.root.certificate.der],
            time: f.node.clock(),
          });
          assert.ok(report.signatures.length > 0);
          reports++;
        } catch (e) {
          if (!isTrustbridgeError(e))
            throw new Error(`${seed.name} mutant ${i}: ${(e as Error).stack ?? String(e)}`, { cause: e });
          assert.ok(e.code in ERROR_CATALOGUE);
          codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        }
        const took = performance.now() - started;
        slowest = Math.max(slowest, took);
        assert.ok(took < CASE_BUDGET_MS, `${seed.name} mutant ${i} took ${Math.round(took)} ms`);
      }
    }
    const total = seeds.length * CASES_PER_SEED;
    t.diagnostic(
      `${total} mutants of ${seeds.length} seeds: ${reports} reports, errors ${JSON.stringify(Object.fromEntries(codes))}, slowest ${Math.round(slowest)} ms`,
    );
    assert.ok(total >= 2000 || CASES_PER_SEED < 150, 'thousands of cases');
    assert.ok(process.memoryUsage().heapUsed < 1024 * 1024 * 1024, 'memory stays bounded');
  });
});
