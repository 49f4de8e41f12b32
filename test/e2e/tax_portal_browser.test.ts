/**
 * The VN tax portal of the federation in a box (what `npm start` runs), in Debian's Chromium
 * driven by playwright-core: a PH citizen presses "Log in with your eID" (with the keyboard),
 * chooses the Philippines on VN's login page, logs in at PH with their wallet (the signed
 * challenge, as `trustbridge wallet login` does), allows sharing on VN's consent page and lands
 * back on the portal, which shows the claims it received; logout goes through VN's
 * end_session_endpoint back to the portal. A citizen who cancels sees a clear page. The pages
 * are kept as screenshots under `test-artifacts/` at desktop and phone sizes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TAX_PORTAL_URL_KEY, startFederation, taxPortalClientFile } from '../../src/federation/index.js';
import type { RunningFederation } from '../../src/federation/index.js';
import { openWallet } from '../../src/eid/wallet.js';
import { walletLogin } from '../../src/login/wallet_client.js';
import { REPO_ROOT, freeBlock, tempDir } from '../fixtures/cli.js';
import { assertAccessible } from '../fixtures/axe.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = join(REPO_ROOT, 'test-artifacts');
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** Screenshots of the current page at both sizes, back at desktop size afterwards. */
async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SHOTS, `tax-portal-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** What every portal page must have: a language, one h1, a label on every control, no script. */
async function checkAccessible(page: Page): Promise<void> {
  await assertAccessible(page, page.url());
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('h1').count(), 1);
  assert.equal(await page.locator('script').count(), 0);
  for (const b of await page.locator('button, a').all()) assert.ok((await b.innerText()).trim().length > 0);
  for (const input of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    const id = await input.getAttribute('id');
    assert.ok(id && (await page.locator(`label[for="${id}"]`).count()) === 1, `input ${id} has a label`);
  }
}

/** The claims table of the portal, by claim name. */
async function claimsShown(page: Page): Promise<Record<string, string>> {
  const cells = await page.locator('td[data-claim]').all();
  const out: Record<string, string> = {};
  for (const c of cells) out[(await c.getAttribute('data-claim'))!] = (await c.innerText()).trim();
  return out;
}

describe('the VN tax portal: a PH citizen logs in across borders', { skip: SKIP, timeout: 300_000 }, () => {
  const tmp = tempDir('tb-tax-portal-');
  const dir = join(tmp.path, 'federation');
  let fed: RunningFederation;
  let portal: string;
  let browser: Browser;
  const consoleErrors: string[] = [];

  before(async () => {
    fed = await startFederation(dir, await freeBlock(), { log: () => undefined });
    portal = fed.urls[TAX_PORTAL_URL_KEY]!;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await fed?.stop();
    tmp.remove();
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: VIEWPORTS.desktop });
    // Refusal pages come with their 4xx status, which Chromium logs too; anything else is a fault.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource: .* status of 4\d\d/.test(m.text()))
        consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    return page;
  }

  it('registered with VN on first start: credentials in tax-portal/client.json, 0600', () => {
    const file = taxPortalClientFile(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const client = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    assert.equal(client['issuer'], `${fed.urls['VN']}/oidc`);
    assert.equal(client['redirectUri'], `${portal}/callback`);
    assert.match(client['clientId']!, /^rp-/);
  });

  it('logs in with a PH wallet through VN, shows the claims, logs out at VN', async () => {
    const page = await newPage();
    await page.goto(`${portal}/`);
    await checkAccessible(page);
    await screenshots(page, 'home');
    // The keyboard alone starts the login: the button is the first control.
    await page.keyboard.press('Tab');
    assert.ok(await page.locator('#login').evaluate((b) => b === b.ownerDocument.activeElement));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${fed.urls['VN']}/login/**`);
    await assertAccessible(page, 'VN login page');
    await page.selectOption('#country', 'PH');
    await page.click('#go-abroad');
    await page.waitForURL(`${fed.urls['PH']}/login/**`);
    await assertAccessible(page, 'PH login page');
    const command = (await page.textContent('#wallet-command'))!.trim();
    const passphrase = readFileSync(join(dir, '.passphrase'), 'utf8').trim();
    const wallet = openWallet(readFileSync(join(dir, 'wallets', 'ph', 'santos.p12')), passphrase);
    await walletLogin(wallet, command.split(' ').pop()!);
    await page.click('#continue');
    await page.waitForURL(`${fed.urls['VN']}/login/**`);
    await assertAccessible(page, 'VN consent page');
    await page.click('#allow');
    await page.waitForURL(`${portal}/`);

    assert.equal((await page.textContent('#welcome'))!.trim(), 'Welcome, Maria Clara Santos');
    const claims = await claimsShown(page);
    assert.match(claims['person_identifier']!, /^PH\/VN\/\d{12}$/);
    assert.equal(claims['sub'], claims['person_identifier']);
    assert.equal(claims['issuing_country'], 'PH');
    assert.equal(claims['given_name'], 'Maria Clara');
    assert.equal(claims['family_name'], 'Santos');
    assert.equal(claims['birthdate'], '1990-05-17');
    assert.equal(claims['acr'], 'http://eidas.europa.eu/LoA/substantial');
    assert.equal(claims['amr'], 'pop, swk');
    assert.match((await page.textContent('#authenticated-by'))!, /checked by the PH country node/);
    assert.equal(await page.textContent('#issuer'), `${fed.urls['VN']}/oidc`);
    // The eIDAS identifier came both in the ID token and from userinfo.
    const row = page.locator('tr', { has: page.locator('td[data-claim="person_identifier"]') });
    assert.match(await row.innerText(), /ID token, userinfo/);
    await checkAccessible(page);
    await screenshots(page, 'logged-in');

    const cookie = (await page.context().cookies(portal)).find((c) => c.name === 'vn_tax_portal_session')!;
    assert.deepEqual([cookie.httpOnly, cookie.sameSite], [true, 'Lax']);

    await page.click('#logout');
    await page.waitForURL(`${fed.urls['VN']}/oidc/session/end**`);
    await page.click('#logout-yes');
    await page.waitForURL(`${portal}/logged-out`);
    assert.equal((await page.textContent('h1'))!.trim(), 'You are logged out');
    await screenshots(page, 'logged-out');
    await page.goto(`${portal}/`);
    assert.equal(await page.locator('#welcome').count(), 0);
    assert.equal(await page.locator('#login').count(), 1);
    await page.close();
  });

  it('a citizen who cancels at VN gets a clear page with the code, and can start again', async () => {
    const page = await newPage();
    await page.goto(`${portal}/`);
    await page.click('#login');
    await page.waitForURL(`${fed.urls['VN']}/login/**`);
    await page.click('#cancel');
    await page.waitForURL(`${portal}/callback**`);
    assert.equal(await page.textContent('#code'), 'TAX_PORTAL_LOGIN_REFUSED');
    assert.match(
      (await page.textContent('#message'))!,
      /^The eID login service did not log you in: you cancelled the login.*access_denied/,
    );
    await checkAccessible(page);
    await screenshots(page, 'cancelled');
    // The callback again (reload): that login is over.
    const again = await page.reload();
    assert.equal(again?.status(), 400);
    assert.equal(await page.textContent('#code'), 'TAX_PORTAL_NO_LOGIN');
    await page.close();
  });

  it('no page of the portal or the login services logged a CSP or script error', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
