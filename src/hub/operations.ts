/**
 * The hub's member commands: each changes the state and publishes the next LOTL in one step,
 * so the list on disk always matches the recorded membership.
 */
import { HUB_LOTL } from '../trust/uris.js';
import type { MemberStatus } from '../trust/writer/lotl.js';
import { TrustListPublishError } from '../trust/writer/errors.js';
import { checkedHttpUrl } from '../trust/writer/values.js';
import { parseMemberSigners, publishLotl } from './hub.js';
import type { HubContext, LotlOutcome } from './hub.js';
import { addMember, changeMemberStatus } from './members.js';
import { checkedTransparency } from './transparency.js';
import type { MemberTransparencyInput } from './transparency.js';

function checkedCountry(country: string): string {
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new TrustListPublishError(
      'TL_INPUT_INVALID',
      '--country must be two upper-case letters (ISO 3166-1)',
    );
  }
  return country;
}

/**
 * Adds (or re-adds after removal) a member: its trusted list's URL and the certificates pinned
 * to sign it.
 *
 * @param hub - an open hub
 * @param member - country, trust list URL, PEM text of the signer certificate(s)
 * @throws TrustListPublishError TL_INPUT_INVALID, TL_SIGNER_INVALID; HubError HUB_MEMBER_EXISTS
 * @example
 * ```ts
 * await addHubMember(hub, { country: 'PH', trustListUrl: 'http://127.0.0.1:8080/trustlist.xml', signerPem });
 * ```
 */
export async function addHubMember(
  hub: HubContext,
  member: {
    country: string;
    trustListUrl: string;
    signerPem: string;
    /** The member's log key and witness (key, URL), published in the LOTL for the witnesses. */
    transparency?: MemberTransparencyInput;
  },
): Promise<LotlOutcome> {
  const country = checkedCountry(member.country);
  const trustListUrl = checkedHttpUrl(member.trustListUrl, '--trustlist');
  const transparency = member.transparency && checkedTransparency(member.transparency, trustListUrl);
  return publishLotl(hub, {
    change: (s, now) =>
      addMember(
        s,
        {
          country,
          trustListUrl,
          signers: parseMemberSigners(member.signerPem, country, now),
          ...(transparency ? { transparency } : {}),
        },
        now,
      ),
  });
}

/**
 * Suspends, resumes (`active`) or removes a member.
 *
 * @throws HubError HUB_MEMBER_UNKNOWN, HUB_MEMBER_STATE
 * @example
 * ```ts
 * await setHubMemberStatus(hub, 'PH', 'suspended');
 * ```
 */
export async function setHubMemberStatus(
  hub: HubContext,
  country: string,
  status: MemberStatus,
): Promise<LotlOutcome> {
  const cc = checkedCountry(country);
  if (![HUB_LOTL.active, HUB_LOTL.suspended, HUB_LOTL.removed].includes(status)) {
    throw new TrustListPublishError('TL_INPUT_INVALID', `unknown member status ${status}`);
  }
  return publishLotl(hub, { change: (s, now) => changeMemberStatus(s, cc, status, now) });
}
