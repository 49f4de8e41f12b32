/**
 * Witness policies (c2sp.org/tlog-policy, main as of 2026-07, no tag yet): `log <vkey> [url]`,
 * `witness <name> <vkey> [url]`, `group <name> all|any|<k> <member>…` and one `quorum <name>`
 * line (`none` for no cosignature), and the check that a checkpoint is signed by a listed log
 * and cosigned by a quorum of listed witnesses.
 */
import { checkpointOfNote } from './checkpoint.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { cosignatureVerifier, verifiedCosignatures } from './cosignature.js';
import { LedgerError } from './errors.js';
import { parseDecimal } from './hash.js';
import { noteVerifier, parseVerifierKey } from './keys.js';
import type { NoteVerifier } from './keys.js';
import { openNote } from './note.js';

/** The largest policy accepted, in lines of any kind. */
export const MAX_POLICY_LINES = 4096;

/** A parsed policy. */
export interface Policy {
  readonly logs: readonly { readonly verifier: NoteVerifier; readonly url?: string }[];
  readonly witnesses: ReadonlyMap<string, { readonly verifier: NoteVerifier; readonly url?: string }>;
  readonly groups: ReadonlyMap<string, { readonly threshold: number; readonly members: readonly string[] }>;
  /** A witness or group name, or `none`. */
  readonly quorum: string;
}

/**
 * Parses a policy file.
 *
 * @param input - the policy text
 * @throws LedgerError LEDGER_POLICY_MALFORMED
 * @example
 * ```ts
 * parsePolicy(`log ${logVkey}\nwitness VN ${vnVkey}\nquorum VN\n`);
 * ```
 */
export function parsePolicy(input: string | Uint8Array): Policy {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const lines = text.split('\n');
  if (lines.length > MAX_POLICY_LINES)
    throw new LedgerError('LEDGER_POLICY_MALFORMED', `more than ${MAX_POLICY_LINES} lines`);
  const logs: { verifier: NoteVerifier; url?: string }[] = [];
  const witnesses = new Map<string, { verifier: NoteVerifier; url?: string }>();
  const groups = new Map<string, { threshold: number; members: string[] }>();
  const keys = new Set<string>();
  let quorum: string | undefined;
  lines.forEach((raw, i) => {
    const bad = (why: string): LedgerError =>
      new LedgerError('LEDGER_POLICY_MALFORMED', `line ${i + 1}: ${why}`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(raw)) throw bad('a control character');
    const words = raw.split(/[ \t]+/).filter((w) => w !== '');
    if (words.length === 0 || words[0]!.startsWith('#')) return;
    const key = (vkey: string, type: 'log' | 'witness'): NoteVerifier => {
      let v: NoteVerifier;
      try {
        v =
          type === 'log' ? noteVerifier(parseVerifierKey(vkey)) : cosignatureVerifier(parseVerifierKey(vkey));
      } catch (e) {
        throw bad(e instanceof Error ? e.message : String(e));
      }
      const pub = v.publicKey.toString('hex');
      if (keys.has(pub)) throw bad('a duplicate key');
      keys.add(pub);
      return v;
    };
    const defined = (name: string): boolean => witnesses.has(name) || groups.has(name);
    switch (words[0]) {
      case 'log':
        if (words.length < 2 || words.length > 3) throw bad('log <vkey> [url]');
        logs.push({ verifier: key(words[1]!, 'log'), ...(words[2] ? { url: words[2] } : {}) });
        break;
      case 'witness': {
        if (words.length < 3 || words.length > 4) throw bad('witness <name> <vkey> [url]');
        const name = words[1]!;
        if (name === 'none' || defined(name)) throw bad(`the name ${name} is taken`);
        witnesses.set(name, { verifier: key(words[2]!, 'witness'), ...(words[3] ? { url: words[3] } : {}) });
        break;
      }
      case 'group': {
        if (words.length < 4) throw bad('group <name> all|any|<k> <member>...');
        const [, name, k, ...members] = words as [string, string, string, ...string[]];
        if (name === 'none' || defined(name)) throw bad(`the name ${name} is taken`);
        if (new Set(members).size !== members.length) throw bad('a member listed twice');
        for (const m of members) if (!defined(m)) throw bad(`${m} is not defined above`);
        const threshold = k === 'all' ? members.length : k === 'any' ? 1 : parseDecimal(k);
        if (threshold === undefined || threshold < 1 || threshold > members.length)
          throw bad(`threshold ${k}`);
        groups.set(name, { threshold, members });
        break;
      }
      case 'quorum':
        if (words.length !== 2) throw bad('quorum <name>');
        if (quorum !== undefined) throw bad('a second quorum line');
        if (words[1] !== 'none' && !defined(words[1]!)) throw bad(`${words[1]} is not defined above`);
        quorum = words[1]!;
        break;
      default:
        throw bad(`unknown keyword ${JSON.stringify(words[0]!.slice(0, 20))}`);
    }
  });
  if (quorum === undefined) throw new LedgerError('LEDGER_POLICY_MALFORMED', 'no quorum line');
  return { logs, witnesses, groups, quorum };
}

/**
 * Whether the witnesses named in `cosigned` meet the policy's quorum.
 *
 * @param policy - the policy
 * @param cosigned - names (policy witness names) of the witnesses whose cosignature verified
 */
export function quorumMet(policy: Policy, cosigned: ReadonlySet<string>): boolean {
  const met = (name: string): boolean => {
    if (name === 'none') return true;
    if (policy.witnesses.has(name)) return cosigned.has(name);
    const g = policy.groups.get(name);
    if (g === undefined) return false;
    return g.members.filter(met).length >= g.threshold;
  };
  return met(policy.quorum);
}

/** A checkpoint that met a policy, with the witnesses (policy names) that cosigned it. */
export interface PolicyVerdict {
  readonly checkpoint: SignedCheckpoint;
  readonly cosigners: readonly {
    readonly witness: string;
    readonly keyName: string;
    readonly time: number;
  }[];
}

/**
 * Opens a cosigned checkpoint under a policy: signed by a listed log whose key name is the
 * origin, cosigned by a quorum of the listed witnesses.
 *
 * @param input - the checkpoint with its signatures
 * @param policy - the policy
 * @throws LedgerError the note errors, LEDGER_NOTE_UNVERIFIED (no listed log signed),
 *   LEDGER_POLICY_UNMET (no quorum)
 */
export function verifyCheckpointPolicy(input: Uint8Array | string, policy: Policy): PolicyVerdict {
  const logKeys = policy.logs.map((l) => l.verifier);
  const witnessKeys = [...policy.witnesses.values()].map((w) => w.verifier);
  const verifiers = [...logKeys, ...witnessKeys];
  const note = openNote(input, verifiers);
  const checkpoint = checkpointOfNote(note);
  const byLog = note.verified.some((s) =>
    logKeys.some((k) => k.name === s.name && k.keyId === s.keyId && k.name === checkpoint.origin),
  );
  if (!byLog)
    throw new LedgerError('LEDGER_NOTE_UNVERIFIED', `no signature of a listed log for ${checkpoint.origin}`);
  const cosigners: { witness: string; keyName: string; time: number }[] = [];
  for (const c of verifiedCosignatures(note.verified, witnessKeys)) {
    for (const [witness, w] of policy.witnesses)
      if (w.verifier.name === c.name && w.verifier.keyId === c.keyId)
        cosigners.push({ witness, keyName: c.name, time: c.time });
  }
  if (!quorumMet(policy, new Set(cosigners.map((c) => c.witness))))
    throw new LedgerError(
      'LEDGER_POLICY_UNMET',
      `cosigned by ${cosigners.map((c) => c.witness).join(', ') || 'no witness'}`,
    );
  return { checkpoint, cosigners };
}
