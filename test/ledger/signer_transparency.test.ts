/**
 * The `transparency` part of a validation report: a PH log built in memory with the real
 * writer, served through a fake fetch (lookup, entry bundles), its checkpoint cosigned by test
 * witness keys of VN, BE and the hub. Logged and witnessed, logged but short of a quorum, not
 * logged, a bad proof, an entry of another key, a checkpoint of another key, network failures and
 * timeouts, offline; then the "logged and witnessed" requirement on a report.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { cosigner } from '../../src/ledger/cosignature.js';
import { encodeEntry } from '../../src/ledger/entry.js';
import type { FederationParty } from '../../src/ledger/federation_logs.js';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../../src/ledger/keys.js';
import { TileLog } from '../../src/ledger/log.js';
import { LogReader } from '../../src/ledger/reader.js';
import {
  TRANSPARENCY_CHECK,
  addTransparency,
  requireTransparency,
  transparencySourceOf,
} from '../../src/ledger/report_transparency.js';
import { lookupCertificate } from '../../src/ledger/signer_transparency.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import type { SignatureReport, ValidationReport } from '../../src/validation/report.js';
import { TEST_SEEDS } from './fixtures.js';

const NOW = 1_772_443_800;
const T = '2026-03-02T09:30:00.000Z';
const ORIGIN = 'ph.example/log';
const LOG_KEY = ed25519KeyFromSeed(TEST_SEEDS.log);
const LOG_VKEY = formatVerifierKey(ORIGIN, SIG_ED25519, LOG_KEY.publicKey);
const LOG_URL = 'http://ph.example/log/';
const VN = cosigner('vn.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessA), () => NOW);
const BE = cosigner('be.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessB), () => NOW);
const HUB = cosigner('hub.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessC), () => NOW);
const PH_WITNESS = cosigner('ph.example/witness', ed25519KeyFromSeed(Buffer.alloc(32, 0x55)), () => NOW);

const PARTIES: FederationParty[] = [
  { name: 'XR', witnessKey: HUB.vkey, witnessUrl: 'http://hub.example/witness/add-checkpoint' },
  { name: 'PH', logKey: LOG_VKEY, witnessKey: PH_WITNESS.vkey, witnessUrl: 'x', logUrl: LOG_URL },
  { name: 'VN', witnessKey: VN.vkey, witnessUrl: 'http://vn.example/witness/add-checkpoint' },
  { name: 'BE', witnessKey: BE.vkey, witnessUrl: 'http://be.example/witness/add-checkpoint' },
];

/** A certificate stand-in: the lookup only hashes the bytes. */
const certOf = (i: number): Buffer => Buffer.from(`certificate ${i}`);
const keyOf = (der: Buffer): string => createHash('sha256').update(der).digest('hex');

function issued(der: Buffer): Buffer {
  return encodeEntry({
    v: 1,
    type: 'eid-cert-issued',
    time: T,
    sha256: keyOf(der),
    serial: '4f2a',
    issuer: 'CN=PH eID Issuing CA, C=PH',
    profile: 'signature',
    notBefore: T,
    notAfter: '2031-03-02T09:30:00.000Z',
  });
}

/** A PH log of `count` certificates' issuances; the checkpoint cosigned by `witnesses`. */
async function phLog(count: number, witnesses = [VN, BE]) {
  const store = new MemoryTileStore();
  const log = await TileLog.open(store, {
    origin: ORIGIN,
    signer: noteSigner(ORIGIN, LOG_KEY),
    verifier: noteVerifier(LOG_VKEY),
  });
  const a = await log.append(Array.from({ length: count }, (_, i) => issued(certOf(i))));
  let checkpoint = a.checkpoint;
  const body = a.checkpoint.slice(0, a.checkpoint.indexOf('\n\n') + 1);
  for (const w of witnesses) checkpoint += await w.cosign(body, NOW);
  const reader = new LogReader(store);
  const index = new Map(Array.from({ length: count }, (_, i) => [keyOf(certOf(i)), i]));
  return { store, reader, checkpoint, size: a.size, index };
}

type Log = Awaited<ReturnType<typeof phLog>>;

/** The log's HTTP side as a fetch: lookup (with an optional tampering) and the tiles. */
function logFetch(
  log: Log,
  tamper: (a: { index: number; checkpoint: string; inclusionProof: string[] }) => unknown = (a) => a,
  seen: string[] = [],
): typeof fetch {
  return async (input) => {
    const url = new URL(String(input));
    seen.push(url.pathname);
    assert.equal(url.origin, 'http://ph.example');
    const path = url.pathname.replace(/^\/log\//, '');
    const m = /^lookup\/([0-9a-f]{64})$/.exec(path);
    if (m) {
      const index = log.index.get(m[1]!);
      if (index === undefined) return new Response('not logged', { status: 404 });
      const proof = await log.reader.inclusionProof(index, log.size);
      const answer = tamper({
        index,
        checkpoint: log.checkpoint,
        inclusionProof: proof.map((h) => h.toString('base64')),
      });
      return Response.json(answer);
    }
    const data = await log.store.read(path);
    return data === undefined ? new Response('', { status: 404 }) : new Response(Buffer.from(data));
  };
}

describe('looking a signer certificate up in its country\u2019s log', () => {
  it('logged and witnessed: index, checkpoint, cosigners, the entry from its bundle', async () => {
    const log = await phLog(300);
    const seen: string[] = [];
    const t = await lookupCertificate(certOf(280), 'PH', {
      parties: PARTIES,
      fetch: logFetch(log, undefined, seen),
    });
    assert.equal(t.status, 'logged', JSON.stringify(t.error));
    assert.equal(t.logged, true);
    assert.equal(t.witnessed, true);
    assert.equal(t.index, 280);
    assert.equal(t.checkpointSize, 300);
    assert.equal(t.log, ORIGIN);
    assert.equal(t.entryType, 'eid-cert-issued');
    assert.equal(t.lookupKey, keyOf(certOf(280)));
    assert.deepEqual(t.cosigners, ['VN', 'BE']);
    assert.deepEqual(t.witnesses, ['XR', 'VN', 'BE'], "PH's own witness is not one of its log's");
    assert.equal(t.quorum, 2);
    assert.equal(t.error, undefined);
    // Index 280 is in the second bundle, partial at size 300 (44 entries).
    assert.deepEqual(seen, [`/log/lookup/${keyOf(certOf(280))}`, '/log/tile/entries/001.p/44']);
  });

  it('falls back to the full entry bundle when the partial one is gone', async () => {
    // A lookup against a checkpoint of 10 while only the full bundle is served.
    const small = await phLog(10);
    const full = await phLog(256);
    const seen: string[] = [];
    const mixed: typeof fetch = async (input, init) => {
      const path = new URL(String(input)).pathname;
      seen.push(path);
      if (path.startsWith('/log/lookup/')) return logFetch(small)(input, init);
      if (path === '/log/tile/entries/000.p/10') return new Response('', { status: 404 });
      return logFetch(full)(input, init);
    };
    const u = await lookupCertificate(certOf(7), 'PH', { parties: PARTIES, fetch: mixed });
    assert.equal(u.status, 'logged', JSON.stringify(u.error));
    assert.deepEqual(seen.slice(1), ['/log/tile/entries/000.p/10', '/log/tile/entries/000']);
  });

  it('logged but not witnessed by a quorum: logged, not witnessed, the shortfall said', async () => {
    const log = await phLog(5, [VN]);
    const t = await lookupCertificate(certOf(2), 'PH', { parties: PARTIES, fetch: logFetch(log) });
    assert.equal(t.status, 'logged');
    assert.equal(t.logged, true);
    assert.equal(t.witnessed, false);
    assert.deepEqual(t.cosigners, ['VN']);
    assert.equal(t.error?.code, 'LEDGER_POLICY_UNMET');
    assert.match(t.error!.message, /cosigned by VN; a quorum is 2 of XR, VN, BE/);
  });

  it('not logged: the log answers 404', async () => {
    const log = await phLog(5);
    const t = await lookupCertificate(certOf(99), 'PH', { parties: PARTIES, fetch: logFetch(log) });
    assert.equal(t.status, 'not-logged');
    assert.equal(t.logged, false);
    assert.equal(t.witnessed, false);
    assert.equal(t.error?.code, 'LEDGER_NOT_LOGGED');
    assert.equal(t.index, undefined);
  });

  it('a bad proof, an entry of another key, a checkpoint of another key: invalid', async () => {
    const log = await phLog(9);
    const bad = await lookupCertificate(certOf(4), 'PH', {
      parties: PARTIES,
      fetch: logFetch(log, (a) => ({
        ...a,
        inclusionProof: [Buffer.alloc(32).toString('base64'), ...a.inclusionProof.slice(1)],
      })),
    });
    assert.equal(bad.status, 'invalid');
    assert.equal(bad.logged, false);
    assert.equal(bad.error?.code, 'LEDGER_PROOF_INVALID');

    const short = await lookupCertificate(certOf(4), 'PH', {
      parties: PARTIES,
      fetch: logFetch(log, (a) => ({ ...a, inclusionProof: a.inclusionProof.slice(1) })),
    });
    assert.equal(short.error?.code, 'LEDGER_PROOF_INVALID');

    const other = await lookupCertificate(certOf(4), 'PH', {
      parties: PARTIES,
      fetch: logFetch(log, (a) => ({ ...a, index: 5 })),
    });
    assert.equal(other.status, 'invalid');
    assert.equal(other.error?.code, 'LEDGER_RECEIPT_MISMATCH');

    const forger = noteSigner(ORIGIN, ed25519KeyFromSeed(Buffer.alloc(32, 0x66)));
    const { signCheckpoint } = await import('../../src/ledger/checkpoint.js');
    const forged = await signCheckpoint(
      { origin: ORIGIN, size: 9, root: Buffer.alloc(32, 1), extensions: [] },
      forger,
    );
    const unsigned = await lookupCertificate(certOf(4), 'PH', {
      parties: PARTIES,
      fetch: logFetch(log, (a) => ({ ...a, checkpoint: forged })),
    });
    assert.equal(unsigned.status, 'invalid');
    assert.equal(unsigned.error?.code, 'LEDGER_NOTE_UNVERIFIED');
  });

  it('network failure, HTTP errors, timeouts and oversize answers: unknown, never thrown', async () => {
    const o = (f: typeof fetch, timeoutMs?: number) => ({
      parties: PARTIES,
      fetch: f,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    const down = await lookupCertificate(
      certOf(1),
      'PH',
      o(() => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }))),
    );
    assert.equal(down.status, 'unknown');
    assert.equal(down.logged, false);
    assert.equal(down.error?.code, 'LEDGER_LOG_UNREACHABLE');
    assert.match(down.error!.message, /ph\.example: connect ECONNREFUSED/);

    const http500 = await lookupCertificate(
      certOf(1),
      'PH',
      o(async () => new Response('boom', { status: 500 })),
    );
    assert.equal(http500.status, 'unknown');
    assert.match(http500.error!.message, /HTTP 500/);

    const started = Date.now();
    const hang = await lookupCertificate(
      certOf(1),
      'PH',
      o(
        // A server that never answers (the timer stands for its socket, which keeps the process up).
        (_input, init) =>
          new Promise((_resolve, reject) => {
            const socket = setTimeout(() => reject(new Error('no timeout')), 10_000);
            init?.signal?.addEventListener('abort', () => {
              clearTimeout(socket);
              reject(init.signal!.reason);
            });
          }),
        100,
      ),
    );
    assert.equal(hang.status, 'unknown');
    assert.equal(hang.error?.code, 'LEDGER_LOG_UNREACHABLE');
    assert.ok(Date.now() - started < 5000);

    const huge = await lookupCertificate(
      certOf(1),
      'PH',
      o(async () => new Response(new Uint8Array(600 * 1024))),
    );
    assert.equal(huge.status, 'unknown');
    assert.match(huge.error!.message, /over 524288 bytes/);

    const garbage = await lookupCertificate(
      certOf(1),
      'PH',
      o(async () => new Response('{"index":-1}')),
    );
    assert.equal(garbage.status, 'unknown');
    assert.match(garbage.error!.message, /lookup answer: no index/);
  });

  it('no log published for the country: unknown, nothing fetched', async () => {
    const t = await lookupCertificate(certOf(1), 'VN', {
      parties: PARTIES,
      fetch: () => assert.fail('nothing to fetch'),
    });
    assert.equal(t.status, 'unknown');
    assert.equal(t.error?.code, 'LEDGER_LOOKUP_NO_LOG');
    assert.equal(t.country, 'VN');
  });
});

function signature(id: string, der: Buffer, country = 'PH'): SignatureReport {
  return {
    id,
    format: 'CAdES',
    level: 'B-B',
    indication: 'TOTAL-PASSED',
    signer: {
      subject: 'CN=Maria Santos, C=PH',
      issuer: 'CN=PH eID Issuing CA, C=PH',
      serialNumber: '4f2a',
      notBefore: T,
      notAfter: T,
      sha256: keyOf(der),
      der: der.toString('base64'),
    },
    bestSignatureTime: T,
    chain: [],
    timestamps: [],
    checks: [],
    trust: {
      country,
      tspName: 'PH',
      serviceName: 'PH eID CA',
      serviceType: 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC',
      status: 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted',
      statusStartingTime: T,
      qualification: 'AdES-QC',
      source: 'http://ph.example/trustlist.xml',
    },
    warnings: [],
  };
}

function reportOf(...signatures: SignatureReport[]): ValidationReport {
  return {
    validationTime: T,
    policy: 'test',
    document: { size: 1 },
    signatures,
    summary: { total: signatures.length, passed: signatures.length, failed: 0, indeterminate: 0 },
  };
}

describe('the report\u2019s transparency part and the requirement', () => {
  it('fills every signature, one lookup per certificate; the requirement fails the unlogged one', async () => {
    const log = await phLog(5);
    const seen: string[] = [];
    const report = reportOf(
      signature('S-1', certOf(1)),
      signature('S-2', certOf(77)),
      signature('S-3', certOf(1)),
    );
    await addTransparency(report, { parties: PARTIES, fetch: logFetch(log, undefined, seen) });
    assert.deepEqual(
      report.signatures.map((s) => [s.transparency?.status, s.transparency?.index]),
      [
        ['logged', 1],
        ['not-logged', undefined],
        ['logged', 1],
      ],
    );
    assert.equal(seen.filter((p) => p.startsWith('/log/lookup/')).length, 2);
    assert.deepEqual(
      report.summary,
      { total: 3, passed: 3, failed: 0, indeterminate: 0 },
      'no verdict changed',
    );

    const lines = requireTransparency(report);
    assert.deepEqual(
      report.signatures.map((s) => [s.indication, s.subIndication]),
      [
        ['TOTAL-PASSED', undefined],
        ['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE'],
        ['TOTAL-PASSED', undefined],
      ],
    );
    assert.deepEqual(lines, [
      'S-2: transparency required: the signer certificate is not in its country\u2019s transparency log',
    ]);
    assert.deepEqual(report.summary, { total: 3, passed: 2, failed: 0, indeterminate: 1 });
    const check = report.signatures[0]!.checks.find((c) => c.name === TRANSPARENCY_CHECK);
    assert.equal(check?.indication, 'PASSED');
    assert.match(check!.detail!, /logged at index 1 under a witnessed checkpoint of size 5/);
  });

  it('a signature already failed keeps its verdict; logged but unwitnessed does not pass', async () => {
    const log = await phLog(5, [BE]);
    const failed = {
      ...signature('S-1', certOf(1)),
      indication: 'TOTAL-FAILED' as const,
      subIndication: 'HASH_FAILURE' as const,
    };
    const report = reportOf(failed, signature('S-2', certOf(2)));
    await addTransparency(report, { parties: PARTIES, fetch: logFetch(log) });
    requireTransparency(report);
    assert.deepEqual(
      report.signatures.map((s) => [s.indication, s.subIndication]),
      [
        ['TOTAL-FAILED', 'HASH_FAILURE'],
        ['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE'],
      ],
    );
    assert.match(report.signatures[1]!.hint!, /logged but its checkpoint lacks a witness quorum/);
  });

  it('offline, or no LOTL: not checked, with the reason; required, it does not pass', async () => {
    const report = reportOf(signature('S-1', certOf(1)));
    await addTransparency(report, transparencySourceOf({ pointers: [], offline: true }));
    assert.deepEqual(report.signatures[0]!.transparency, {
      status: 'not-checked',
      logged: false,
      witnessed: false,
      lookupKey: keyOf(certOf(1)),
      error: { code: 'LEDGER_LOOKUP_OFFLINE', message: 'offline validation: the logs were not asked' },
    });
    const none = reportOf(signature('S-1', certOf(1)));
    await addTransparency(none, transparencySourceOf({ pointers: [] }));
    assert.equal(none.signatures[0]!.transparency?.error?.code, 'LEDGER_LOOKUP_NO_LOTL');
    requireTransparency(none);
    assert.equal(none.signatures[0]!.indication, 'INDETERMINATE');
    assert.match(none.signatures[0]!.hint!, /could not be established: no list of trusted lists/);
  });
});
