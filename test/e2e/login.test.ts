/**
 * End to end: a relying party using `openid-client` (npm, not ours) completes the authorization
 * code flow with PKCE against a node, the citizen logging in with their wallet (signed
 * challenge); the ID token is then verified by a second, independent implementation
 * (python3-authlib).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import * as oidc from 'openid-client';
import { freshDb } from '../fixtures/engines.js';
import { PG_SKIP } from '../fixtures/pg.js';
import { PERSON_A } from '../fixtures/node.js';
import { addClient } from '../../src/login/clients.js';
import { addTestClient, enrolCitizen, startLoginNode } from '../login/fixtures.js';
import type { LoginNode } from '../login/fixtures.js';
import { walletLoginFlow } from '../login/fixtures.js';
import type { Wallet } from '../../src/eid/wallet.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
let ln: LoginNode;
let wallet: Wallet;
let nationalId: string;

before(async () => {
  ln = await startLoginNode();
  ({ wallet, nationalId } = await enrolCitizen(ln.node, 'a', PERSON_A));
});
after(async () => {
  await ln?.close();
});

async function rp(): Promise<{ config: oidc.Configuration; clientId: string }> {
  const client = await addTestClient(ln, REDIRECT);
  const config = await oidc.discovery(
    new URL(ln.svc.issuer),
    client.clientId,
    client.clientSecret,
    undefined,
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
  return { config, clientId: client.clientId };
}

function authlibMissing(): string | false {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import authlib'], { encoding: 'utf8' });
  return r.status === 0 ? false : 'python3-authlib is not installed';
}

test('openid-client completes the code flow with PKCE and a wallet-signed challenge', async () => {
  const { config, clientId } = await rp();
  const meta = config.serverMetadata();
  assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(meta.id_token_signing_alg_values_supported, ['ES256']);
  assert.equal(meta.registration_endpoint, undefined, 'dynamic registration is off');
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile eidas',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { callback } = await walletLoginFlow(authUrl.href, wallet);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  const claims = tokens.claims()!;
  assert.equal(claims.iss, ln.svc.issuer);
  assert.equal(claims.aud, clientId);
  assert.equal(claims.sub, `PH/PH/${nationalId}`);
  assert.equal(claims['given_name'], 'Maria Clara');
  assert.equal(claims['family_name'], 'Santos');
  assert.equal(claims['birthdate'], '1990-05-17');
  assert.equal(claims['person_identifier'], `PH/PH/${nationalId}`);
  assert.equal(claims['issuing_country'], 'PH');
  assert.equal(claims['acr'], 'http://eidas.europa.eu/LoA/substantial');
  assert.deepEqual(claims['amr'], ['pop', 'swk']);
  const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as {
    alg: string;
  };
  assert.equal(header.alg, 'ES256');
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info['person_identifier'], `PH/PH/${nationalId}`);

  const skip = authlibMissing();
  if (skip) return;
  const jwks = await (await fetch(meta.jwks_uri!)).text();
  const py = `
import json, sys
from authlib.jose import JsonWebKey, jwt
token, jwks, iss, aud, nonce = sys.argv[1:6]
claims = jwt.decode(token, JsonWebKey.import_key_set(json.loads(jwks)),
  claims_options={"iss": {"essential": True, "value": iss}, "aud": {"essential": True, "value": aud},
                  "nonce": {"essential": True, "value": nonce}})
claims.validate()
print(json.dumps({"sub": claims["sub"], "person_identifier": claims["person_identifier"], "alg": claims.header["alg"]}))
`;
  const r = spawnSync(
    '/usr/bin/python3',
    ['-c', py, tokens.id_token!, jwks, ln.svc.issuer, clientId, nonce],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    sub: `PH/PH/${nationalId}`,
    person_identifier: `PH/PH/${nationalId}`,
    alg: 'ES256',
  });
});

test('the same flow with the store in PostgreSQL', async (t) => {
  const db = await freshDb('postgres');
  if (!db) return t.skip(PG_SKIP);
  const pg = await startLoginNode({ db: db.location });
  try {
    const citizen = await enrolCitizen(pg.node, 'a', PERSON_A);
    const client = await addTestClient(pg, REDIRECT);
    const config = await oidc.discovery(
      new URL(pg.svc.issuer),
      client.clientId,
      client.clientSecret,
      undefined,
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile eidas',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const { callback } = await walletLoginFlow(authUrl.href, citizen.wallet);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    assert.equal(tokens.claims()!['person_identifier'], `PH/PH/${citizen.nationalId}`);
  } finally {
    await pg.close();
    await db.cleanup();
  }
});

test('RP-initiated logout ends the session and returns to the registered URI', async () => {
  const rp = await addClient(ln.node.store, {
    name: 'Logout service',
    redirectUris: [REDIRECT],
    postLogoutRedirectUris: ['http://127.0.0.1:9/bye'],
  });
  const config = await oidc.discovery(new URL(ln.svc.issuer), rp.clientId, rp.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const { callback, browser } = await walletLoginFlow(authUrl.href, wallet);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier });
  const end = oidc.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token!,
    post_logout_redirect_uri: 'http://127.0.0.1:9/bye',
    state: 'bye-state',
  });
  const page = await browser.get(end.href);
  assert.equal(page.status, 200);
  const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(page.body)![1]!;
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)![1]!;
  const done = await browser.post(action, { xsrf, logout: 'yes' });
  assert.equal(done.status, 303);
  assert.equal(done.location, 'http://127.0.0.1:9/bye?state=bye-state');
});
