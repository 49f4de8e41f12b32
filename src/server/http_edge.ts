/**
 * Errors answered before a request reaches a route: malformed HTTP (Node's parser refuses it and
 * the server writes the answer on the socket itself), the server's request timeout, a URL with a
 * bad `%` escape. Each is answered in the documented `{"error":{"code","message"}}` shape with a
 * stable code, like every other error of the node.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_ERRORS, httpStatus } from './errors.js';
import type { ApiErrorBody } from './errors.js';

/** The code a client error of Node's HTTP parser (`llhttp`) or server is answered with. */
function clientErrorCode(err: NodeJS.ErrnoException): keyof typeof HTTP_ERRORS {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'HTTP_REQUEST_TIMEOUT';
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'HTTP_HEADERS_TOO_LARGE';
  return 'HTTP_BAD_REQUEST';
}

/**
 * The server's `clientError` handler (Fastify `clientErrorHandler`): writes the JSON error
 * shape on the socket, then closes it. Node's parser stops at the first error, so the
 * connection cannot carry another request (RFC 9112 §11.2: no guessing at framing).
 *
 * @param err - the parser or timeout error
 * @param socket - the client's socket
 * @example
 * ```ts
 * Fastify({ clientErrorHandler: answerClientError });
 * ```
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code = clientErrorCode(err);
  const status = httpStatus(code);
  const body: ApiErrorBody = { error: { code, message: HTTP_ERRORS[code].text } };
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
        `Connection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

/**
 * Fastify's `frameworkErrors` handler: a URL that cannot be decoded (a bad `%` escape), a path
 * parameter too long, answered in the JSON error shape.
 *
 * @param error - the framework's error (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH, …)
 * @param _req - the request
 * @param reply - its reply
 * @example
 * ```ts
 * Fastify({ frameworkErrors: answerFrameworkError });
 * ```
 */
export function answerFrameworkError(error: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const code = error.code === 'FST_ERR_BAD_URL' ? 'HTTP_URL_MALFORMED' : 'HTTP_BAD_REQUEST';
  const body: ApiErrorBody = { error: { code, message: HTTP_ERRORS[code].text } };
  void reply.status(httpStatus(code)).type('application/json').send(body);
}

/** Query parameters whose values are never written to logs: all of them, since any may be personal. */
const QUERY = /([?&][^=&#]*)=[^&#]*/g;

/**
 * The URL as logged: the query values replaced by `***` (an OpenID Connect logout carries an
 * `id_token_hint` with the national identifier; a login callback carries `code` and `state`).
 *
 * @param url - the request target
 * @example
 * ```ts
 * redactUrl('/logout?id_token_hint=eyJ...&state=x'); // '/logout?id_token_hint=***&state=***'
 * ```
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  return url.slice(0, q) + url.slice(q).replace(QUERY, '$1=***');
}

/**
 * Fastify's request serializer for the logger: method, redacted URL, host and client address.
 *
 * @param req - the request
 * @example
 * ```ts
 * Fastify({ logger: { serializers: { req: serializeRequest } } });
 * ```
 */
export function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
  };
}
