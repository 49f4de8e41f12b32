/**
 * Cosignature gathering against three real witnesses on loopback (the witness routes over
 * in-memory stores), one of which does not know the log: quorum of the default policy, the 409
 * retry from the witness's size, and a forked log refused by every witness. Plus the hub's side:
 * members' log and witness keys published in the LOTL, read back as the federation's parties,
 * and the hub's own witness serving a member's log.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { initHub } from '../../src/hub/hub.js';
import type { HubContext } from '../../src/hub/hub.js';
import { addHubMember } from '../../src/hub/operations.js';
import { hubCosignHook } from '../../src/hub/transparency.js';
import { cosignatureVerifier, cosigner } from '../../src/ledger/cosignature.js';
import type { Cosigner } from '../../src/ledger/cosignature.js';
import {
  defaultWitnessPolicy,
  federationParties,
  witnessLogsOf,
  witnessesOf,
} from '../../src/ledger/federation_logs.js';
import { gatherCosignatures } from '../../src/ledger/gather.js';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../../src/ledger/keys.js';
import { TileLog } from '../../src/ledger/log.js';
import { openNote } from '../../src/ledger/note.js';
import { parsePolicy, verifyCheckpointPolicy } from '../../src/ledger/policy.js';
import { LogReader } from '../../src/ledger/reader.js';
import { MemoryTileStore } from '../../src/ledger/tile_store.js';
import { toPem } from '../../src/lib/pem.js';
import { parseTrustedList } from '../../src/trust/parse/trusted_list.js';
import { verifyEnvelopedSignature } from '../../src/signature/xades/enveloped.js';
import { storeWitnessService } from '../../src/node/witness.js';
import { buildHubApp } from '../../src/server/hub_app.js';
import { registerWitnessRoutes } from '../../src/server/routes/witness.js';
import { openStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/database.js';
import { tempDir } from '../fixtures/cli.js';
import { TEST_IDENTITY, makeTestNode, testClock } from '../fixtures/node.js';
import { fixedTlSigner } from '../trust/writer/fixtures.js';
import { TEST_SEEDS } from './fixtures.js';

const NOW = 1_772_443_800;
const ORIGIN = 'ph.example/log';
const LOG_KEY = ed25519KeyFromSeed(TEST_SEEDS.log);
const LOG_VKEY = formatVerifierKey(ORIGIN, SIG_ED25519, LOG_KEY.publicKey);

/** A real witness (routes, service, store) on loopback. */
export async function loopbackWitness(
  name: string,
  seed: Buffer,
  logs: Map<string, string>,
): Promise<{ url: string; vkey: string; app: FastifyInstance; store: Store; cosigner: Cosigner }> {
  const store = await openStore(':memory:');
  const w = cosigner(name, ed25519KeyFromSeed(seed), () => NOW);
  const app = Fastify();
  await registerWitnessRoutes(
    app,
    storeWitnessService({
      store,
      cosigner: w,
      logs: () => ({ keys: (o) => (logs.has(o) ? [noteVerifier(logs.get(o)!)] : undefined) }),
      clock: () => new Date(NOW * 1000),
      rateLimit: false,
    }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/witness/add-checkpoint`, vkey: w.vkey, app, store, cosigner: w };
}

async function newLog(store = new MemoryTileStore()) {
  const log = await TileLog.open(store, {
    origin: ORIGIN,
    signer: noteSigner(ORIGIN, LOG_KEY),
    verifier: noteVerifier(LOG_VKEY),
  });
  return { log, reader: new LogReader(store) };
}

describe('gathering cosignatures from three witnesses on loopback', () => {
  const known = new Map([[ORIGIN, LOG_VKEY]]);
  let ws: Awaited<ReturnType<typeof loopbackWitness>>[] = [];
  before(async () => {
    ws = [
      await loopbackWitness('vn.example/witness', TEST_SEEDS.witnessA, known),
      await loopbackWitness('be.example/witness', TEST_SEEDS.witnessB, known),
      // This one does not know the log: it refuses with 404.
      await loopbackWitness('hub.example/witness', TEST_SEEDS.witnessC, new Map()),
    ];
  });
  after(async () => {
    for (const w of ws) {
      await w.app.close();
      await w.store.close();
    }
  });

  it('collects verified cosignatures, meets the majority policy, reports the refusal', async () => {
    const { log, reader } = await newLog();
    const endpoints = ws.map((w, i) => ({ name: ['VN', 'BE', 'XR'][i]!, vkey: w.vkey, url: w.url }));
    const policyText = defaultWitnessPolicy(LOG_VKEY, endpoints);
    assert.match(policyText, /^group majority 2 w0-VN w1-BE w2-XR$/m);
    const policy = parsePolicy(policyText);
    const proof = (m: number, n: number) => reader.consistencyProof(m, n);
    const a = await log.append([Buffer.from('one'), Buffer.from('two'), Buffer.from('three')]);
    const r1 = await gatherCosignatures({
      checkpoint: a.checkpoint,
      oldSize: 0,
      proof,
      witnesses: endpoints,
      policy,
    });
    assert.deepEqual(
      r1.outcomes.map((o) => [o.name, o.result, o.status]),
      [
        ['VN', 'cosigned', 200],
        ['BE', 'cosigned', 200],
        ['XR', 'refused', 404],
      ],
    );
    assert.equal(r1.quorum, true);
    assert.equal(r1.cosignatures.length, 2);
    const verdict = verifyCheckpointPolicy(r1.checkpoint, policy);
    assert.deepEqual(
      verdict.cosigners.map((c) => [c.witness, c.time]),
      [
        ['w0-VN', NOW],
        ['w1-BE', NOW],
      ],
    );

    // The log forgot it was cosigned at 3 and asks from 0: both answer 409 "3", the retry cosigns.
    const b = await log.append([Buffer.from('four'), Buffer.from('five')]);
    const r2 = await gatherCosignatures({
      checkpoint: b.checkpoint,
      oldSize: 0,
      proof,
      witnesses: endpoints,
      policy,
    });
    assert.deepEqual(
      r2.outcomes.map((o) => [o.result, o.retried]),
      [
        ['cosigned', true],
        ['cosigned', true],
        ['refused', false],
      ],
    );
    assert.equal(r2.quorum, true);

    // A fork at the same size: 409 with the size held, from every witness that knows the log.
    const { signCheckpoint } = await import('../../src/ledger/checkpoint.js');
    const fork = await signCheckpoint(
      { origin: ORIGIN, size: 5, root: Buffer.alloc(32, 7), extensions: [] },
      noteSigner(ORIGIN, LOG_KEY),
    );
    const r3 = await gatherCosignatures({
      checkpoint: fork,
      oldSize: 5,
      proof,
      witnesses: endpoints,
      policy,
    });
    assert.deepEqual(
      r3.outcomes.map((o) => [o.result, o.status, o.witnessSize]),
      [
        ['refused', 409, 5],
        ['refused', 409, 5],
        ['refused', 404, undefined],
      ],
    );
    assert.equal(r3.quorum, false);
    assert.equal(r3.cosignatures.length, 0);

    // A fork that grows: another history of 6 entries, its proof from 5 does not verify: 422.
    const other = await newLog();
    const forked = await other.log.append(
      ['one', 'two', 'three', 'FOUR', 'five', 'six'].map((s) => Buffer.from(s)),
    );
    const r4 = await gatherCosignatures({
      checkpoint: forked.checkpoint,
      oldSize: 5,
      proof: (m, n) => other.reader.consistencyProof(m, n),
      witnesses: endpoints,
      policy,
    });
    assert.deepEqual(
      r4.outcomes.map((o) => o.status),
      [422, 422, 404],
    );
    assert.equal(r4.quorum, false);
  });

  it('an unreachable witness and a lying one are reported, not trusted', async () => {
    const { log, reader } = await newLog();
    const a = await log.append([Buffer.from('x')]);
    const liar = cosigner('vn.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessB), () => NOW);
    const r = await gatherCosignatures({
      checkpoint: a.checkpoint,
      oldSize: 0,
      proof: (m, n) => reader.consistencyProof(m, n),
      timeoutMs: 500,
      witnesses: [
        { name: 'down', vkey: ws[0]!.vkey, url: 'http://127.0.0.1:9/witness/add-checkpoint' },
        { name: 'liar', vkey: ws[0]!.vkey, url: 'http://liar.invalid/witness/add-checkpoint' },
      ],
      fetch: async (url) => {
        if (String(url).includes('liar.invalid'))
          return new Response(await liar.cosign(openNote(a.checkpoint, [noteVerifier(LOG_VKEY)]).text, NOW), {
            status: 200,
          });
        return fetch(url);
      },
    });
    assert.deepEqual(
      r.outcomes.map((o) => o.result),
      ['unreachable', 'invalid'],
    );
    assert.equal(r.cosignatures.length, 0);
  });
});

describe('the hub publishes members\u2019 logs and witnesses; its own witness serves them', () => {
  const tmp = tempDir('tb-hub-witness-');
  let hub: HubContext;
  let signerPem: string;
  before(async () => {
    const node = await makeTestNode();
    try {
      signerPem = toPem((await fixedTlSigner(TEST_IDENTITY, node.root)).certificate, 'CERTIFICATE');
    } finally {
      await node.close();
    }
    hub = await initHub({
      dir: join(tmp.path, 'hub'),
      name: 'Regional Hub',
      baseUrl: 'http://hub.example',
      passphrase: 'hub test passphrase',
      clock: testClock(),
    });
  });
  after(async () => {
    await hub?.close();
    tmp.remove();
  });

  it('LOTL carries tb:Transparency; parties, known logs and witnesses follow from it', async () => {
    const hubVkey = readFileSync(join(hub.dir, 'public', 'witness.vkey'), 'utf8');
    assert.equal(hubVkey, `${hub.witness!.vkey}\n`);
    assert.match(hubVkey, /^hub\.example\/witness\+[0-9a-f]{8}\+B/);
    const phWitness = cosigner('ph.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessA), () => NOW);
    await addHubMember(hub, {
      country: TEST_IDENTITY.country,
      trustListUrl: 'http://ph.example/trustlist.xml',
      signerPem,
      transparency: { logKey: LOG_VKEY, witnessKey: phWitness.vkey },
    });
    await assert.rejects(
      addHubMember(hub, {
        country: 'VN',
        trustListUrl: 'http://vn.example/trustlist.xml',
        signerPem,
        transparency: { logKey: 'nonsense' },
      }),
      (e: unknown) => (e as { code?: string }).code === 'TL_INPUT_INVALID',
    );
    const { root } = verifyEnvelopedSignature(
      readFileSync(join(hub.dir, 'public', 'lotl.xml')),
      hub.signer.certificate,
    );
    const parties = federationParties(parseTrustedList(root).pointers);
    assert.deepEqual(parties, [
      {
        name: 'XR',
        logKey: hub.log.vkey,
        witnessKey: hub.witness!.vkey,
        witnessUrl: 'http://hub.example/witness/add-checkpoint',
        logUrl: 'http://hub.example/log/',
      },
      {
        name: TEST_IDENTITY.country,
        logKey: LOG_VKEY,
        witnessKey: phWitness.vkey,
        witnessUrl: 'http://ph.example/witness/add-checkpoint',
        // No LogUrl given: beside the witness.
        logUrl: 'http://ph.example/log/',
      },
    ]);
    assert.ok(witnessLogsOf(parties).keys(ORIGIN));
    assert.equal(
      witnessLogsOf(parties, LOG_VKEY).keys(ORIGIN),
      undefined,
      'a node does not witness its own log',
    );
    assert.deepEqual(
      witnessesOf(parties, phWitness.vkey).map((w) => w.name),
      ['XR'],
    );

    // The hub's witness serves the member's log over HTTP.
    const app = await buildHubApp(hub, { witnessRateLimit: false });
    try {
      const { log } = await newLog();
      const a = await log.append([Buffer.from('one')]);
      const res = await app.inject({
        method: 'POST',
        url: '/witness/add-checkpoint',
        payload: `old 0\n\n${a.checkpoint}`,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(
        openNote(a.checkpoint + res.body, [cosignatureVerifier(hub.witness!.vkey)]).verified.length,
        1,
      );
      const key = await app.inject({ method: 'GET', url: '/witness/key' });
      assert.equal(key.body, hubVkey);
      // The hub's cosign hook asks PH's witness (the URL the LOTL gives, routed to loopback here).
      const ph = await loopbackWitness(
        'ph.example/witness',
        TEST_SEEDS.witnessA,
        new Map([[ORIGIN, LOG_VKEY]]),
      );
      try {
        const cosign = hubCosignHook(hub.dir, LOG_VKEY, {
          fetch: (url, init) => {
            assert.equal(String(url), 'http://ph.example/witness/add-checkpoint');
            return fetch(ph.url, init);
          },
        });
        const r = await cosign({ checkpoint: a.checkpoint, oldSize: 0, proof: () => Promise.resolve([]) });
        assert.deepEqual(
          r.outcomes.map((o) => [o.name, o.result]),
          [['PH', 'cosigned']],
        );
        assert.equal(r.quorum, true);
      } finally {
        await ph.app.close();
        await ph.store.close();
      }
      const unknown = await app.inject({
        method: 'POST',
        url: '/witness/add-checkpoint',
        payload: `old 0\n\n${a.checkpoint.replace(ORIGIN, 'vn.example/log')}`,
      });
      assert.equal(unknown.statusCode, 404);
    } finally {
      await app.close();
    }
  });
});
