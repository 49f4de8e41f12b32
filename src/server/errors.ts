/**
 * The HTTP edge: its own codes (unknown resource, media type), the HTTP status of every
 * trustbridge code, and the Fastify error handler that turns any error into `{error: {code,
 * message}}` with that status. Statuses are decided here, not in the domains.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CSV_ERRORS, LIB_ERRORS, PKI_ERRORS, TrustbridgeError, errorText } from '../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../lib/errors.js';
import { PDF_ERRORS } from '../lib/pdf/errors.js';
import { XML_ERRORS } from '../lib/xml/errors.js';
import { ZIP_ERRORS } from '../lib/zip/errors.js';
import { X509_ERRORS } from '../x509/errors.js';
import { KEY_STORE_ERRORS } from '../pki/errors.js';
import { STORE_ERRORS } from '../store/errors.js';
import { TIMESTAMP_ERRORS } from '../timestamp/errors.js';
import { SIGNATURE_ERRORS } from '../signature/errors.js';
import { ASIC_ERRORS } from '../signature/asic/errors.js';
import { JADES_ERRORS } from '../signature/jades/errors.js';
import { PADES_ERRORS } from '../signature/pades/errors.js';
import { XADES_ERRORS } from '../signature/xades/errors.js';
import { PATH_VALIDATION_ERRORS, VALIDATION_ERRORS } from '../validation/errors.js';
import { TRUST_STORE_ERRORS } from '../trust/store/errors.js';
import { TL_PUBLISH_ERRORS } from '../trust/writer/errors.js';
import { LEDGER_ERRORS } from '../ledger/errors.js';
import { EID_ERRORS } from '../eid/errors.js';
import { NODE_ERRORS } from '../node/errors.js';
import type { NodeErrorCode } from '../node/errors.js';
import { LOGIN_ERRORS } from '../login/errors.js';
import { LOGIN_HTTP_STATUS } from '../login/http_status.js';
import { HUB_ERRORS } from '../hub/errors.js';
import { PORTAL_ERRORS, PORTAL_HTTP_STATUS } from '../portal/errors.js';
import { TAX_PORTAL_ERRORS, TAX_PORTAL_HTTP_STATUS } from '../federation/tax_portal/errors.js';
import { CERT_ERRORS, CERT_HTTP_STATUS } from '../cert/errors.js';

/**
 * The HTTP edge and authorisation codes and their texts.
 *
 * @example
 * ```ts
 * HTTP_ERRORS.HTTP_NOT_FOUND.text;
 * ```
 */
export const HTTP_ERRORS = {
  HTTP_NOT_FOUND: { text: 'no such resource' },
  HTTP_UNSUPPORTED_MEDIA_TYPE: { text: 'unsupported content type' },
  HTTP_BAD_REQUEST: { text: 'the request is not valid HTTP/1.1' },
  HTTP_URL_MALFORMED: { text: 'the request URL is malformed' },
  HTTP_HEADERS_TOO_LARGE: { text: 'the request headers are too large' },
  HTTP_REQUEST_TIMEOUT: { text: 'the request was not received in time' },
  HTTP_BUSY: { text: 'the node is busy with other uploads; retry later' },
  HTTP_CLIENT_BUSY: { text: 'too many uploads from this client at once; retry later' },
} as const satisfies ErrorList;

/**
 * A code {@link HttpError} carries: its own list, lib's shared codes, or node's officer
 * authorisation codes (officers are node's; the API answers with them too).
 */
export type HttpErrorCode =
  keyof typeof HTTP_ERRORS | LibErrorCode | Extract<NodeErrorCode, `AUTH_${string}`>;

/**
 * An HTTP request was refused (authorisation, unknown resource, media type).
 *
 * @example
 * ```ts
 * throw new HttpError('HTTP_NOT_FOUND', 'no such certificate');
 * ```
 */
export class HttpError extends TrustbridgeError<HttpErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: HttpErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText({ ...NODE_ERRORS, ...HTTP_ERRORS }, code), options);
  }

  /** The HTTP status of its code: a route used without {@link handleError} still answers with it. */
  get status(): number {
    return httpStatus(this.code);
  }
}

// The texts a 5xx answer shows instead of the error's own message (which may leak details). Every
// domain sits below server, so the edge reads their lists directly.
const TEXTS: ErrorList = {
  ...PKI_ERRORS,
  ...CSV_ERRORS,
  ...PDF_ERRORS,
  ...XML_ERRORS,
  ...ZIP_ERRORS,
  ...X509_ERRORS,
  ...KEY_STORE_ERRORS,
  ...STORE_ERRORS,
  ...TIMESTAMP_ERRORS,
  ...SIGNATURE_ERRORS,
  ...ASIC_ERRORS,
  ...JADES_ERRORS,
  ...PADES_ERRORS,
  ...XADES_ERRORS,
  ...PATH_VALIDATION_ERRORS,
  ...VALIDATION_ERRORS,
  ...TRUST_STORE_ERRORS,
  ...TL_PUBLISH_ERRORS,
  ...LEDGER_ERRORS,
  ...EID_ERRORS,
  ...NODE_ERRORS,
  ...LOGIN_ERRORS,
  ...HUB_ERRORS,
  ...PORTAL_ERRORS,
  ...TAX_PORTAL_ERRORS,
  ...CERT_ERRORS,
  ...HTTP_ERRORS,
};

/**
 * The HTTP status of every trustbridge code; a test checks it covers the whole catalogue.
 *
 * @example
 * ```ts
 * HTTP_STATUS.EID_PERSON_DUPLICATE; // 409
 * ```
 */
export const HTTP_STATUS: Readonly<Record<string, number>> = {
  // the login codes: login answers them on its own pages too, so their statuses live there
  ...LOGIN_HTTP_STATUS,
  // the sample public service serves its own pages too
  ...TAX_PORTAL_HTTP_STATUS,
  // the web pages answer their refusals as pages
  ...PORTAL_HTTP_STATUS,
  // the CERT exchange's codes: the TAXII server answers them itself, in its error resource
  ...CERT_HTTP_STATUS,
  USAGE_INVALID_ARGUMENT: 400,
  INPUT_MALFORMED: 400,
  // A usage problem (another option fixes it), so the CLI exits 3.
  PORT_IN_USE: 409,
  INPUT_TOO_LARGE: 413,
  KEY_NOT_FOUND: 500,
  KEY_EXISTS: 409,
  KEY_PASSPHRASE_WRONG: 400,
  KEY_PASSPHRASE_MISSING: 400,
  // A passphrase the user chose: another one fixes it, so the CLI exits 3.
  KEY_PASSPHRASE_WEAK: 400,
  // A damaged or foreign file in the key folder: the operator must restore it (exit 1).
  KEY_FILE_MALFORMED: 500,
  KEY_STORE_UNAVAILABLE: 503,
  KEY_ALGORITHM_UNSUPPORTED: 400,
  X509_CERTIFICATE_MALFORMED: 400,
  X509_CRL_MALFORMED: 400,
  PKI_CSR_MALFORMED: 400,
  PKI_CSR_SIGNATURE_INVALID: 400,
  PKI_CSR_ALGORITHM_UNSUPPORTED: 400,
  PKI_CSR_KEY_REUSED: 400,
  PKI_CERT_MALFORMED: 400,
  PKI_OCSP_REQUEST_MALFORMED: 400,
  PKI_PKCS12_MALFORMED: 400,
  PKI_PKCS12_PASSWORD_WRONG: 400,
  PKI_CMS_MALFORMED: 400,
  PKI_CMS_ALGORITHM_UNSUPPORTED: 400,
  PKI_CMS_SIGNER_MISMATCH: 400,
  PKI_CMS_DIGEST_MISMATCH: 400,
  PKI_CMS_SIGNATURE_INVALID: 400,
  TSP_TRANSPORT_FAILED: 502,
  TSP_RESPONSE_MALFORMED: 502,
  TSP_REJECTED: 502,
  TSP_RESPONSE_MISMATCH: 502,
  TSP_TOKEN_MALFORMED: 400,
  TSP_IMPRINT_MISMATCH: 400,
  TSP_SIGNATURE_INVALID: 400,
  TSP_CERTIFICATE_INVALID: 400,
  PATH_NO_CHAIN_FOUND: 422,
  PATH_SIGNATURE_INVALID: 422,
  PATH_ALGORITHM_UNSUPPORTED: 422,
  PATH_EXPIRED: 422,
  PATH_NOT_YET_VALID: 422,
  PATH_NOT_A_CA: 422,
  PATH_LENGTH_EXCEEDED: 422,
  PATH_NAME_CONSTRAINTS: 422,
  PATH_POLICY: 422,
  PATH_UNKNOWN_CRITICAL_EXTENSION: 422,
  PATH_KEY_USAGE: 422,
  PATH_EKU: 422,
  PATH_REVOKED: 422,
  PATH_CA_REVOKED: 422,
  PATH_REVOCATION_UNKNOWN: 422,
  PATH_PROFILE_VIOLATION: 422,
  PATH_PEER_NAME_MISMATCH: 422,
  PATH_MALFORMED: 400,
  JADES_MALFORMED: 400,
  JADES_HEADER_INVALID: 400,
  JADES_ALGORITHM_UNSUPPORTED: 400,
  JADES_CERTIFICATE_MISMATCH: 400,
  JADES_SIGNATURE_INVALID: 400,
  REV_TRANSPORT_FAILED: 502,
  REV_OCSP_RESPONSE_INVALID: 502,
  NODE_NOT_INITIALISED: 500,
  NODE_EXISTS: 409,
  EID_INVALID_NAME: 400,
  EID_INVALID_DATE: 400,
  EID_INVALID_SEX: 400,
  EID_INVALID_COUNTRY: 400,
  EID_INVALID_NATIONAL_ID: 400,
  EID_PERSON_DUPLICATE: 409,
  EID_ENROLMENT_HELD: 409,
  EID_REVIEW_NOT_FOUND: 404,
  EID_REVIEW_DECIDED: 409,
  EID_PERSON_NOT_FOUND: 404,
  EID_CERT_NOT_FOUND: 404,
  EID_INVALID_STATE: 409,
  EID_INVALID_REASON: 400,
  EID_IMPORT_MALFORMED: 400,
  STORE_UNAVAILABLE: 503,
  STORE_MIGRATION_FAILED: 500,
  // The operator must restore the file or fix its owner: not a usage problem (exit 1).
  STORE_CORRUPT: 500,
  STORE_PERMISSIONS_UNSAFE: 500,
  VALIDATION_FORMAT_UNKNOWN: 415,
  VALIDATION_NO_SIGNATURE: 422,
  VALIDATION_TRUST_SOURCE_INVALID: 400,
  VALIDATION_POLICY_INVALID: 400,
  VALIDATION_TIME_INVALID: 400,
  REPORT_MALFORMED: 400,
  XML_MALFORMED: 400,
  XML_DTD_FORBIDDEN: 400,
  XML_TOO_LARGE: 413,
  XADES_MALFORMED: 400,
  XADES_ALGORITHM_UNSUPPORTED: 400,
  XADES_REFERENCE_UNRESOLVED: 422,
  XADES_DIGEST_MISMATCH: 422,
  XADES_SIGNATURE_INVALID: 422,
  PDF_MALFORMED: 400,
  PDF_UNSUPPORTED: 400,
  PADES_MALFORMED: 400,
  ZIP_MALFORMED: 400,
  ZIP_UNSUPPORTED: 400,
  ZIP_LIMIT_EXCEEDED: 413,
  ASIC_MALFORMED: 400,
  TRUST_LIST_MALFORMED: 422,
  TRUST_LIST_SIGNATURE_INVALID: 422,
  TRUST_LIST_SIGNER_UNTRUSTED: 422,
  TRUST_LIST_ROLLBACK: 409,
  TRUST_LIST_STALE: 422,
  TRUST_LIST_UNAVAILABLE: 502,
  TL_INPUT_INVALID: 400,
  TL_SIGNER_INVALID: 400,
  TL_SERVICE_UNKNOWN: 404,
  TL_STATE_CORRUPT: 500,
  // The transparency log: bad input 400, a note or checkpoint without a trusted signature 403,
  // an unknown tile or log 404, a witness conflict 409, a proof or policy not met 422.
  LEDGER_HASH_MALFORMED: 400,
  LEDGER_SIZE_INVALID: 400,
  LEDGER_ENTRY_TOO_LARGE: 413,
  LEDGER_ENTRY_MALFORMED: 422,
  LEDGER_ENTRY_UNSUPPORTED: 422,
  LEDGER_TILE_PATH_INVALID: 404,
  LEDGER_TILE_MISSING: 404,
  LEDGER_TILE_MALFORMED: 502,
  LEDGER_TREE_MISMATCH: 500,
  LEDGER_PROOF_INVALID: 422,
  LEDGER_NOTE_MALFORMED: 400,
  LEDGER_NOTE_TOO_LARGE: 413,
  LEDGER_NOTE_UNVERIFIED: 403,
  LEDGER_NOTE_SIGNATURE_INVALID: 403,
  LEDGER_KEY_MALFORMED: 400,
  LEDGER_CHECKPOINT_MALFORMED: 400,
  LEDGER_COSIGNATURE_INVALID: 403,
  LEDGER_POLICY_MALFORMED: 400,
  LEDGER_POLICY_UNMET: 422,
  LEDGER_WITNESS_REQUEST_MALFORMED: 400,
  LEDGER_WITNESS_UNKNOWN_LOG: 404,
  LEDGER_WITNESS_SIZE_CONFLICT: 409,
  LEDGER_RECEIPT_MALFORMED: 400,
  LEDGER_RECEIPT_MISMATCH: 422,
  LEDGER_SEQUENCER_CONFLICT: 409,
  LEDGER_NOT_LOGGED: 404,
  LEDGER_LOG_UNREACHABLE: 502,
  LEDGER_LOOKUP_OFFLINE: 503,
  LEDGER_LOOKUP_NO_LOTL: 422,
  LEDGER_LOOKUP_NO_LOG: 404,
  LEDGER_DIGEST_MALFORMED: 400,
  LEDGER_MONITOR_UNLOGGED: 409,
  LEDGER_MONITOR_UNKNOWN_CERT: 409,
  LEDGER_MONITOR_FORK: 409,
  LEDGER_MONITOR_WITNESS_REFUSED: 409,
  HUB_EXISTS: 409,
  HUB_NOT_INITIALISED: 404,
  HUB_MEMBER_EXISTS: 409,
  HUB_MEMBER_UNKNOWN: 404,
  HUB_MEMBER_STATE: 409,
  AUTH_TOKEN_MISSING: 401,
  AUTH_TOKEN_INVALID: 401,
  AUTH_FORBIDDEN: 403,
  HTTP_NOT_FOUND: 404,
  HTTP_UNSUPPORTED_MEDIA_TYPE: 415,
  HTTP_BAD_REQUEST: 400,
  HTTP_URL_MALFORMED: 400,
  HTTP_HEADERS_TOO_LARGE: 431,
  HTTP_REQUEST_TIMEOUT: 408,
  HTTP_BUSY: 503,
  HTTP_CLIENT_BUSY: 429,
  INTERNAL: 500,
};

/**
 * The HTTP status the API answers `code` with (500 for a code it does not know).
 *
 * @param code - a trustbridge error code
 * @example
 * ```ts
 * httpStatus('AUTH_FORBIDDEN'); // 403
 * ```
 */
export function httpStatus(code: string): number {
  return Object.hasOwn(HTTP_STATUS, code) ? HTTP_STATUS[code]! : 500;
}

/** The JSON body of every API error: a stable code and a message (hidden for 5xx). */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

function fromFastify(e: FastifyError): { code: string; message: string } | undefined {
  if (e.code === 'FST_ERR_BAD_URL') return { code: 'HTTP_URL_MALFORMED', message: e.message };
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
  let code: string = 'INTERNAL';
  let message: string = LIB_ERRORS.INTERNAL.text;
  if (error instanceof TrustbridgeError) {
    code = error.code;
    message = error.message;
  } else if (typeof error === 'object' && error !== null) {
    const mapped = fromFastify(error as FastifyError);
    if (mapped) ({ code, message } = mapped);
  }
  const status = httpStatus(code);
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    message = errorText(TEXTS, code);
  }
  const body: ApiErrorBody = { error: { code, message } };
  void reply.status(status).type('application/json').send(body);
}
