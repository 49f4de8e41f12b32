/**
 * eID login with a TLS client certificate (issue 5 part 2a), as national eID login services do
 * it: a dedicated HTTPS listener asks for a client certificate (RFC 8446 §4.3.2
 * CertificateRequest; the handshake's CertificateVerify proves the key), and
 * `GET /login/:uid/tls` validates the presented authentication certificate exactly as a signed
 * challenge's (path to the node root, OCSP in-process, country, register), then finishes the
 * interaction the browser started on the node's main origin (its cookie is sent here too:
 * cookies do not depend on the port).
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { LIB_ERRORS, TrustbridgeError } from '../lib/errors.js';
import { loginHttpStatus } from './http_status.js';
import type { HttpStatusOf } from './http_status.js';
import { destinationOf } from './clients.js';
import { authenticateCertificate } from './eid_authentication.js';
import { LoginError } from './errors.js';
import { recordResult } from './login_result.js';
import { errorPage, renderPage } from './html.js';
import type { LoginServiceRef } from './interaction_routes.js';

/** Options of {@link startTlsLoginListener}. */
export interface TlsLoginOptions {
  host: string;
  port: number;
  /** The listener's server certificate chain and key (PEM). */
  cert: string | Buffer;
  key: string | Buffer;
  /** Decrypts an encrypted PEM key. */
  passphrase?: string;
  /** The HTTP status of an error code (the server passes its complete map). */
  statusOf?: HttpStatusOf;
}

/** A running TLS login listener. */
export interface TlsLoginListener {
  url: string;
  close(): Promise<void>;
}

/** The presented certificate and the chain the client sent with it (DER). */
function presented(socket: TLSSocket): { certificate: Buffer; chain: Buffer[] } {
  const peer = socket.getPeerCertificate(true) as DetailedPeerCertificate | Record<string, never>;
  if (!peer || !('raw' in peer) || !peer.raw)
    throw new LoginError('LOGIN_CERTIFICATE_UNTRUSTED', 'no client certificate was presented');
  const chain: Buffer[] = [];
  let next = peer.issuerCertificate;
  for (let i = 0; next && next.raw && next !== next.issuerCertificate && i < 5; i++) {
    chain.push(next.raw);
    next = next.issuerCertificate;
  }
  return { certificate: peer.raw, chain };
}

function send(res: ServerResponse, status: number, page: ReturnType<typeof renderPage>): void {
  res.writeHead(status, page.headers).end(page.html);
}

async function handle(get: LoginServiceRef, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = /^\/login\/([A-Za-z0-9_-]{1,128})\/tls$/.exec(new URL(req.url ?? '/', 'https://x').pathname);
  if (req.method !== 'GET' || !m) {
    send(res, 404, renderPage(errorPage('HTTP_NOT_FOUND', 'no such page')));
    return;
  }
  const svc = await get();
  await svc.limiter.take(req.socket.remoteAddress ?? 'unknown');
  const { certificate, chain } = presented(req.socket as TLSSocket);
  let details;
  try {
    details = await svc.provider.interactionDetails(req, res);
  } catch (e) {
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', undefined, { cause: e });
  }
  if (details.uid !== m[1])
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'the page does not match this browser');
  const citizen = await authenticateCertificate(svc.verifier, certificate, chain);
  const accountId = `${citizen.country}/${citizen.country}/${citizen.nationalId}`;
  const client = await svc.provider.Client.find(String(details.params['client_id']));
  if (destinationOf(client, svc.country) !== svc.country)
    throw new LoginError('LOGIN_INTERACTION_UNKNOWN', 'peer nodes log their citizens in with the wallet');
  const to = await recordResult(details, {
    login: { accountId, acr: citizen.acr, amr: citizen.amr, remember: false },
  });
  res.writeHead(303, { location: new URL(to, svc.issuer).href, 'cache-control': 'no-store' }).end();
}

/**
 * Starts the TLS client-certificate login listener.
 *
 * @param get - the node's login service
 * @param o - address, server certificate and key
 * @example
 * ```ts
 * const tls = await startTlsLoginListener(routes.service, { host: '127.0.0.1', port: 8443, cert, key });
 * ```
 */
export async function startTlsLoginListener(
  get: LoginServiceRef,
  o: TlsLoginOptions,
): Promise<TlsLoginListener> {
  const server = https.createServer(
    // The certificate is requested but checked by trustbridge (path, OCSP, country), not by TLS:
    // a refused certificate then gets a page that says why rather than a handshake failure.
    {
      cert: o.cert,
      key: o.key,
      ...(o.passphrase ? { passphrase: o.passphrase } : {}),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      handle(get, req, res).catch((e: unknown) => {
        const known = e instanceof TrustbridgeError;
        const code = known ? e.code : 'INTERNAL';
        const message = known ? e.message : LIB_ERRORS.INTERNAL.text;
        send(res, (o.statusOf ?? loginHttpStatus)(code), renderPage(errorPage(code, message)));
      });
    },
  );
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(o.port, o.host, ok);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    url: `https://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
