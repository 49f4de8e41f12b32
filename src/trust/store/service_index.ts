/**
 * The index the validator asks: trust services by certificate (SHA-256 of the DER) and by public
 * key (SHA-256 of the SubjectPublicKeyInfo), anchor certificates by subject name, each service
 * with its precomputed status intervals. Built once per accepted set of lists; every question
 * ("was this CA a granted service of member X at time T") is a hash lookup and a binary search.
 */
import { createHash } from 'node:crypto';
import { childrenOf, slice, topElement } from '../../lib/der_reader.js';
import { decodeName } from '../../x509/name.js';
import type { TrustService, TrustedList } from '../parse/model.js';
import { statusIntervals } from './status_intervals.js';
import type { StatusInterval } from './status_intervals.js';

/** What a service is used for in validation. */
export type ServiceKind = 'ca' | 'tsa' | 'ocsp' | 'other';

/** One indexed service. */
export interface ServiceRecord {
  /** The member: the list's scheme territory. */
  country: string;
  tspName: string;
  service: TrustService;
  intervals: StatusInterval[];
  kind: ServiceKind;
  /** A CA issuing qualified certificates (CA/QC, NationalRootCA-QC, or an MRA equivalent). */
  qualified: boolean;
  /** Where the list came from, and its sequence number. */
  source: string;
  sequenceNumber: number;
  /** The hub's membership history of the member (oldest first), when the LOTL carries one. */
  memberHistory?: readonly MemberChange[];
}

/** One change of a member's status in the LOTL (`active`, `suspended`, `removed`). */
export interface MemberChange {
  status: string;
  /** ms since the epoch. */
  start: number;
}

/** A list to index, with what the LOTL says about its member. */
export interface IndexedList {
  list: TrustedList;
  source: string;
  /** Statuses counted as granted for this list (default: TS 119 612 ones). */
  grantedStatuses?: ReadonlySet<string>;
  /** Service types to read as CA/QC (MRA equivalences). */
  qualifiedTypes?: ReadonlySet<string>;
  memberHistory?: readonly MemberChange[];
}

/** The parts of a certificate the index needs, cut out of the DER without a full decode. */
interface CertKeys {
  fingerprint: string;
  spkiHash: string;
  subjectKey: string;
}

function certKeys(der: Buffer): CertKeys | undefined {
  try {
    const [tbs] = childrenOf(der, topElement(der, 0x30, 'Certificate'));
    const parts = childrenOf(der, tbs!);
    const i = parts[0]?.tag === 0xa0 ? 1 : 0;
    const subject = parts[i + 4]!;
    const spki = parts[i + 5]!;
    return {
      fingerprint: createHash('sha256').update(der).digest('hex'),
      spkiHash: createHash('sha256').update(slice(der, spki)).digest('hex'),
      subjectKey: decodeName(slice(der, subject)).key,
    };
  } catch {
    return undefined;
  }
}

function kindOf(type: string): ServiceKind {
  if (/\/Svctype\/(CA\/|NationalRootCA)/.test(type)) return 'ca';
  if (/\/Svctype\/TSA(\/|$)/.test(type)) return 'tsa';
  if (/\/Svctype\/Certstatus\/OCSP/.test(type)) return 'ocsp';
  return 'other';
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The trust services of a set of accepted lists, indexed. */
export class ServiceIndex {
  readonly byFingerprint = new Map<string, ServiceRecord[]>();
  readonly bySpki = new Map<string, ServiceRecord[]>();
  readonly anchorsBySubject = new Map<string, Buffer[]>();
  /** Certificates of the lists that could not be read (left out of the index). */
  readonly skipped: string[] = [];
  size = 0;

  /**
   * Indexes the CA and TSA services of the lists (their certificates become trust anchors).
   *
   * @example
   * ```ts
   * const index = ServiceIndex.build([{ list, source: 'https://ph.example/trustlist.xml' }]);
   * index.recordsFor(caDer)[0]?.tspName;
   * ```
   */
  static build(lists: readonly IndexedList[]): ServiceIndex {
    const index = new ServiceIndex();
    for (const l of lists) index.addList(l);
    return index;
  }

  private addList(l: IndexedList): void {
    for (const tsp of l.list.providers) {
      for (const service of tsp.services) {
        const kind = kindOf(service.current.type);
        if (kind === 'other') continue;
        const type = service.current.type;
        const record: ServiceRecord = {
          country: l.list.schemeTerritory,
          tspName: tsp.name,
          service,
          intervals: statusIntervals(service, l.grantedStatuses),
          kind,
          qualified:
            /\/Svctype\/(CA\/QC|NationalRootCA-QC)$/.test(type) || (l.qualifiedTypes?.has(type) ?? false),
          source: l.source,
          sequenceNumber: l.list.sequenceNumber,
          ...(l.memberHistory ? { memberHistory: l.memberHistory } : {}),
        };
        this.addRecord(record);
      }
    }
  }

  private addRecord(record: ServiceRecord): void {
    for (const der of record.service.identity.certificates) {
      const keys = certKeys(der);
      if (!keys) {
        this.skipped.push(`${record.source}: ${record.service.current.name}: a certificate is not DER X.509`);
        continue;
      }
      const known = this.byFingerprint.has(keys.fingerprint);
      push(this.byFingerprint, keys.fingerprint, record);
      push(this.bySpki, keys.spkiHash, record);
      if (!known) push(this.anchorsBySubject, keys.subjectKey, der);
      this.size++;
    }
  }

  /**
   * The services whose identity is this certificate, or (a re-issued certificate) its public key.
   *
   * @example `index.recordsFor(anchorDer, spkiDer)`
   */
  recordsFor(fingerprint: string, spki: Buffer): readonly ServiceRecord[] {
    const exact = this.byFingerprint.get(fingerprint);
    if (exact) return exact;
    return this.bySpki.get(createHash('sha256').update(spki).digest('hex')) ?? [];
  }
}

/**
 * The member's status at `time` per the hub's history: the last change at or before it; before
 * the first change the hub raises no objection (HUB_LOTL in src/trust/uris.ts).
 *
 * @example `memberStatusAt(record, Date.now())?.status // 'active'`
 */
export function memberStatusAt(record: ServiceRecord, time: number): MemberChange | undefined {
  let found: MemberChange | undefined;
  for (const c of record.memberHistory ?? []) if (c.start <= time) found = c;
  return found;
}
