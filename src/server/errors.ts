import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, TrustbridgeError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';

/** The JSON body of every API error: a stable code and a message (hidden for 5xx). */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}

function fromFastify(e: FastifyError): { code: ErrorCode; message: string } | undefined {
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { code: 'INPUT_TOO_LARGE', message: e.message };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { code: 'HTTP_UNSUPPORTED_MEDIA_TYPE', message: e.message };
  if (
    e.validation ||
    e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  ) {
    return { code: 'INPUT_MALFORMED', message: e.message };
  }
  if (e instanceof SyntaxError || (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)) {
    return { code: 'INPUT_MALFORMED', message: e.message };
  }
  return undefined;
}

/**
 * Maps any error to an HTTP status and `{error: {code, message}}`. Internal errors are logged
 * and answered with a generic message so nothing about the server leaks.
 */
export function handleError(
  this: unknown,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  let code: ErrorCode = 'INTERNAL';
  let message: string = ERROR_CATALOGUE.INTERNAL.text;
  if (error instanceof TrustbridgeError) {
    code = error.code;
    message = error.message;
  } else if (typeof error === 'object' && error !== null) {
    const mapped = fromFastify(error as FastifyError);
    if (mapped) ({ code, message } = mapped);
  }
  const status = ERROR_CATALOGUE[code].status;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    message = ERROR_CATALOGUE[code].text;
  }
  const body: ApiErrorBody = { error: { code, message } };
  void reply.status(status).type('application/json').send(body);
}
