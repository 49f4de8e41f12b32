/**
 * `POST /api/v1/notarise` and `GET /api/v1/notarise/<hex>` on an in-process node whose log is
 * cosigned by one test witness: the receipt answered once the sequencer publishes verifies
 * offline (log signature, the witness's cosignature, inclusion) and names the officer's id as
 * the party; a digest is notarised once; 202 while queued or integrated but unpublished, then
 * the receipt; 404 unknown; 401 without a token; malformed bodies refused with their codes and
 * nothing queued; a notary's token opens nothing else; `/log/policy` is the node's policy.
 */
import { lookupPrefix } from '../../../src/ledger/lookup_index.js';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { cosigner } from '../../../src/ledger/cosignature.js';
import type { Cosigner } from '../../../src/ledger/cosignature.js';
import { decodeEntry } from '../../../src/ledger/entry.js';
import { ed25519KeyFromSeed } from '../../../src/ledger/keys.js';
import type { LogIdentity } from '../../../src/ledger/log_key.js';
import { openNote } from '../../../src/ledger/note.js';
import { parsePolicy } from '../../../src/ledger/policy.js';
import { parseReceipt, verifyReceipt } from '../../../src/ledger/receipt.js';
import { Sequencer } from '../../../src/ledger/sequencer.js';
import { addOfficer } from '../../../src/node/officers.js';
import { buildApp } from '../../../src/server/app.js';
import { forEachEngine } from '../../fixtures/engines.js';
import { expectError } from '../../fixtures/http.js';
import { FIXED_NOW, makeTestNode } from '../../fixtures/node.js';
import type { TestNode } from '../../fixtures/node.js';
import { TEST_SEEDS, testLogIdentity } from '../../ledger/fixtures.js';

const hex = (data: string, alg = 'sha256'): string => createHash(alg).update(data).digest('hex');

/** A node with a log, its app, a notary and a registrar, and a sequencer cosigned by one witness. */
interface Fixture {
  node: TestNode;
  app: FastifyInstance;
  log: LogIdentity;
  witness: Cosigner;
  sequencer: Sequencer;
  notary: { id: string; token: string };
  registrar: string;
  /** When false, the cosign step fails (the checkpoint is integrated, not published). */
  cosigning: { on: boolean };
  notarise(digest: string, alg?: string, token?: string): Promise<LightMyRequestResponse>;
  receipt(digest: string, token?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

async function fixture(location: string, waitMs: number): Promise<Fixture> {
  const node = await makeTestNode({ db: location });
  const log = testLogIdentity();
  node.log = log;
  const witness = cosigner('witness.test/vn', ed25519KeyFromSeed(TEST_SEEDS.witnessA), () => 0);
  const cosigning = { on: true };
  const sequencer = new Sequencer({
    store: node.store,
    log,
    clock: node.clock,
    intervalMs: 20,
    cosign: {
      cosign: async (r) => {
        if (!cosigning.on) throw new Error('the witness is unreachable (test)');
        return [await witness.cosign(openNote(r.checkpoint, [log.verifier]).text, 1_772_443_800)];
      },
    },
  });
  const app = await buildApp(node, { notarise: { waitMs, pollMs: 10 } });
  const notary = await addOfficer(node.store, 'Nina Notary', 'notary', FIXED_NOW);
  const registrar = (await addOfficer(node.store, 'Rita Registrar', 'registrar', FIXED_NOW)).token;
  const notarise: Fixture['notarise'] = (digest, alg = 'sha-256', token = notary.token) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/notarise',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ digest, alg }),
    });
  const receipt: Fixture['receipt'] = (digest, token = notary.token) =>
    app.inject({
      method: 'GET',
      url: `/api/v1/notarise/${digest}`,
      headers: { authorization: `Bearer ${token}` },
    });
  return {
    node,
    app,
    log,
    witness,
    sequencer,
    notary,
    registrar,
    cosigning,
    notarise,
    receipt,
    close: async () => {
      await sequencer.stop();
      await app.close();
      await node.close();
    },
  };
}

function policyOf(f: Fixture): ReturnType<typeof parsePolicy> {
  return parsePolicy(`log ${f.log.vkey}\nwitness VN ${f.witness.vkey}\nquorum VN\n`);
}

async function queueLength(f: Fixture): Promise<number> {
  const r = await f.node.store.db
    .selectFrom('ledger_queue')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

forEachEngine('notarisation routes', (dbTest) => {
  dbTest('a notary gets a receipt that verifies offline; a digest is notarised once', async (_t, db) => {
    const f = await fixture(db.location, 10_000);
    try {
      f.sequencer.start();
      // Other entries first, so the receipt's inclusion proof is not empty.
      for (let i = 0; i < 5; i++) assert.equal((await f.notarise(hex(`other ${i}`))).statusCode, 200);
      const digest = hex('the signed agreement');
      const res = await f.notarise(digest.toUpperCase());
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      assert.ok(res.body.startsWith('c2sp.org/tlog-proof@v1\nextra '));
      const v = verifyReceipt(res.body, policyOf(f));
      assert.deepEqual(
        v.cosigners.map((c) => c.witness),
        ['VN'],
      );
      assert.equal(v.index, 5);
      assert.ok(parseReceipt(res.body).proof.length > 0);
      const entry = decodeEntry(v.entry);
      assert.deepEqual(entry, {
        v: 1,
        type: 'notarised-digest',
        time: FIXED_NOW.toISOString(),
        alg: 'sha-256',
        digest,
        party: f.notary.id,
      });
      assert.match(f.notary.id, /^officer-/);

      // Again, by another officer: the same entry, nothing queued.
      const again = await f.notarise(digest, 'sha-256', f.registrar);
      assert.equal(again.statusCode, 200);
      assert.equal(verifyReceipt(again.body, policyOf(f)).index, 5);
      assert.equal(await queueLength(f), 0);
      const rows = await f.node.store.db
        .selectFrom('ledger_lookup')
        .select('entry_index')
        .where('key_prefix', '=', lookupPrefix(digest))
        .execute();
      assert.equal(rows.length, 1);

      // The GET answers the same receipt, whatever the case of the hex.
      const got = await f.receipt(digest.toUpperCase());
      assert.equal(got.statusCode, 200);
      assert.equal(got.body, again.body);

      // SHA-512: its own length, its own entry.
      const long = hex('the signed agreement', 'sha512');
      const r512 = await f.notarise(long, 'sha-512');
      assert.equal(r512.statusCode, 200, r512.body);
      const e512 = decodeEntry(verifyReceipt(r512.body, policyOf(f)).entry);
      assert.equal(e512.type === 'notarised-digest' && e512.alg, 'sha-512');
      assert.equal((await f.receipt(long)).statusCode, 200);

      // The node's witness policy: its log key, no LOTL here so no witness.
      const policy = await f.app.inject({ method: 'GET', url: '/log/policy' });
      assert.equal(policy.statusCode, 200);
      assert.equal(policy.body, `log ${f.log.vkey}\nquorum none\n`);
      assert.equal(verifyReceipt(got.body, parsePolicy(policy.body)).index, 5);
    } finally {
      await f.close();
    }
  });

  dbTest(
    '202 while queued or integrated without a published checkpoint, then the receipt',
    async (_t, db) => {
      const f = await fixture(db.location, 30);
      try {
        const digest = hex('minutes of the meeting');
        const first = await f.notarise(digest);
        assert.equal(first.statusCode, 202, first.body);
        assert.deepEqual(first.json(), {
          status: 'queued',
          digest,
          alg: 'sha-256',
          receipt: `/api/v1/notarise/${digest}`,
        });
        assert.equal(first.headers['location'], `/api/v1/notarise/${digest}`);
        assert.equal((await f.notarise(digest)).statusCode, 202);
        assert.equal(await queueLength(f), 1);
        const queued = await f.receipt(digest);
        assert.equal(queued.statusCode, 202);
        assert.equal((queued.json() as { status: string }).status, 'queued');

        // Integrated, but the witness does not answer: nothing published yet.
        f.cosigning.on = false;
        await assert.rejects(f.sequencer.run(), /unreachable/);
        const integrated = await f.receipt(digest);
        assert.equal(integrated.statusCode, 202);
        assert.deepEqual(integrated.json(), {
          status: 'integrated',
          digest,
          alg: 'sha-256',
          index: 0,
          receipt: `/api/v1/notarise/${digest}`,
        });
        assert.equal((await f.notarise(digest)).statusCode, 202);
        assert.equal(await queueLength(f), 0);

        // Published: the receipt.
        f.cosigning.on = true;
        await f.sequencer.run();
        const done = await f.receipt(digest);
        assert.equal(done.statusCode, 200, done.body);
        assert.equal(verifyReceipt(done.body, policyOf(f)).index, 0);

        expectError(await f.receipt(hex('never notarised')), 404, 'LEDGER_NOT_LOGGED');
      } finally {
        await f.close();
      }
    },
  );

  dbTest('a POST waiting when the sequencer publishes answers the receipt', async (_t, db) => {
    const f = await fixture(db.location, 10_000);
    try {
      const digest = hex('a second document');
      const pending = f.notarise(digest);
      // The sequencer runs once the entry is queued, while the request waits.
      while ((await queueLength(f)) === 0) await new Promise((r) => setTimeout(r, 5));
      await f.sequencer.run();
      const res = await pending;
      assert.equal(res.statusCode, 200, res.body);
      const entry = decodeEntry(verifyReceipt(res.body, policyOf(f)).entry);
      assert.equal(entry.type === 'notarised-digest' && entry.digest, digest);
    } finally {
      await f.close();
    }
  });

  dbTest(
    'no token, bad token, malformed bodies: refused with their codes, nothing queued',
    async (_t, db) => {
      const f = await fixture(db.location, 0);
      try {
        const digest = hex('x');
        const post = (
          payload: string,
          headers: Record<string, string> = {},
        ): Promise<LightMyRequestResponse> =>
          f.app.inject({
            method: 'POST',
            url: '/api/v1/notarise',
            headers: {
              authorization: `Bearer ${f.notary.token}`,
              'content-type': 'application/json',
              ...headers,
            },
            payload,
          });
        const body = JSON.stringify({ digest, alg: 'sha-256' });
        expectError(
          await f.app.inject({
            method: 'POST',
            url: '/api/v1/notarise',
            headers: { 'content-type': 'application/json' },
            payload: body,
          }),
          401,
          'AUTH_TOKEN_MISSING',
        );
        expectError(await post(body, { authorization: 'Bearer tbo_nope' }), 401, 'AUTH_TOKEN_INVALID');
        expectError(
          await f.app.inject({ method: 'GET', url: `/api/v1/notarise/${digest}` }),
          401,
          'AUTH_TOKEN_MISSING',
        );
        for (const [payload, status, code] of [
          [JSON.stringify({ digest: 'zz'.repeat(32), alg: 'sha-256' }), 400, 'LEDGER_DIGEST_MALFORMED'],
          [JSON.stringify({ digest: digest.slice(2), alg: 'sha-256' }), 400, 'LEDGER_DIGEST_MALFORMED'],
          [JSON.stringify({ digest, alg: 'sha-384' }), 400, 'LEDGER_DIGEST_MALFORMED'],
          [JSON.stringify({ digest, alg: 'md5' }), 400, 'INPUT_MALFORMED'],
          [JSON.stringify({ digest }), 400, 'INPUT_MALFORMED'],
          [JSON.stringify({ digest, alg: 'sha-256', party: 'someone else' }), 400, 'INPUT_MALFORMED'],
          [JSON.stringify({ digest: 'a'.repeat(130), alg: 'sha-512' }), 400, 'INPUT_MALFORMED'],
          [JSON.stringify({ digest: 42, alg: 'sha-256' }), 400, 'LEDGER_DIGEST_MALFORMED'],
          [JSON.stringify({ digest: { digest }, alg: 'sha-256' }), 400, 'INPUT_MALFORMED'],
          ['{"digest":', 400, 'INPUT_MALFORMED'],
          [JSON.stringify({ digest, alg: 'sha-256', pad: 'x'.repeat(2048) }), 413, 'INPUT_TOO_LARGE'],
        ] as const)
          expectError(await post(payload), status, code);
        expectError(await post(body, { 'content-type': 'text/plain' }), 400, 'INPUT_MALFORMED');
        expectError(
          await post(body, { 'content-type': 'application/xml' }),
          415,
          'HTTP_UNSUPPORTED_MEDIA_TYPE',
        );
        expectError(await f.receipt('abc'), 400, 'LEDGER_DIGEST_MALFORMED');
        expectError(await f.receipt('g'.repeat(64)), 400, 'LEDGER_DIGEST_MALFORMED');
        assert.equal(await queueLength(f), 0);
      } finally {
        await f.close();
      }
    },
  );

  dbTest("a notary's token opens only notarisation; the role is checked", async (_t, db) => {
    const f = await fixture(db.location, 0);
    try {
      const res = await f.app.inject({
        method: 'GET',
        url: '/api/v1/reviews',
        headers: { authorization: `Bearer ${f.notary.token}` },
      });
      expectError(res, 403, 'AUTH_FORBIDDEN');
      expectError(
        await f.app.inject({
          method: 'POST',
          url: '/api/v1/persons',
          headers: { authorization: `Bearer ${f.notary.token}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ givenNames: 'A', familyName: 'B', birthDate: '1990-01-01' }),
        }),
        403,
        'AUTH_FORBIDDEN',
      );
      // A registrar still lists reviews.
      const reviews = await f.app.inject({
        method: 'GET',
        url: '/api/v1/reviews',
        headers: { authorization: `Bearer ${f.registrar}` },
      });
      assert.equal(reviews.statusCode, 200);
      await assert.rejects(
        addOfficer(f.node.store, 'X', 'clerk' as never, FIXED_NOW),
        (e: Error & { code?: string }) => e.code === 'USAGE_INVALID_ARGUMENT' && /notary/.test(e.message),
      );
      // The OpenAPI document lists both routes, behind the officer token.
      const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, Record<string, { security?: unknown }>>;
      };
      assert.ok(doc.paths['/api/v1/notarise']?.['post']?.security);
      assert.ok(doc.paths['/api/v1/notarise/{digest}']?.['get']);
      assert.ok(doc.paths['/log/policy']?.['get']);
    } finally {
      await f.close();
    }
  });
});
