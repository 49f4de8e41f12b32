/**
 * Login attempts are rate limited per client address: past the burst, the wallet API answers
 * 429 LOGIN_RATE_LIMITED and the login forms show the refusal page.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Browser, byId, startLoginNode } from '../login/fixtures.js';
import type { LoginNode } from '../login/fixtures.js';

let ln: LoginNode;
before(async () => {
  ln = await startLoginNode({ rateLimit: { burst: 3, perSecond: 0.01 } });
});
after(() => ln?.close());

test('attempts beyond the burst are refused with LOGIN_RATE_LIMITED', async () => {
  const post = () =>
    fetch(`${ln.url}/login/wallet/some-challenge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response: 'x.y.z' }),
    });
  const codes: number[] = [];
  for (let i = 0; i < 3; i++) codes.push((await post()).status);
  assert.deepEqual(codes, [400, 400, 400]);
  const limited = await post();
  assert.equal(limited.status, 429);
  assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'LOGIN_RATE_LIMITED');
  const page = await new Browser().post(`${ln.url}/login/any-uid/continue`, { csrf: 'x' });
  assert.equal(page.status, 429);
  assert.equal(byId(page.body, 'code'), 'LOGIN_RATE_LIMITED');
});
