/**
 * eID login with a TLS client certificate on the dedicated HTTPS listener (issue 5 part 2a):
 * the authentication certificate presented in the handshake logs the citizen in (openid-client
 * completes the flow); no certificate, or a revoked eID, gets a refusal page.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as oidc from 'openid-client';
import { revoke } from '../../src/eid/lifecycle.js';
import { startTlsLoginListener } from '../../src/login/tls_listener.js';
import type { TlsLoginListener } from '../../src/login/tls_listener.js';
import { freePort, missingTools, tempDir } from '../fixtures/cli.js';
import { PERSON_A, PERSON_B } from '../fixtures/node.js';
import { addTestClient, byId, enrolCitizen, startLoginNode } from '../login/fixtures.js';
import type { LoginNode } from '../login/fixtures.js';
import { clientOf, opensslServerCertificate, startTlsLogin, tlsGet } from '../login/fixtures.js';
import { toPage } from '../login/fixtures.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const tmp = tempDir('tb-tls-');
let ln: LoginNode;
let tls: TlsLoginListener;
let config: oidc.Configuration;

before(async () => {
  if (missingTools('openssl')) return;
  const { cert, key } = await opensslServerCertificate(tmp.path);
  const port = await freePort();
  ln = await startLoginNode({ tlsLoginUrl: `https://127.0.0.1:${port}` });
  tls = await startTlsLoginListener(() => Promise.resolve(ln.svc), {
    host: '127.0.0.1',
    port,
    cert: readFileSync(cert),
    key: readFileSync(key),
  });
  const c = await addTestClient(ln, REDIRECT);
  config = await oidc.discovery(new URL(ln.svc.issuer), c.clientId, c.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
});
after(async () => {
  await tls?.close();
  await ln?.close();
  tmp.remove();
});

function start(): ReturnType<typeof startTlsLogin> {
  return startTlsLogin(config, REDIRECT, ln.url);
}

test('the TLS client certificate logs the citizen in', { skip: missingTools('openssl') }, async () => {
  const { wallet, nationalId } = await enrolCitizen(ln.node, 'a', PERSON_A);
  const { browser, tlsUrl, verifier, state } = await start();
  const back = await tlsGet(tlsUrl, browser, clientOf(wallet));
  assert.equal(back.status, 303, back.body.slice(0, 500));
  const consent = await toPage(browser, await browser.get(back.location!), ln.url);
  const uid = /action="\/login\/([^/"]+)\/consent"/.exec(consent.page.body)![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(consent.page.body)![1]!;
  const end = await toPage(browser, await browser.post(`${ln.url}/login/${uid}/consent`, { csrf }), ln.url);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(end.url!), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  assert.equal(tokens.claims()!.sub, `PH/PH/${nationalId}`);
});

test(
  'no certificate, or a revoked eID, is refused with a page',
  { skip: missingTools('openssl') },
  async () => {
    const { wallet, nationalId } = await enrolCitizen(ln.node, 'b', PERSON_B);
    const none = await start();
    const noCert = await tlsGet(none.tlsUrl, none.browser);
    assert.equal(noCert.status, 403);
    assert.equal(byId(noCert.body, 'code'), 'LOGIN_CERTIFICATE_UNTRUSTED');
    await revoke(ln.node.eid, { nationalId }, 'affiliationChanged', 'officer');
    const revoked = await start();
    const page = await tlsGet(revoked.tlsUrl, revoked.browser, clientOf(wallet));
    assert.equal(page.status, 403);
    assert.equal(byId(page.body, 'code'), 'LOGIN_EID_REVOKED');
  },
);
