/**
 * Signed notes, checkpoints, cosignatures, policies and receipts: the golang.org/x/mod
 * sumdb/note vectors (PeterNeumann, a real sum.golang.org checkpoint), the signed-note spec's
 * example, the rules for unknown and failing signatures, the size limits, and bad input with
 * its stable code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from '../../src/ledger/checkpoint.js';
import {
  cosignatureMessage,
  cosignatureTime,
  cosignatureVerifier,
  cosigner,
} from '../../src/ledger/cosignature.js';
import {
  SIG_COSIGNATURE,
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatSignerKey,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
  parseSignerKey,
  parseVerifierKey,
} from '../../src/ledger/keys.js';
import { MAX_NOTE_SIGNATURES, openNote, parseNote, signNote } from '../../src/ledger/note.js';
import { parsePolicy, quorumMet, verifyCheckpointPolicy } from '../../src/ledger/policy.js';
import { formatReceipt, parseReceipt, verifyReceipt } from '../../src/ledger/receipt.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import { TileLog } from '../../src/ledger/log.js';
import { LogReader } from '../../src/ledger/reader.js';
import { TEST_SEEDS } from './fixtures.js';

const code = (c: string) => (e: unknown) => isTrustbridgeError(e, c);

const PN_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PN_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PN_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PN_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const GO_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const GO_CP =
  'go.sum database tree\n65664258\nWVVNVD2qx+fTq31zkj6UAqxT5X6HvGphGM+o8Thnbsg=\n\n— sum.golang.org Az3grligJmgX7KGyGPKybykNTh3VgsbLvUuvOwrM5zLVlulmFp2wdvbxOw74/gcNxURShXEpb7RXcs3+BYflYN+w0gQ=\n';

test('signed-note vectors: PeterNeumann signs to the reference line; sum.golang.org checkpoint opens', async () => {
  const sk = parseSignerKey(PN_SKEY);
  assert.equal(sk.keyId, 0xc74f20a3);
  assert.equal(formatVerifierKey(sk.name, SIG_ED25519, sk.key.publicKey), PN_VKEY);
  assert.equal(formatSignerKey(sk.name, SIG_ED25519, sk.seed), PN_SKEY);
  const signed = await signNote(PN_TEXT, [noteSigner('PeterNeumann', sk.key)]);
  assert.equal(signed, `${PN_TEXT}\n${PN_SIG}`);
  const opened = openNote(signed, [noteVerifier(PN_VKEY)]);
  assert.equal(opened.text, PN_TEXT);
  assert.deepEqual(
    opened.verified.map((s) => s.name),
    ['PeterNeumann'],
  );
  const go = openCheckpoint(GO_CP, [noteVerifier(GO_VKEY)]);
  assert.deepEqual(
    [go.origin, go.size, go.root.toString('base64')],
    ['go.sum database tree', 65664258, 'WVVNVD2qx+fTq31zkj6UAqxT5X6HvGphGM+o8Thnbsg='],
  );
  // The spec's own example.
  const spec =
    'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
  openNote(spec, [noteVerifier('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')]);
});

test('unknown signatures are ignored, a failing known one rejects the note, none verified rejects it', () => {
  const v = noteVerifier(PN_VKEY);
  const good = `${PN_TEXT}\n${PN_SIG}`;
  // Same name, other ID; other name, same ID: both unknown, kept as unverified.
  const sameName = PN_SIG.replace('x08go/', 'AAAAAP');
  const other = PN_SIG.replace('PeterNeumann', 'PeterNeumann2');
  const opened = openNote(`${good}${sameName}${other}`, [v]);
  assert.equal(opened.verified.length, 1);
  assert.equal(opened.unverified.length, 2);
  const flipped = PN_SIG.replace('JnAM=', 'JnAA=');
  assert.throws(() => openNote(`${PN_TEXT}\n${flipped}`, [v]), code('LEDGER_NOTE_SIGNATURE_INVALID'));
  assert.throws(() => openNote(`${PN_TEXT}\n${other}`, [v]), code('LEDGER_NOTE_UNVERIFIED'));
  assert.throws(
    () => openNote(`${PN_TEXT.replace('problem', 'Problem')}\n${PN_SIG}`, [v]),
    code('LEDGER_NOTE_SIGNATURE_INVALID'),
  );
});

test('malformed and oversize notes and keys get stable codes', () => {
  for (const bad of [
    `${PN_TEXT}${PN_SIG}`, // no blank line
    `${PN_TEXT}\n${PN_SIG.slice(0, -1)}`, // no final newline
    `${PN_TEXT}\n- PeterNeumann x08go/ZJkuBS9U=\n`, // not an em dash
    `${PN_TEXT}\n— PeterNeumann\n`,
    `${PN_TEXT}\n— PeterNeumann AAAA\n`, // fewer than 5 bytes
    `${PN_TEXT}\n— Peter+Neumann x08go/ZJkuBS9UG/Sffcv=\n`,
    `${PN_TEXT}\n— PeterNeumann not*base64\n`,
    `tab\there\n\n${PN_SIG}`,
    `cr\r\n\n${PN_SIG}`,
  ])
    assert.throws(() => parseNote(bad), code('LEDGER_NOTE_MALFORMED'), JSON.stringify(bad.slice(0, 40)));
  assert.throws(() => parseNote(Buffer.from([0x68, 0xff, 0x0a, 0x0a])), code('LEDGER_NOTE_MALFORMED'));
  assert.throws(
    () => parseNote(`x\n\n${PN_SIG.repeat(MAX_NOTE_SIGNATURES + 1)}`),
    code('LEDGER_NOTE_TOO_LARGE'),
  );
  assert.throws(() => parseNote(`${'a'.repeat(300 * 1024)}\n\n${PN_SIG}`), code('LEDGER_NOTE_TOO_LARGE'));
  assert.equal(parseNote(`x\n\n${PN_SIG.repeat(16)}`).signatures.length, 16);
  for (const k of [
    'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    'PeterNeumann+c74f20a3',
    'a+b+AQ==',
    'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  ])
    assert.throws(() => parseVerifierKey(k), code('LEDGER_KEY_MALFORMED'), k);
  assert.throws(() => parseSignerKey(PN_SKEY.replace('c74f20a3', 'c74f20a4')), code('LEDGER_KEY_MALFORMED'));
  assert.throws(
    () => noteVerifier(formatVerifierKey('w', SIG_COSIGNATURE, Buffer.alloc(32, 1))),
    code('LEDGER_KEY_MALFORMED'),
  );
});

test('checkpoints: format and parse; malformed texts refused', () => {
  const root = Buffer.alloc(32, 9);
  const text = formatCheckpoint({ origin: 'example.com/log', size: 12, root, extensions: ['ext'] });
  assert.equal(text, `example.com/log\n12\n${root.toString('base64')}\next\n`);
  assert.deepEqual(parseCheckpoint(text), { origin: 'example.com/log', size: 12, root, extensions: ['ext'] });
  for (const bad of [
    'a\n1\n',
    'a\n01\nAAAA\n',
    `\n1\n${root.toString('base64')}\n`,
    `a\n1\n${root.toString('base64')}`,
    `a\n-1\n${root.toString('base64')}\n`,
    'a\n1\nAAAA\n',
    `a\n1\n${root.toString('base64')}\n\n`,
    `a\n99999999999999999999\n${root.toString('base64')}\n`,
  ])
    assert.throws(() => parseCheckpoint(bad), code('LEDGER_CHECKPOINT_MALFORMED'), JSON.stringify(bad));
});

test('cosignatures (tlog-cosignature v1.0.1): message, type 0x04 key ID, 72 bytes, verification', async () => {
  const key = ed25519KeyFromSeed(TEST_SEEDS.witnessA);
  const w = cosigner('witness.example/w1', key, () => 1679315147);
  const cp = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
  assert.equal(cosignatureMessage(cp, 1679315147).toString(), `cosignature/v1\ntime 1679315147\n${cp}`);
  const line = await w.cosign(cp, 1679315147);
  const sig = parseNote(`${cp}\n${line}`).signatures[0]!;
  assert.equal(sig.signature.length, 72);
  assert.equal(cosignatureTime(sig.signature), 1679315147);
  assert.equal(parseVerifierKey(w.vkey).type, SIG_COSIGNATURE);
  const v = cosignatureVerifier(w.vkey);
  assert.equal(openNote(`${cp}\n${line}`, [v]).verified.length, 1);
  // A note signer with the same key and name is another key ID (type 0x01): unknown to v.
  const plain = await signNote(cp, [noteSigner('witness.example/w1', key)]);
  assert.throws(() => openNote(plain, [v]), code('LEDGER_NOTE_UNVERIFIED'));
  const tooLate = Buffer.from(sig.signature);
  tooLate[0] = 0x80;
  assert.equal(cosignatureTime(tooLate), undefined);
});

async function federation() {
  const logKey = ed25519KeyFromSeed(TEST_SEEDS.log);
  const origin = 'ph.trustbridge.example/log';
  const signer = noteSigner(origin, logKey);
  const verifier = noteVerifier(formatVerifierKey(origin, SIG_ED25519, logKey.publicKey));
  const ws = (['witnessA', 'witnessB', 'witnessC'] as const).map((s, i) =>
    cosigner(`w${i}.trustbridge.example`, ed25519KeyFromSeed(TEST_SEEDS[s]), () => 1_700_000_000),
  );
  const policy = parsePolicy(
    [
      '# PH log, witnessed by two of three members',
      `log ${formatVerifierKey(origin, SIG_ED25519, logKey.publicKey)} https://ph.example/log/`,
      ...ws.map((w, i) => `witness W${i}\t${w.vkey}`),
      'group members 2 W0 W1 W2',
      '  quorum members  ',
      '',
    ].join('\n'),
  );
  return { origin, signer, verifier, ws, policy };
}

test('policies (tlog-policy): parse, quorum with groups, checkpoint verification', async () => {
  const { origin, signer, ws, policy } = await federation();
  assert.equal(policy.logs.length, 1);
  assert.equal(policy.witnesses.size, 3);
  assert.ok(quorumMet(policy, new Set(['W0', 'W2'])));
  assert.ok(!quorumMet(policy, new Set(['W1'])));
  const cp = formatCheckpoint({ origin, size: 1, root: Buffer.alloc(32, 1), extensions: [] });
  const one = await signCheckpoint(parseCheckpoint(cp), signer, [await ws[0]!.cosign(cp, 1_700_000_000)]);
  assert.throws(() => verifyCheckpointPolicy(one, policy), code('LEDGER_POLICY_UNMET'));
  const two = await signCheckpoint(parseCheckpoint(cp), signer, [
    await ws[0]!.cosign(cp, 1),
    await ws[2]!.cosign(cp, 2),
  ]);
  const verdict = verifyCheckpointPolicy(two, policy);
  assert.deepEqual(
    verdict.cosigners.map((c) => [c.witness, c.time]),
    [
      ['W0', 1],
      ['W2', 2],
    ],
  );
  const logLine = `log ${formatVerifierKey(origin, SIG_ED25519, ed25519KeyFromSeed(TEST_SEEDS.log).publicKey)}`;
  assert.equal(verifyCheckpointPolicy(one, parsePolicy(`${logLine}\nquorum none\n`)).checkpoint.size, 1);
  for (const bad of [
    'quorum W0\n',
    'witness W0 x\nquorum none\n',
    `witness W0 ${ws[0]!.vkey}\nwitness W1 ${ws[0]!.vkey}\nquorum W0\n`, // duplicate key
    `witness W0 ${ws[0]!.vkey}\ngroup g 2 W0\nquorum g\n`, // k > n
    `witness W0 ${ws[0]!.vkey}\ngroup g any W0 W0\nquorum g\n`,
    `witness W0 ${ws[0]!.vkey}\nquorum W0\nquorum W0\n`,
    `witness none ${ws[0]!.vkey}\nquorum none\n`,
    `log ${ws[0]!.vkey}\nquorum none\n`, // a cosignature key as a log key
    'frobnicate\nquorum none\n',
    '',
  ])
    assert.throws(() => parsePolicy(bad), code('LEDGER_POLICY_MALFORMED'), bad);
});

test('receipts: a notarised entry verifies offline; another entry, a tampered proof, too few cosigners refused', async () => {
  const { origin, signer, verifier, ws, policy } = await federation();
  const log = await TileLog.open(new MemoryTileStore(), { origin, signer, verifier });
  const entries = Array.from({ length: 300 }, (_, i) => Buffer.from(`notarised digest ${i}`));
  await log.append(entries.slice(0, 100));
  const appended = await log.append(entries.slice(100));
  assert.equal(appended.firstIndex, 100);
  const reader = new LogReader(log.store);
  const cp = await reader.checkpoint([verifier]);
  const cosigs = await Promise.all(ws.slice(0, 2).map((w) => w.cosign(cp.text, 1_700_000_000)));
  const cosigned = appended.checkpoint + cosigs.join('');
  const index = 217;
  const proof = await reader.inclusionProof(index, cp.size);
  const receipt = formatReceipt({ entry: entries[index]!, index, proof, checkpoint: cosigned });
  assert.ok(receipt.startsWith('c2sp.org/tlog-proof@v1\nextra '));
  const ok = verifyReceipt(receipt, policy);
  assert.equal(ok.index, index);
  assert.equal(ok.checkpoint.size, 300);
  assert.deepEqual(
    ok.cosigners.map((c) => c.witness),
    ['W0', 'W1'],
  );
  verifyReceipt(receipt, policy, entries[index]);
  assert.throws(() => verifyReceipt(receipt, policy, entries[index + 1]), code('LEDGER_RECEIPT_MISMATCH'));
  const noExtra = formatReceipt({ index, proof, checkpoint: cosigned });
  verifyReceipt(noExtra, policy, entries[index]);
  assert.throws(() => verifyReceipt(noExtra, policy), code('LEDGER_RECEIPT_MALFORMED'));
  const wrongIndex = formatReceipt({ entry: entries[index]!, index: index + 1, proof, checkpoint: cosigned });
  assert.throws(() => verifyReceipt(wrongIndex, policy), code('LEDGER_PROOF_INVALID'));
  const short = formatReceipt({ entry: entries[index]!, index, proof: proof.slice(1), checkpoint: cosigned });
  assert.throws(() => verifyReceipt(short, policy), code('LEDGER_PROOF_INVALID'));
  const lonely = formatReceipt({
    entry: entries[index]!,
    index,
    proof,
    checkpoint: appended.checkpoint + cosigs[0]!,
  });
  assert.throws(() => verifyReceipt(lonely, policy), code('LEDGER_POLICY_UNMET'));
  for (const bad of [
    '',
    'c2sp.org/tlog-proof@v2\nindex 1\n\nx',
    `c2sp.org/tlog-proof@v1\nindex 01\n\n${cosigned}`,
    `c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n${cosigned}`,
  ])
    assert.throws(() => parseReceipt(bad), code('LEDGER_RECEIPT_MALFORMED'), bad);
  // The reopened log continues from its stored checkpoint.
  const again = await TileLog.open(log.store, { origin, signer, verifier });
  assert.equal((await again.append([Buffer.from('next')])).firstIndex, 300);
  await new LogReader(log.store).audit({ size: again.size, root: again.root });
});
