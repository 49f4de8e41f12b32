/** Lifetimes of the provider's artefacts (seconds). */

/**
 * Codes are short-lived and single use (RFC 6749 §4.1.2: at most 10 minutes); sessions last a
 * working day; there are no refresh tokens.
 *
 * @example
 * ```ts
 * LOGIN_TTL.AuthorizationCode; // 60
 * ```
 */
export const LOGIN_TTL = {
  AuthorizationCode: 60,
  AccessToken: 600,
  IdToken: 600,
  Interaction: 900,
  Session: 8 * 3600,
  Grant: 8 * 3600,
} as const;
