/**
 * Cross-border login in the federation in a box (hub + PH, VN, BE as separate processes): a
 * relying party of the VN node, using `openid-client`, logs a PH citizen in. VN finds PH through
 * the hub's list of trusted lists, sends the citizen there, PH checks their eID (wallet-signed
 * challenge) and returns an ID token that VN verifies and maps: the service sees one provider
 * (VN) and the eIDAS identifier `PH/VN/<id>`. python3-authlib verifies VN's ID token too.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { startFederation } from '../../src/federation/index.js';
import type { RunningFederation } from '../../src/federation/index.js';
import { openWallet } from '../../src/eid/wallet.js';
import type { Wallet } from '../../src/eid/wallet.js';
import { addClient } from '../../src/login/clients.js';
import { walletLogin } from '../../src/login/wallet_client.js';
import { openStore } from '../../src/store/database.js';
import { freeBlock, tempDir } from '../fixtures/cli.js';
import { Browser, field, walletUrlOf } from '../login/fixtures.js';
import type { Page } from '../login/fixtures.js';

const REDIRECT = 'http://127.0.0.1:9/vn-service/callback';

/** Follows redirects until a page (200) or the relying party's redirect URI. */
async function until(browser: Browser, page: Page): Promise<{ page: Page; url?: string }> {
  return browser.follow(page, (u) => u.startsWith(REDIRECT));
}

describe('cross-border login: a PH citizen logs into a VN service', { timeout: 240_000 }, () => {
  const tmp = tempDir('tb-login-fed-');
  const dir = join(tmp.path, 'federation');
  let fed: RunningFederation;
  let wallet: Wallet;
  let config: oidc.Configuration;
  let clientId: string;

  before(async () => {
    fed = await startFederation(dir, await freeBlock());
    const passphrase = readFileSync(join(dir, '.passphrase'), 'utf8').trim();
    wallet = openWallet(readFileSync(join(dir, 'wallets', 'ph', 'santos.p12')), passphrase);
    const store = await openStore(join(dir, 'vn', 'node.db'));
    try {
      const rp = await addClient(store, { name: 'VN public service', redirectUris: [REDIRECT] });
      clientId = rp.clientId;
      config = await oidc.discovery(
        new URL(`${fed.urls['VN']}/oidc`),
        rp.clientId,
        rp.clientSecret,
        undefined,
        {
          execute: [oidc.allowInsecureRequests],
        },
      );
    } finally {
      await store.close();
    }
  });
  after(async () => {
    await fed?.stop();
    tmp.remove();
  });

  it('VN proxies to PH (found through the LOTL); the service gets PH/VN/<id> from VN', async () => {
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
    const browser = new Browser();
    const vnLogin = await until(browser, await browser.get(authUrl.href));
    assert.equal(vnLogin.page.status, 200, vnLogin.page.body.slice(0, 600));
    const vnHtml = vnLogin.page.body;
    assert.match(vnHtml, /<option value="PH">PH — Philippines<\/option>/);
    const vnUid = /action="\/login\/([^/"]+)\/country"/.exec(vnHtml)![1]!;
    const out = await browser.post(`${fed.urls['VN']}/login/${vnUid}/country`, {
      csrf: field(vnHtml, 'csrf'),
      country: 'PH',
    });
    assert.equal(out.status, 303, out.body.slice(0, 600));
    assert.ok(out.location!.startsWith(`${fed.urls['PH']}/oidc/auth?`), out.location);
    const phLogin = await until(browser, out);
    assert.equal(phLogin.page.status, 200, phLogin.page.body.slice(0, 600));
    const phHtml = phLogin.page.body;
    assert.match(phHtml, /Log in to Viet ?nam \(VN login service\)/i);
    await walletLogin(wallet, walletUrlOf(phHtml));
    const phUid = /action="\/login\/([^/"]+)\/continue"/.exec(phHtml)![1]!;
    const back = await browser.post(`${fed.urls['PH']}/login/${phUid}/continue`, {
      csrf: field(phHtml, 'csrf'),
    });
    const consent = await until(browser, back);
    assert.equal(consent.page.status, 200, /<main>([\s\S]*)<\/main>/.exec(consent.page.body)?.[1]);
    assert.match(consent.page.body, /data-claim="person_identifier">PH\/VN\/\d{12}</);
    const cuid = /action="\/login\/([^/"]+)\/consent"/.exec(consent.page.body)![1]!;
    const allowed = await browser.post(`${fed.urls['VN']}/login/${cuid}/consent`, {
      csrf: field(consent.page.body, 'csrf'),
    });
    const end = await until(browser, allowed);
    assert.ok(end.url, end.page.body.slice(0, 600));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(end.url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.iss, `${fed.urls['VN']}/oidc`);
    assert.match(claims.sub, /^PH\/VN\/\d{12}$/);
    assert.equal(claims['person_identifier'], claims.sub);
    assert.equal(claims['issuing_country'], 'PH');
    assert.equal(claims['family_name'], 'Santos');
    assert.equal(claims['acr'], 'http://eidas.europa.eu/LoA/substantial');
    if (spawnSync('/usr/bin/python3', ['-c', 'import authlib']).status !== 0) return;
    const jwks = await (await fetch(config.serverMetadata().jwks_uri!)).text();
    const py = `
import json, sys
from authlib.jose import JsonWebKey, jwt
token, jwks, iss, aud = sys.argv[1:5]
c = jwt.decode(token, JsonWebKey.import_key_set(json.loads(jwks)),
  claims_options={"iss": {"essential": True, "value": iss}, "aud": {"essential": True, "value": aud}})
c.validate()
print(c["person_identifier"])
`;
    const r = spawnSync('/usr/bin/python3', ['-c', py, tokens.id_token!, jwks, claims.iss, clientId], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), claims.sub);
  });
});
