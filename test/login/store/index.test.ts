/**
 * The login tables on both engines: the provider adapter (upsert, find, consume, expiry,
 * revocation by grant, lookups by uid), relying-party registrations, challenges (single use,
 * expiry, concurrent answers), signing-key rotation and the shared secret.
 */
import assert from 'node:assert/strict';
import { StoreAdapter } from '../../../src/login/adapter.js';
import { checkChallenge, issueChallenge, markAnswered, takeAnswer } from '../../../src/login/challenge.js';
import {
  addClient,
  clientMetadata,
  disableClient,
  listClients,
  secretMatches,
} from '../../../src/login/clients.js';
import { jwkThumbprint, loginKeys, rotateLoginKey, RETIRED_KEY_GRACE_MS } from '../../../src/login/keys.js';
import { ensureLoginSchema } from '../../../src/login/schema.js';
import { loginSecret } from '../../../src/login/secrets.js';
import { openStore } from '../../../src/store/database.js';
import type { Store } from '../../../src/store/database.js';
import { rejectsCode } from '../../fixtures/assert.js';
import { forEachEngine } from '../../fixtures/engines.js';
import { MemoryKeyStore } from '../../fixtures/keys.js';
import { FIXED_NOW } from '../../fixtures/node.js';

async function withStore(location: string, fn: (s: Store) => Promise<void>): Promise<void> {
  const store = await openStore(location);
  try {
    await ensureLoginSchema(store);
    await fn(store);
  } finally {
    await store.close();
  }
}

forEachEngine('login store', (dbTest) => {
  dbTest('the adapter keeps, finds, consumes and expires artefacts', async (_t, db) => {
    await withStore(db.location, async (store) => {
      let now = Date.parse('2026-03-02T09:30:00Z');
      const codes = new StoreAdapter(store, 'AuthorizationCode', () => now);
      const sessions = new StoreAdapter(store, 'Session', () => now);
      await codes.upsert('c1', { grantId: 'g1', accountId: 'PH/PH/1' }, 60);
      await codes.upsert('c2', { grantId: 'g2' }, 60);
      await sessions.upsert('s1', { uid: 'u1', accountId: 'PH/PH/1' }, 3600);
      assert.deepEqual(await codes.find('c1'), { grantId: 'g1', accountId: 'PH/PH/1' });
      assert.equal(await sessions.find('c1'), undefined, 'models are separate');
      assert.equal((await sessions.findByUid('u1'))?.['accountId'], 'PH/PH/1');
      await codes.consume('c1');
      assert.equal(typeof (await codes.find('c1'))?.['consumed'], 'number', 'RFC 6749 §4.1.2: used once');
      await codes.upsert('c2', { grantId: 'g2', changed: true }, 60);
      assert.equal((await codes.find('c2'))?.['changed'], true);
      await codes.revokeByGrantId('g2');
      assert.equal(await codes.find('c2'), undefined);
      now += 61_000;
      assert.equal(await codes.find('c1'), undefined, 'expired');
      await sessions.destroy('s1');
      assert.equal(await sessions.findByUid('u1'), undefined);
    });
  });

  dbTest('relying parties: exact redirect URIs, hashed secret, disable', async (_t, db) => {
    await withStore(db.location, async (store) => {
      const rp = await addClient(
        store,
        { name: 'Tax office', redirectUris: ['https://tax.example/cb'] },
        FIXED_NOW,
      );
      assert.match(rp.clientId, /^rp-/);
      const meta = await clientMetadata(store, rp.clientId);
      assert.equal(meta?.['token_endpoint_auth_method'], 'client_secret_basic');
      assert.notEqual(meta?.['client_secret'], rp.clientSecret, 'the secret itself is not stored');
      assert.ok(secretMatches(meta?.['client_secret'] as string, rp.clientSecret!));
      assert.ok(!secretMatches(meta?.['client_secret'] as string, `${rp.clientSecret!}x`));
      const pub = await addClient(store, {
        name: 'App',
        redirectUris: ['http://127.0.0.1:7/cb'],
        public: true,
      });
      assert.equal(pub.clientSecret, undefined);
      assert.equal((await listClients(store)).length, 2);
      await disableClient(store, rp.clientId);
      assert.equal(await clientMetadata(store, rp.clientId), undefined);
      await rejectsCode(() => disableClient(store, 'rp-nope'), 'LOGIN_CLIENT_UNKNOWN');
      for (const bad of [
        'http://tax.example/cb',
        'https://tax.example/cb#x',
        'cb',
        'https://u:p@tax.example/',
      ]) {
        await rejectsCode(() => addClient(store, { name: 'x', redirectUris: [bad] }), 'LOGIN_CLIENT_INVALID');
      }
      await rejectsCode(
        () => addClient(store, { name: ' ', redirectUris: ['https://a.example/'] }),
        'LOGIN_CLIENT_INVALID',
      );
    });
  });

  dbTest('challenges: single use, expiry, one winner among concurrent answers', async (_t, db) => {
    await withStore(db.location, async (store) => {
      const c = await issueChallenge(store, 'uid-1', 'https://ph.example/oidc', FIXED_NOW, 120_000);
      await rejectsCode(() => checkChallenge(store, c.cid, 'wrong', FIXED_NOW), 'LOGIN_CHALLENGE_UNKNOWN');
      await rejectsCode(
        () => checkChallenge(store, 'nope', c.challenge, FIXED_NOW),
        'LOGIN_CHALLENGE_UNKNOWN',
      );
      const late = new Date(FIXED_NOW.getTime() + 120_000);
      await rejectsCode(() => checkChallenge(store, c.cid, c.challenge, late), 'LOGIN_CHALLENGE_EXPIRED');
      await rejectsCode(() => markAnswered(store, c.cid, '{}', late), 'LOGIN_CHALLENGE_EXPIRED');
      const results = await Promise.allSettled(
        [1, 2, 3].map((i) => markAnswered(store, c.cid, JSON.stringify({ i }), FIXED_NOW)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      await rejectsCode(() => checkChallenge(store, c.cid, c.challenge, FIXED_NOW), 'LOGIN_CHALLENGE_USED');
      assert.ok(await takeAnswer(store, 'uid-1'));
      assert.equal(await takeAnswer(store, 'uid-1'), undefined, 'the answer is taken once');
    });
  });

  dbTest(
    'signing keys: created on first use, rotated, retired keys published for the grace period',
    async (_t, db) => {
      await withStore(db.location, async (store) => {
        let now = FIXED_NOW;
        const host = { store, keys: new MemoryKeyStore({}), clock: () => now };
        const [first] = await loginKeys(host);
        assert.equal(first!.kid, jwkThumbprint(first!.spki));
        assert.equal((await loginKeys(host)).length, 1, 'no second key without rotation');
        now = new Date(now.getTime() + 1000);
        const second = await rotateLoginKey(host);
        const keys = await loginKeys(host);
        assert.deepEqual(
          keys.map((k) => k.kid),
          [second.kid, first!.kid],
          'the new key signs, the old one stays published',
        );
        now = new Date(now.getTime() + RETIRED_KEY_GRACE_MS + 1000);
        assert.deepEqual(
          (await loginKeys(host)).map((k) => k.kid),
          [second.kid],
        );
      });
    },
  );

  dbTest('the login secret is created once and shared', async (_t, db) => {
    await withStore(db.location, async (store) => {
      const [a, b] = await Promise.all([loginSecret(store), loginSecret(store)]);
      assert.equal(a, b);
      assert.equal(await loginSecret(store), a);
    });
  });
});
