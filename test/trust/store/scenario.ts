/**
 * A two-member federation on fixed keys for the trust-store tests: a LOTL at
 * https://hub.test/lotl.xml pointing to the PH and VN lists, served from a mutable map.
 */
import { mapFetcher } from '../../../src/trust/store/fetcher.js';
import type { TrustListFetcher } from '../../../src/trust/store/fetcher.js';
import { SERVICE_STATUS } from '../../../src/trust/uris.js';
import type { ListSpec, PointerSpec } from './tl_builder.js';
import { signedList } from './tl_builder.js';
import type { TrustPki } from './pki.js';

export const LOTL_URL = 'https://hub.test/lotl.xml';
export const PH_URL = 'https://ph.test/trustlist.xml';
export const VN_URL = 'https://vn.test/trustlist.xml';
export const T0 = new Date('2026-01-01T00:00:00Z');
export const ISSUED = new Date('2026-02-01T00:00:00Z');
export const NEXT = new Date('2026-08-01T00:00:00Z');
/** When VN withdraws its CA service. */
export const VN_WITHDRAWN = new Date('2026-05-01T00:00:00Z');

/** The PH list at a sequence number. */
export function phSpec(pki: TrustPki, sequence = 1, extra: Partial<ListSpec> = {}): ListSpec {
  return {
    territory: 'PH',
    sequence,
    issued: ISSUED,
    nextUpdate: NEXT,
    providers: [
      {
        name: 'PH National Digital Agency',
        services: [{ name: 'PH eID CA', start: T0, certificates: [pki.phCa.der] }],
      },
    ],
    ...extra,
  };
}

/** The VN list: its CA granted from T0, withdrawn at {@link VN_WITHDRAWN}. */
export function vnSpec(pki: TrustPki, sequence = 1): ListSpec {
  return {
    territory: 'VN',
    sequence,
    issued: ISSUED,
    nextUpdate: NEXT,
    providers: [
      {
        name: 'VN Government CA',
        services: [
          {
            name: 'VN eID CA',
            status: SERVICE_STATUS.withdrawn,
            start: VN_WITHDRAWN,
            history: [{ status: SERVICE_STATUS.granted, start: T0 }],
            certificates: [pki.vnCa.der],
          },
        ],
      },
    ],
  };
}

/** The pointers of the LOTL. */
export function pointers(pki: TrustPki): PointerSpec[] {
  return [
    { location: PH_URL, certificates: [pki.phSigner.der], territory: 'PH' },
    { location: VN_URL, certificates: [pki.vnSigner.der], territory: 'VN' },
  ];
}

/** The LOTL at a sequence number. */
export function lotlSpec(pki: TrustPki, sequence = 1, ptrs: PointerSpec[] = pointers(pki)): ListSpec {
  return { territory: 'AS', lotl: true, sequence, issued: ISSUED, nextUpdate: NEXT, pointers: ptrs };
}

/** The served lists and a fetcher that counts requests. */
export interface Served {
  lists: Map<string, Buffer>;
  fetcher: TrustListFetcher & { requests: string[] };
}

/** Signs and serves the LOTL, PH and VN lists. */
export async function serveFederation(pki: TrustPki): Promise<Served> {
  const lists = new Map<string, Buffer>([
    [LOTL_URL, await signedList(lotlSpec(pki), pki.lotlSigner)],
    [PH_URL, await signedList(phSpec(pki), pki.phSigner)],
    [VN_URL, await signedList(vnSpec(pki), pki.vnSigner)],
  ]);
  const inner = mapFetcher(lists);
  const requests: string[] = [];
  return {
    lists,
    fetcher: {
      requests,
      fetch(url, o) {
        requests.push(`${url}${o.etag ? ' (if-none-match)' : ''}`);
        return inner.fetch(url, o);
      },
    },
  };
}
