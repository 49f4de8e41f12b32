/**
 * `POST /api/v1/validate` under hostile uploads (issue 13): held uploads are capped per client
 * (429) and per node (503) before their bodies are read, a slow body gets 408 in the JSON error
 * shape, uploads are spooled to files that are deleted afterwards, and the budget comes back.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import { DOCUMENT, signingFixture } from '../../signature/fixtures.js';
import type { SigningFixture } from '../../signature/fixtures.js';
import { openRaw, rawRequest, until } from '../fixtures.js';
import type { RawExchange } from '../fixtures.js';

let f: SigningFixture;
let app: FastifyInstance;
let port: number;
let spool: string;
let signed: Buffer;

/** The head of an upload announcing `length` bytes, and its first bytes. */
function uploadHead(length: number, first = 'x'.repeat(16)): string {
  return (
    'POST /api/v1/validate HTTP/1.1\r\nHost: node\r\nContent-Type: application/octet-stream\r\n' +
    `Content-Length: ${length}\r\n\r\n${first}`
  );
}

const spoolFiles = (): string[] => readdirSync(join(spool, String(process.pid)));

before(async () => {
  f = await signingFixture();
  spool = mkdtempSync(join(tmpdir(), 'tb-spool-test-'));
  app = await buildApp(f.node, {
    validateLimits: {
      maxConcurrent: 2,
      perClientConcurrent: 2,
      bodyTimeoutSeconds: 3600,
      bodyGraceSeconds: 3600,
      spoolDir: spool,
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  signed = await signCades({
    content: DOCUMENT,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: f.node.clock(),
    level: 'B-B',
    detached: false,
  });
});
after(async () => {
  await app?.close();
  await f?.node.close();
  rmSync(spool, { recursive: true, force: true });
});

describe('POST /api/v1/validate: upload budgets', () => {
  it('two held uploads fill the budget: the client gets 429, another client 503, both with Retry-After; the budget comes back', async () => {
    const held: RawExchange[] = [];
    held.push(await openRaw(port, uploadHead(100_000)));
    held.push(await openRaw(port, uploadHead(100_000)));
    // Both are admitted and spooling: their files exist (mode 0600).
    await until(() => spoolFiles().length === 2);
    for (const name of spoolFiles())
      assert.equal(statSync(join(spool, String(process.pid), name)).mode & 0o777, 0o600);
    assert.equal(statSync(join(spool, String(process.pid))).mode & 0o777, 0o700);

    const same = await rawRequest(port, uploadHead(100_000));
    assert.equal(same.status, 429, same.body);
    assert.equal(JSON.parse(same.body).error.code, 'HTTP_CLIENT_BUSY');
    assert.equal(same.headers['retry-after'], '5');

    const other = await rawRequest(port, uploadHead(100_000), '127.0.0.2');
    assert.equal(other.status, 503, other.body);
    assert.equal(JSON.parse(other.body).error.code, 'HTTP_BUSY');
    assert.equal(other.headers['retry-after'], '5');

    for (const h of held) h.socket.destroy();
    await until(() => spoolFiles().length === 0);

    // The budget is back: a real document validates, and its spool file is gone afterwards.
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/pkcs7-mime' },
      body: signed,
    });
    assert.equal(res.status, 200);
    const report = (await res.json()) as { signatures: { indication: string }[] };
    assert.equal(report.signatures.length, 1);
    assert.notEqual(report.signatures[0]!.indication, undefined);
    await until(() => spoolFiles().length === 0);
  });

  it('a body announced over the limit is refused at once with 413, before it is read', async () => {
    const res = await rawRequest(port, uploadHead(49 * 1024 * 1024));
    assert.equal(res.status, 413, res.body);
    assert.equal(JSON.parse(res.body).error.code, 'INPUT_TOO_LARGE');
  });

  it('a chunked body larger than the limit is cut off with 413 and its spool file deleted', async () => {
    const small = await buildApp(f.node, { validateLimits: { maxBodyBytes: 1024, spoolDir: spool } });
    try {
      await small.listen({ host: '127.0.0.1', port: 0 });
      const p = (small.server.address() as { port: number }).port;
      const res = await rawRequest(
        p,
        'POST /api/v1/validate HTTP/1.1\r\nHost: node\r\nContent-Type: application/octet-stream\r\n' +
          `Transfer-Encoding: chunked\r\n\r\n1000\r\n${'A'.repeat(4096)}\r\n`,
      );
      assert.equal(res.status, 413, res.body);
      assert.equal(JSON.parse(res.body).error.code, 'INPUT_TOO_LARGE');
      await until(() => spoolFiles().length === 0);
    } finally {
      await small.close();
    }
  });
});

describe('POST /api/v1/validate: slow bodies', () => {
  it('a body not received within the deadline gets 408 in the JSON error shape, and its spool file is deleted', async () => {
    const slow = await buildApp(f.node, {
      validateLimits: { bodyTimeoutSeconds: 0.2, bodyGraceSeconds: 0.1, spoolDir: spool },
    });
    try {
      await slow.listen({ host: '127.0.0.1', port: 0 });
      const p = (slow.server.address() as { port: number }).port;
      const res = await rawRequest(p, uploadHead(100_000));
      assert.equal(res.status, 408, res.body);
      assert.match(res.headers['content-type'] ?? '', /application\/json/);
      assert.equal(JSON.parse(res.body).error.code, 'HTTP_REQUEST_TIMEOUT');
      await until(() => spoolFiles().length === 0);
    } finally {
      await slow.close();
    }
  });

  it('a JSON body too slow gets 408 as well', async () => {
    const slow = await buildApp(f.node, {
      validateLimits: { bodyTimeoutSeconds: 0.2, bodyGraceSeconds: 0.1, spoolDir: spool },
    });
    try {
      await slow.listen({ host: '127.0.0.1', port: 0 });
      const p = (slow.server.address() as { port: number }).port;
      const res = await rawRequest(
        p,
        'POST /api/v1/validate HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n' +
          'Content-Length: 1000\r\n\r\n{"document":"',
      );
      assert.equal(res.status, 408, res.body);
      assert.equal(JSON.parse(res.body).error.code, 'HTTP_REQUEST_TIMEOUT');
    } finally {
      await slow.close();
    }
  });
});
