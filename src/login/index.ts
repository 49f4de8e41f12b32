/**
 * OpenID Connect login with the eID (issue 5): the provider of a node, eID authentication by a
 * wallet-signed challenge or a TLS client certificate, the eIDAS claims, the cross-border
 * proxy, relying-party registration and signing-key rotation.
 */
export { addClient, disableClient, listClients, clientMetadata, destinationOf } from './clients.js';
export type { ClientRegistration, RegisteredClient } from './clients.js';
export { authenticateCertificate, LOA } from './eid_authentication.js';
export type { AuthenticatedCitizen, EidVerifier, LevelOfAssurance } from './eid_authentication.js';
export { accountClaims, accountIdOf, claimsOf, CLAIM_LABELS, SCOPE_CLAIMS } from './claims.js';
export type { CitizenClaims } from './claims.js';
export { LoginError, LOGIN_ERROR_CODES } from './errors.js';
export type { LoginErrorCode } from './errors.js';
export { loginKeys, rotateLoginKey, jwkThumbprint, RETIRED_KEY_GRACE_MS } from './keys.js';
export type { LoginKey, LoginKeyHost } from './keys.js';
export { createLoginService } from './service.js';
export type { Federation, LoginOptions, LoginService, PeerNode } from './service.js';
export { nodeFederation, staticFederation, trustStoreFederation } from './federation.js';
export { signWalletChallenge, parseWalletResponse, WALLET_RESPONSE_TYPE } from './wallet_response.js';
export type { WalletChallenge, WalletResponse } from './wallet_response.js';
export { walletLogin } from './wallet_client.js';
export type { WalletLoginOutcome } from './wallet_client.js';
export { browserWalletFile, BROWSER_WALLET_TYPE } from './browser_wallet.js';
export { startTlsLoginListener } from './tls_listener.js';
export type { TlsLoginListener, TlsLoginOptions } from './tls_listener.js';
export { LOGIN_TTL } from './provider_ttl.js';
