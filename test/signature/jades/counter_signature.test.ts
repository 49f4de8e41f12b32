/**
 * JAdES level and counter-signatures, on small JWS crafted here: the baseline-B rules that make a
 * JWS NOT-ETSI (TS 119 182-1 §6.3, RFC 7515 §4.1.11), a cSig (§5.3.2) listed as a signature of its
 * own, and a protected header with a member given twice (RFC 7515 §4).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, sign as cryptoSign } from 'node:crypto';
import { bufferSource } from '../../../src/lib/document_source.js';
import { extractJades } from '../../../src/signature/jades/extract.js';
import { validateDocument } from '../../../src/validation/validate_document.js';
import { freshCertificate } from './fixtures.js';
import type { FreshCertificate } from './fixtures.js';

let signer: FreshCertificate;
let counterSigner: FreshCertificate;

before(async () => {
  signer = await freshCertificate('Level Signer');
  counterSigner = await freshCertificate('Counter Signer');
});

function b64u(s: string | Buffer): string {
  return Buffer.from(s).toString('base64url');
}

function header(c: FreshCertificate, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alg: 'ES256',
    x5c: [c.der.toString('base64')],
    'x5t#S256': createHash('sha256').update(c.der).digest('base64url'),
    sigT: '2024-03-01T10:00:00Z',
    crit: ['sigT'],
    ...extra,
  };
}

/** A compact JWS over `payload` with the protected header text as given. */
function compact(c: FreshCertificate, headerText: string, payload: Buffer, detached = false): string {
  const p = b64u(headerText);
  const sig = cryptoSign('sha256', Buffer.from(`${p}.${b64u(payload)}`), {
    key: c.key,
    dsaEncoding: 'ieee-p1363',
  });
  return `${p}.${detached ? '' : b64u(payload)}.${b64u(sig)}`;
}

async function levelOf(h: Record<string, unknown>): Promise<[string, string[]]> {
  const jws = compact(signer, JSON.stringify(h), Buffer.from('hello'));
  const [s] = await extractJades(bufferSource(Buffer.from(jws)), {});
  return [s!.level, s!.warnings ?? []];
}

describe('JAdES baseline-B requirements for the level', () => {
  it('a JWS meeting them is B-B, without warning', async () => {
    assert.deepEqual(await levelOf(header(signer)), ['B-B', []]);
  });

  it('each broken rule gives NOT-ETSI and a warning naming it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [header(signer, { crit: ['sigT', 'sigT'] }), 'crit lists a header twice'],
      [header(signer, { b64: true }), 'b64 is present but not in crit'],
      [header(signer, { crit: ['sigT', 'sigPl'] }), 'crit lists sigPl, which is not present'],
      [header(signer, { crit: ['sigT', 'alg'] }), 'crit lists alg, a header of RFC 7515 / RFC 7518'],
      [header(signer, { crit: [] }), 'crit is empty'],
      [header(signer, { iat: 1709287200 }), 'both iat and sigT are present'],
      [header(signer, { sigT: undefined, crit: undefined }), 'neither iat nor sigT gives the signing time'],
    ];
    for (const [h, rule] of cases) {
      const [level, warnings] = await levelOf(h);
      assert.equal(level, 'NOT-ETSI', rule);
      assert.ok(
        warnings.some((w) => w.endsWith(rule)),
        `${rule}: ${warnings.join('; ')}`,
      );
    }
  });

  it('x5t#o with iat instead of x5t#S256 with sigT is B-B', async () => {
    const h = header(signer, {
      'x5t#S256': undefined,
      'x5t#o': { digAlg: 'S512', digVal: createHash('sha512').update(signer.der).digest('base64url') },
      sigT: undefined,
      crit: undefined,
      iat: 1709287200,
    });
    assert.deepEqual(await levelOf(h), ['B-B', []]);
  });

  it('an empty crit stays a FORMAT_FAILURE (RFC 7515 §4.1.11), the level NOT-ETSI', async () => {
    const jws = compact(signer, JSON.stringify(header(signer, { crit: [] })), Buffer.from('hello'));
    const report = await validateDocument(bufferSource(Buffer.from(jws)), { anchors: [signer.der] });
    assert.deepEqual(
      report.signatures.map((s) => [s.level, s.indication, s.subIndication]),
      [['NOT-ETSI', 'TOTAL-FAILED', 'FORMAT_FAILURE']],
    );
  });
});

/** A JWS JSON serialization whose etsiU holds one cSig made by `make` from the parent's signature value. */
function withCounterSignature(make: (parentSignature: Buffer) => unknown): string {
  const payload = Buffer.from('{"name":"Watson"}');
  const [p, pl, s] = compact(signer, JSON.stringify(header(signer)), payload).split('.') as [
    string,
    string,
    string,
  ];
  const cSig = make(Buffer.from(s, 'base64url'));
  return JSON.stringify({
    payload: pl,
    protected: p,
    header: { etsiU: [b64u(JSON.stringify({ cSig }))] },
    signature: s,
  });
}

async function verdicts(jws: string): Promise<string[][]> {
  const report = await validateDocument(bufferSource(Buffer.from(jws)), {
    anchors: [signer.der, counterSigner.der],
  });
  return report.signatures.map((s) => [
    s.id,
    s.counterSignatureOf ?? '-',
    s.indication,
    s.subIndication ?? '-',
  ]);
}

describe('JAdES counter-signatures (cSig)', () => {
  const cHeader = (): string => JSON.stringify(header(counterSigner));

  it('a detached cSig over the parent signature value is its own signature, and passes', async () => {
    const jws = withCounterSignature((sv) => compact(counterSigner, cHeader(), sv, true));
    assert.deepEqual(await verdicts(jws), [
      ['S-1', '-', 'TOTAL-PASSED', '-'],
      ['S-1-C1', 'S-1', 'TOTAL-PASSED', '-'],
    ]);
  });

  it('an attached cSig whose payload is another signature value fails (replace attack)', async () => {
    const jws = withCounterSignature(() => compact(counterSigner, cHeader(), Buffer.alloc(64, 7)));
    assert.deepEqual(await verdicts(jws), [
      ['S-1', '-', 'TOTAL-PASSED', '-'],
      ['S-1-C1', 'S-1', 'TOTAL-FAILED', 'HASH_FAILURE'],
    ]);
  });

  it('a detached cSig signed over other octets fails its signature value', async () => {
    const jws = withCounterSignature(() => compact(counterSigner, cHeader(), Buffer.alloc(64, 7), true));
    assert.deepEqual(await verdicts(jws), [
      ['S-1', '-', 'TOTAL-PASSED', '-'],
      ['S-1-C1', 'S-1', 'TOTAL-FAILED', 'SIG_CRYPTO_FAILURE'],
    ]);
  });
});

describe('a protected header with a member given twice', () => {
  it('is a FORMAT_FAILURE even when its signature verifies (RFC 7515 §4)', async () => {
    const text = JSON.stringify(header(signer)).replace('"sigT":', '"sigT":"2024-01-01T00:00:00Z","sigT":');
    const jws = compact(signer, text, Buffer.from('hello'));
    const [s] = await extractJades(bufferSource(Buffer.from(jws)), {});
    assert.match(s!.formatFailure ?? '', /member sigT twice/);
    const report = await validateDocument(bufferSource(Buffer.from(jws)), { anchors: [signer.der] });
    assert.deepEqual(
      report.signatures.map((r) => [r.indication, r.subIndication]),
      [['TOTAL-FAILED', 'FORMAT_FAILURE']],
    );
  });
});
