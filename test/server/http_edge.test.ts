/**
 * Errors answered before a route (issue 13): malformed HTTP, bad `%` escapes, the server's
 * request timeout, and wrong content types on every POST route, all in the documented
 * `{"error":{"code","message"}}` shape; and request URLs logged without their query values.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.js';
import { answerClientError, redactUrl } from '../../src/server/http_edge.js';
import { makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { rawRequest } from './fixtures.js';

let node: TestNode;
let app: FastifyInstance;
let port: number;

before(async () => {
  node = await makeTestNode();
  app = await buildApp(node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
after(async () => {
  await app?.close();
  await node?.close();
});

function assertShape(body: string, code: string): void {
  const json = JSON.parse(body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(json), ['error']);
  assert.equal(json.error.code, code);
  assert.equal(typeof json.error.message, 'string');
}

describe('HTTP edge errors in the JSON shape', () => {
  const cases: [string, string, number, string][] = [
    [
      'a bad % escape in the path',
      'GET /ca/%zz HTTP/1.1\r\nHost: n\r\nConnection: close\r\n\r\n',
      400,
      'HTTP_URL_MALFORMED',
    ],
    [
      'a negative Content-Length',
      'POST /ocsp HTTP/1.1\r\nHost: n\r\nContent-Type: application/ocsp-request\r\nContent-Length: -1\r\n\r\n',
      400,
      'HTTP_BAD_REQUEST',
    ],
    [
      'Content-Length with Transfer-Encoding',
      'POST /ocsp HTTP/1.1\r\nHost: n\r\nContent-Type: application/ocsp-request\r\nContent-Length: 3\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      'HTTP_BAD_REQUEST',
    ],
    ['not HTTP at all', 'HELLO\r\n\r\n', 400, 'HTTP_BAD_REQUEST'],
    [
      'headers over the limit',
      `GET /healthz HTTP/1.1\r\nHost: n\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'HTTP_HEADERS_TOO_LARGE',
    ],
  ];
  for (const [what, text, status, code] of cases) {
    it(`${what}: ${status} ${code}`, async () => {
      const res = await rawRequest(port, text);
      assert.equal(res.status, status, res.body);
      assert.match(res.headers['content-type'] ?? '', /application\/json/);
      assertShape(res.body, code);
    });
  }

  it("the server's request timeout: 408 HTTP_REQUEST_TIMEOUT", () => {
    let written = '';
    let destroyed = false;
    const socket = {
      destroyed: false,
      writable: true,
      write: (s: string) => {
        written += s;
        return true;
      },
      destroy: () => {
        destroyed = true;
      },
    } as unknown as Socket;
    const err = Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    answerClientError(err, socket);
    assert.match(written, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assertShape(written.slice(written.indexOf('\r\n\r\n') + 4), 'HTTP_REQUEST_TIMEOUT');
    assert.equal(destroyed, true);
  });

  it('a bad % escape in an OCSP GET request: 400 in the JSON shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/ocsp/MA%zz' });
    assert.equal(res.statusCode, 400, res.body);
    assertShape(res.body, 'HTTP_URL_MALFORMED');
  });
});

describe('wrong content types on POST routes: 415, never 500', () => {
  const routes = ['/ocsp', '/tsa', '/api/v1/validate', '/api/v1/persons', '/api/v1/enrolments'];
  const bodies: [string, string][] = [
    ['application/json', '{"a":1}'],
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'a=1'],
  ];
  for (const url of routes) {
    it(`POST ${url}`, async () => {
      for (const [type, payload] of bodies) {
        if (url.startsWith('/api/v1/') && type === 'application/json') continue; // JSON is theirs
        const res = await app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });
        // The operator API checks the token first (onRequest): without one, 401 before the body.
        const [status, code] =
          url.startsWith('/api/v1/p') || url.startsWith('/api/v1/e')
            ? [401, 'AUTH_TOKEN_MISSING']
            : [415, 'HTTP_UNSUPPORTED_MEDIA_TYPE'];
        assert.equal(res.statusCode, status, `${url} ${type}: ${res.body}`);
        assertShape(res.body, code);
      }
    });
  }

  it('POST /ocsp with JSON: 415 HTTP_UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await app.inject({ method: 'POST', url: '/ocsp', payload: { a: 1 } });
    assert.equal(res.statusCode, 415, res.body);
    assertShape(res.body, 'HTTP_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('request URLs in logs', () => {
  it("the node's request log has no query values (a logout's id_token_hint names the citizen)", async () => {
    let log = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        log += chunk.toString('utf8');
        cb();
      },
    });
    const logged = await buildApp(node, { logger: true, logStream: stream });
    try {
      await logged.inject({ method: 'GET', url: '/healthz?id_token_hint=eyJSECRET.492817365021.sig&x=1' });
    } finally {
      await logged.close();
    }
    assert.match(log, /\/healthz\?id_token_hint=\*\*\*&x=\*\*\*/);
    assert.doesNotMatch(log, /SECRET|492817365021/);
  });

  it('query values are replaced, names and paths kept', () => {
    assert.equal(
      redactUrl('/logout?id_token_hint=eyJhbGciOi.x.y&post_logout_redirect_uri=https%3A%2F%2Frp&state=s'),
      '/logout?id_token_hint=***&post_logout_redirect_uri=***&state=***',
    );
    assert.equal(redactUrl('/healthz'), '/healthz');
    assert.equal(redactUrl('/a?flag&b='), '/a?flag&b=***');
  });
});
