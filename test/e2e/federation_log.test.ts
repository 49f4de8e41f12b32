/**
 * The witnessed transparency log in the federation in a box (hub + PH, VN, BE as separate
 * processes): a citizen enrolled at PH is in PH's log; the checkpoint that covers the entry is
 * cosigned by VN, BE and the hub, and every log, the hub's included, by a majority of the others;
 * `trustbridge log verify` with the default witness policy accepts it. Real clock, fresh keys.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { startFederation } from '../../src/federation/index.js';
import type { RunningFederation } from '../../src/federation/index.js';
import { cosignatureVerifier } from '../../src/ledger/cosignature.js';
import { noteSigner, noteVerifier } from '../../src/ledger/keys.js';
import { verifyInclusion } from '../../src/ledger/merkle.js';
import { EMPTY_ROOT, leafHash } from '../../src/ledger/hash.js';
import { LOG_KEY_ID } from '../../src/ledger/log_key.js';
import { openNote, signNote } from '../../src/ledger/note.js';
import { formatCheckpoint, openCheckpoint } from '../../src/ledger/checkpoint.js';
import { LogReader } from '../../src/ledger/reader.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import { integrate } from '../../src/ledger/writer.js';
import type { TileWrite } from '../../src/ledger/writer.js';
import { httpTileSource } from '../../src/cli/log_access.js';
import { FileKeyStore } from '../../src/pki/file_key_store.js';
import { childEnv, freeBlock, runCli, tempDir } from '../fixtures/cli.js';

const COUNTRIES = ['PH', 'VN', 'BE'] as const;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Lookup {
  index: number;
  checkpoint: string;
  inclusionProof: string[];
}

describe('the witnessed transparency log in the federation in a box', { timeout: 300_000 }, () => {
  const tmp = tempDir('tb-fed-log-');
  const dir = join(tmp.path, 'demo');
  let fed: RunningFederation;
  let env: NodeJS.ProcessEnv;
  let passphrase: string;
  /** Each party's directory name, log verifier key and witness verifier key. */
  const keys: Record<string, { log: string; witness: string }> = {};

  const cli = (args: string[]) => runCli(args, { env });
  const partyDir = (p: string): string => join(dir, p.toLowerCase());
  const get = async (url: string): Promise<Response> => fetch(url, { signal: AbortSignal.timeout(10_000) });

  /** The published checkpoint of a party once it covers `size` with at least `cosigners` cosignatures. */
  async function witnessed(party: string, size: number, cosigners: string[]): Promise<string> {
    const verifiers = [
      noteVerifier(keys[party]!.log),
      ...cosigners.map((c) => cosignatureVerifier(keys[c]!.witness)),
    ];
    let last = '';
    for (let i = 0; i < 120; i++) {
      last = await (await get(`${fed.urls[party]}/log/checkpoint`)).text();
      try {
        const note = openNote(last, verifiers);
        if (note.verified.length === verifiers.length && openCheckpoint(last, [verifiers[0]!]).size >= size)
          return last;
      } catch {
        // Not yet there.
      }
      await pause(500);
    }
    assert.fail(
      `${party}'s checkpoint was never cosigned by ${cosigners.join(', ')} at size ${size}:\n${last}`,
    );
  }

  before(async () => {
    fed = await startFederation(dir, await freeBlock());
    passphrase = readFileSync(join(dir, '.passphrase'), 'utf8').trim();
    env = childEnv({ TRUSTBRIDGE_PASSWORD: passphrase, TRUSTBRIDGE_WALLET_PASSWORD: passphrase });
    for (const p of ['hub', ...COUNTRIES]) {
      const pub = join(partyDir(p), 'public');
      keys[p] = {
        log: readFileSync(join(pub, 'log.vkey'), 'utf8').trim(),
        witness: readFileSync(join(pub, 'witness.vkey'), 'utf8').trim(),
      };
    }
  });
  after(async () => {
    await fed?.stop();
    tmp.remove();
  });

  it('a citizen enrolled at PH is in PH log, under a checkpoint cosigned by VN, BE and the hub', async () => {
    const wallet = join(tmp.path, 'ana.p12');
    assert.equal((await cli(['wallet', 'create', '--out', wallet])).code, 0);
    const r = await cli([
      'eid',
      'enroll',
      '--dir',
      partyDir('PH'),
      '--wallet',
      wallet,
      '--given-name',
      'Ana',
      '--family-name',
      'Reyes',
      '--birth-date',
      '1991-03-08',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const enrolled = JSON.parse(r.stdout) as { certificates: { signature: string } };
    const der = new X509Certificate(enrolled.certificates.signature).raw;
    const key = createHash('sha256').update(der).digest('hex');
    let found: Lookup | undefined;
    for (let i = 0; i < 60 && !found; i++) {
      const res = await get(`${fed.urls['PH']}/log/lookup/${key}`);
      if (res.status === 200) found = (await res.json()) as Lookup;
      else await pause(500);
    }
    assert.ok(found, 'the signature certificate appears in PH log');
    const size = found.index + 1;
    const checkpoint = await witnessed('PH', size, ['VN', 'BE', 'hub']);
    // The entry itself: no name, no national identifier; the certificate by hash and serial.
    const cp = openCheckpoint(checkpoint, [noteVerifier(keys['PH']!.log)]);
    const answer = (await (await get(`${fed.urls['PH']}/log/lookup/${key}`)).json()) as Lookup;
    const tile = Math.floor(answer.index / 256);
    const width = Math.min(256, cp.size - tile * 256);
    const path = `tile/entries/${String(tile).padStart(3, '0')}${width < 256 ? `.p/${width}` : ''}`;
    const bundle = Buffer.from(await (await get(`${fed.urls['PH']}/log/${path}`)).arrayBuffer());
    let at = 0;
    let entry: Buffer | undefined;
    for (let i = 0; i <= answer.index % 256; i++) {
      const len = bundle.readUInt16BE(at);
      entry = bundle.subarray(at + 2, at + 2 + len);
      at += 2 + len;
    }
    const text = entry!.toString('utf8');
    assert.match(text, /"type":"eid-cert-issued"/);
    assert.match(text, new RegExp(`"sha256":"${key}"`));
    assert.doesNotMatch(text, /Reyes|Ana|1991-03-08/);
    const published = openCheckpoint(answer.checkpoint, [noteVerifier(keys['PH']!.log)]);
    verifyInclusion(
      answer.index,
      published.size,
      leafHash(entry!),
      answer.inclusionProof.map((h) => Buffer.from(h, 'base64')),
      published.root,
    );
  });

  it('every log, the hub one included, is cosigned by the other parties; log verify accepts PH', async () => {
    for (const p of ['hub', ...COUNTRIES]) {
      const others = ['hub', ...COUNTRIES].filter((o) => o !== p);
      await witnessed(p, 1, others);
    }
    // A policy (tlog-policy) that needs all three of PH's witnesses.
    const policy = join(tmp.path, 'ph.policy');
    writeFileSync(
      policy,
      [
        `log ${keys['PH']!.log}`,
        ...(['hub', 'VN', 'BE'] as const).map((w) => `witness w-${w} ${keys[w]!.witness}`),
        'group all 3 w-hub w-VN w-BE',
        'quorum all',
        '',
      ].join('\n'),
    );
    const r = await cli([
      'log',
      'verify',
      '--url',
      `${fed.urls['PH']}/log/`,
      '--vkey',
      keys['PH']!.log,
      '--policy',
      policy,
      '--state',
      join(tmp.path, 'state.json'),
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const verdict = JSON.parse(r.stdout) as { policy: string; cosigners: { witness: string }[] };
    assert.equal(verdict.policy, 'met');
    assert.deepEqual(verdict.cosigners.map((c) => c.witness).sort(), ['w-BE', 'w-VN', 'w-hub']);
  });

  /**
   * PH's log forked by hand: the same size as the published checkpoint, its last entry replaced,
   * signed with PH's own log key (what a compromised or coerced operator could do).
   */
  async function forkPh(): Promise<{ checkpoint: string; size: number; writes: readonly TileWrite[] }> {
    const ph = noteVerifier(keys['PH']!.log);
    const reader = new LogReader(httpTileSource(`${fed.urls['PH']}/log/`));
    const honest = await reader.checkpoint([ph]);
    const entries = await reader.entries(0, honest.size, honest.size);
    entries[entries.length - 1] = Buffer.from(
      JSON.stringify({
        v: 1,
        type: 'notarised-digest',
        time: new Date().toISOString(),
        alg: 'sha-256',
        digest: 'ab'.repeat(32),
      }),
    );
    const forked = await integrate(new MemoryTileStore(), { size: 0, root: EMPTY_ROOT }, entries);
    assert.notDeepEqual(forked.root, honest.root);
    const keyStore = new FileKeyStore(join(partyDir('PH'), 'keys'), passphrase);
    const body = formatCheckpoint({
      origin: honest.origin,
      size: honest.size,
      root: forked.root,
      extensions: [],
    });
    const signer = noteSigner(ph.name, {
      publicKey: await keyStore.ed25519PublicKey(LOG_KEY_ID),
      sign: (m) => keyStore.signEd25519(LOG_KEY_ID, m),
    });
    const checkpoint = await signNote(body, [signer]);
    return { checkpoint, size: honest.size, writes: forked.writes };
  }

  it('a PH log forked by hand (same size, other root) is refused by every witness with 409', async () => {
    await witnessed('PH', 1, ['VN', 'BE', 'hub']);
    const fork = await forkPh();
    for (const w of ['VN', 'BE', 'hub']) {
      const res = await fetch(`${fed.urls[w]}/witness/add-checkpoint`, {
        method: 'POST',
        body: `old ${fork.size}\n\n${fork.checkpoint}`,
      });
      assert.equal(res.status, 409, `${w}: ${await res.clone().text()}`);
      assert.equal(res.headers.get('content-type'), 'text/x.tlog.size');
      assert.equal(await res.text(), `${fork.size}\n`, `${w} holds PH's honest size`);
    }
  });

  it('log monitor passes on PH, then reports the same log forked by hand in PH store', async () => {
    const state = join(tmp.path, 'monitor-state.json');
    const monitor = () => cli(['log', 'monitor', '--dir', partyDir('PH'), '--state', state]);
    const clean = await monitor();
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    const fork = await forkPh();
    // What a coerced operator would serve: the forked tiles and checkpoint, written into PH's store.
    const db = new BetterSqlite3(join(partyDir('PH'), 'node.db'), { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 10000');
      const put = db.prepare(
        'insert into ledger_tiles (path, data) values (?, ?) on conflict (path) do update set data = excluded.data',
      );
      db.transaction(() => {
        for (const w of fork.writes) put.run(w.path, Buffer.from(w.data));
        put.run('checkpoint', Buffer.from(fork.checkpoint));
      })();
    } finally {
      db.close();
    }
    const forked = await monitor();
    assert.equal(forked.code, 1, forked.stdout + forked.stderr);
    const report = JSON.parse(forked.stdout) as { problems: { code: string }[] };
    assert.ok(
      report.problems.some((p) => p.code === 'LEDGER_MONITOR_FORK'),
      JSON.stringify(report.problems),
    );
  });
});
