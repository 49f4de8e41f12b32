/**
 * The CLI wallet's client side: the login page's own address is refused before anything is sent,
 * naming the wallet URL to use; an answer that is not JSON says which URL was expected.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Wallet } from '../../src/eid/wallet.js';
import { walletLogin } from '../../src/login/wallet_client.js';
import type { Fetch } from '../../src/login/wallet_client.js';

// Neither case reaches the signature, so no key is needed.
const WALLET = {} as Wallet;

test('the login page URL instead of its wallet URL: USAGE_INVALID_ARGUMENT naming …/login/wallet/<id>, nothing fetched', async () => {
  let calls = 0;
  const fetchNever: Fetch = async () => {
    calls++;
    return new Response('{}');
  };
  for (const page of [
    'http://127.0.0.1:8082/login/abc123',
    'http://127.0.0.1:8082/login/abc123/',
    'http://127.0.0.1:8082/login/abc123/country',
  ]) {
    await assert.rejects(walletLogin(WALLET, page, { fetch: fetchNever }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'USAGE_INVALID_ARGUMENT');
      assert.match(
        e.message,
        /is the login page, not its wallet URL: give the …\/login\/wallet\/<id> address/,
      );
      return true;
    });
  }
  assert.equal(calls, 0);
});

test('a wallet URL answered without JSON: LOGIN_UPSTREAM_FAILED saying which URL is expected', async () => {
  const html: Fetch = async () => new Response('<html></html>', { status: 400 });
  await assert.rejects(
    walletLogin(WALLET, 'http://127.0.0.1:8082/login/wallet/xyz', { fetch: html }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'LOGIN_UPSTREAM_FAILED');
      assert.match(
        e.message,
        /answered 400 without JSON \(give the wallet URL the login page shows, …\/login\/wallet\/<id>\)/,
      );
      return true;
    },
  );
});
