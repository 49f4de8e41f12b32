/**
 * The CERT partnerships of the federation in a box: every member's national CERT is a partner of
 * every other's (issue 16). For each ordered pair (A, B), A registers B as a partner (as `cert
 * partner add --dir A --name "<B> CERT" --country B` would, default TLP ceiling `green`) and B
 * pulls A's `indicators` collection with those credentials (as `cert remote add --dir B --name
 * "<A> CERT" --api-root …` would). Done in this process on the members' stores, so the partner
 * password goes from A's answer straight into B's store, sealed under B's remote-secret key, and
 * is never written anywhere in clear. Each member's `node.json` gets a short background sync
 * interval for the demo.
 */
import { certRootOf } from '../cert/collections.js';
import { addPartner, listPartners, removePartner, usernameOf } from '../cert/partners.js';
import { addRemote, listRemotes } from '../cert/remotes.js';
import { remoteSecretKey } from '../cert/remote_secrets.js';
import { readNodeConfig, storeLocation, updateNodeConfig } from '../node/config.js';
import type { NodeConfig } from '../node/config.js';
import { openStore } from '../store/database.js';
import type { Store } from '../store/database.js';
import type { ProgressLog } from './progress_log.js';

/** Seconds between two background syncs of a member of the federation (a demo's pace). */
export const FEDERATION_SYNC_INTERVAL_SECONDS = 30;

/**
 * The name a member's CERT goes by at the other members: as a partner and as a remote.
 *
 * @param country - ISO 3166-1 alpha-2 code of the member
 * @example
 * ```ts
 * memberCertName('VN'); // 'VN CERT'
 * ```
 */
export function memberCertName(country: string): string {
  return `${country.toUpperCase()} CERT`;
}

/** A member of the federation, its store open. */
interface OpenMember {
  country: string;
  dir: string;
  config: NodeConfig;
  store: Store;
  /** The names of the remotes it already pulls from. */
  remotes: Set<string>;
}

/** The URL of the member's TAXII API root, as `cert partner add` prints it. */
function apiRootOf(m: OpenMember): string {
  return `${m.config.baseUrl.replace(/\/+$/, '')}/taxii2/${certRootOf(m.country, m.config.name).id}/`;
}

async function openMember(country: string, dir: string): Promise<OpenMember> {
  const config = readNodeConfig(dir);
  const store = await openStore(storeLocation(dir, config));
  try {
    const remotes = new Set((await listRemotes(store)).map((r) => r.name));
    return { country, dir, config, store, remotes };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * A registers B as a partner: new credentials for B. A partner left by a set-up interrupted
 * before B took its credentials is replaced (only the hash of its password was kept).
 */
async function partnerFor(a: OpenMember, b: OpenMember, now: Date) {
  const name = memberCertName(b.country);
  const username = usernameOf(name);
  if ((await listPartners(a.store)).some((p) => p.username === username))
    await removePartner(a.store, username);
  return addPartner(a.store, certRootOf(a.country, a.config.name), { name, country: b.country }, now);
}

/** B's side of every pair it lacks: pulls from each member A that is not yet a remote of B. */
async function pullFromAll(b: OpenMember, members: readonly OpenMember[], now: Date): Promise<string[]> {
  const added: string[] = [];
  const key = remoteSecretKey(b.dir);
  for (const a of members) {
    if (a === b || b.remotes.has(memberCertName(a.country))) continue;
    const credentials = await partnerFor(a, b, now);
    await addRemote(
      b.store,
      certRootOf(b.country, b.config.name),
      key,
      {
        name: memberCertName(a.country),
        apiRootUrl: apiRootOf(a),
        auth: { type: 'basic', username: credentials.username, password: credentials.password },
      },
      now,
    );
    added.push(a.country);
  }
  return added;
}

/**
 * Makes each member of the federation a CERT partner of the others, for the pairs not set up
 * yet (a federation made before this step gets it on its next start; a complete one is left as
 * is), and gives each member that got a new remote a background sync every
 * {@link FEDERATION_SYNC_INTERVAL_SECONDS} seconds. One line of progress per such member.
 *
 * @param members - the country code and node directory of each member, set up and not running
 * @param log - where each member's new partnerships are reported
 * @param now - the time of the change
 * @example
 * ```ts
 * await setUpCertPartnerships([{ country: 'PH', dir: 'federation/ph' }, { country: 'VN', dir: 'federation/vn' }], stdoutLog);
 * ```
 */
export async function setUpCertPartnerships(
  members: readonly { country: string; dir: string }[],
  log: ProgressLog,
  now: Date = new Date(),
): Promise<void> {
  const open: OpenMember[] = [];
  try {
    for (const m of members) open.push(await openMember(m.country, m.dir));
    // One member at a time pulls: its partner registrations at the others land in their stores,
    // so two members never write to the same store at once.
    for (const b of open) {
      const added = await pullFromAll(b, open, now);
      if (added.length === 0) continue;
      updateNodeConfig(b.dir, {
        cert: { ...readNodeConfig(b.dir).cert, syncIntervalSeconds: FEDERATION_SYNC_INTERVAL_SECONDS },
      });
      log(
        `  ${b.country}: CERT partner of ${added.join(', ')}, pulling their TAXII collections every ` +
          `${FEDERATION_SYNC_INTERVAL_SECONDS} s (its own: ${apiRootOf(b)})\n`,
      );
    }
  } finally {
    await Promise.all(open.map((m) => m.store.close()));
  }
}
