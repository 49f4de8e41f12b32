/**
 * The refusals of issue 5 parts 2 and 5, each a clear page (login pages), a JSON error with a
 * stable code (wallet API) or an OAuth error (provider): revoked and suspended eIDs, an eID of
 * another country, expired and replayed challenges, a wrong redirect URI, missing or plain
 * PKCE, a reused code, forms without the CSRF token or from another origin, too many attempts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as oidc from 'openid-client';
import { resume, revoke, suspend } from '../../src/eid/lifecycle.js';
import type { Wallet } from '../../src/eid/wallet.js';
import { walletLogin } from '../../src/login/wallet_client.js';
import { signWalletChallenge } from '../../src/login/wallet_response.js';
import { PERSON_A, PERSON_B, testClock } from '../fixtures/node.js';
import {
  Browser,
  addTestClient,
  byId,
  enrolCitizen,
  field,
  startLoginNode,
  walletUrlOf,
} from '../login/fixtures.js';
import type { LoginNode } from '../login/fixtures.js';
import { toPage, walletLoginFlow } from '../login/fixtures.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const clock = testClock();
let ln: LoginNode;
let maria: { wallet: Wallet; nationalId: string };
let jose: { wallet: Wallet; nationalId: string };
let config: oidc.Configuration;

before(async () => {
  ln = await startLoginNode({ clock });
  maria = await enrolCitizen(ln.node, 'a', PERSON_A);
  jose = await enrolCitizen(ln.node, 'b', PERSON_B);
  const c = await addTestClient(ln, REDIRECT);
  config = await oidc.discovery(new URL(ln.svc.issuer), c.clientId, c.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
});
after(async () => {
  await ln?.close();
});

async function authUrl(
  extra: Record<string, string> = {},
): Promise<{ url: string; verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile eidas',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  return { url: url.href, verifier, state };
}

/** Opens the login page of a fresh authorization request. */
async function loginPage(): Promise<{ browser: Browser; html: string; uid: string }> {
  const browser = new Browser();
  const { page } = await toPage(browser, await browser.get((await authUrl()).url), ln.url);
  assert.equal(page.status, 200);
  const uid = /action="\/login\/([^/"]+)\/continue"/.exec(page.body)![1]!;
  return { browser, html: page.body, uid };
}

async function walletRefusal(wallet: Wallet): Promise<string> {
  const { html } = await loginPage();
  const e = await walletLogin(wallet, walletUrlOf(html)).then(
    () => assert.fail('the login was accepted'),
    (err: { code: string }) => err,
  );
  return e.code;
}

test('a revoked eID is refused (wallet API and the pasted-response page)', async () => {
  await revoke(ln.node.eid, { nationalId: jose.nationalId }, 'keyCompromise', 'officer');
  assert.equal(await walletRefusal(jose.wallet), 'LOGIN_EID_REVOKED');
  const { browser, html, uid } = await loginPage();
  const code = JSON.parse(Buffer.from(byId(html, 'challenge-code'), 'base64url').toString()) as never;
  const auth = jose.wallet.keys.authentication;
  const response = signWalletChallenge(code, auth.privateKey, auth.certificate!, jose.wallet.caCertificates);
  const page = await browser.post(`${ln.url}/login/${uid}/response`, { csrf: field(html, 'csrf'), response });
  assert.equal(page.status, 403);
  assert.equal(byId(page.body, 'code'), 'LOGIN_EID_REVOKED');
  assert.match(byId(page.body, 'message'), /revoked.*keyCompromise/);
});

test('a suspended eID is refused, and accepted again once resumed', async () => {
  await suspend(ln.node.eid, { nationalId: maria.nationalId }, 'officer');
  assert.equal(await walletRefusal(maria.wallet), 'LOGIN_EID_SUSPENDED');
  await resume(ln.node.eid, { nationalId: maria.nationalId }, 'officer');
  const { html } = await loginPage();
  const out = await walletLogin(maria.wallet, walletUrlOf(html));
  assert.equal(out.mode === 'posted' && out.answer['status'], 'authenticated');
});

test('an eID of another country is refused', async () => {
  const country = ln.svc.verifier.country;
  (ln.svc.verifier as { country: string }).country = 'VN';
  try {
    const { browser, html, uid } = await loginPage();
    const code = JSON.parse(Buffer.from(byId(html, 'challenge-code'), 'base64url').toString()) as never;
    const auth = maria.wallet.keys.authentication;
    const response = signWalletChallenge(code, auth.privateKey, auth.certificate!, []);
    const page = await browser.post(`${ln.url}/login/${uid}/response`, {
      csrf: field(html, 'csrf'),
      response,
    });
    assert.equal(page.status, 403);
    assert.equal(byId(page.body, 'code'), 'LOGIN_WRONG_COUNTRY');
  } finally {
    (ln.svc.verifier as { country: string }).country = country;
  }
});

test('an expired challenge is refused', async () => {
  const { html } = await loginPage();
  clock.advance(121_000);
  try {
    const target = walletUrlOf(html);
    const got = await fetch(target);
    assert.equal(got.status, 410);
    assert.equal(((await got.json()) as { error: { code: string } }).error.code, 'LOGIN_CHALLENGE_EXPIRED');
  } finally {
    clock.advance(-121_000);
  }
});

test('a replayed challenge response is refused', async () => {
  const { html } = await loginPage();
  const target = walletUrlOf(html);
  const c = (await (await fetch(target)).json()) as { cid: string; challenge: string; aud: string };
  const auth = maria.wallet.keys.authentication;
  const response = signWalletChallenge(c, auth.privateKey, auth.certificate!, maria.wallet.caCertificates);
  const post = () =>
    fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response }),
    });
  assert.equal((await post()).status, 200);
  const again = await post();
  assert.equal(again.status, 409);
  assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'LOGIN_CHALLENGE_USED');
});

test('a redirect URI that is not registered exactly is refused with an error page', async () => {
  for (const uri of [`${REDIRECT}/`, 'http://127.0.0.1:9/callback?x=1', 'http://127.0.0.1:9/other']) {
    const url = new URL((await authUrl()).url);
    url.searchParams.set('redirect_uri', uri);
    const page = await new Browser().get(url.href);
    assert.equal(page.status, 400, uri);
    assert.equal(page.location, undefined);
    assert.equal(byId(page.body, 'code'), 'invalid_redirect_uri');
  }
});

test('PKCE is required, and only S256', async () => {
  const missing = new URL((await authUrl()).url);
  missing.searchParams.delete('code_challenge');
  missing.searchParams.delete('code_challenge_method');
  const plain = new URL((await authUrl()).url);
  plain.searchParams.set('code_challenge_method', 'plain');
  plain.searchParams.set('code_challenge', 'a'.repeat(43));
  for (const url of [missing, plain]) {
    const page = await new Browser().get(url.href);
    assert.equal(page.status, 303);
    const back = new URL(page.location!);
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.match(back.searchParams.get('error_description')!, /code_challenge|PKCE/i);
  }
});

test('a code is used once; state and nonce are checked by the client', async () => {
  const { url, verifier, state } = await authUrl();
  const { callback } = await walletLoginFlow(url, maria.wallet);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  assert.ok(tokens.id_token);
  await assert.rejects(
    oidc.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    }),
    (e: { error?: string }) => e.error === 'invalid_grant',
  );
  const fresh = await authUrl();
  const second = await walletLoginFlow(fresh.url, maria.wallet);
  await assert.rejects(
    oidc.authorizationCodeGrant(config, new URL(second.callback), {
      pkceCodeVerifier: fresh.verifier,
      expectedState: 'another-state',
    }),
    (e: Error & { cause?: unknown }) =>
      /state/.test(JSON.stringify(e.cause ?? {}) + String((e.cause as Error)?.message)),
  );
});

test('forms without the CSRF token, or posted from another origin, are refused', async () => {
  const { browser, html, uid } = await loginPage();
  const none = await browser.post(`${ln.url}/login/${uid}/continue`, {});
  assert.equal(none.status, 403);
  assert.equal(byId(none.body, 'code'), 'LOGIN_CSRF');
  const wrong = await browser.post(`${ln.url}/login/${uid}/abort`, { csrf: 'x'.repeat(43) });
  assert.equal(byId(wrong.body, 'code'), 'LOGIN_CSRF');
  const foreign = await browser.post(
    `${ln.url}/login/${uid}/abort`,
    { csrf: field(html, 'csrf') },
    { origin: 'https://evil.example' },
  );
  assert.equal(foreign.status, 403);
  assert.equal(byId(foreign.body, 'code'), 'LOGIN_CSRF');
  const stranger = await new Browser().post(`${ln.url}/login/${uid}/abort`, { csrf: field(html, 'csrf') });
  assert.equal(stranger.status, 400);
  assert.equal(byId(stranger.body, 'code'), 'LOGIN_INTERACTION_UNKNOWN');
});

test('the consent page lists what is shared, and denying returns access_denied', async () => {
  const { callback } = await walletLoginFlow((await authUrl()).url, maria.wallet, 'deny');
  assert.equal(new URL(callback).searchParams.get('error'), 'access_denied');
});
