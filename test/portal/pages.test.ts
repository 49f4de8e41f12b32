/**
 * The pages in-process: the citizen page and its validate form (security headers, CSRF and
 * Origin refusals, upload checks, the report page), the hub's cooperation portal from a hub
 * state, the stylesheet, the language switch, and script posted into every field coming back
 * escaped.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { registerCitizenPages } from '../../src/portal/citizen_pages.js';
import { registerHubPages } from '../../src/portal/hub_pages.js';
import { CSRF_COOKIE, PORTAL_CSP } from '../../src/portal/security.js';
import { PORTAL_CSS, PORTAL_CSS_ETAG } from '../../src/portal/style.js';
import { HTTP_STATUS, HttpError } from '../../src/server/errors.js';
import type { ValidationReport } from '../../src/validation/report.js';
import { tempDir } from '../fixtures/cli.js';
import { PASSED_REPORT } from '../fixtures/reports.js';

const BASE = 'http://ph.example:8081';
const SCRIPT = `<script>alert("x")</script>'`;
const TOKEN = 'A'.repeat(43);

interface Citizen {
  app: FastifyInstance;
  validated: { bytes: Buffer; name: string | undefined }[];
}

async function citizenApp(
  baseUrl = BASE,
  maxUploadBytes = 64 * 1024,
  admit?: (client: string, bytes: number) => { release(): void },
): Promise<Citizen> {
  const validated: Citizen['validated'] = [];
  const app = Fastify();
  registerCitizenPages(app, {
    ...(admit ? { admit } : {}),
    country: 'PH',
    baseUrl,
    hasLog: true,
    maxUploadBytes,
    validate: async (bytes, name): Promise<ValidationReport> => {
      validated.push({ bytes, name });
      return { ...PASSED_REPORT, document: { ...PASSED_REPORT.document, ...(name ? { name } : {}) } };
    },
    httpStatus: HTTP_STATUS,
  });
  await app.ready();
  return { app, validated };
}

/** A multipart/form-data body with the given text fields and one file. */
function form(fields: Record<string, string>, file?: { filename: string; bytes: Buffer; name?: string }) {
  const boundary = '----tbportaltest';
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file)
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'document'}"; filename="${file.filename.replace(/"/g, '%22')}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), 'content-type': `multipart/form-data; boundary=${boundary}` };
}

const PDF = Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n');

function post(app: FastifyInstance, body: ReturnType<typeof form>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/validate',
    payload: body.payload,
    headers: { 'content-type': body['content-type'], ...headers },
  });
}

const withCookie = { cookie: `${CSRF_COOKIE}=${TOKEN}`, origin: BASE };

function assertNoActiveContent(body: string): void {
  assert.ok(!/<script/i.test(body), 'no script element');
  assert.ok(!/<style/i.test(body), 'no style element');
  assert.ok(!/\sstyle=/i.test(body), 'no style attribute');
  assert.ok(!/\son[a-z]+=/i.test(body), 'no event handler attribute');
}

describe('citizen page', () => {
  const apps: FastifyInstance[] = [];
  after(async () => {
    for (const a of apps) await a.close();
  });
  const make = async (...args: Parameters<typeof citizenApp>): Promise<Citizen> => {
    const c = await citizenApp(...args);
    apps.push(c.app);
    return c;
  };

  it('GET / answers the country page with the security headers and a CSRF cookie', async () => {
    const { app } = await make();
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html; charset=utf-8/);
    const csp = res.headers['content-security-policy'] as string;
    assert.equal(csp, PORTAL_CSP);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.ok(!csp.includes('unsafe-inline'));
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'same-origin');
    assert.equal(res.headers['cache-control'], 'no-store');
    const cookie = res.headers['set-cookie'] as string;
    assert.match(cookie, new RegExp(`^${CSRF_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$`));
    const token = /=([^;]+);/.exec(cookie)![1]!;
    assert.ok(res.body.includes(`name="csrf" value="${token}"`));
    assert.match(res.body, /<html lang="en">/);
    assert.match(res.body, /<h1>Digital identity services of Philippines<\/h1>/);
    assert.match(res.body, /<main id="main"/);
    assert.match(res.body, /href="#main"/);
    assert.match(res.body, /enctype="multipart\/form-data"/);
    assertNoActiveContent(res.body);
  });

  it('the cookie is Secure when the site is served over https; an existing token is kept', async () => {
    const { app } = await make('https://ph.example');
    const res = await app.inject({ url: '/' });
    assert.match(res.headers['set-cookie'] as string, /; HttpOnly; SameSite=Lax; Secure$/);
    const again = await app.inject({ url: '/', headers: { cookie: `${CSRF_COOKIE}=${TOKEN}` } });
    assert.equal(again.headers['set-cookie'], undefined);
    assert.ok(again.body.includes(`value="${TOKEN}"`));
  });

  it('?lang=vi and Accept-Language give the Vietnamese page; the switch links both', async () => {
    const { app } = await make();
    for (const res of [
      await app.inject({ url: '/?lang=vi' }),
      await app.inject({ url: '/', headers: { 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.5' } }),
    ]) {
      assert.match(res.body, /<html lang="vi">/);
      assert.ok(res.body.includes('Kiểm tra tài liệu đã ký'));
      assert.ok(res.body.includes('href="/?lang=en" lang="en"'));
      assert.ok(res.body.includes('href="/?lang=vi" lang="vi" hreflang="vi" aria-current="true"'));
    }
  });

  it('the stylesheet is served with caching headers and an ETag', async () => {
    const { app } = await make();
    const res = await app.inject({ url: '/portal.css' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/css/);
    assert.equal(res.headers['cache-control'], 'public, max-age=86400');
    assert.equal(res.headers['etag'], PORTAL_CSS_ETAG);
    assert.equal(res.body, PORTAL_CSS);
    assert.match(res.body, /:focus\{outline:3px solid/);
    const cached = await app.inject({ url: '/portal.css', headers: { 'if-none-match': PORTAL_CSS_ETAG } });
    assert.equal(cached.statusCode, 304);
  });

  it('refuses a form without a CSRF token, with a wrong one, or from another origin (403 PORTAL_FORM_FORGED)', async () => {
    const { app, validated } = await make();
    const file = { filename: 'a.pdf', bytes: PDF };
    const cases = [
      post(app, form({}, file), withCookie),
      post(app, form({ csrf: TOKEN }, file), { origin: BASE }),
      post(app, form({ csrf: 'B'.repeat(43) }, file), withCookie),
      post(app, form({ csrf: TOKEN }, file), { ...withCookie, origin: 'http://evil.example' }),
      app.inject({
        method: 'POST',
        url: '/validate',
        payload: 'csrf=',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...withCookie },
      }),
    ];
    for (const res of await Promise.all(cases)) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.headers['x-error-code'], 'PORTAL_FORM_FORGED');
      assert.ok(res.body.includes('<code id="error-code">PORTAL_FORM_FORGED</code>'));
      assert.equal(res.headers['content-security-policy'], PORTAL_CSP);
    }
    assert.equal(validated.length, 0);
  });

  it('validates an uploaded document and answers the HTML report under its own CSP', async () => {
    const { app, validated } = await make();
    const res = await post(app, form({ csrf: TOKEN }, { filename: 'contract.pdf', bytes: PDF }), withCookie);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(validated, [{ bytes: PDF, name: 'contract.pdf' }]);
    assert.match(res.body, /Signature validation report/);
    const csp = res.headers['content-security-policy'] as string;
    assert.match(csp, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; .*frame-ancestors 'none'$/);
    assert.ok(!csp.includes('unsafe-inline'));
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('a form posted without Origin (not a browser) is accepted on its token alone', async () => {
    const { app } = await make();
    const res = await post(app, form({ csrf: TOKEN }, { filename: 'a.pdf', bytes: PDF }), {
      cookie: `${CSRF_COOKIE}=${TOKEN}`,
    });
    assert.equal(res.statusCode, 200);
  });

  it('refuses a file that is no signed document (415), no file (400), an empty file and a body over the limit (413)', async () => {
    const { app, validated } = await make(BASE, 4096);
    const notDoc = await post(
      app,
      form({ csrf: TOKEN }, { filename: 'a.png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }),
      withCookie,
    );
    assert.equal(notDoc.statusCode, 415);
    assert.equal(notDoc.headers['x-error-code'], 'PORTAL_DOCUMENT_UNSUPPORTED');
    const none = await post(app, form({ csrf: TOKEN }), withCookie);
    assert.equal(none.statusCode, 400);
    assert.equal(none.headers['x-error-code'], 'PORTAL_UPLOAD_INVALID');
    const empty = await post(
      app,
      form({ csrf: TOKEN }, { filename: 'a.pdf', bytes: Buffer.alloc(0) }),
      withCookie,
    );
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.headers['x-error-code'], 'INPUT_MALFORMED');
    const big = await post(
      app,
      form({ csrf: TOKEN }, { filename: 'a.pdf', bytes: Buffer.concat([PDF, Buffer.alloc(8192)]) }),
      withCookie,
    );
    assert.equal(big.statusCode, 413);
    assert.match(big.body, /<h1>Request refused<\/h1>/);
    const json = await app.inject({
      method: 'POST',
      url: '/validate',
      payload: '{}',
      headers: { 'content-type': 'application/json', ...withCookie },
    });
    assert.equal(json.statusCode, 415);
    assert.equal(validated.length, 0);
  });

  it("uploads are admitted within the node's budgets and released after the answer", async () => {
    const admitted: number[] = [];
    let inFlight = 0;
    const { app } = await make(BASE, 64 * 1024, (_client, bytes) => {
      if (inFlight > 0) throw new HttpError('HTTP_CLIENT_BUSY');
      inFlight++;
      admitted.push(bytes);
      return { release: () => void inFlight-- };
    });
    const body = form({ csrf: TOKEN }, { filename: 'a.pdf', bytes: PDF });
    const ok = await post(app, body, withCookie);
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(admitted, [body.payload.length]);
    assert.equal(inFlight, 0);
    inFlight = 1;
    const busy = await post(app, body, withCookie);
    assert.equal(busy.statusCode, 429);
    assert.equal(busy.headers['x-error-code'], 'HTTP_CLIENT_BUSY');
    inFlight = 0;
    const declared = await app.inject({
      method: 'POST',
      url: '/validate',
      payload: body.payload,
      headers: { 'content-type': body['content-type'], 'content-length': String(1 << 20), ...withCookie },
    });
    assert.equal(declared.statusCode, 413);
    assert.equal(declared.headers['x-error-code'], 'INPUT_TOO_LARGE');
    assert.equal(admitted.length, 1, 'a GET or an oversized form takes no budget');
  });

  it('script and quotes posted into every field come back escaped', async () => {
    const { app } = await make();
    const pages = [
      // the file name (its quotes sent as %22, as browsers do), echoed by the refusal of a file that is no document
      await post(
        app,
        form({ csrf: TOKEN }, { filename: `${SCRIPT}.png`, bytes: Buffer.from('GIF89a') }),
        withCookie,
      ),
      // the file name, shown in the report
      await post(app, form({ csrf: TOKEN }, { filename: `${SCRIPT}.pdf`, bytes: PDF }), withCookie),
      // the token field and cookie
      await post(app, form({ csrf: SCRIPT }, { filename: 'a.pdf', bytes: PDF }), {
        cookie: `${CSRF_COOKIE}=${encodeURIComponent(SCRIPT)}`,
        origin: BASE,
      }),
      // a field of another name, and the language
      await post(
        app,
        form({ csrf: TOKEN, [SCRIPT]: SCRIPT }, { filename: 'a.pdf', bytes: PDF, name: SCRIPT }),
        withCookie,
      ),
      await app.inject({ url: `/?lang=${encodeURIComponent(SCRIPT)}` }),
      await app.inject({
        url: '/',
        headers: { cookie: `${CSRF_COOKIE}=${SCRIPT}`, 'accept-language': SCRIPT },
      }),
    ];
    assert.equal(pages[0]!.statusCode, 415);
    assert.ok(pages[0]!.body.includes('&lt;script&gt;alert(%22x%22)&lt;/script&gt;&#39;.png'));
    assert.equal(pages[1]!.statusCode, 200);
    assert.ok(pages[1]!.body.includes('&lt;script&gt;alert(%22x%22)&lt;/script&gt;&#39;.pdf'));
    assert.equal(pages[2]!.statusCode, 403);
    assert.equal(pages[3]!.statusCode, 400);
    for (const p of pages) {
      assert.ok(!p.body.includes('<script>alert'), p.body);
      assert.ok(!/<script/i.test(p.body));
    }
  });
});

describe('cooperation portal (hub home)', () => {
  const tmp = tempDir('tb-portal-hub-');
  const apps: FastifyInstance[] = [];
  after(async () => {
    for (const a of apps) await a.close();
    tmp.remove();
  });

  async function hubApp(name: string, members: unknown[]): Promise<FastifyInstance> {
    const dir = join(tmp.path, String(apps.length));
    mkdirSync(join(dir, 'public'), { recursive: true });
    writeFileSync(join(dir, 'hub-state.json'), JSON.stringify({ version: 1, sequenceNumber: 3, members }));
    writeFileSync(join(dir, 'public', 'log.vkey'), 'hub+1234+AAAA\n');
    const app = Fastify();
    registerHubPages(
      app,
      {
        dir,
        config: { version: 1, name, territory: 'XR', baseUrl: 'http://hub.example', lotlValidityDays: 180 },
      },
      HTTP_STATUS,
    );
    await app.ready();
    apps.push(app);
    return app;
  }

  const member = (country: string, status: string, extra: Record<string, unknown> = {}) => ({
    country,
    trustListUrl: `http://${country.toLowerCase()}.example/trustlist.xml`,
    signers: [],
    history: [
      { status: 'active', at: '2026-03-01T00:00:00Z' },
      ...(status === 'active' ? [] : [{ status, at: '2026-03-02T00:00:00Z' }]),
    ],
    ...extra,
  });

  it('lists the members with their status, trust list and log links, and the LOTL', async () => {
    const app = await hubApp('Regional trust hub', [
      member('PH', 'active', { transparency: { logUrl: 'http://ph.example/log/' } }),
      member('VN', 'suspended'),
    ]);
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-security-policy'], PORTAL_CSP);
    assert.match(res.body, /<h1>Cooperation portal<\/h1>/);
    assert.ok(res.body.includes('Regional hub: Regional trust hub'));
    assert.ok(res.body.includes('<a href="http://ph.example/trustlist.xml">Trust list of Philippines</a>'));
    assert.ok(
      res.body.includes('<a href="http://ph.example/log/checkpoint">Log checkpoint of Philippines</a>'),
    );
    assert.ok(res.body.includes('<span class="status status-suspended">Suspended</span>'));
    assert.ok(res.body.includes('href="/lotl.xml"'));
    assert.ok(res.body.includes('href="/log/checkpoint"'));
    assert.equal(res.headers['set-cookie'], undefined, 'the hub home sets no cookie');
    assertNoActiveContent(res.body);
    const vi = await app.inject({ url: '/?lang=vi' });
    assert.ok(vi.body.includes('<h1>Cổng hợp tác</h1>'));
    assert.ok(vi.body.includes('Tạm đình chỉ'));
  });

  it('says when there are no members yet', async () => {
    const app = await hubApp('Hub', []);
    const res = await app.inject({ url: '/' });
    assert.ok(res.body.includes('No member country has joined yet.'));
  });

  it('escapes the hub name and shows a non-http trust list address as text, not a link', async () => {
    const app = await hubApp(SCRIPT, [member('PH', 'active', { trustListUrl: 'javascript:alert(1)' })]);
    const res = await app.inject({ url: '/' });
    assert.ok(!/<script/i.test(res.body));
    assert.ok(res.body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;'));
    assert.ok(!res.body.includes('href="javascript:'));
  });
});
