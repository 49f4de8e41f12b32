/**
 * The login benchmark's second baseline, run as a separate process (`fork` of the compiled
 * file): `oidc-provider` alone, as its own documentation sets it up — the code flow with PKCE
 * S256 and ES256 ID tokens, but sessions, grants and codes in the library's memory adapter and
 * an interaction that finishes at once (no login page, no eID, no consent page, no store). What
 * a login costs here is the floor the library sets for any provider built on it, on this
 * machine. Replies `{ issuer, clientId, clientSecret, redirectUri }` over IPC once listening;
 * exits when the parent disconnects.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const ACCOUNT = 'PH/PH/0000000001';
const client = {
  client_id: 'floor',
  client_secret: randomBytes(24).toString('base64url'),
  redirect_uris: ['http://127.0.0.1:9/floor/cb'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  id_token_signed_response_alg: 'ES256',
  token_endpoint_auth_method: 'client_secret_basic',
};

async function main(): Promise<void> {
  const server = http.createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  const issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const provider = new Provider(issuer, {
    clients: [client],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'floor' }] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, given_name: 'Maria Clara', family_name: 'Santos', birthdate: '1990-05-17' }),
    }),
    claims: { openid: ['sub'], profile: ['given_name', 'family_name', 'birthdate'] },
    scopes: ['openid', 'profile', 'eidas'],
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
    features: { devInteractions: { enabled: false } },
    issueRefreshToken: () => false,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
  });
  const callback = provider.callback();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    // The user is taken as authenticated and consenting: login and grant in one step.
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: ACCOUNT, clientId: String(details.params['client_id']) });
      grant.addOIDCScope(String(details.params['scope']));
      const grantId = await grant.save();
      const to = await provider.interactionResult(req, res, {
        login: { accountId: ACCOUNT },
        consent: { grantId },
      });
      res.writeHead(303, { location: to }).end();
    })().catch((e: Error) => res.writeHead(500).end(e.message));
  });
  process.send?.({
    issuer,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    redirectUri: client.redirect_uris[0],
  });
  process.once('disconnect', () => process.exit(0));
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
