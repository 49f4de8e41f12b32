/**
 * What `trustbridge validate --trust LIST` remembers between runs: the highest sequence number
 * accepted for each list (by URL or file path), so a replayed older list, validly signed but
 * superseded (one that undoes a suspension or a withdrawal), is refused with TRUST_LIST_ROLLBACK,
 * as a node refuses it. The state is a small JSON file, 0600 in a 0700 folder:
 * `TRUSTBRIDGE_TRUST_STATE`, else `$XDG_STATE_HOME/trustbridge/trust-state.json`, else
 * `~/.local/state/trustbridge/trust-state.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../lib/private_files.js';
import { TrustStoreError } from '../trust/store/errors.js';
import type { ListSummary } from '../trust/store/trust_store.js';

/** One list's highest accepted version. */
interface SeenList {
  sequenceNumber: number;
  territory?: string;
  seenAt: string;
}

interface TrustStateFile {
  version: 1;
  lists: Record<string, SeenList>;
}

/**
 * The state file's path.
 *
 * @param env - the environment
 * @example `trustStatePath({ HOME: '/home/ana' }) // '/home/ana/.local/state/trustbridge/trust-state.json'`
 */
export function trustStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['TRUSTBRIDGE_TRUST_STATE'];
  if (explicit) return resolve(explicit);
  const base = env['XDG_STATE_HOME'] || join(env['HOME'] || homedir(), '.local', 'state');
  return join(base, 'trustbridge', 'trust-state.json');
}

function read(file: string): TrustStateFile {
  if (!existsSync(file)) return { version: 1, lists: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<TrustStateFile>;
    if (parsed.version === 1 && typeof parsed.lists === 'object' && parsed.lists !== null)
      return { version: 1, lists: parsed.lists };
  } catch {
    // A damaged state file is replaced below; the sequence numbers in it are lost.
  }
  process.stderr.write(`trustbridge: warning: ${file} is not a trust state file; starting a new one\n`);
  return { version: 1, lists: {} };
}

/** The key of a list: its URL, or a local file's absolute path. */
function keyOf(url: string): string {
  return /^https?:\/\//i.test(url) ? url : resolve(url);
}

/**
 * Refuses a list older than the last one accepted from the same place, then records the
 * sequence numbers of every list accepted now.
 *
 * @param lists - the trust store's lists after its refresh
 * @param file - the state file
 * @param now - the time recorded
 * @throws TrustStoreError TRUST_LIST_ROLLBACK naming the list, its sequence number and the last accepted one
 * @example `checkAndRecordSequences(await store.refresh(), trustStatePath())`
 */
export function checkAndRecordSequences(lists: readonly ListSummary[], file: string, now = new Date()): void {
  const state = read(file);
  for (const l of lists) {
    if (l.sequenceNumber === undefined) continue;
    const seen = state.lists[keyOf(l.url)];
    if (seen && l.sequenceNumber < seen.sequenceNumber)
      throw new TrustStoreError(
        'TRUST_LIST_ROLLBACK',
        `${l.url}: sequence number ${l.sequenceNumber} is below ${seen.sequenceNumber}, accepted on ${seen.seenAt} (recorded in ${file})`,
      );
  }
  let changed = false;
  for (const l of lists) {
    if (l.sequenceNumber === undefined) continue;
    const key = keyOf(l.url);
    if (state.lists[key]?.sequenceNumber === l.sequenceNumber) continue;
    state.lists[key] = {
      sequenceNumber: l.sequenceNumber,
      ...(l.territory ? { territory: l.territory } : {}),
      seenAt: now.toISOString(),
    };
    changed = true;
  }
  if (!changed) return;
  makePrivateDir(dirname(file));
  writePrivateFile(file, `${JSON.stringify(state, null, 2)}\n`);
}
