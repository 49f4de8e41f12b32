/**
 * `node serve --workers N` keeps one login rate limit for the whole node: every worker asks the
 * primary, so N processes together allow what `loginRateLimit` says, not N times it.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, initNode, startServe, tempDir } from '../fixtures/cli.js';
import type { Served } from '../fixtures/cli.js';

const BURST = 6;
const tmp = tempDir('tb-workers-rate-');
const dir = join(tmp.path, 'ph');
let served: Served;
let base: string;

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await initNode(dir, ['--base-url', base]);
  const file = join(dir, 'node.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // Practically no refill during the test.
  cfg['loginRateLimit'] = { burst: BURST, perSecond: 0.001 };
  writeFileSync(file, `${JSON.stringify(cfg, null, 2)}\n`);
  served = await startServe(dir, { port, args: ['--workers', '2'] });
});
after(async () => {
  await served?.stop();
  tmp.remove();
});

/** A wallet response on its own connection (so the attempts spread over the workers). */
function attempt(): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/login/wallet/unknown-challenge`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          const j = JSON.parse(body) as { code?: string; error?: { code?: string } };
          resolve({ status: res.statusCode ?? 0, code: j.code ?? j.error?.code ?? '' });
        });
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

test('two workers share one login rate limit: the burst is allowed once for the node, then 429', async () => {
  const answers = [];
  for (let i = 0; i < BURST * 2 + 2; i++) answers.push(await attempt());
  const refused = answers.filter((a) => a.status === 429);
  const allowed = answers.filter((a) => a.status !== 429);
  assert.equal(allowed.length, BURST, JSON.stringify(answers));
  assert.ok(
    allowed.every((a) => a.status === 400),
    'allowed attempts reach the response check',
  );
  assert.ok(refused.length === BURST + 2);
  assert.ok(
    refused.every((a) => a.code === 'LOGIN_RATE_LIMITED'),
    JSON.stringify(refused.map((a) => a.code)),
  );
  // The first refusal came right after the burst: the processes did not each allow it.
  assert.ok(answers.slice(0, BURST).every((a) => a.status === 400));
});
