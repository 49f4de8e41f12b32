/**
 * The base of every trustbridge error and lib's own codes. Each domain folder keeps its codes in
 * one closed list in its own `errors.ts`; `src/errors.ts` assembles the full catalogue, and the
 * HTTP status of each code is decided at the HTTP edge (`src/server/errors.ts`), not here.
 */

/** One entry of a domain's error list: the text shown when no detail is given. */
export interface ErrorEntry {
  readonly text: string;
}

/** A domain's closed list of error codes and their texts. */
export type ErrorList = Readonly<Record<string, ErrorEntry>>;

/**
 * lib's own codes: usage and input problems any layer may report, and the internal error. Every
 * domain error class accepts these besides its own list, so they are listed only here.
 *
 * @example
 * ```ts
 * LIB_ERRORS.INPUT_MALFORMED.text; // 'the input could not be parsed'
 * ```
 */
export const LIB_ERRORS = {
  USAGE_INVALID_ARGUMENT: { text: 'a command-line argument is missing or invalid' },
  INPUT_MALFORMED: { text: 'the input could not be parsed' },
  INPUT_TOO_LARGE: { text: 'the input exceeds the size limit' },
  // Shared because both the servers (server) and the federation, which starts them (federation,
  // below server), report it.
  PORT_IN_USE: { text: 'the TCP port is taken by another process' },
  INTERNAL: { text: 'internal error' },
} as const satisfies ErrorList;

/** A code of {@link LIB_ERRORS}. */
export type LibErrorCode = keyof typeof LIB_ERRORS;

/**
 * The text of `code` in `list`, or in {@link LIB_ERRORS} for the shared codes.
 *
 * @param list - the domain's list
 * @param code - a code of that list or of lib's
 * @example
 * ```ts
 * errorText(LIB_ERRORS, 'INTERNAL'); // 'internal error'
 * ```
 */
export function errorText(list: ErrorList, code: string): string {
  if (Object.hasOwn(list, code)) return list[code]!.text;
  if (Object.hasOwn(LIB_ERRORS, code)) return LIB_ERRORS[code as LibErrorCode].text;
  return code;
}

/**
 * Base class of every error trustbridge throws. Its constructor is protected: code lists are
 * closed, so errors are made through a domain class whose constructor accepts only its codes.
 *
 * @example
 * ```ts
 * try { parseCsr(bytes) } catch (e) { if (e instanceof TrustbridgeError) console.log(e.code) }
 * ```
 */
export class TrustbridgeError<C extends string = string> extends Error {
  readonly code: C;

  /**
   * @param code - stable code from the subclass's list
   * @param message - human-readable message
   * @param options - `cause` of the error
   */
  protected constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Command-line usage and input errors (lib's own codes).
 *
 * @example
 * ```ts
 * throw new UsageError('USAGE_INVALID_ARGUMENT', '--country must be two letters');
 * ```
 */
export class UsageError extends TrustbridgeError<LibErrorCode> {
  /**
   * @param code - one of {@link LIB_ERRORS}
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: LibErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? LIB_ERRORS[code].text, options);
  }
}

/**
 * True when `e` is a trustbridge error (optionally with the given code).
 *
 * @param e - anything caught
 * @param code - the code to match
 * @example
 * ```ts
 * if (isTrustbridgeError(e, 'INTERNAL')) log(e);
 * ```
 */
export function isTrustbridgeError(e: unknown, code?: string): e is TrustbridgeError {
  return e instanceof TrustbridgeError && (code === undefined || e.code === code);
}

// X.509, CSR, CRL, OCSP, PKCS#12 and CMS structure errors live in lib, not in src/pki/, because
// lib's DER reader and the X.509 decoders (below pki) throw them too.

/**
 * The PKI structure codes and their texts.
 *
 * @example
 * ```ts
 * PKI_ERRORS.PKI_CSR_MALFORMED.text;
 * ```
 */
export const PKI_ERRORS = {
  PKI_CSR_MALFORMED: { text: 'the certificate signing request is not valid DER/PEM PKCS#10' },
  PKI_CSR_SIGNATURE_INVALID: { text: 'the CSR signature does not prove possession of the key' },
  PKI_CSR_ALGORITHM_UNSUPPORTED: { text: 'the CSR key or signature algorithm is not allowed' },
  PKI_CSR_KEY_REUSED: { text: 'the two CSRs, or a CSR and an earlier certificate, carry the same key' },
  PKI_CERT_MALFORMED: { text: 'the certificate is not valid DER/PEM X.509' },
  PKI_OCSP_REQUEST_MALFORMED: { text: 'the OCSP request is not valid DER' },
  PKI_PKCS12_MALFORMED: { text: 'the PKCS#12 file could not be parsed' },
  PKI_PKCS12_PASSWORD_WRONG: { text: 'the PKCS#12 password is wrong (integrity check failed)' },
  // CMS (RFC 5652)
  PKI_CMS_MALFORMED: { text: 'the CMS SignedData is not valid DER' },
  PKI_CMS_ALGORITHM_UNSUPPORTED: { text: 'the CMS digest or signature algorithm is not supported' },
  PKI_CMS_SIGNER_MISMATCH: { text: 'the CMS SignerInfo does not name this certificate' },
  PKI_CMS_DIGEST_MISMATCH: { text: 'the CMS messageDigest attribute does not match the content' },
  PKI_CMS_SIGNATURE_INVALID: { text: 'the CMS signature does not verify' },
  // CRL reason codes are read by OCSP (pki) and written by the eID lifecycle (eid), so pki owns it.
  EID_INVALID_REASON: { text: 'unknown revocation reason' },
} as const;

/** A code {@link PkiError} carries: its own list or lib's shared codes. */
export type PkiErrorCode = keyof typeof PKI_ERRORS | LibErrorCode;

/**
 * An X.509, CSR, CRL, OCSP, PKCS#12 or CMS structure could not be read or does not verify.
 *
 * @example
 * ```ts
 * throw new PkiError('PKI_CSR_MALFORMED', 'the CSR is not a SEQUENCE');
 * ```
 */
export class PkiError extends TrustbridgeError<PkiErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: PkiErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText(PKI_ERRORS, code), options);
  }
}

/**
 * The code of lib's CSV reader. It keeps the `EID_` name it had when only the population register
 * read CSV; lib owns it because the reader, below eid, throws it.
 *
 * @example
 * ```ts
 * CSV_ERRORS.EID_IMPORT_MALFORMED.text; // 'the import file is malformed'
 * ```
 */
export const CSV_ERRORS = {
  EID_IMPORT_MALFORMED: { text: 'the import file is malformed' },
} as const satisfies ErrorList;

/** A code {@link CsvError} carries. */
export type CsvErrorCode = keyof typeof CSV_ERRORS;

/**
 * A CSV import file could not be read.
 *
 * @example
 * ```ts
 * throw new CsvError('EID_IMPORT_MALFORMED', 'line 3: unterminated quote');
 * ```
 */
export class CsvError extends TrustbridgeError<CsvErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: CsvErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? CSV_ERRORS[code].text, options);
  }
}
