/** Errors of node set-up (the node directory and its configuration). */
import { TrustbridgeError, errorText } from '../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../lib/errors.js';

/**
 * The node codes and their texts.
 *
 * @example
 * ```ts
 * NODE_ERRORS.NODE_EXISTS.text;
 * ```
 */
export const NODE_ERRORS = {
  NODE_NOT_INITIALISED: { text: 'the directory does not hold an initialised node' },
  NODE_EXISTS: { text: 'the directory already holds a node' },
  // officer authorisation: node checks the officer tokens; server answers with them
  AUTH_TOKEN_MISSING: { text: 'no bearer token' },
  AUTH_TOKEN_INVALID: { text: 'the bearer token is unknown or disabled' },
  AUTH_FORBIDDEN: { text: 'the officer role does not allow this operation' },
} as const satisfies ErrorList;

/** A code {@link NodeError} carries: its own list or lib's shared codes. */
export type NodeErrorCode = keyof typeof NODE_ERRORS | LibErrorCode;

/**
 * A node could not be created or opened.
 *
 * @example
 * ```ts
 * throw new NodeError('NODE_EXISTS', `${dir} already holds a node`);
 * ```
 */
export class NodeError extends TrustbridgeError<NodeErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: NodeErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText(NODE_ERRORS, code), options);
  }
}
