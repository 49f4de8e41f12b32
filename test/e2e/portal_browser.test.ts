/**
 * The hub's cooperation portal and a country's citizen page of the federation in a box (what
 * `npm start` runs), in Debian's Chromium driven by playwright-core: each home page at desktop
 * and phone sizes passes axe (WCAG 2.2 A/AA) in English and Vietnamese and is kept as
 * screenshots under `test-artifacts/`; with JavaScript turned off, the keyboard alone reaches the
 * validate form of the PH node, picks a PDF signed by a PH citizen's wallet (`trustbridge sign`),
 * submits it and gets the HTML validation report.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startFederation } from '../../src/federation/index.js';
import type { RunningFederation } from '../../src/federation/index.js';
import { REPO_ROOT, freeBlock, runCli, tempDir } from '../fixtures/cli.js';
import { assertAccessible } from '../fixtures/axe.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = join(REPO_ROOT, 'test-artifacts');
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** axe at both sizes, a screenshot of each, back at desktop size afterwards. */
async function checkAtBothSizes(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await assertAccessible(page, `${name} (${size})`);
    await page.screenshot({ path: join(SHOTS, `portal-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** What every page must have: one h1, a main landmark, a skip link to it, no script, labelled controls. */
async function checkStructure(page: Page, lang: string): Promise<void> {
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  assert.equal(await page.locator('h1').count(), 1);
  assert.equal(await page.locator('main#main').count(), 1);
  assert.equal(await page.locator('a.skip-link[href="#main"]').count(), 1);
  assert.equal(await page.locator('script').count(), 0);
  for (const input of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    const id = await input.getAttribute('id');
    assert.ok(id && (await page.locator(`label[for="${id}"]`).count()) === 1, `input ${id} has a label`);
  }
  // The stylesheet is the site's own and applied (the header is dark blue).
  const bg = await page
    .locator('.site-header')
    .evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).backgroundColor);
  assert.equal(bg, 'rgb(11, 44, 90)');
}

/** Presses Tab until `selector` has the focus (at most `max` times). */
async function tabTo(page: Page, selector: string, max = 12): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.locator(selector).evaluate((e) => e === e.ownerDocument.activeElement)) return;
  }
  assert.fail(`${selector} is not reachable with Tab`);
}

describe('cooperation portal and citizen pages in a browser', { skip: SKIP, timeout: 300_000 }, () => {
  const tmp = tempDir('tb-portal-');
  const dir = join(tmp.path, 'federation');
  let fed: RunningFederation;
  let browser: Browser;
  let signedPdf: string;
  const consoleErrors: string[] = [];

  before(async () => {
    fed = await startFederation(dir, await freeBlock(), { log: () => undefined });
    const passphrase = readFileSync(join(dir, '.passphrase'), 'utf8').trim();
    signedPdf = join(tmp.path, 'contract-signed.pdf');
    const signed = await runCli(
      [
        'sign',
        '--wallet',
        join(dir, 'wallets', 'ph', 'santos.p12'),
        '--format',
        'pades',
        '--level',
        'B-B',
        '--in',
        join(REPO_ROOT, 'examples', 'contract.pdf'),
        '--out',
        signedPdf,
      ],
      { env: { TRUSTBRIDGE_PASSWORD: passphrase, TRUSTBRIDGE_WALLET_PASSWORD: passphrase } },
    );
    assert.equal(signed.code, 0, signed.stderr);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await fed?.stop();
    tmp.remove();
  });

  async function newPage(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop, javaScriptEnabled });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    return page;
  }

  it('the federation in a box made the hub with a secretariat token (0600)', () => {
    const file = join(dir, 'hub', 'secretariat-token');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^tbs_[A-Za-z0-9_-]{43}\n$/);
  });

  it('the hub answers the cooperation portal: members, their lists and logs, the LOTL', async () => {
    const page = await newPage();
    const res = await page.goto(`${fed.urls['hub']}/`);
    assert.equal(res?.status(), 200);
    await checkStructure(page, 'en');
    assert.equal((await page.textContent('h1'))!.trim(), 'Cooperation portal');
    const rows = page.locator('table tbody tr');
    assert.ok((await rows.count()) >= 2, 'the members are listed');
    const ph = page.locator('a', { hasText: 'Trust list of Philippines' });
    assert.equal(await ph.getAttribute('href'), `${fed.urls['PH']}/trustlist.xml`);
    assert.equal(await page.locator('a[href="/lotl.xml"]').count(), 1);
    await checkAtBothSizes(page, 'hub-home');
    // The language switch, with the keyboard.
    await tabTo(page, 'a[hreflang="vi"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${fed.urls['hub']}/?lang=vi`);
    await checkStructure(page, 'vi');
    assert.equal((await page.textContent('h1'))!.trim(), 'Cổng hợp tác');
    await checkAtBothSizes(page, 'hub-home-vi');
    await page.context().close();
  });

  it('a node answers its citizen page', async () => {
    const page = await newPage();
    const res = await page.goto(`${fed.urls['VN']}/`);
    assert.equal(res?.status(), 200);
    await checkStructure(page, 'en');
    assert.match((await page.textContent('h1'))!, /Digital identity services of Vietnam/);
    await checkAtBothSizes(page, 'node-home');
    // The skip link is the first stop and shows when focused.
    await page.keyboard.press('Tab');
    assert.ok(await page.locator('a.skip-link').evaluate((e) => e === e.ownerDocument.activeElement));
    assert.ok((await page.locator('a.skip-link').boundingBox())!.x >= 0);
    await page.goto(`${fed.urls['VN']}/?lang=vi`);
    await checkStructure(page, 'vi');
    await checkAtBothSizes(page, 'node-home-vi');
    await page.context().close();
  });

  it('without JavaScript, the keyboard alone validates a signed PDF on the PH citizen page', async () => {
    const page = await newPage(false);
    await page.goto(`${fed.urls['PH']}/`);
    assert.equal(await page.locator('script').count(), 0);
    await tabTo(page, '#document');
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles(signedPdf);
    await tabTo(page, 'button[type=submit]', 2);
    const answer = page.waitForResponse((r) => r.url().startsWith(`${fed.urls['PH']}/validate`));
    await page.keyboard.press('Enter');
    const res = await answer;
    assert.equal(res.status(), 200);
    await page.waitForLoadState();
    assert.equal((await page.textContent('h1'))!.trim(), 'Signature validation report');
    const text = await page.textContent('body');
    assert.match(text!, /TOTAL-PASSED/);
    assert.match(text!, /contract-signed\.pdf/);
    assert.match(text!, /Maria Clara/);
    // The report's own style applies under its CSP (no 'unsafe-inline'): its verdict is coloured.
    const csp = res.headers()['content-security-policy']!;
    assert.ok(!csp.includes('unsafe-inline'));
    mkdirSync(SHOTS, { recursive: true });
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SHOTS, `portal-validate-report-${size}.png`), fullPage: true });
    }
    await page.context().close();
  });

  it('no page logged an error in the console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
