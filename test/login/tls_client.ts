/**
 * The browser side of the TLS client-certificate login (issue 5 part 2a): a GET over TLS with
 * the browser's cookies and, optionally, the citizen's authentication key and chain.
 */
import type { KeyObject } from 'node:crypto';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Wallet } from '../../src/eid/wallet.js';
import { toPem } from '../../src/lib/pem.js';
import type { Browser, Page } from './harness.js';

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
