/**
 * Issue 13: `validate --trust URL` downloads are bounded. A server that never answers gives
 * TRUST_LIST_UNAVAILABLE (exit 3) after the timeout, not an internal error; a list larger than the
 * limit is refused while it streams, without reading it all. The limits are lowered through
 * TRUSTBRIDGE_TRUST_TIMEOUT_MS and TRUSTBRIDGE_TRUST_MAX_BYTES so the test stays small.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadLimits } from '../../src/cli/trust_sources.js';
import { runCli, tempDir } from '../fixtures/cli.js';

const dir = tempDir('tb-trust-dl-');
const open = new Set<ServerResponse>();
let server: Server;
let base = '';
let streamed = 0;
let streamClosed: Promise<void> = Promise.resolve();

function handle(req: IncomingMessage, res: ServerResponse): void {
  open.add(res);
  res.on('close', () => open.delete(res));
  if (req.url === '/silent.xml') return; // never answers
  if (req.url === '/stalls.xml') {
    // headers, a little of the body, then nothing
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.write('<?xml version="1.0"?><TrustServiceStatusList>');
    return;
  }
  // An endless list, written as fast as the client reads it, no Content-Length.
  res.writeHead(200, { 'content-type': 'application/xml' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  streamClosed = new Promise((resolve) => res.on('close', resolve));
  const pump = (): void => {
    while (!res.destroyed) {
      streamed += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  res.write('<?xml version="1.0"?><TrustServiceStatusList>');
  pump();
}

before(async () => {
  writeFileSync(join(dir.path, 'doc.p7m'), Buffer.from('not used: the trust source fails first'));
  await new Promise<void>((r) => {
    server = createServer(handle).listen(0, '127.0.0.1', r);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  for (const res of open) res.destroy();
  server.close();
  dir.remove();
});

describe('validate --trust URL: bounded downloads', () => {
  it('a server that never answers, or stalls mid-body: TRUST_LIST_UNAVAILABLE, exit 3, no stack trace', async () => {
    for (const path of ['/silent.xml', '/stalls.xml']) {
      const r = await runCli(['validate', '--in', join(dir.path, 'doc.p7m'), '--trust', `${base}${path}`], {
        env: { TRUSTBRIDGE_TRUST_TIMEOUT_MS: '300' },
      });
      assert.equal(r.code, 3, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^trustbridge: error TRUST_LIST_UNAVAILABLE: .*${path.replace('.', '\\.')}: no complete answer within 300 ms`,
          'm',
        ),
      );
      assert.doesNotMatch(r.stderr, /internal error|TimeoutError|\n\s+at /);
    }
  });

  it('a list beyond the size limit is refused while it streams: TRUST_LIST_UNAVAILABLE, exit 3', async () => {
    streamed = 0;
    const r = await runCli(
      ['validate', '--in', join(dir.path, 'doc.p7m'), '--trust', `${base}/endless.xml`],
      {
        env: { TRUSTBRIDGE_TRUST_MAX_BYTES: String(256 * 1024) },
      },
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /^trustbridge: error TRUST_LIST_UNAVAILABLE: .*endless\.xml: .*larger than 262144 bytes/m,
    );
    await streamClosed;
    // The client stopped reading near the limit: what was sent is bounded by socket buffers.
    assert.ok(streamed < 32 * 1024 * 1024, `${streamed} bytes sent`);
  });

  it('the limits default to 15 s and 16 MiB; the variables may lower them, never raise the size', () => {
    assert.deepEqual(downloadLimits({}), { timeoutMs: 15_000, maxBytes: 16 * 1024 * 1024 });
    assert.deepEqual(
      downloadLimits({ TRUSTBRIDGE_TRUST_TIMEOUT_MS: '500', TRUSTBRIDGE_TRUST_MAX_BYTES: '1000' }),
      { timeoutMs: 500, maxBytes: 1000 },
    );
    for (const bad of ['0', '-1', 'x', String(16 * 1024 * 1024 + 1)])
      assert.throws(
        () => downloadLimits({ TRUSTBRIDGE_TRUST_MAX_BYTES: bad }),
        (e: Error & { code?: string }) => e.code === 'USAGE_INVALID_ARGUMENT',
      );
  });
});
