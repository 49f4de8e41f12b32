/**
 * The browser side of a wallet login, step by step: authorization request, login page, the
 * wallet answering the challenge from "another device" (its own HTTP client), continue,
 * consent, and back to the relying party's redirect URI.
 */
import assert from 'node:assert/strict';
import type { Wallet } from '../../src/eid/wallet.js';
import { walletLogin } from '../../src/login/wallet_client.js';
import { Browser, field, walletUrlOf } from './harness.js';
import type { Page } from './harness.js';

/** Where a flow stopped. */
export interface FlowResult {
  /** The redirect URI with `code` and `state` (or `error`). */
  callback: string;
  browser: Browser;
}

/** Follows a redirect chain inside the provider's origin; stops at a page or a foreign URL. */
export async function toPage(
  browser: Browser,
  page: Page,
  origin: string,
): Promise<{ page: Page; url?: string }> {
  return browser.follow(page, (u) => new URL(u).origin !== origin);
}

/**
 * Runs the whole front-channel of a wallet login and returns the callback URL.
 *
 * @param authUrl - the authorization request URL
 * @param wallet - the citizen's wallet
 * @param consent - click Allow (default) or Deny
 */
export async function walletLoginFlow(
  authUrl: string,
  wallet: Wallet,
  consent: 'allow' | 'deny' = 'allow',
  browser: Browser = new Browser(),
): Promise<FlowResult> {
  const origin = new URL(authUrl).origin;
  const first = await toPage(browser, await browser.get(authUrl), origin);
  assert.equal(first.page.status, 200, first.page.body.slice(0, 500));
  const loginUrl = first.page.headers.get('x-login-url') ?? '';
  const html = first.page.body;
  const uid = /action="\/login\/([^/"]+)\/continue"/.exec(html)?.[1];
  assert.ok(uid, `no login form:\n${html.slice(0, 1500)}`);
  await walletLogin(wallet, walletUrlOf(html));
  const afterLogin = await browser.post(`${origin}/login/${uid}/continue`, { csrf: field(html, 'csrf') });
  // The consent page comes straight after authentication (200), or the provider redirects (303).
  assert.ok([200, 303].includes(afterLogin.status), afterLogin.body.slice(0, 800) + loginUrl);
  const consentPage = await toPage(browser, afterLogin, origin);
  if (consentPage.url) return { callback: consentPage.url, browser };
  const c = consentPage.page.body;
  const cuid = /action="\/login\/([^/"]+)\/consent"/.exec(c)?.[1];
  assert.ok(cuid, `no consent form:\n${c.slice(0, 1500)}`);
  const decided = await browser.post(`${origin}/login/${cuid}/${consent === 'allow' ? 'consent' : 'abort'}`, {
    csrf: field(c, 'csrf'),
  });
  const end = await toPage(browser, decided, origin);
  assert.ok(end.url, `no redirect back to the service:\n${end.page.body.slice(0, 800)}`);
  return { callback: end.url, browser };
}
