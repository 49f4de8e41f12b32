/**
 * `trustbridge notarise` against a served node (its sequencer cosigned by one test witness) and
 * `trustbridge receipt verify` offline: the receipt written beside the file verifies with the
 * log's and the witness's keys or a policy file, and with `--file`; a notarised file a second
 * time gets the same entry; a flipped proof byte, another file, an unknown log key or a witness
 * that did not cosign: exit 1 with the code; usage errors exit 3.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cosigner } from '../../src/ledger/cosignature.js';
import { SIG_ED25519, ed25519KeyFromSeed, formatVerifierKey } from '../../src/ledger/keys.js';
import { notariseDigest } from '../../src/ledger/notarise.js';
import { openNote } from '../../src/ledger/note.js';
import { addOfficer } from '../../src/node/officers.js';
import { serveNode } from '../../src/server/serve.js';
import type { RunningServer } from '../../src/server/serve.js';
import { errorCode, runCli, tempDir } from '../fixtures/cli.js';
import { FIXED_NOW, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { TEST_SEEDS, testLogIdentity } from '../ledger/fixtures.js';

interface Verdict {
  valid: boolean;
  index: number;
  size: number;
  origin: string;
  digest: string;
  cosigners: { witness: string }[];
  error?: { code: string };
}

describe('trustbridge notarise and receipt verify', () => {
  const tmp = tempDir('tb-notarise-');
  const log = testLogIdentity();
  const witness = cosigner('witness.test/vn', ed25519KeyFromSeed(TEST_SEEDS.witnessA), () => 0);
  const other = cosigner('witness.test/be', ed25519KeyFromSeed(TEST_SEEDS.witnessB), () => 0);
  const doc = join(tmp.path, 'agreement.pdf');
  const receipt = `${doc}.receipt`;
  let node: TestNode;
  let srv: RunningServer;
  let token: string;

  before(async () => {
    node = await makeTestNode({ db: join(tmp.path, 'node.db') });
    node.log = log;
    node.config.log = { intervalMs: 20, batchSize: 128 };
    // Other entries first, so the receipt's inclusion proof is not empty.
    for (let i = 0; i < 3; i++)
      await notariseDigest(node.store, {
        digest: createHash('sha256').update(`other ${i}`).digest('hex'),
        alg: 'sha-256',
        party: 'officer-test',
        time: FIXED_NOW,
      });
    srv = await serveNode(node, '127.0.0.1', 0, {
      cosign: {
        cosign: async (r) => [
          await witness.cosign(openNote(r.checkpoint, [log.verifier]).text, 1_772_443_800),
        ],
      },
    });
    token = (await addOfficer(node.store, 'Nina Notary', 'notary', FIXED_NOW)).token;
    writeFileSync(doc, '%PDF-1.7\nthe agreement between the ministry and the supplier\n');
  });
  after(async () => {
    await srv.close();
    await node.close();
    tmp.remove();
  });

  const verify = async (args: string[]): Promise<{ code: number | null; out: Verdict; stderr: string }> => {
    const r = await runCli(['receipt', 'verify', ...args]);
    return { code: r.code, out: JSON.parse(r.stdout || '{}') as Verdict, stderr: r.stderr };
  };

  it('notarises a file: only its SHA-256 is sent; the receipt is written beside it, once', async () => {
    const r = await runCli(['notarise', '--in', doc, '--node', srv.url], {
      env: { TRUSTBRIDGE_TOKEN: token },
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      index: number;
      digest: string;
      receipt: string;
      cosigners: unknown[];
    };
    const digest = createHash('sha256').update(readFileSync(doc)).digest('hex');
    assert.equal(out.digest, digest);
    assert.equal(out.index, 3);
    assert.equal(out.receipt, receipt);
    assert.deepEqual(out.cosigners, []); // the node's own policy: no LOTL, no witness listed
    assert.equal((out as { quorum?: string }).quorum, 'met');
    assert.equal(statSync(receipt).mode & 0o777, 0o644);
    assert.match(readFileSync(receipt, 'utf8'), /^c2sp\.org\/tlog-proof@v1\n/);

    const again = await runCli([
      'notarise',
      '--in',
      doc,
      '--node',
      srv.url,
      '--token',
      token,
      '--out',
      `${receipt}.2`,
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { index: number }).index, 3);
  });

  it('verifies the receipt offline with the log and witness keys, or a policy file, and the file', async () => {
    const logKey = join(tmp.path, 'log.vkey');
    writeFileSync(logKey, `${log.vkey}\n`);
    const ok = await verify(['--in', receipt, '--file', doc, '--vkey', logKey, '--witness', witness.vkey]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.out.valid, true);
    assert.equal(ok.out.index, 3);
    assert.equal(ok.out.origin, 'ph.trustbridge.example/log');
    assert.equal(ok.out.digest, createHash('sha256').update(readFileSync(doc)).digest('hex'));
    assert.ok(ok.out.size >= 4);
    assert.deepEqual(
      ok.out.cosigners.map((c) => c.witness),
      ['witness.test_vn'],
    );
    const policy = join(tmp.path, 'ph.policy');
    writeFileSync(policy, `log ${log.vkey}\nwitness VN ${witness.vkey}\nquorum VN\n`);
    const byPolicy = await verify(['--in', receipt, '--policy', policy]);
    assert.equal(byPolicy.code, 0, byPolicy.stderr);
    assert.deepEqual(
      byPolicy.out.cosigners.map((c) => c.witness),
      ['VN'],
    );
  });

  it('refuses a tampered receipt, another file, another log, a witness that did not cosign', async () => {
    const lines = readFileSync(receipt, 'utf8').split('\n');
    assert.match(lines[3]!, /^[A-Za-z0-9+/]{43}=$/);
    const h = Buffer.from(lines[3]!, 'base64');
    h[0] = h[0]! ^ 0x01;
    lines[3] = h.toString('base64');
    const tampered = join(tmp.path, 'tampered.receipt');
    writeFileSync(tampered, lines.join('\n'));
    const keys = ['--vkey', log.vkey, '--witness', witness.vkey];
    const bad = await verify(['--in', tampered, ...keys]);
    assert.equal(bad.code, 1);
    assert.equal(bad.out.valid, false);
    assert.equal(bad.out.error?.code, 'LEDGER_PROOF_INVALID');
    assert.equal(errorCode(bad.stderr), 'LEDGER_PROOF_INVALID');

    const otherFile = join(tmp.path, 'other.pdf');
    writeFileSync(otherFile, '%PDF-1.7\nanother agreement\n');
    const wrong = await verify(['--in', receipt, '--file', otherFile, ...keys]);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.out.error?.code, 'LEDGER_RECEIPT_MISMATCH');

    const otherLog = formatVerifierKey(
      log.origin,
      SIG_ED25519,
      ed25519KeyFromSeed(TEST_SEEDS.witnessC).publicKey,
    );
    const foreign = await verify(['--in', receipt, '--vkey', otherLog]);
    assert.equal(foreign.code, 1);
    assert.equal(foreign.out.error?.code, 'LEDGER_NOTE_UNVERIFIED');

    const unmet = await verify([
      '--in',
      receipt,
      '--vkey',
      log.vkey,
      '--witness',
      other.vkey,
      '--quorum',
      '1',
    ]);
    assert.equal(unmet.code, 1);
    assert.equal(unmet.out.error?.code, 'LEDGER_POLICY_UNMET');
  });

  it('usage errors exit 3: no key or policy, no token, a refused token', async () => {
    const noKey = await runCli(['receipt', 'verify', '--in', receipt]);
    assert.equal(noKey.code, 3);
    assert.equal(errorCode(noKey.stderr), 'USAGE_INVALID_ARGUMENT');
    const noToken = await runCli(['notarise', '--in', doc, '--node', srv.url]);
    assert.equal(noToken.code, 3);
    assert.equal(errorCode(noToken.stderr), 'USAGE_INVALID_ARGUMENT');
    const refused = await runCli(['notarise', '--in', doc, '--node', srv.url, '--token', 'tbo_nope']);
    assert.equal(refused.code, 3);
    assert.equal(errorCode(refused.stderr), 'AUTH_TOKEN_INVALID');
  });
});
