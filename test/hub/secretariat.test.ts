/**
 * `hub init` writes the secretariat's token to `HUB/secretariat-token` (0600) and keeps only its
 * SHA-256 hash in `hub.json`; the hub's `GET /` answers the cooperation portal's page.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readHubConfig } from '../../src/hub/config.js';
import { initHub } from '../../src/hub/hub.js';
import type { HubContext } from '../../src/hub/hub.js';
import { isSecretariatToken } from '../../src/hub/secretariat.js';
import { buildHubApp } from '../../src/server/hub_app.js';
import { tempDir } from '../fixtures/cli.js';
import { testClock } from '../fixtures/node.js';

describe('secretariat token and hub home', () => {
  const tmp = tempDir('tb-hub-secretariat-');
  const dir = join(tmp.path, 'hub');
  let hub: HubContext;
  before(async () => {
    hub = await initHub({
      dir,
      name: 'Regional Digital Trust Hub',
      passphrase: 'hub test passphrase',
      clock: testClock(),
    });
  });
  after(async () => {
    await hub?.close();
    tmp.remove();
  });

  it('is written once, 0600, and stored only as its hash', () => {
    const file = join(dir, 'secretariat-token');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    assert.match(token, /^tbs_[A-Za-z0-9_-]{43}$/);
    const config = readHubConfig(dir);
    assert.equal(config.secretariatTokenSha256, createHash('sha256').update(token).digest('hex'));
    assert.ok(!readFileSync(join(dir, 'hub.json'), 'utf8').includes(token));
    assert.equal(isSecretariatToken(config, token), true);
    assert.equal(isSecretariatToken(config, `${token.slice(0, -1)}x`), false);
    assert.equal(isSecretariatToken(config, ''), false);
    assert.equal(isSecretariatToken({ ...config, secretariatTokenSha256: undefined }, token), false);
  });

  it("GET / on the hub answers the cooperation portal's page", async () => {
    const app = await buildHubApp(hub);
    try {
      const res = await app.inject({ url: '/' });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.match(res.body, /<h1>Cooperation portal<\/h1>/);
      assert.ok(res.body.includes('Regional hub: Regional Digital Trust Hub'));
      assert.equal((await app.inject({ url: '/nope' })).json().error.code, 'HTTP_NOT_FOUND');
    } finally {
      await app.close();
    }
  });
});
