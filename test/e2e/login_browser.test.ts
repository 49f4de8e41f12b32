/**
 * A PH citizen logs into a demo VN public service page in Debian's Chromium (driven by
 * playwright-core), clicking through: the service's "Log in with your eID" button, the VN
 * login page's "citizen of another country" choice, the PH login page (the wallet signs the
 * challenge, as `trustbridge wallet login` does), VN's consent page, and back to the service,
 * which shows the eIDAS data it received. The final page is kept as a screenshot under
 * `test-artifacts/`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { startFederation } from '../../src/federation/index.js';
import type { RunningFederation } from '../../src/federation/index.js';
import { openWallet } from '../../src/eid/wallet.js';
import { addClient } from '../../src/login/clients.js';
import { escapeHtml } from '../../src/login/html.js';
import { walletLogin } from '../../src/login/wallet_client.js';
import { openStore } from '../../src/store/database.js';
import { REPO_ROOT, freeBlock, freePort, tempDir } from '../fixtures/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';

/** The demo VN public service: a relying party built on openid-client. */
async function startService(issuer: string, store: string): Promise<{ url: string; server: Server }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const db = await openStore(store);
  const rp = await addClient(db, {
    name: 'Viet Nam online public services portal',
    redirectUris: [`${url}/callback`],
  });
  await db.close();
  const config = await oidc.discovery(new URL(issuer), rp.clientId, rp.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const pending = new Map<string, { verifier: string; nonce: string }>();
  const page = (body: string) =>
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>VN public services</title></head><body style="font-family:sans-serif;margin:2rem">${body}</body></html>`;
  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', url);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (u.pathname === '/') {
        res.end(
          page(
            '<h1>Viet Nam public services</h1><p><a id="login" href="/login">Log in with your eID</a></p>',
          ),
        );
      } else if (u.pathname === '/login') {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        pending.set(state, { verifier, nonce });
        const to = oidc.buildAuthorizationUrl(config, {
          redirect_uri: `${url}/callback`,
          scope: 'openid profile eidas',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        res.writeHead(303, { location: to.href }).end();
      } else if (u.pathname === '/callback') {
        const state = u.searchParams.get('state') ?? '';
        const p = pending.get(state);
        pending.delete(state);
        const tokens = await oidc.authorizationCodeGrant(config, u, {
          pkceCodeVerifier: p?.verifier,
          expectedState: state,
          expectedNonce: p?.nonce,
        });
        const c = tokens.claims()!;
        res.end(
          page(`<h1 id="welcome">Welcome, ${escapeHtml(c['given_name'])} ${escapeHtml(c['family_name'])}</h1>
<dl><dt>Person identifier</dt><dd id="pid">${escapeHtml(c['person_identifier'])}</dd>
<dt>Issuing country</dt><dd id="country">${escapeHtml(c['issuing_country'])}</dd>
<dt>Date of birth</dt><dd>${escapeHtml(c['birthdate'])}</dd>
<dt>Level of assurance</dt><dd id="acr">${escapeHtml(c['acr'])}</dd>
<dt>Identity provider</dt><dd>${escapeHtml(c.iss)}</dd></dl>`),
        );
      } else res.writeHead(404).end();
    })().catch((e: Error) => res.writeHead(500).end(escapeHtml(e.message)));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url, server };
}

describe('browser: a PH citizen logs into a VN public service', { skip: SKIP, timeout: 240_000 }, () => {
  const tmp = tempDir('tb-login-browser-');
  const dir = join(tmp.path, 'federation');
  let fed: RunningFederation;
  let service: { url: string; server: Server };

  before(async () => {
    fed = await startFederation(dir, await freeBlock());
    service = await startService(`${fed.urls['VN']}/oidc`, join(dir, 'vn', 'node.db'));
  });
  after(async () => {
    service?.server.close();
    await fed?.stop();
    tmp.remove();
  });

  it('clicks through VN, PH and back; the service shows PH/VN/<id>; a screenshot is kept', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(service.url);
      await page.click('#login');
      await page.waitForSelector('#go-abroad');
      await page.selectOption('#country', 'PH');
      await page.click('#go-abroad');
      await page.waitForURL(`${fed.urls['PH']}/login/**`).catch(async (e: Error) => {
        throw new Error(`${e.message}\nat ${page.url()}:\n${(await page.content()).slice(0, 3000)}`);
      });
      const command = await page.textContent('#wallet-command');
      const passphrase = readFileSync(join(dir, '.passphrase'), 'utf8').trim();
      const wallet = openWallet(readFileSync(join(dir, 'wallets', 'ph', 'santos.p12')), passphrase);
      await walletLogin(wallet, command!.trim().split(' ').pop()!);
      await page.click('#continue');
      await page.waitForURL(`${fed.urls['VN']}/login/**`);
      assert.match((await page.textContent('#claims'))!, /PH\/VN\/\d{12}/);
      await page.click('#allow');
      await page.waitForURL(`${service.url}/callback**`);
      assert.equal((await page.textContent('#welcome'))!.trim(), 'Welcome, Maria Clara Santos');
      assert.match((await page.textContent('#pid'))!, /^PH\/VN\/\d{12}$/);
      assert.equal(await page.textContent('#country'), 'PH');
      const out = join(REPO_ROOT, 'test-artifacts');
      mkdirSync(out, { recursive: true });
      await page.screenshot({ path: join(out, 'login-ph-citizen-vn-service.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
