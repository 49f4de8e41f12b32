/**
 * What the hub's list of trusted lists says (ETSI TS 119 612 clause 5.3.13): a pointer to itself
 * (TSLType `CClistofthelists`, its own signer: readers learn the LOTL signer from the list as in
 * the EU LOTL), then one OtherTSLPointer per member that is not removed, with the member's list
 * location, the certificates allowed to sign it, the AdditionalInformation of clause 5.3.13 and
 * the membership history ({@link HUB_LOTL}). Pure: facts in, {@link TslDocument} out.
 */
import { X509Certificate } from 'node:crypto';
import {
  HUB_LOTL,
  TSL,
  listOfListsStatusDetermination,
  listOfListsTslType,
  nationalTslType,
  schemeRules,
} from '../uris.js';
import type { TslDocument, TslPointer } from './model.js';
import { el } from './xml_writer.js';
import type { XmlOut } from './xml_writer.js';

/** A membership status. */
export type MemberStatus = typeof HUB_LOTL.active | typeof HUB_LOTL.suspended | typeof HUB_LOTL.removed;

/** One change of a member's status. */
export interface MemberStatusChange {
  status: MemberStatus;
  /** ISO 8601 UTC, seconds precision. */
  at: string;
}

/** A member as the LOTL shows it. */
export interface LotlMember {
  /** ISO 3166-1 alpha-2. */
  country: string;
  trustListUrl: string;
  /** The pinned TL-signing certificates (DER). */
  signers: readonly Buffer[];
  /** Oldest first; the last one is the current status. */
  history: readonly MemberStatusChange[];
  /** Its transparency log's verifier key and its witness (key, add-checkpoint URL). */
  transparency?: LotlTransparency;
}

/** A member's (or the hub's) transparency log and witness, as the LOTL publishes them. */
export interface LotlTransparency {
  logKey?: string;
  witnessKey?: string;
  witnessUrl?: string;
  /** The log's tlog-tiles prefix (`<node>/log/`), where relying parties look certificates up. */
  logUrl?: string;
}

/** Everything the LOTL is made of. */
export interface LotlFacts {
  /** The region's two-letter code (SchemeTerritory). */
  territory: string;
  /** The hub's name (SchemeOperatorName). */
  name: string;
  baseUrl: string;
  sequenceNumber: number;
  issued: Date;
  nextUpdate: Date;
  /** The LOTL signer's certificate (the self pointer). */
  signer: Buffer;
  /** The hub's own log and witness (on the self pointer). */
  transparency?: LotlTransparency;
  members: readonly LotlMember[];
}

/** The organizationName of a certificate (TS 119 612 clause 5.7.1: the scheme operator's name). */
export function operatorNameOf(cert: Buffer, fallback: string): string {
  try {
    return /^O=(.+)$/m.exec(new X509Certificate(cert).subject)?.[1] ?? fallback;
  } catch {
    return fallback;
  }
}

function memberStatusXml(history: readonly MemberStatusChange[]): XmlOut {
  const p = HUB_LOTL.prefix;
  return el(
    `${p}:${HUB_LOTL.memberStatus}`,
    [[`xmlns:${p}`, HUB_LOTL.ns]],
    ...history.map((h) =>
      el(`${p}:${HUB_LOTL.statusChange}`, [
        [HUB_LOTL.statusAttribute, h.status],
        [HUB_LOTL.startingTimeAttribute, h.at],
      ]),
    ),
  );
}

function transparencyXml(t: LotlTransparency | undefined): XmlOut[] {
  if (!t || (!t.logKey && !t.witnessKey && !t.witnessUrl && !t.logUrl)) return [];
  const p = HUB_LOTL.prefix;
  const attributes: [string, string][] = [[`xmlns:${p}`, HUB_LOTL.ns]];
  if (t.logKey) attributes.push([HUB_LOTL.logKeyAttribute, t.logKey]);
  if (t.witnessKey) attributes.push([HUB_LOTL.witnessKeyAttribute, t.witnessKey]);
  if (t.witnessUrl) attributes.push([HUB_LOTL.witnessUrlAttribute, t.witnessUrl]);
  if (t.logUrl) attributes.push([HUB_LOTL.logUrlAttribute, t.logUrl]);
  return [el(`${p}:${HUB_LOTL.transparency}`, attributes)];
}

function memberPointer(m: LotlMember): TslPointer {
  return {
    location: m.trustListUrl,
    signers: m.signers,
    tslType: nationalTslType(m.country),
    territory: m.country,
    operatorName: operatorNameOf(m.signers[0]!, `${m.country} trusted list scheme operator`),
    mimeType: TSL.mimeType,
    schemeRules: [schemeRules(m.country)],
    otherInformation: [memberStatusXml(m.history), ...transparencyXml(m.transparency)],
  };
}

/**
 * The LOTL as data. Members whose current status is `removed` get no pointer; members are
 * ordered by country so the same state always gives the same list.
 *
 * @example
 * ```ts
 * const xml = buildTsl(lotlDocument({ territory: 'XR', name: 'Regional hub', baseUrl, sequenceNumber: 1, issued, nextUpdate, signer, members: [] }));
 * ```
 */
export function lotlDocument(f: LotlFacts): TslDocument {
  const t = f.territory;
  const self: TslPointer = {
    location: `${f.baseUrl}/lotl.xml`,
    signers: [f.signer],
    tslType: listOfListsTslType(t),
    territory: t,
    operatorName: f.name,
    mimeType: TSL.mimeType,
    schemeRules: [schemeRules(`${t}listofthelists`)],
    ...(transparencyXml(f.transparency).length > 0
      ? { otherInformation: transparencyXml(f.transparency) }
      : {}),
  };
  const members = [...f.members]
    .filter((m) => m.history[m.history.length - 1]?.status !== HUB_LOTL.removed)
    .sort((a, b) => a.country.localeCompare(b.country));
  return {
    id: `LOTL-${t}`,
    scheme: {
      sequenceNumber: f.sequenceNumber,
      tslType: listOfListsTslType(t),
      operatorName: f.name,
      operatorAddress: { street: f.name, locality: t, country: t, electronic: [`${f.baseUrl}/`] },
      schemeName: `${t}: list of the trusted lists of the member countries of ${f.name}`,
      informationUris: [`${f.baseUrl}/`],
      statusDetermination: listOfListsStatusDetermination(t),
      schemeRules: [schemeRules(`${t}listofthelists`)],
      territory: t,
      legalNotice: `List of the trusted lists of the members of ${f.name}, published under ETSI TS 119 612 for the mutual recognition of electronic signatures.`,
      historicalInformationPeriod: TSL.historicalInformationPeriod,
      pointers: [self, ...members.map(memberPointer)],
      issued: f.issued,
      nextUpdate: f.nextUpdate,
      distributionPoints: [`${f.baseUrl}/lotl.xml`],
    },
  };
}
