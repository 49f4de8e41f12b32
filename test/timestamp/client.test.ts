import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { handleError } from '../../src/server/errors.js';
import { registerTsaRoute, timeStampAuthorityOf } from '../../src/server/routes/tsa.js';
import { createTimeStampRequest, requestTimeStamp } from '../../src/timestamp/client.js';
import type { TspTransport } from '../../src/timestamp/client.js';
import { parseTimeStampReq } from '../../src/timestamp/request.js';
import { parseTimeStampToken, verifyTimeStampToken } from '../../src/timestamp/token.js';
import { TSP_OID } from '../../src/timestamp/tsp.js';
import { rejectsCode, throwsCode } from '../fixtures/assert.js';
import { FIXED_NOW, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { DATA, digestOf } from './fixtures.js';

const URL_ = 'https://pki.test.example/tsa';
let node: TestNode;
let app: FastifyInstance;

/** The transport: Fastify's in-process injection into the app with the TSA route. */
const inject: TspTransport = async (url, body, contentType) => {
  const res = await app.inject({
    method: 'POST',
    url: new URL(url).pathname,
    payload: body,
    headers: { 'content-type': contentType },
  });
  return { status: res.statusCode, body: res.rawPayload, contentType: String(res.headers['content-type']) };
};

before(async () => {
  node = await makeTestNode();
  app = Fastify();
  registerTsaRoute(app, timeStampAuthorityOf(node));
  await app.ready();
});

after(async () => {
  await app.close();
  await node.close();
});

describe('createTimeStampRequest', () => {
  it('writes version 1, the imprint, a nonce and certReq by default', () => {
    const { der, nonce } = createTimeStampRequest(digestOf(DATA), 'sha256');
    const req = parseTimeStampReq(der);
    assert.equal(req.version, 1n);
    assert.deepEqual(req.imprint.digest, digestOf(DATA));
    assert.equal(req.certReq, true);
    assert.ok(nonce !== undefined && nonce > 0n);
    assert.equal(req.policy, undefined);
    const bare = createTimeStampRequest(digestOf(DATA, 'sha512'), 'sha512', {
      nonce: false,
      certReq: false,
      policy: '1.2.3',
    });
    const r2 = parseTimeStampReq(bare.der);
    assert.equal(bare.nonce, undefined);
    assert.equal(r2.nonce, undefined);
    assert.equal(r2.certReq, false);
    assert.equal(r2.policy, '1.2.3');
  });

  it('refuses a digest of the wrong length', () => {
    throwsCode(() => createTimeStampRequest(Buffer.alloc(20), 'sha256'), 'INPUT_MALFORMED', /32 bytes/);
  });
});

describe('requestTimeStamp against POST /tsa (Fastify inject)', () => {
  it('gets a verified token end to end', async () => {
    const token = await requestTimeStamp(URL_, digestOf(DATA), 'sha256', inject, {
      policy: TSP_OID.baselinePolicy,
    });
    const parsed = verifyTimeStampToken(token, { digest: digestOf(DATA), hash: 'sha256' });
    assert.deepEqual(parsed.genTime, FIXED_NOW);
    assert.deepEqual(parsed.tsaCertificate, node.tsa.certificate.der);
    assert.deepEqual(parsed.signedData.certificates[1], node.root.certificate.der);
  });

  it('without certReq or nonce, verifying with the known TSA certificate', async () => {
    const options = { certReq: false, nonce: false, tsaCertificate: node.tsa.certificate.der };
    const token = await requestTimeStamp(URL_, digestOf(DATA, 'sha384'), 'sha384', inject, options);
    const parsed = parseTimeStampToken(token);
    assert.equal(parsed.nonce, undefined);
    assert.equal(parsed.tsaCertificate, undefined);
  });

  it('the route answers application/timestamp-reply, and 415 / 413 for bad bodies', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/tsa',
      payload: createTimeStampRequest(digestOf(DATA), 'sha256').der,
      headers: { 'content-type': 'application/timestamp-query' },
    });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['content-type'], 'application/timestamp-reply');
    for (const type of ['application/json', 'text/plain', 'application/octet-stream']) {
      const payload = type === 'application/json' ? '{"a":1}' : 'x';
      const res = await app.inject({
        method: 'POST',
        url: '/tsa',
        payload,
        headers: { 'content-type': type },
      });
      assert.equal(res.statusCode, 415, type);
    }
    const none = await app.inject({ method: 'POST', url: '/tsa' });
    assert.equal(none.statusCode, 415);
    const big = await app.inject({
      method: 'POST',
      url: '/tsa',
      payload: Buffer.alloc(16 * 1024 + 1),
      headers: { 'content-type': 'application/timestamp-query' },
    });
    assert.equal(big.statusCode, 413);
    const garbage = await inject(URL_, Buffer.from('garbage'), 'application/timestamp-query');
    assert.equal(garbage.status, 200, 'a bad request is a TimeStampResp rejection, not an HTTP error');
  });

  it('a rejection: TSP_REJECTED with the failInfo', async () => {
    await rejectsCode(
      () => requestTimeStamp(URL_, digestOf(DATA), 'sha256', inject, { policy: '1.2.3.4' }),
      'TSP_REJECTED',
      /rejection: unacceptedPolicy/,
    );
  });

  it('transport failures and non-RFC 3161 answers', async () => {
    const down: TspTransport = () => Promise.reject(new Error('ECONNREFUSED'));
    await rejectsCode(
      () => requestTimeStamp(URL_, digestOf(DATA), 'sha256', down),
      'TSP_TRANSPORT_FAILED',
      /reached/,
    );
    const http500: TspTransport = async () => ({ status: 500, body: Buffer.alloc(0) });
    await rejectsCode(
      () => requestTimeStamp(URL_, digestOf(DATA), 'sha256', http500),
      'TSP_TRANSPORT_FAILED',
      /500/,
    );
    const html: TspTransport = async () => ({
      status: 200,
      body: Buffer.from('<html>'),
      contentType: 'text/html',
    });
    await rejectsCode(() => requestTimeStamp(URL_, digestOf(DATA), 'sha256', html), 'TSP_RESPONSE_MALFORMED');
    const junk: TspTransport = async () => ({ status: 200, body: Buffer.from('junk') });
    await rejectsCode(() => requestTimeStamp(URL_, digestOf(DATA), 'sha256', junk), 'TSP_RESPONSE_MALFORMED');
  });

  it('a replayed answer (other nonce) or another imprint: TSP_RESPONSE_MISMATCH', async () => {
    const old = await inject(
      URL_,
      createTimeStampRequest(digestOf(DATA), 'sha256').der,
      'application/timestamp-query',
    );
    const replay: TspTransport = async () => old;
    await rejectsCode(
      () => requestTimeStamp(URL_, digestOf(DATA), 'sha256', replay),
      'TSP_RESPONSE_MISMATCH',
      /nonce/,
    );
    const swap: TspTransport = (url, _body, type) => {
      const other = createTimeStampRequest(digestOf(Buffer.from('other')), 'sha256', { nonce: false });
      return inject(url, other.der, type);
    };
    const opts = { nonce: false };
    await rejectsCode(
      () => requestTimeStamp(URL_, digestOf(DATA), 'sha256', swap, opts),
      'TSP_RESPONSE_MISMATCH',
      /imprint/,
    );
  });

  it('with the node API error handler: {error: {code}} bodies for 415 and 413', async () => {
    const nodeLike = Fastify();
    nodeLike.setErrorHandler(handleError);
    registerTsaRoute(nodeLike, timeStampAuthorityOf(node));
    await nodeLike.ready();
    try {
      const json = await nodeLike.inject({
        method: 'POST',
        url: '/tsa',
        payload: '{}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(json.statusCode, 415);
      assert.equal((json.json() as { error: { code: string } }).error.code, 'HTTP_UNSUPPORTED_MEDIA_TYPE');
      const big = await nodeLike.inject({
        method: 'POST',
        url: '/tsa',
        payload: Buffer.alloc(20_000),
        headers: { 'content-type': 'application/timestamp-query' },
      });
      assert.equal(big.statusCode, 413);
      assert.equal((big.json() as { error: { code: string } }).error.code, 'INPUT_TOO_LARGE');
    } finally {
      await nodeLike.close();
    }
  });
});
