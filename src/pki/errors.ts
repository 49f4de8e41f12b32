/** Errors of the key stores (key files, PKCS#11 tokens). */
import { TrustbridgeError, errorText } from '../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../lib/errors.js';

/**
 * The key store codes and their texts.
 *
 * @example
 * ```ts
 * KEY_STORE_ERRORS.KEY_NOT_FOUND.text;
 * ```
 */
export const KEY_STORE_ERRORS = {
  KEY_NOT_FOUND: { text: 'no key with that identifier in the key store' },
  KEY_EXISTS: { text: 'a key with that identifier already exists' },
  KEY_PASSPHRASE_WRONG: { text: 'the key store passphrase is wrong' },
  KEY_PASSPHRASE_MISSING: { text: 'no passphrase given (TRUSTBRIDGE_PASSWORD or --password-file)' },
  KEY_PASSPHRASE_WEAK: { text: 'the passphrase is too short to protect CA keys (at least 12 characters)' },
  KEY_FILE_MALFORMED: { text: 'the key file is not an encrypted PKCS#8 private key' },
  KEY_STORE_UNAVAILABLE: { text: 'the key store (file or HSM) cannot be used' },
  KEY_ALGORITHM_UNSUPPORTED: { text: 'the key type or curve is not supported' },
} as const satisfies ErrorList;

/** A code {@link KeyStoreError} carries: its own list or lib's shared codes. */
export type KeyStoreErrorCode = keyof typeof KEY_STORE_ERRORS | LibErrorCode;

/**
 * A key store (file or HSM) refused or failed an operation.
 *
 * @example
 * ```ts
 * throw new KeyStoreError('KEY_NOT_FOUND', `no key ${id}`);
 * ```
 */
export class KeyStoreError extends TrustbridgeError<KeyStoreErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: KeyStoreErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText(KEY_STORE_ERRORS, code), options);
  }
}
