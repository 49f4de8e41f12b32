/**
 * The browser wallet, in Debian's Chromium: the citizen imports their authentication key into
 * the login page's wallet (WebCrypto, kept non-extractable in IndexedDB), which signs the
 * challenge; consent; the relying party (openid-client) gets the ID token.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as oidc from 'openid-client';
import { browserWalletFile } from '../../src/login/browser_wallet.js';
import { freePort, tempDir } from '../fixtures/cli.js';
import { PERSON_A } from '../fixtures/node.js';
import { addTestClient, enrolCitizen, startLoginNode } from '../login/fixtures.js';
import type { LoginNode } from '../login/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';

let ln: LoginNode;
const tmp = tempDir('tb-bw-');
const rp = createServer((_req, res) => res.end('service'));
let redirect: string;

before(async () => {
  const port = await freePort();
  await new Promise<void>((r) => rp.listen(port, '127.0.0.1', r));
  redirect = `http://127.0.0.1:${port}/cb`;
  ln = await startLoginNode();
});
after(async () => {
  rp.close();
  await ln?.close();
  tmp.remove();
});

test(
  'the page wallet (WebCrypto) signs the challenge and the service gets the ID token',
  { skip: SKIP },
  async () => {
    const { wallet, nationalId } = await enrolCitizen(ln.node, 'a', PERSON_A);
    const auth = wallet.keys.authentication;
    const keyFile = join(tmp.path, 'maria-browser-key.json');
    writeFileSync(
      keyFile,
      JSON.stringify(
        browserWalletFile(auth.privateKey.export({ type: 'pkcs8', format: 'der' }), [
          auth.certificate!,
          ...wallet.caCertificates,
        ]),
      ),
    );
    const c = await addTestClient(ln, redirect);
    const config = await oidc.discovery(new URL(ln.svc.issuer), c.clientId, c.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirect,
      scope: 'openid profile eidas',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(url.href);
      await page.setInputFiles('#bw-file', keyFile);
      await page.waitForSelector('#bw-login:not([hidden])');
      assert.equal(await page.textContent('#bw-status'), 'Wallet key ready in this browser.');
      await page.click('#bw-login');
      await page.waitForSelector('#allow');
      await page.click('#allow');
      await page.waitForURL(`${redirect}**`);
      assert.deepEqual(errors, [], 'no CSP or script errors');
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      assert.equal(tokens.claims()!['person_identifier'], `PH/PH/${nationalId}`);
    } finally {
      await browser.close();
    }
  },
);
