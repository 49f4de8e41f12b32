/**
 * The VN tax portal without a login service behind it: its pages and headers, the CSRF and
 * origin checks of its forms, the callback without a login in progress, a login service that
 * cannot be reached, its sessions (fixed clock) and a taken port.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { after, before, describe, it, test } from 'node:test';
import { buildTaxPortal, startTaxPortal } from '../../src/federation/index.js';
import type { TaxPortalClient } from '../../src/federation/index.js';
import { portTaken } from '../../src/federation/listening.js';
import { SESSION_COOKIE, SessionStore, sessionIdOf } from '../../src/federation/tax_portal/sessions.js';
import { isTrustbridgeError } from '../../src/lib/errors.js';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const ORIGIN = 'http://127.0.0.1:8084';
let client: TaxPortalClient;
let now = Date.parse('2026-03-02T10:00:00Z');
const sessions = new SessionStore(() => now);
let portal: ReturnType<typeof buildTaxPortal>;

before(async () => {
  client = {
    issuer: `http://127.0.0.1:${await closedPort()}/oidc`,
    clientId: 'rp-test',
    clientSecret: 'secret',
    redirectUri: `${ORIGIN}/callback`,
    postLogoutRedirectUri: `${ORIGIN}/logged-out`,
  };
  portal = buildTaxPortal({ client, sessions });
});
after(() => portal.close());

/** A fresh visitor: their cookie and CSRF token, from the home page. */
async function visit(): Promise<{ cookie: string; csrf: string }> {
  const res = await portal.inject({ url: '/' });
  const id = sessionIdOf(String(res.headers['set-cookie']).split(';')[0]);
  const csrf = /name="csrf" value="([^"]+)"/.exec(res.body)![1]!;
  return { cookie: `${SESSION_COOKIE}=${id}`, csrf };
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const FORM = 'application/x-www-form-urlencoded';

describe('pages and headers', () => {
  it('home: lang, the login button in a CSRF form, session cookie HttpOnly SameSite=Lax, strict CSP', async () => {
    const res = await portal.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="en">/);
    assert.match(
      res.body,
      /<form method="post" action="\/login"><input type="hidden" name="csrf" value="[\w-]{43}">/,
    );
    assert.match(res.body, /<button type="submit" id="login">Log in with your eID<\/button>/);
    assert.doesNotMatch(res.body, /<script|style=/);
    assert.match(
      String(res.headers['set-cookie']),
      /^vn_tax_portal_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    assert.match(String(res.headers['content-security-policy']), /^default-src 'self'; /);
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('the style sheet is served by the portal itself', async () => {
    const res = await portal.inject({ url: '/style.css' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/css/);
    assert.match(res.body, /focus-visible/);
  });

  it('an unknown page and a JSON body get pages with their codes', async () => {
    const missing = await portal.inject({ url: '/nowhere' });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /<code id="code">TAX_PORTAL_NOT_FOUND<\/code>/);
    const json = await portal.inject({ method: 'POST', url: '/login', payload: { csrf: 'x' } });
    assert.equal(json.statusCode, 415);
    assert.match(json.body, /<code id="code">TAX_PORTAL_REQUEST_INVALID<\/code>/);
  });
});

describe('forms and the callback', () => {
  it('POST /login without the CSRF token, with a wrong one, or from another origin: 403', async () => {
    const { cookie, csrf } = await visit();
    for (const [headers, body] of [
      [{ cookie }, form({})],
      [{ cookie }, form({ csrf: `${csrf.slice(1)}A` })],
      [{ cookie, origin: 'https://evil.example' }, form({ csrf })],
      [{}, form({ csrf })],
    ] as const) {
      const res = await portal.inject({
        method: 'POST',
        url: '/login',
        headers: { ...headers, 'content-type': FORM },
        payload: body,
      });
      assert.equal(res.statusCode, 403, res.body);
      assert.match(res.body, /<code id="code">TAX_PORTAL_FORM_FORGED<\/code>/);
    }
  });

  it('POST /login with the token, the login service down: 502 TAX_PORTAL_PROVIDER_UNREACHABLE', async () => {
    const { cookie, csrf } = await visit();
    const res = await portal.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie, origin: ORIGIN, 'content-type': FORM },
      payload: form({ csrf }),
    });
    assert.equal(res.statusCode, 502);
    assert.match(res.body, /<code id="code">TAX_PORTAL_PROVIDER_UNREACHABLE<\/code>/);
    assert.match(res.body, /cannot be reached/);
  });

  it('GET /callback with no login in progress: 400 TAX_PORTAL_NO_LOGIN, with or without a session', async () => {
    const { cookie } = await visit();
    for (const headers of [{ cookie }, {}]) {
      const res = await portal.inject({ url: '/callback?code=abc&state=def', headers });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /<code id="code">TAX_PORTAL_NO_LOGIN<\/code>/);
    }
  });

  it('POST /logout when not logged in: the session ends, back home', async () => {
    const { cookie, csrf } = await visit();
    const res = await portal.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie, 'content-type': FORM },
      payload: form({ csrf }),
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/');
    assert.match(String(res.headers['set-cookie']), /^vn_tax_portal_session=; Max-Age=0;/);
    // The old token no longer works: the session is gone.
    const again = await portal.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie, 'content-type': FORM },
      payload: form({ csrf }),
    });
    assert.equal(again.statusCode, 403);
  });
});

describe('sessions (fixed clock)', () => {
  it('end after 30 idle minutes; a login in progress after 10 minutes; renew changes the id', () => {
    const s = sessions.create();
    now += 29 * 60_000;
    assert.equal(sessions.find(s.id), s);
    s.pending = { state: 's', nonce: 'n', codeVerifier: 'v', startedAt: now - 11 * 60_000 };
    assert.equal(sessions.takePending(s), undefined);
    assert.equal(s.pending, undefined);
    const fresh = sessions.renew(s);
    assert.notEqual(fresh.id, s.id);
    assert.notEqual(fresh.csrf, s.csrf);
    assert.equal(sessions.find(s.id), undefined);
    now += 31 * 60_000;
    assert.equal(sessions.find(fresh.id), undefined);
  });

  it('keep at most max sessions, the least recently used going first', () => {
    const small = new SessionStore(() => now, 2);
    const a = small.create();
    const b = small.create();
    small.find(a.id);
    small.create();
    assert.equal(small.find(b.id), undefined);
    assert.equal(small.find(a.id), a);
  });

  it('reads only a well-formed session cookie', () => {
    const id = 'a'.repeat(43);
    assert.equal(sessionIdOf(`x=1; ${SESSION_COOKIE}=${id}`), id);
    assert.equal(sessionIdOf(`${SESSION_COOKIE}=short`), undefined);
    assert.equal(sessionIdOf(undefined), undefined);
  });
});

test('a taken port: PORT_IN_USE naming the portal, its port and the federation range', async () => {
  const held: Server = createServer();
  await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
  const port = (held.address() as { port: number }).port;
  try {
    await assert.rejects(startTaxPortal({ client, host: '127.0.0.1', port }), (e: unknown) =>
      isTrustbridgeError(e, 'PORT_IN_USE'),
    );
    assert.equal(
      portTaken({ name: 'the VN tax portal', port: 8084, basePort: 8080 }).message,
      "the VN tax portal's port 127.0.0.1:8084 is taken (the federation uses ports 8080-8084); use --port, e.g. npm start -- --port 8180",
    );
  } finally {
    held.close();
  }
});
