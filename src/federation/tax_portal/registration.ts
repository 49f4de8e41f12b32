/**
 * Registering the tax portal with the VN login service, the way the operator of a public service
 * does it: `trustbridge rp add` on the VN node, its credentials kept in
 * `DIR/tax-portal/client.json` (0600). A federation made before the portal existed, or started on
 * other ports, gets it registered on its next start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../../lib/private_files.js';
import { runCli } from '../cli_process.js';
import type { ProgressLog } from '../progress_log.js';
import { TAX_PORTAL_NAME } from './pages.js';
import type { TaxPortalClient } from './relying_party.js';

/** The country whose login service the portal uses. */
export const TAX_PORTAL_COUNTRY = 'VN';

/**
 * Where the portal's credentials are kept in the federation directory `dir`.
 *
 * @example
 * ```ts
 * taxPortalClientFile('federation'); // 'federation/tax-portal/client.json'
 * ```
 */
export function taxPortalClientFile(dir: string): string {
  return join(dir, 'tax-portal', 'client.json');
}

function read(file: string): TaxPortalClient | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<TaxPortalClient>;
    const fields = ['issuer', 'clientId', 'clientSecret', 'redirectUri', 'postLogoutRedirectUri'] as const;
    return fields.every((f) => typeof c[f] === 'string') ? (c as TaxPortalClient) : undefined;
  } catch {
    // Unreadable: registered again below.
    return undefined;
  }
}

/**
 * The portal's registration in the federation `dir`, for a portal at `url`: the one kept in
 * `tax-portal/client.json`, or a new one (`rp add` on the VN node) when there is none or it was
 * made for another address.
 *
 * @param dir - the federation directory
 * @param nodeDir - the VN node's directory
 * @param url - the portal's base URL, e.g. `http://127.0.0.1:8084`
 * @param passphrase - the federation's passphrase
 * @param log - where a new registration is reported
 * @example
 * ```ts
 * const client = await registerTaxPortal('federation', 'federation/vn', 'http://127.0.0.1:8084', passphrase);
 * ```
 */
export async function registerTaxPortal(
  dir: string,
  nodeDir: string,
  url: string,
  passphrase: string,
  log: ProgressLog,
): Promise<TaxPortalClient> {
  const file = taxPortalClientFile(dir);
  const redirectUri = `${url}/callback`;
  const postLogoutRedirectUri = `${url}/logged-out`;
  const kept = read(file);
  if (kept?.redirectUri === redirectUri && kept.postLogoutRedirectUri === postLogoutRedirectUri) return kept;
  const out = await runCli(
    [
      'rp',
      'add',
      '--dir',
      nodeDir,
      '--name',
      TAX_PORTAL_NAME,
      '--redirect-uri',
      redirectUri,
      '--post-logout-redirect-uri',
      postLogoutRedirectUri,
    ],
    passphrase,
  );
  const rp = JSON.parse(out) as { clientId: string; clientSecret: string; issuer: string };
  const client: TaxPortalClient = {
    issuer: rp.issuer,
    clientId: rp.clientId,
    clientSecret: rp.clientSecret,
    redirectUri,
    postLogoutRedirectUri,
  };
  makePrivateDir(join(dir, 'tax-portal'));
  writePrivateFile(file, `${JSON.stringify(client, null, 2)}\n`);
  log(
    `  ${TAX_PORTAL_COUNTRY}: registered the ${TAX_PORTAL_NAME} (client ${client.clientId}), credentials in ${file}\n`,
  );
  return client;
}
