/**
 * `trustbridge node serve --tls-login-port` (issue 5 part 2a) as an operator runs it: the node
 * process starts the TLS client-certificate login listener beside its HTTP listener (with a
 * self-signed server certificate made in memory when none is given, or the operator's), the
 * login page offers it, and a citizen whose wallet was made by `wallet create` / `eid enroll`
 * logs in to a relying party registered with `rp add`, openid-client completing the flow.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as oidc from 'openid-client';
import { openWallet } from '../../src/eid/wallet.js';
import type { Wallet } from '../../src/eid/wallet.js';
import {
  WALLET_PASSWORD,
  cliJson,
  createAndEnroll,
  errorCode,
  freePort,
  initNode,
  missingTools,
  runCli,
  startServe,
  tempDir,
  tool,
} from '../fixtures/cli.js';
import type { Served } from '../fixtures/cli.js';
import { toPage } from '../login/fixtures.js';
import { clientOf, opensslServerCertificate, startTlsLogin, tlsGet } from '../login/fixtures.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const tmp = tempDir('tb-tls-serve-');
const dir = join(tmp.path, 'ph');
let base: string;
let wallet: Wallet;
let nationalId: string;
let client: { clientId: string; clientSecret: string };

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await initNode(dir, ['--base-url', base]);
  const walletFile = join(tmp.path, 'citizen.p12');
  ({ nationalId } = await createAndEnroll(dir, walletFile));
  wallet = openWallet(readFileSync(walletFile), WALLET_PASSWORD);
  client = await cliJson(['rp', 'add', '--dir', dir, '--redirect-uri', REDIRECT, '--name', 'PH tax office']);
});
after(() => tmp.remove());

/** Serves the node with `args`, logs the citizen in over TLS, returns what the server printed. */
async function loginOverTls(args: string[]): Promise<{ served: Served; fingerprint: string; sub: unknown }> {
  const served = await startServe(dir, { port: Number(new URL(base).port), args });
  try {
    const config = await oidc.discovery(
      new URL(`${base}/oidc`),
      client.clientId,
      client.clientSecret,
      undefined,
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const { browser, tlsUrl, verifier, state } = await startTlsLogin(config, REDIRECT, base);
    const printed = /TLS client-certificate login on (\S+)/.exec(served.stdout)?.[1];
    assert.ok(printed && tlsUrl.startsWith(`${printed}/login/`), `${tlsUrl} is on ${printed}`);
    const back = await tlsGet(tlsUrl, browser, clientOf(wallet));
    assert.equal(back.status, 303, back.body.slice(0, 500));
    const consent = await toPage(browser, await browser.get(back.location!), base);
    const uid = /action="\/login\/([^/"]+)\/consent"/.exec(consent.page.body)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(consent.page.body)![1]!;
    const end = await toPage(browser, await browser.post(`${base}/login/${uid}/consent`, { csrf }), base);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(end.url!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    return { served, fingerprint: back.serverFingerprint, sub: tokens.claims()!.sub };
  } catch (e) {
    await served.stop();
    throw e;
  }
}

test('node serve --tls-login-port: a self-signed listener made in memory logs the citizen in', async () => {
  const { served, fingerprint, sub } = await loginOverTls(['--tls-login-port', '0']);
  await served.stop();
  assert.equal(sub, `PH/PH/${nationalId}`);
  const printed = /SHA-256 ([0-9A-F:]+)/.exec(served.stdout)?.[1];
  assert.equal(fingerprint, printed, 'the printed fingerprint is the certificate the listener presents');
});

test(
  'node serve --tls-login-cert/--tls-login-key: the operator certificate is used',
  { skip: missingTools('openssl') },
  async () => {
    const { cert, key } = await opensslServerCertificate(tmp.path);
    const expected = (await tool('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256']))
      .trim()
      .split('=')[1];
    const { served, fingerprint, sub } = await loginOverTls([
      '--tls-login-port',
      '0',
      '--tls-login-cert',
      cert,
      '--tls-login-key',
      key,
    ]);
    await served.stop();
    assert.equal(sub, `PH/PH/${nationalId}`);
    assert.equal(fingerprint, expected);
    assert.doesNotMatch(served.stdout, /self-signed/);
  },
);

test('node serve refuses a TLS certificate without its key, with a stable code', async () => {
  const r = await runCli([
    'node',
    'serve',
    '--dir',
    dir,
    '--port',
    '0',
    '--tls-login-port',
    '0',
    '--tls-login-cert',
    join(tmp.path, 'missing.pem'),
  ]);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(errorCode(r.stderr), 'USAGE_INVALID_ARGUMENT');
});
