/**
 * Shared fixtures of the tests in this folder.
 *
 * - In-process login test harness: a test node (fixed keys) with the login service on a real
 *   loopback port (openid-client speaks HTTP), enrolled citizens with wallets, and a minimal
 *   cookie-keeping "browser" that follows the login pages by hand.
 * - The browser side of a wallet login, step by step: authorization request, login page, the
 *   wallet answering the challenge from "another device" (its own HTTP client), continue, consent,
 *   and back to the relying party's redirect URI.
 * - The browser side of the TLS client-certificate login (issue 5 part 2a): the authorization
 *   request up to the login page's TLS link, a GET over TLS with the browser's cookies and,
 *   optionally, the citizen's authentication key and chain; and a server certificate from openssl.
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { enrolPerson } from '../../src/eid/issuance.js';
import type { PersonInput } from '../../src/eid/person.js';
import type { Wallet } from '../../src/eid/wallet.js';
import { addClient } from '../../src/login/clients.js';
import type { RegisteredClient } from '../../src/login/clients.js';
import type { LoginOptions, LoginService } from '../../src/login/service.js';
import { ocspServiceOf } from '../../src/node/ocsp_service.js';
import { registerLoginRoutes } from '../../src/server/routes/login.js';
import { freePort, tool } from '../fixtures/cli.js';
import { fixedKey, spkiOf } from '../fixtures/keys.js';
import { csrPair, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { walletLogin } from '../../src/login/wallet_client.js';
import type { KeyObject } from 'node:crypto';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { toPem } from '../../src/lib/pem.js';
import Fastify from 'fastify';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';

/** A running login node. */
export interface LoginNode {
  node: TestNode;
  svc: LoginService;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts a test node with its login service on 127.0.0.1. */
export async function startLoginNode(
  options: LoginOptions & { clock?: () => Date; db?: string } = {},
): Promise<LoginNode> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-login-'));
  const node = await makeTestNode({
    db: options.db ?? join(dir, 'node.db'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = Fastify({ logger: false });
  const ocsp = ocspServiceOf(node);
  await ocsp.start();
  const routes = registerLoginRoutes(app, node, ocsp, {
    baseUrl: url,
    rateLimit: { burst: 1000, perSecond: 1000 },
    ...options,
  });
  await app.listen({ port, host: '127.0.0.1' });
  const svc = await routes.service();
  return {
    node,
    svc,
    app,
    url,
    async close() {
      await app.close();
      await ocsp.stop();
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Enrols fixed citizen `who` and returns their wallet (fixed keys) and national identifier. */
export async function enrolCitizen(
  node: TestNode,
  who: 'a' | 'b' | 'c',
  person: PersonInput,
): Promise<{ wallet: Wallet; nationalId: string }> {
  const csrs = await csrPair(who);
  const r = await enrolPerson(node.eid, person, csrs, 'officer-test');
  const key = (usage: 'auth' | 'sig') => fixedKey(`citizen-${who}-${usage}`);
  const wallet: Wallet = {
    keys: {
      authentication: {
        privateKey: key('auth'),
        spki: spkiOf(key('auth')),
        csr: csrs.authentication,
        certificate: r.certificates.authentication.der,
      },
      signature: {
        privateKey: key('sig'),
        spki: spkiOf(key('sig')),
        csr: csrs.signature,
        certificate: r.certificates.signature.der,
      },
    },
    caCertificates: [node.eidCa.certificate.der, node.root.certificate.der],
  };
  return { wallet, nationalId: r.person.nationalId };
}

/** Registers a relying party with one redirect URI. */
export function addTestClient(
  node: LoginNode,
  redirectUri: string,
  isPublic = false,
): Promise<RegisteredClient> {
  return addClient(node.node.store, {
    name: 'Demo public service',
    redirectUris: [redirectUri],
    public: isPublic,
  });
}

/** One HTTP answer as the browser sees it. */
export interface Page {
  status: number;
  location?: string;
  body: string;
  headers: Headers;
}

/** A cookie-keeping client that never follows redirects by itself. */
export class Browser {
  /** Cookies by name and path (RFC 6265 §5.3: ports do not separate cookies, paths do). */
  readonly #cookies = new Map<string, { name: string; path: string; value: string }>();

  #remember(res: Response, url: string): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1);
      const pathAttr = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='));
      const path = pathAttr ? pathAttr.slice(5) : new URL(url).pathname.replace(/\/[^/]*$/, '') || '/';
      const key = `${name}|${path}`;
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.#cookies.delete(key);
      else this.#cookies.set(key, { name, path, value });
    }
  }

  #header(url: string): string {
    const path = new URL(url).pathname;
    return [...this.#cookies.values()]
      .filter((c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** The Cookie header a request to `url` carries (for clients other than fetch). */
  cookieHeader(url: string): string {
    return this.#header(url);
  }

  async #send(url: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers);
    const cookie = this.#header(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.#remember(res, url);
    const location = res.headers.get('location');
    return {
      status: res.status,
      ...(location ? { location: new URL(location, url).href } : {}),
      body: await res.text(),
      headers: res.headers,
    };
  }

  get(url: string): Promise<Page> {
    return this.#send(url, { method: 'GET' });
  }

  post(url: string, form: Record<string, string>, extra: Record<string, string> = {}): Promise<Page> {
    return this.#send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Follows redirects (GET) until a page or a URL outside `stopAt` origin(s). */
  async follow(page: Page, stopAt: (url: string) => boolean): Promise<{ page: Page; url?: string }> {
    let current = page;
    for (let i = 0; i < 10 && current.location; i++) {
      if (stopAt(current.location)) return { page: current, url: current.location };
      current = await this.get(current.location);
    }
    return { page: current };
  }
}

/** A value of a named form field in a page. */
export function field(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no field ${name} in page:\n${html.slice(0, 2000)}`);
  return m[1]!.replace(/&amp;/g, '&');
}

/** The text of the element with id `id`. */
export function byId(html: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  if (!m) throw new Error(`no element #${id} in page:\n${html.slice(0, 2000)}`);
  return m[1]!
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');
}

/** The wallet URL shown on a login page. */
export function walletUrlOf(html: string): string {
  return byId(html, 'wallet-command').split(' ').pop()!;
}

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

/** What the server presented in the handshake. */
export interface TlsPage extends Page {
  /** SHA-256 fingerprint of the server certificate (AA:BB:...). */
  serverFingerprint: string;
}

/** GET over TLS with the browser's cookies and, optionally, a client certificate. */
export function tlsGet(
  url: string,
  browser: Browser,
  client?: { key: KeyObject; chain: Buffer[] },
): Promise<TlsPage> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        headers: { cookie: browser.cookieHeader(url) },
        rejectUnauthorized: false,
        ...(client
          ? {
              key: client.key.export({ type: 'pkcs8', format: 'pem' }),
              cert: client.chain.map((c) => toPem(c, 'CERTIFICATE')).join(''),
            }
          : {}),
      },
      (res) => {
        const serverFingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '';
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location ? { location: res.headers.location } : {}),
            body,
            headers: new Headers(),
            serverFingerprint,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The wallet's authentication key and chain. */
export function clientOf(w: Wallet): { key: KeyObject; chain: Buffer[] } {
  return {
    key: w.keys.authentication.privateKey,
    chain: [w.keys.authentication.certificate!, w.caCertificates[0]!],
  };
}

/** A P-256 server certificate for 127.0.0.1 and its key, made by `openssl req` in `dir`. */
export async function opensslServerCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.pem');
  await tool('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
  ]);
  return { cert, key };
}

/** An authorization request with PKCE S256 and state, for `scope` (default the eIDAS set). */
export async function authorizationRequest(
  config: oidc.Configuration,
  redirectUri: string,
  scope = 'openid profile eidas',
): Promise<{ url: URL; verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  return { url, verifier, state };
}

/** Starts a login in a fresh browser and returns the TLS login link the login page offers. */
export async function startTlsLogin(
  config: oidc.Configuration,
  redirectUri: string,
  origin: string,
): Promise<{ browser: Browser; tlsUrl: string; verifier: string; state: string }> {
  const { url, verifier, state } = await authorizationRequest(config, redirectUri);
  const browser = new Browser();
  const { page } = await toPage(browser, await browser.get(url.href), origin);
  const tlsUrl = /id="tls-login" href="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(tlsUrl, 'the login page offers the TLS login');
  return { browser, tlsUrl, verifier, state };
}
