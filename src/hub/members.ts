/**
 * Membership changes of the hub, as pure functions over its state: add (or re-add after a
 * removal), suspend, resume, remove. Each appends to the member's history, which the LOTL
 * carries ({@link HUB_LOTL}), so the trust store can tell whether a member was active at a given
 * time.
 */
import { HUB_LOTL } from '../trust/uris.js';
import type { MemberStatus } from '../trust/writer/lotl.js';
import { isoSeconds } from '../trust/writer/node_state.js';
import type { HubMember, HubState } from './config.js';
import { HubError } from './errors.js';

/** The current status of a member. */
export function memberStatus(m: HubMember): MemberStatus {
  return m.history[m.history.length - 1]!.status;
}

function find(state: HubState, country: string): HubMember | undefined {
  return state.members.find((m) => m.country === country);
}

/** The next status change time: `now`, never before the previous change. */
function changeAt(m: HubMember | undefined, now: Date): string {
  const at = isoSeconds(now);
  const last = m?.history[m.history.length - 1]?.at;
  return last !== undefined && at < last ? last : at;
}

/**
 * Adds a member, or re-adds a removed one (new location and signers, history kept).
 *
 * @throws HubError HUB_MEMBER_EXISTS when the country is a member (active or suspended)
 * @example
 * ```ts
 * const next = addMember(state, { country: 'PH', trustListUrl, signers: [b64] }, new Date());
 * ```
 */
export function addMember(
  state: HubState,
  member: {
    country: string;
    trustListUrl: string;
    signers: string[];
    transparency?: HubMember['transparency'];
  },
  now: Date,
): HubState {
  const old = find(state, member.country);
  if (old && memberStatus(old) !== HUB_LOTL.removed) {
    throw new HubError('HUB_MEMBER_EXISTS', `${member.country} is ${memberStatus(old)}`);
  }
  const history = [...(old?.history ?? []), { status: HUB_LOTL.active, at: changeAt(old, now) }];
  const next: HubMember = { ...member, history };
  return {
    ...state,
    members: [...state.members.filter((m) => m.country !== member.country), next].sort((a, b) =>
      a.country.localeCompare(b.country),
    ),
  };
}

/**
 * Moves a member to `status`.
 *
 * @param state - hub state
 * @param country - the member
 * @param status - `suspended`, `active` (resume) or `removed`
 * @param now - when
 * @throws HubError HUB_MEMBER_UNKNOWN, HUB_MEMBER_STATE (suspend a member not active, resume one
 *   not suspended, remove one already removed)
 * @example
 * ```ts
 * const next = changeMemberStatus(state, 'PH', 'suspended', new Date());
 * ```
 */
export function changeMemberStatus(
  state: HubState,
  country: string,
  status: MemberStatus,
  now: Date,
): HubState {
  const m = find(state, country);
  if (!m) throw new HubError('HUB_MEMBER_UNKNOWN', country);
  const from = memberStatus(m);
  const allowed =
    (status === HUB_LOTL.suspended && from === HUB_LOTL.active) ||
    (status === HUB_LOTL.active && from === HUB_LOTL.suspended) ||
    (status === HUB_LOTL.removed && from !== HUB_LOTL.removed);
  if (!allowed) throw new HubError('HUB_MEMBER_STATE', `${country} is ${from}, cannot become ${status}`);
  const next: HubMember = { ...m, history: [...m.history, { status, at: changeAt(m, now) }] };
  return { ...state, members: state.members.map((x) => (x.country === country ? next : x)) };
}
