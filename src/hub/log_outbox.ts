/**
 * The hub's transparency log entries. The hub keeps its membership and list state in files, and
 * its log queue in its own store (`HUB/hub.db`, SQLite), so one database transaction cannot
 * cover both. A publication therefore runs as a write-ahead step:
 *
 * 1. the next state is written with the publication's entries and signed list attached as
 *    `pending` (an atomic rename: this is the change's commit point);
 * 2. the entries are queued in the hub store in one transaction, unless they already are (the
 *    list entry's lookup key, the list's SHA-256, tells);
 * 3. `lotl.xml` is written, then the state without `pending`.
 *
 * A crash after 1 is finished by the next publication or `openHub` ({@link completePending}),
 * so a committed membership change always reaches the log exactly once; a crash before 1
 * leaves neither the change nor its entries.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { toPem } from '../lib/pem.js';
import { decodeEntry, encodeEntry } from '../ledger/entry.js';
import type { HubMemberEntry, LedgerEntry } from '../ledger/entry.js';
import { enqueueLedgerEntries, isLogged } from '../ledger/outbox.js';
import type { Store } from '../store/database.js';
import { HUB_FILES, writeHubFile } from './config.js';
import type { HubMember, HubState, PendingPublication } from './config.js';

/** What finishing a publication needs of the hub. */
export interface PublicationTarget {
  dir: string;
  store: Store;
  signerCertificate: Buffer;
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function memberEntry(after: HubMember, index: number, time: string): HubMemberEntry {
  const status = after.history[index]!.status as HubMemberEntry['status'];
  const previous = index > 0 ? after.history[index - 1]!.status : undefined;
  if (status === 'active' && (previous === undefined || previous === 'removed'))
    return {
      v: 1,
      type: 'hub-member',
      time,
      country: after.country,
      action: 'add',
      status,
      trustListUrl: after.trustListUrl,
      signers: [...new Set(after.signers.map((s) => sha256(Buffer.from(s, 'base64'))))].sort(),
    };
  const action = status === 'active' ? 'resume' : status === 'suspended' ? 'suspend' : 'remove';
  return { v: 1, type: 'hub-member', time, country: after.country, action, status };
}

/**
 * The `hub-member` entries of the changes between two states: one per status change appended
 * to a member's history.
 *
 * @example
 * ```ts
 * memberEntries(before, after, now); // [{ type: 'hub-member', country: 'PH', action: 'suspend', ... }]
 * ```
 */
export function memberEntries(before: HubState, after: HubState, now: Date): HubMemberEntry[] {
  const time = now.toISOString();
  return after.members.flatMap((m) => {
    const old = before.members.find((x) => x.country === m.country);
    const from = old?.history.length ?? 0;
    return m.history.slice(from).map((_, i) => memberEntry(m, from + i, time));
  });
}

/**
 * The entries of a publication (membership changes, then the `lotl` entry) and the signed list,
 * ready to stage in the state.
 */
export function pendingPublication(
  changes: HubMemberEntry[],
  signed: Buffer,
  list: { territory: string; sequence: number; issued: Date; nextUpdate: Date },
  now: Date,
): PendingPublication {
  const lotl: LedgerEntry = {
    v: 1,
    type: 'lotl',
    time: now.toISOString(),
    sha256: sha256(signed),
    territory: list.territory,
    sequence: list.sequence,
    issued: list.issued.toISOString(),
    nextUpdate: list.nextUpdate.toISOString(),
  };
  return {
    entries: [...changes, lotl].map((e) => encodeEntry(e).toString('base64')),
    lotl: signed.toString('base64'),
  };
}

/**
 * Finishes a staged publication: queues its entries (once), writes the list and its signer's
 * certificate, then the state without `pending`.
 *
 * @param hub - directory, store, signer certificate
 * @param state - the state as written, with `pending`
 * @returns the state without `pending`
 */
export async function completePending(hub: PublicationTarget, state: HubState): Promise<HubState> {
  const { pending, ...done } = state;
  if (!pending) return state;
  const entries = pending.entries.map((b) => decodeEntry(Buffer.from(b, 'base64')));
  const signed = Buffer.from(pending.lotl, 'base64');
  await hub.store.transaction(async (trx) => {
    if (!(await isLogged(trx, sha256(signed)))) await enqueueLedgerEntries(trx, entries);
  });
  writeHubFile(hub.dir, join(HUB_FILES.public, HUB_FILES.lotl), signed);
  writeHubFile(
    hub.dir,
    join(HUB_FILES.public, HUB_FILES.signer),
    toPem(hub.signerCertificate, 'CERTIFICATE'),
  );
  writeHubFile(hub.dir, HUB_FILES.state, JSON.stringify(done, null, 2) + '\n', 0o600);
  return done;
}
