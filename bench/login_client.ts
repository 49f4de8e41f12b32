/**
 * The load side of the login benchmark: a cookie-keeping HTTP client that runs the whole
 * authorization code flow (authorization request, login page, wallet-signed challenge,
 * continue, consent, code, token request, ID token signature check) like a relying party and
 * its user's browser and wallet, without a browser.
 */
import { createHash, randomBytes, verify as cryptoVerify, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { Wallet } from '../src/eid/wallet.js';
import { walletLogin } from '../src/login/wallet_client.js';

interface Answer {
  status: number;
  location?: string;
  body: string;
}

/** Keep-alive connections: the load generator must cost less than the server it measures. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP exchange over node:http (far cheaper per request than fetch). */
export function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A fetch for the wallet client over {@link request}. */
export const lightFetch = async (url: string, init?: RequestInit): Promise<Response> => {
  const r = await request(url, {
    ...(init?.method ? { method: init.method } : {}),
    headers: Object.fromEntries(new Headers(init?.headers).entries()),
    ...(typeof init?.body === 'string' ? { body: init.body } : {}),
  });
  return new Response(r.body, { status: r.status });
};

/** A browser with its own cookie jar (name and path; ports do not separate cookies). */
class Jar {
  readonly #c = new Map<string, { name: string; path: string; value: string }>();
  async send(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    const path = new URL(url).pathname;
    const cookie = [...this.#c.values()]
      .filter((c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const res = await request(url, { ...init, headers: { ...init.headers, ...(cookie ? { cookie } : {}) } });
    for (const sc of res.headers['set-cookie'] ?? []) {
      const [pair, ...attrs] = sc.split(';');
      const i = pair!.indexOf('=');
      const p =
        attrs
          .map((a) => a.trim())
          .find((a) => a.toLowerCase().startsWith('path='))
          ?.slice(5) ?? '/';
      const name = pair!.slice(0, i).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(sc)) this.#c.delete(`${name}|${p}`);
      else this.#c.set(`${name}|${p}`, { name, path: p, value: pair!.slice(i + 1) });
    }
    const loc = res.headers.location;
    return { status: res.status, ...(loc ? { location: new URL(loc, url).href } : {}), body: res.body };
  }
}

function must(cond: unknown, what: string, a: Answer): asserts cond {
  if (!cond) throw new Error(`${what}: ${a.status} ${a.location ?? ''} ${a.body.slice(0, 300)}`);
}

async function follow(jar: Jar, a: Answer, stop: string): Promise<{ a: Answer; url?: string }> {
  let cur = a;
  for (let i = 0; i < 12 && cur.location; i++) {
    if (cur.location.startsWith(stop)) return { a: cur, url: cur.location };
    cur = await jar.send(cur.location);
  }
  return { a: cur };
}

const csrfOf = (html: string): string => /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
const uidOf = (html: string, action: string): string =>
  new RegExp(`action="/login/([^/"]+)/${action}"`).exec(html)?.[1] ?? '';

/** One relying party of the benchmark. */
export interface BenchClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** ES256 keys of the issuer's JWKS. */
  keys: KeyObject[];
}

/** Loads the issuer's JWKS once. */
export async function issuerKeys(issuer: string): Promise<KeyObject[]> {
  const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Record<string, string>[] };
  return jwks.keys.map((k) =>
    createPublicKey({ key: { kty: 'EC', crv: k['crv']!, x: k['x']!, y: k['y']! }, format: 'jwk' }),
  );
}

async function authorize(c: BenchClient): Promise<{ url: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${c.issuer}/auth`);
  const q = {
    client_id: c.clientId,
    redirect_uri: c.redirectUri,
    response_type: 'code',
    scope: 'openid profile eidas',
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
  return { url: url.href, verifier };
}

/**
 * How the citizen's wallet answers: `page` signs the challenge code the page shows and posts the
 * page's response form, as the browser wallet does (same device); `url` is the CLI wallet on
 * another device: it fetches the challenge from the wallet URL and posts its response there,
 * then the browser continues.
 */
export type WalletPath = 'page' | 'url';

async function wallet(jar: Jar, origin: string, page: Answer, w: Wallet, path: WalletPath): Promise<Answer> {
  if (path === 'page') {
    const code = /id="challenge-code">([^<]+)<\/code>/.exec(page.body)?.[1];
    must(code, 'no challenge code', page);
    const out = await walletLogin(w, code);
    must(out.mode === 'code', 'no signed response', page);
    return jar.send(`${origin}/login/${uidOf(page.body, 'response')}/response`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${csrfOf(page.body)}&response=${encodeURIComponent(out.response)}`,
    });
  }
  const url = /id="wallet-command">[^<]* (\S+)<\/code>/.exec(page.body)?.[1];
  must(url, 'no wallet URL', page);
  await walletLogin(w, url, { fetch: lightFetch });
  return jar.send(`${origin}/login/${uidOf(page.body, 'continue')}/continue`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `csrf=${csrfOf(page.body)}`,
  });
}

async function token(c: BenchClient, callback: string, verifier: string): Promise<void> {
  const code = new URL(callback).searchParams.get('code');
  const basic = Buffer.from(
    `${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`,
  ).toString('base64');
  const res = await request(`${c.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: c.redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  const t = JSON.parse(res.body) as { id_token?: string };
  if (res.status !== 200 || !t.id_token) throw new Error(`token: ${res.status} ${res.body.slice(0, 200)}`);
  const [h, p, s] = t.id_token.split('.') as [string, string, string];
  const ok = c.keys.some((key) =>
    cryptoVerify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    ),
  );
  if (!ok) throw new Error('ID token signature does not verify');
}

/**
 * One complete login. With `abroad`, the citizen picks that country on the first page and
 * authenticates at their home node (cross-border proxy).
 */
export async function oneLogin(
  c: BenchClient,
  w: Wallet,
  abroad?: { country: string; origin: string },
  path: WalletPath = 'page',
): Promise<void> {
  const jar = new Jar();
  const origin = new URL(c.issuer).origin;
  const { url, verifier } = await authorize(c);
  let page = (await follow(jar, await jar.send(url), c.redirectUri)).a;
  must(page.status === 200, 'login page', page);
  if (abroad) {
    const out = await jar.send(`${origin}/login/${uidOf(page.body, 'country')}/country`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${csrfOf(page.body)}&country=${abroad.country}`,
    });
    page = (await follow(jar, out, c.redirectUri)).a;
    must(page.status === 200, 'home login page', page);
    page = (await follow(jar, await wallet(jar, abroad.origin, page, w, path), c.redirectUri)).a;
  } else {
    page = (await follow(jar, await wallet(jar, origin, page, w, path), c.redirectUri)).a;
  }
  must(page.status === 200 && uidOf(page.body, 'consent'), 'consent page', page);
  const allowed = await jar.send(`${origin}/login/${uidOf(page.body, 'consent')}/consent`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `csrf=${csrfOf(page.body)}`,
  });
  const end = await follow(jar, allowed, c.redirectUri);
  must(end.url, 'redirect to the service', end.a);
  await token(c, end.url, verifier);
}

/**
 * One login at the bare oidc-provider baseline (bench/oidc_floor_server.ts): authorization
 * request, interaction (finished at once by the server), resume, token request, ID token check.
 */
export async function floorLogin(c: BenchClient): Promise<void> {
  const jar = new Jar();
  const { url, verifier } = await authorize(c);
  const end = await follow(jar, await jar.send(url), c.redirectUri);
  must(end.url, 'redirect to the service', end.a);
  await token(c, end.url, verifier);
}
