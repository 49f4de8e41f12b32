/** Raw HTTP/1.1 over a socket, for requests no HTTP client would send (bad framing, slow bodies). */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** A parsed raw answer. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses what the server wrote on the socket (one answer, no chunked encoding expected). */
export function parseRaw(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const head = text.slice(0, end < 0 ? text.length : end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers, body: end < 0 ? '' : text.slice(end + 4) };
}

/** An open socket to the server and the answer it will read until the server closes it. */
export interface RawExchange {
  socket: Socket;
  response: Promise<RawResponse>;
}

/**
 * Connects to `port` on 127.0.0.1 and writes `text`; the socket is left open (a held upload)
 * until the server closes it or the test destroys it.
 */
export async function openRaw(
  port: number,
  text: string | Buffer,
  localAddress?: string,
): Promise<RawExchange> {
  const socket = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const response = new Promise<RawResponse>((resolve) => {
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(parseRaw(Buffer.concat(chunks).toString('utf8'))));
  });
  socket.write(text);
  return { socket, response };
}

/** Sends `text` and reads the answer until the server closes the connection. */
export async function rawRequest(
  port: number,
  text: string | Buffer,
  localAddress?: string,
): Promise<RawResponse> {
  return (await openRaw(port, text, localAddress)).response;
}

/** Resolves once `check()` holds, looking again every few milliseconds (waits on a state, not a duration). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 5));
}
