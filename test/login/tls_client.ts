/**
 * The browser side of the TLS client-certificate login (issue 5 part 2a): the authorization
 * request up to the login page's TLS link, a GET over TLS with the browser's cookies and,
 * optionally, the citizen's authentication key and chain; and a server certificate from openssl.
 */
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { Wallet } from '../../src/eid/wallet.js';
import { toPem } from '../../src/lib/pem.js';
import * as oidc from 'openid-client';
import { tool } from '../fixtures/cli.js';
import { toPage } from './flow.js';
import { Browser } from './harness.js';
import type { Page } from './harness.js';

/** What the server presented in the handshake. */
export interface TlsPage extends Page {
  /** SHA-256 fingerprint of the server certificate (AA:BB:...). */
  serverFingerprint: string;
}

/** GET over TLS with the browser's cookies and, optionally, a client certificate. */
export function tlsGet(
  url: string,
  browser: Browser,
  client?: { key: KeyObject; chain: Buffer[] },
): Promise<TlsPage> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        headers: { cookie: browser.cookieHeader(url) },
        rejectUnauthorized: false,
        ...(client
          ? {
              key: client.key.export({ type: 'pkcs8', format: 'pem' }),
              cert: client.chain.map((c) => toPem(c, 'CERTIFICATE')).join(''),
            }
          : {}),
      },
      (res) => {
        const serverFingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '';
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location ? { location: res.headers.location } : {}),
            body,
            headers: new Headers(),
            serverFingerprint,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The wallet's authentication key and chain. */
export function clientOf(w: Wallet): { key: KeyObject; chain: Buffer[] } {
  return {
    key: w.keys.authentication.privateKey,
    chain: [w.keys.authentication.certificate!, w.caCertificates[0]!],
  };
}

/** A P-256 server certificate for 127.0.0.1 and its key, made by `openssl req` in `dir`. */
export async function opensslServerCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.pem');
  await tool('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
  ]);
  return { cert, key };
}

/** An authorization request with PKCE S256 and state, for `scope` (default the eIDAS set). */
export async function authorizationRequest(
  config: oidc.Configuration,
  redirectUri: string,
  scope = 'openid profile eidas',
): Promise<{ url: URL; verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  return { url, verifier, state };
}

/** Starts a login in a fresh browser and returns the TLS login link the login page offers. */
export async function startTlsLogin(
  config: oidc.Configuration,
  redirectUri: string,
  origin: string,
): Promise<{ browser: Browser; tlsUrl: string; verifier: string; state: string }> {
  const { url, verifier, state } = await authorizationRequest(config, redirectUri);
  const browser = new Browser();
  const { page } = await toPage(browser, await browser.get(url.href), origin);
  const tlsUrl = /id="tls-login" href="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(tlsUrl, 'the login page offers the TLS login');
  return { browser, tlsUrl, verifier, state };
}
