/**
 * The witness decision (tlog-witness v1.0.0) against the litewitness conformance script
 * (`../shared/corpus/tlog/litewitness/litewitness.txt`): each request of its hurl file gets the
 * status and body the script expects, except the unknown log, answered 404 as the spec says
 * (litewitness answers 403). Plus the request grammar and the state left unchanged on refusals.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import { cosignatureVerifier, cosigner } from '../../src/ledger/cosignature.js';
import { EMPTY_ROOT } from '../../src/ledger/hash.js';
import { SIG_ED25519, ed25519KeyFromSeed, formatVerifierKey, noteVerifier } from '../../src/ledger/keys.js';
import type { NoteVerifier } from '../../src/ledger/keys.js';
import { openNote } from '../../src/ledger/note.js';
import { addCheckpoint, parseAddCheckpoint } from '../../src/ledger/witness.js';
import type { WitnessRecord } from '../../src/ledger/witness.js';
import { NO_CORPUS, TEST_SEEDS, TLOG_CORPUS } from './fixtures.js';

const SCRIPT = join(TLOG_CORPUS, 'litewitness', 'litewitness.txt');
const SIGSUM_KEY = Buffer.from('ffdc2d4d98e4124d3feaf788c0c2f9abfd796083d1f0495437f302ec79cf100f', 'hex');
const ORIGIN = `sigsum.org/v1/tree/${createHash('sha256').update(SIGSUM_KEY).digest('hex')}`;
const NOW = 1_700_000_000;

/** The Ed25519 seed of an unencrypted OpenSSH private key (the script's witness key). */
function opensshSeed(pem: string): Buffer {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
  const at = der.lastIndexOf(Buffer.from([0, 0, 0, 0x40]));
  return der.subarray(at + 4, at + 36);
}

interface Exchange {
  body: Buffer;
  status: number;
  assert: string;
}

function exchanges(script: string): Exchange[] {
  const hurl = script.slice(script.indexOf('-- add-checkpoint.hurl --'));
  const re = /POST \S+\n```\n([\s\S]*?)```\nHTTP (\d+)\n\[Asserts\]\n(.*)\n/g;
  return [...hurl.matchAll(re)].map((m) => ({
    body: Buffer.from(m[1]!),
    status: Number(m[2]),
    assert: m[3]!,
  }));
}

function witness(): {
  state: Map<string, WitnessRecord>;
  run: (body: Uint8Array) => ReturnType<typeof addCheckpoint>;
  vkey: NoteVerifier;
} {
  const state = new Map<string, WitnessRecord>();
  const logs = new Map([[ORIGIN, [noteVerifier(formatVerifierKey(ORIGIN, SIG_ED25519, SIGSUM_KEY))]]]);
  const script = readFileSync(SCRIPT, 'utf8');
  const pem = /-- witness_key.pem --\n([\s\S]*?END OPENSSH PRIVATE KEY-----)/.exec(script)![1]!;
  const w = cosigner('example.com/witness', ed25519KeyFromSeed(opensshSeed(pem)), () => NOW);
  const run = async (body: Uint8Array): ReturnType<typeof addCheckpoint> => {
    const a = await addCheckpoint(body, {
      logs: { keys: (o) => logs.get(o) },
      state: { get: (o) => Promise.resolve(state.get(o)) },
      cosigners: [w],
      now: () => NOW,
    });
    // The endpoint's compare-and-set, trivially atomic here.
    if (a.update) {
      assert.equal(state.get(a.update.origin), a.update.previous);
      state.set(a.update.origin, a.update.next);
    }
    return a;
  };
  return { state, run, vkey: cosignatureVerifier(w.vkey) };
}

describe('litewitness conformance script', { skip: NO_CORPUS }, () => {
  it('every request gets the answer the script expects (404 for the unknown log)', async () => {
    const list = exchanges(readFileSync(SCRIPT, 'utf8'));
    assert.equal(list.length, 9);
    const { state, run, vkey } = witness();
    const seen: number[] = [];
    for (const x of list) {
      const before = JSON.stringify([...state]);
      const a = await run(x.body);
      seen.push(a.status);
      const unknownLog = x.assert.includes('unknown log');
      assert.equal(a.status, unknownLog ? 404 : x.status, `${x.assert}: ${a.body}`);
      if (a.status !== 200) assert.equal(JSON.stringify([...state]), before, 'a refusal changes nothing');
      if (x.status === 200) {
        assert.match(a.body, /^— example\.com\/witness /);
        assert.ok(a.body.includes('— example.com/witness'));
        // The cosignature verifies over the submitted checkpoint.
        const cp = parseAddCheckpoint(x.body).checkpoint.toString();
        const opened = openNote(cp.slice(0, cp.lastIndexOf('\n\n') + 2) + a.body, [vkey]);
        assert.equal(opened.verified.length, 1);
      }
      const size = /^body == "(\d+)\\n"$/.exec(x.assert);
      if (size) {
        assert.equal(a.body, `${size[1]}\n`);
        assert.equal(a.contentType, 'text/x.tlog.size');
      }
      if (x.assert.includes('invalid signature')) assert.equal(a.code, 'LEDGER_NOTE_SIGNATURE_INVALID');
      if (x.assert.includes('consistency proof')) assert.equal(a.code, 'LEDGER_PROOF_INVALID');
    }
    assert.deepEqual(seen, [200, 403, 404, 422, 422, 200, 409, 200, 409]);
    assert.equal(state.get(ORIGIN)!.size, 5);
  });
});

test('witness: 400 for old size above the checkpoint, malformed bodies; 409 same size other root; 403 unsigned', async () => {
  const logKey = ed25519KeyFromSeed(TEST_SEEDS.log);
  const origin = 'example.com/test-log';
  const { noteSigner } = await import('../../src/ledger/keys.js');
  const { signCheckpoint } = await import('../../src/ledger/checkpoint.js');
  const signer = noteSigner(origin, logKey);
  const verifier = noteVerifier(formatVerifierKey(origin, SIG_ED25519, logKey.publicKey));
  const state = new Map<string, WitnessRecord>();
  const w = cosigner('example.com/w', ed25519KeyFromSeed(TEST_SEEDS.witnessA), () => NOW);
  const run = (body: string | Buffer): ReturnType<typeof addCheckpoint> =>
    addCheckpoint(Buffer.from(body), {
      logs: { keys: (o) => (o === origin ? [verifier] : undefined) },
      state: { get: (o) => Promise.resolve(state.get(o)) },
      cosigners: [w],
      now: () => NOW,
    });
  const root = Buffer.alloc(32, 7);
  const cp = await signCheckpoint({ origin, size: 3, root, extensions: [] }, signer);
  assert.equal((await run(`old 4\n\n${cp}`)).status, 400);
  assert.equal((await run(`old 4\n\n${cp}`)).code, 'LEDGER_SIZE_INVALID');
  for (const bad of [
    `old 04\n\n${cp}`,
    `old -1\n\n${cp}`,
    `old 0\nnot-base64!\n\n${cp}`,
    `old 0\nAAAA\n\n${cp}`,
    `old 0\n\n`,
    `old 0`,
    `new 0\n\n${cp}`,
    `old 0\n\n${cp.replace('\n\n', '\n')}`,
    `old 0\n${'47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n'.repeat(64)}\n${cp}`,
  ]) {
    const a = await run(bad);
    assert.equal(a.status, 400, JSON.stringify(bad.slice(0, 30)));
    assert.equal(state.size, 0);
  }
  const oversize = await run(Buffer.concat([Buffer.from('old 0\n\n'), Buffer.alloc(300 * 1024, 0x41)]));
  assert.equal(oversize.status, 400);
  assert.equal(oversize.code, 'LEDGER_NOTE_TOO_LARGE');
  const unsigned = cp.replace(
    /— example\.com\/test-log .*\n/,
    `— example.com/other ${Buffer.alloc(68).toString('base64')}\n`,
  );
  assert.equal((await run(`old 0\n\n${unsigned}`)).status, 403);
  assert.equal((await run(`old 0\n\n${unsigned}`)).code, 'LEDGER_NOTE_UNVERIFIED');
  const ok = await run(`old 0\n\n${cp}`);
  assert.equal(ok.status, 200);
  state.set(origin, ok.update!.next);
  // The same checkpoint again: cosigned again. The same size with another root: 409 with the size.
  assert.equal((await run(`old 3\n\n${cp}`)).status, 200);
  const fork = await signCheckpoint({ origin, size: 3, root: Buffer.alloc(32, 8), extensions: [] }, signer);
  const refused = await run(`old 3\n\n${fork}`);
  assert.deepEqual(
    [refused.status, refused.body, refused.code],
    [409, '3\n', 'LEDGER_WITNESS_SIZE_CONFLICT'],
  );
  const empty = await signCheckpoint(
    { origin: 'example.com/x', size: 0, root: EMPTY_ROOT, extensions: [] },
    signer,
  );
  assert.equal((await run(`old 0\n\n${empty}`)).status, 404);
  assert.throws(
    () => parseAddCheckpoint(Buffer.from('old 1\n')),
    (e) => isTrustbridgeError(e, 'LEDGER_WITNESS_REQUEST_MALFORMED'),
  );
});
