/**
 * The single catalogue of trustbridge error codes. Every error thrown by trustbridge is a
 * {@link TrustbridgeError} whose `code` is one of these keys; the catalogue also fixes the
 * HTTP status used at the API edge. Codes are stable: scripts and relying parties match on them.
 */
export const ERROR_CATALOGUE = {
  // usage / input
  USAGE_INVALID_ARGUMENT: { status: 400, text: 'a command-line argument is missing or invalid' },
  INPUT_MALFORMED: { status: 400, text: 'the input could not be parsed' },
  INPUT_TOO_LARGE: { status: 413, text: 'the input exceeds the size limit' },
  // key store
  KEY_NOT_FOUND: { status: 500, text: 'no key with that identifier in the key store' },
  KEY_EXISTS: { status: 409, text: 'a key with that identifier already exists' },
  KEY_PASSPHRASE_WRONG: { status: 400, text: 'the key store passphrase is wrong' },
  KEY_PASSPHRASE_MISSING: {
    status: 400,
    text: 'no passphrase given (TRUSTBRIDGE_PASSWORD or --password-file)',
  },
  KEY_STORE_UNAVAILABLE: { status: 503, text: 'the key store (file or HSM) cannot be used' },
  KEY_ALGORITHM_UNSUPPORTED: { status: 400, text: 'the key type or curve is not supported' },
  // X.509 (RFC 5280 §4.1 certificates, §5.1 CRLs) -- section owned by src/x509
  X509_CERTIFICATE_MALFORMED: {
    status: 400,
    text: 'the certificate is not a valid DER/PEM X.509 certificate',
  },
  X509_CRL_MALFORMED: { status: 400, text: 'the CRL is not a valid DER/PEM X.509 CRL' },
  // PKI structures
  PKI_CSR_MALFORMED: { status: 400, text: 'the certificate signing request is not valid DER/PEM PKCS#10' },
  PKI_CSR_SIGNATURE_INVALID: { status: 400, text: 'the CSR signature does not prove possession of the key' },
  PKI_CSR_ALGORITHM_UNSUPPORTED: { status: 400, text: 'the CSR key or signature algorithm is not allowed' },
  PKI_CSR_KEY_REUSED: {
    status: 400,
    text: 'the two CSRs, or a CSR and an earlier certificate, carry the same key',
  },
  PKI_CERT_MALFORMED: { status: 400, text: 'the certificate is not valid DER/PEM X.509' },
  PKI_OCSP_REQUEST_MALFORMED: { status: 400, text: 'the OCSP request is not valid DER' },
  PKI_PKCS12_MALFORMED: { status: 400, text: 'the PKCS#12 file could not be parsed' },
  PKI_PKCS12_PASSWORD_WRONG: { status: 400, text: 'the PKCS#12 password is wrong (integrity check failed)' },
  // CMS (RFC 5652)
  PKI_CMS_MALFORMED: { status: 400, text: 'the CMS SignedData is not valid DER' },
  PKI_CMS_ALGORITHM_UNSUPPORTED: {
    status: 400,
    text: 'the CMS digest or signature algorithm is not supported',
  },
  PKI_CMS_SIGNER_MISMATCH: { status: 400, text: 'the CMS SignerInfo does not name this certificate' },
  PKI_CMS_DIGEST_MISMATCH: {
    status: 400,
    text: 'the CMS messageDigest attribute does not match the content',
  },
  PKI_CMS_SIGNATURE_INVALID: { status: 400, text: 'the CMS signature does not verify' },
  // time-stamping (RFC 3161)
  TSP_TRANSPORT_FAILED: {
    status: 502,
    text: 'the time-stamping authority could not be reached or answered with an HTTP error',
  },
  TSP_RESPONSE_MALFORMED: {
    status: 502,
    text: 'the time-stamping authority did not answer with an RFC 3161 TimeStampResp',
  },
  TSP_REJECTED: { status: 502, text: 'the time-stamping authority did not grant the time-stamp' },
  TSP_RESPONSE_MISMATCH: {
    status: 502,
    text: 'the time-stamp token does not answer the request (nonce, message imprint, policy or certificate)',
  },
  TSP_TOKEN_MALFORMED: { status: 400, text: 'the time-stamp token is not a valid RFC 3161 token' },
  TSP_IMPRINT_MISMATCH: { status: 400, text: 'the time-stamp token is over other data' },
  TSP_SIGNATURE_INVALID: { status: 400, text: 'the time-stamp token signature does not verify' },
  TSP_CERTIFICATE_INVALID: {
    status: 400,
    text: 'the TSA certificate is missing, does not match the token, or is not a time-stamping certificate',
  },
  // certification path validation (RFC 5280 §6)
  PATH_NO_CHAIN_FOUND: { status: 422, text: 'no certification path to a trust anchor was found' },
  PATH_SIGNATURE_INVALID: { status: 422, text: 'a certificate signature in the path does not verify' },
  PATH_ALGORITHM_UNSUPPORTED: {
    status: 422,
    text: 'a signature or key algorithm in the path is not supported',
  },
  PATH_EXPIRED: { status: 422, text: 'a certificate in the path has expired at the validation time' },
  PATH_NOT_YET_VALID: {
    status: 422,
    text: 'a certificate in the path is not yet valid at the validation time',
  },
  PATH_NOT_A_CA: { status: 422, text: 'an issuing certificate in the path is not a CA certificate' },
  PATH_LENGTH_EXCEEDED: { status: 422, text: 'the path is longer than a path length constraint allows' },
  PATH_NAME_CONSTRAINTS: { status: 422, text: 'a name in the path violates the name constraints' },
  PATH_POLICY: { status: 422, text: 'the path does not satisfy the certificate policy requirements' },
  PATH_UNKNOWN_CRITICAL_EXTENSION: {
    status: 422,
    text: 'a certificate in the path has an unrecognised critical extension',
  },
  PATH_KEY_USAGE: { status: 422, text: 'a certificate key usage does not allow its use in the path' },
  PATH_EKU: { status: 422, text: 'the end-entity certificate does not allow the required purpose' },
  PATH_REVOKED: { status: 422, text: 'the end-entity certificate is revoked' },
  PATH_CA_REVOKED: { status: 422, text: 'a CA certificate in the path is revoked' },
  PATH_REVOCATION_UNKNOWN: {
    status: 422,
    text: 'the revocation status of a certificate in the path cannot be determined',
  },
  PATH_PROFILE_VIOLATION: {
    status: 422,
    text: 'a certificate in the path violates the RFC 5280 certificate profile',
  },
  PATH_PEER_NAME_MISMATCH: {
    status: 422,
    text: 'the end-entity certificate does not name the expected peer',
  },
  PATH_MALFORMED: { status: 400, text: 'a certificate or CRL in the path is malformed' },
  // JAdES (ETSI TS 119 182-1, RFC 7515)
  JADES_MALFORMED: { status: 400, text: 'the JWS is not a valid compact or JSON serialization' },
  JADES_HEADER_INVALID: {
    status: 400,
    text: 'the JWS protected header breaks RFC 7515 or ETSI TS 119 182-1',
  },
  JADES_ALGORITHM_UNSUPPORTED: { status: 400, text: 'the JWS signature algorithm is not supported' },
  JADES_CERTIFICATE_MISMATCH: {
    status: 400,
    text: 'the signing certificate does not match x5t#S256 or the signature algorithm',
  },
  JADES_SIGNATURE_INVALID: { status: 400, text: 'the JWS signature does not verify' },
  // revocation data fetched for signatures (OCSP, CRL)
  REV_TRANSPORT_FAILED: {
    status: 502,
    text: 'the OCSP responder or CRL server could not be reached or answered with an HTTP error',
  },
  REV_OCSP_RESPONSE_INVALID: {
    status: 502,
    text: 'the OCSP response is unsuccessful, stale, for another certificate, or not signed by an authorised responder',
  },
  // node
  NODE_NOT_INITIALISED: { status: 500, text: 'the directory does not hold an initialised node' },
  NODE_EXISTS: { status: 409, text: 'the directory already holds a node' },
  // population register and eID lifecycle
  EID_INVALID_NAME: { status: 400, text: 'a name is empty, too long or has forbidden characters' },
  EID_INVALID_DATE: {
    status: 400,
    text: 'a date is not a real calendar date in YYYY-MM-DD form, or is in the future',
  },
  EID_INVALID_SEX: { status: 400, text: 'sex must be F, M or X' },
  EID_INVALID_COUNTRY: { status: 400, text: 'a country code is not two upper-case letters' },
  EID_INVALID_NATIONAL_ID: {
    status: 400,
    text: 'the national identifier is not 12 digits with a valid Verhoeff check digit',
  },
  EID_PERSON_DUPLICATE: {
    status: 409,
    text: 'a person with the same demographic data is already registered',
  },
  EID_PERSON_NOT_FOUND: { status: 404, text: 'no person with that national identifier' },
  EID_CERT_NOT_FOUND: { status: 404, text: 'no certificate with that serial number' },
  EID_INVALID_STATE: { status: 409, text: 'the operation is not allowed in the current certificate state' },
  EID_INVALID_REASON: { status: 400, text: 'unknown revocation reason' },
  EID_IMPORT_MALFORMED: { status: 400, text: 'the import file is malformed' },
  // store
  STORE_UNAVAILABLE: { status: 503, text: 'the database cannot be reached' },
  STORE_MIGRATION_FAILED: { status: 500, text: 'a database migration failed' },
  // signature validation (EN 319 102-1)
  VALIDATION_FORMAT_UNKNOWN: { status: 415, text: 'the document is not a signed format trustbridge reads' },
  VALIDATION_NO_SIGNATURE: { status: 422, text: 'the document holds no signature' },
  VALIDATION_TRUST_SOURCE_INVALID: { status: 400, text: 'a trust source could not be read' },
  VALIDATION_POLICY_INVALID: { status: 400, text: 'the validation policy is not valid' },
  VALIDATION_TIME_INVALID: { status: 400, text: 'the validation time is not an ISO 8601 date-time' },
  REPORT_MALFORMED: {
    status: 400,
    text: 'the validation report has a malformed field and cannot be rendered',
  },
  // XML (XMLDSig / XAdES / trust lists) -- section owned by src/lib/xml and src/signature/xades
  XML_MALFORMED: { status: 400, text: 'the XML is not well-formed' },
  XML_DTD_FORBIDDEN: { status: 400, text: 'the XML has a document type declaration (entities are refused)' },
  XML_TOO_LARGE: { status: 413, text: 'the XML exceeds the size or depth limits' },
  XADES_MALFORMED: { status: 400, text: 'the XML signature does not follow XMLDSig / XAdES' },
  XADES_ALGORITHM_UNSUPPORTED: {
    status: 400,
    text: 'an XML signature, digest or transform algorithm is not supported',
  },
  XADES_REFERENCE_UNRESOLVED: {
    status: 422,
    text: 'a ds:Reference does not resolve to exactly one signed data object',
  },
  XADES_DIGEST_MISMATCH: {
    status: 422,
    text: 'a ds:Reference digest does not match: the signed data was changed',
  },
  XADES_SIGNATURE_INVALID: { status: 422, text: 'the XML signature value does not verify' },
  // PDF / PAdES -- section owned by src/lib/pdf and src/signature/pades
  PDF_MALFORMED: { status: 400, text: 'the PDF could not be parsed' },
  PDF_UNSUPPORTED: { status: 400, text: 'the PDF uses a feature that is not supported (encryption, ...)' },
  PADES_MALFORMED: { status: 400, text: 'the PDF signature dictionary is not valid PAdES' },
  // ASiC containers -- section owned by src/lib/zip and src/signature/asic
  ZIP_MALFORMED: { status: 400, text: 'the ZIP container could not be read' },
  ZIP_UNSUPPORTED: {
    status: 400,
    text: 'the ZIP uses a feature that is not supported (encryption, compression method, several disks)',
  },
  ZIP_LIMIT_EXCEEDED: {
    status: 413,
    text: 'the ZIP exceeds the limits on entries, uncompressed size or compression ratio',
  },
  ASIC_MALFORMED: { status: 400, text: 'the container is not a valid ASiC-S / ASiC-E container' },
  // trust store (ETSI TS 119 612 lists read, verified and indexed) -- section owned by src/trust/store and src/trust/parse
  TRUST_LIST_MALFORMED: {
    status: 422,
    text: 'the trusted list is not well-formed ETSI TS 119 612 XML (or was truncated)',
  },
  TRUST_LIST_SIGNATURE_INVALID: {
    status: 422,
    text: 'the trusted list signature is missing, malformed, wrapped or does not verify',
  },
  TRUST_LIST_SIGNER_UNTRUSTED: {
    status: 422,
    text: 'the trusted list is signed by a certificate that is not pinned for it',
  },
  TRUST_LIST_ROLLBACK: {
    status: 409,
    text: 'the trusted list sequence number is not above the last accepted one (rollback or replay)',
  },
  TRUST_LIST_STALE: { status: 422, text: 'the trusted list is past its next update' },
  TRUST_LIST_UNAVAILABLE: { status: 502, text: 'the trusted list could not be downloaded' },
  // trust lists (publishing) -- section owned by src/trust/writer and src/hub
  TL_INPUT_INVALID: {
    status: 400,
    text: 'a value for the trusted list is not valid (country, URL, name, date or sequence number)',
  },
  TL_SIGNER_INVALID: {
    status: 400,
    text: 'the certificate is not a usable trusted-list signing certificate (X.509, in validity, EKU tslSigning)',
  },
  TL_SERVICE_UNKNOWN: { status: 404, text: 'no such service in the trusted list' },
  TL_STATE_CORRUPT: { status: 500, text: 'the trusted list state file is unreadable or inconsistent' },
  HUB_EXISTS: { status: 409, text: 'the directory already holds a hub' },
  HUB_NOT_INITIALISED: { status: 404, text: 'the directory holds no hub (run trustbridge hub init)' },
  HUB_MEMBER_EXISTS: { status: 409, text: 'the country is already a member of the hub' },
  HUB_MEMBER_UNKNOWN: { status: 404, text: 'the country is not a member of the hub' },
  HUB_MEMBER_STATE: { status: 409, text: 'the member is not in a state that allows this change' },
  // OpenID Connect login (eID authentication, relying parties, cross-border proxy) -- section owned by src/login
  LOGIN_CLIENT_UNKNOWN: { status: 404, text: 'no relying party with that client identifier' },
  LOGIN_CLIENT_INVALID: { status: 400, text: 'the relying party registration is invalid' },
  LOGIN_INTERACTION_UNKNOWN: {
    status: 400,
    text: 'the login session is unknown or has expired; start again from the service',
  },
  LOGIN_CSRF: {
    status: 403,
    text: 'the form was not submitted from the login page (CSRF token missing or wrong)',
  },
  LOGIN_RATE_LIMITED: { status: 429, text: 'too many login attempts; wait and try again' },
  LOGIN_CHALLENGE_UNKNOWN: { status: 404, text: 'no such login challenge' },
  LOGIN_CHALLENGE_EXPIRED: { status: 410, text: 'the login challenge has expired' },
  LOGIN_CHALLENGE_USED: { status: 409, text: 'the login challenge was already answered (replay)' },
  LOGIN_RESPONSE_MALFORMED: { status: 400, text: 'the signed challenge response is malformed' },
  LOGIN_SIGNATURE_INVALID: { status: 401, text: 'the challenge signature does not verify' },
  LOGIN_CERTIFICATE_UNTRUSTED: {
    status: 403,
    text: 'the authentication certificate does not chain to this node or is not an eID authentication certificate',
  },
  LOGIN_WRONG_COUNTRY: { status: 403, text: 'the eID was issued by another country' },
  LOGIN_EID_REVOKED: { status: 403, text: 'the eID is revoked' },
  LOGIN_EID_SUSPENDED: { status: 403, text: 'the eID is suspended' },
  LOGIN_EID_STATUS_UNKNOWN: { status: 503, text: 'the revocation status of the eID cannot be determined' },
  LOGIN_PERSON_UNKNOWN: { status: 403, text: 'the eID holder is not in the population register' },
  LOGIN_COUNTRY_UNKNOWN: { status: 400, text: 'no trusted member country with that code' },
  LOGIN_UPSTREAM_FAILED: { status: 502, text: "the citizen's home node did not complete the login" },
  LOGIN_UPSTREAM_TOKEN_INVALID: { status: 502, text: "the home node's ID token is invalid or untrusted" },
  // HTTP edge and officers
  AUTH_TOKEN_MISSING: { status: 401, text: 'no bearer token' },
  AUTH_TOKEN_INVALID: { status: 401, text: 'the bearer token is unknown or disabled' },
  AUTH_FORBIDDEN: { status: 403, text: 'the officer role does not allow this operation' },
  HTTP_NOT_FOUND: { status: 404, text: 'no such resource' },
  HTTP_UNSUPPORTED_MEDIA_TYPE: { status: 415, text: 'unsupported content type' },
  INTERNAL: { status: 500, text: 'internal error' },
} as const satisfies Record<string, { status: number; text: string }>;

/** A stable trustbridge error code. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/**
 * Base class of every error trustbridge throws.
 *
 * @example
 * ```ts
 * try { parseCsr(bytes) } catch (e) { if (e instanceof TrustbridgeError) console.log(e.code) }
 * ```
 */
export class TrustbridgeError extends Error {
  readonly code: ErrorCode;

  /**
   * @param code - stable code from {@link ERROR_CATALOGUE}
   * @param message - human-readable detail (defaults to the catalogue text)
   * @param options - `cause` of the error
   */
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CATALOGUE[code].text, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** HTTP status the API edge answers with. */
  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

/** Command-line usage and input errors. */
export class UsageError extends TrustbridgeError {}
/** Key store errors (files, HSM). */
export class KeyStoreError extends TrustbridgeError {}
/** X.509, CSR, CRL, OCSP and PKCS#12 structure errors. */
export class PkiError extends TrustbridgeError {}
/** Population register and eID lifecycle errors. */
export class EidError extends TrustbridgeError {}
/** Storage errors. */
export class StoreError extends TrustbridgeError {}
/** HTTP edge and authorisation errors. */
export class HttpError extends TrustbridgeError {}
/** Node set-up errors. */
export class NodeError extends TrustbridgeError {}

/** True when `e` is a trustbridge error (optionally with the given code). */
export function isTrustbridgeError(e: unknown, code?: ErrorCode): e is TrustbridgeError {
  return e instanceof TrustbridgeError && (code === undefined || e.code === code);
}
