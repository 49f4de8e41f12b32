/**
 * The trust store on a generated two-member federation (fixed keys and clock): loading and
 * following the LOTL, the O(1) status question with ServiceHistory, ETag caching, monotonic
 * sequence numbers, last-good retention, staleness policy, member suspension and removal, key
 * rollover and a cache across restarts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { TrustStore } from '../../../src/trust/store/trust_store.js';
import type { TrustStoreEvent, TrustStoreOptions } from '../../../src/trust/store/trust_store.js';
import type { TrustListCache } from '../../../src/trust/store/fetcher.js';
import { decodeCertificate } from '../../../src/x509/certificate.js';
import { pathOf, trustPki } from './fixtures.js';
import type { TrustPki } from './fixtures.js';
import {
  LOTL_URL,
  NEXT,
  PH_URL,
  VN_URL,
  VN_WITHDRAWN,
  lotlSpec,
  phSpec,
  pointers,
  serveFederation,
} from './fixtures.js';
import type { Served } from './fixtures.js';
import { signedList } from './fixtures.js';

const NOW = new Date('2026-03-01T00:00:00Z');
let pki: TrustPki;

before(async () => {
  pki = await trustPki();
});

function storeOf(
  served: Served,
  extra: Partial<TrustStoreOptions> = {},
  now = NOW,
): TrustStore & { events: TrustStoreEvent[] } {
  const events: TrustStoreEvent[] = [];
  const store = new TrustStore([{ url: LOTL_URL, signers: [pki.lotlSigner.der] }], {
    fetcher: served.fetcher,
    clock: () => now,
    log: (e) => events.push(e),
    ...extra,
  });
  return Object.assign(store, { events });
}

const issuerKeys = (der: Buffer): Set<string> => new Set([decodeCertificate(der).issuer.key]);

describe('TrustStore', () => {
  it('loads the LOTL, follows both pointers with their pinned signers and indexes the CA services', async () => {
    const served = await serveFederation(pki);
    const store = storeOf(served);
    const lists = await store.refresh();
    assert.deepEqual(
      lists.map((l) => [l.url, l.role, l.territory, l.sequenceNumber, l.used, l.problem?.code]),
      [
        [LOTL_URL, 'root', 'AS', 1, true, undefined],
        [PH_URL, 'member', 'PH', 1, true, undefined],
        [VN_URL, 'member', 'VN', 1, true, undefined],
      ],
    );
    assert.equal(store.size, 2);
    assert.deepEqual(store.anchorsFor(issuerKeys(pki.phLeaf.der)), [pki.phCa.der]);
    assert.deepEqual(store.anchorsFor(new Set(['nothing'])), []);
    const d = store.evaluate(pathOf(pki.phLeaf, pki.phCa), NOW, 'signature')!;
    assert.equal(d.granted, true);
    assert.equal(d.trust.country, 'PH');
    assert.equal(d.trust.tspName, 'PH National Digital Agency');
    assert.equal(d.trust.serviceName, 'PH eID CA');
    assert.equal(d.trust.qualification, 'AdES-QC');
    assert.equal(d.trust.source, PH_URL);
    assert.deepEqual(store.notes(), []);
  });

  it('answers from the status history: granted before the withdrawal, not after', async () => {
    const store = storeOf(await serveFederation(pki));
    await store.refresh();
    const path = pathOf(pki.vnLeaf, pki.vnCa);
    const before = store.evaluate(path, new Date(VN_WITHDRAWN.getTime() - 1), 'signature')!;
    assert.equal(before.granted, true);
    assert.match(before.trust.status, /granted$/);
    const after = store.evaluate(path, VN_WITHDRAWN, 'signature')!;
    assert.equal(after.granted, false);
    assert.match(after.detail, /withdrawn since 2026-05-01/);
    assert.equal(after.trust.qualification, 'N/A');
    const early = store.evaluate(path, new Date('2025-06-01T00:00:00Z'), 'signature')!;
    assert.equal(early.granted, false);
    assert.match(early.detail, /no status before/);
  });

  it('a second refresh asks with If-None-Match and keeps everything on 304', async () => {
    const served = await serveFederation(pki);
    const store = storeOf(served);
    await store.refresh();
    served.fetcher.requests.length = 0;
    const lists = await store.refresh();
    assert.deepEqual(served.fetcher.requests.sort(), [
      `${LOTL_URL} (if-none-match)`,
      `${PH_URL} (if-none-match)`,
      `${VN_URL} (if-none-match)`,
    ]);
    assert.ok(lists.every((l) => l.used && !l.problem));
  });

  it('accepts a higher sequence number, refuses a lower one and a replayed number with other bytes', async () => {
    const served = await serveFederation(pki);
    const store = storeOf(served);
    await store.refresh();
    const seq1 = served.lists.get(PH_URL)!;
    served.lists.set(PH_URL, await signedList(phSpec(pki, 2), pki.phSigner));
    assert.equal((await store.refresh()).find((l) => l.url === PH_URL)!.sequenceNumber, 2);
    served.lists.set(PH_URL, seq1);
    let ph = (await store.refresh()).find((l) => l.url === PH_URL)!;
    assert.equal(ph.problem?.code, 'TRUST_LIST_ROLLBACK');
    assert.equal(ph.sequenceNumber, 2);
    assert.ok(ph.used);
    assert.match(store.notes().join('\n'), /TRUST_LIST_ROLLBACK .*the last good version is used/);
    served.lists.set(
      PH_URL,
      await signedList(phSpec(pki, 2, { nextUpdate: new Date('2026-09-01T00:00:00Z') }), pki.phSigner),
    );
    ph = (await store.refresh()).find((l) => l.url === PH_URL)!;
    assert.equal(ph.problem?.code, 'TRUST_LIST_ROLLBACK');
    assert.match(ph.problem!.message, /already accepted with other content/);
    assert.ok(store.events.some((e) => e.code === 'TRUST_LIST_ROLLBACK' && e.url === PH_URL));
  });

  it('keeps the last good version when a download fails, and trusts nothing that never loaded', async () => {
    const served = await serveFederation(pki);
    const store = storeOf(served);
    await store.refresh();
    served.lists.delete(PH_URL);
    const ph = (await store.refresh()).find((l) => l.url === PH_URL)!;
    assert.equal(ph.problem?.code, 'TRUST_LIST_UNAVAILABLE');
    assert.equal(store.evaluate(pathOf(pki.phLeaf, pki.phCa), NOW, 'signature')?.granted, true);
    const fresh = storeOf(served);
    await fresh.refresh();
    assert.deepEqual(fresh.anchorsFor(issuerKeys(pki.phLeaf.der)), []);
  });

  it('a stale list is used with a note by default and not used under the refuse policy', async () => {
    const late = new Date(NEXT.getTime() + 1000);
    const warn = storeOf(await serveFederation(pki), {}, late);
    const lists = await warn.refresh();
    assert.ok(lists.every((l) => l.stale && l.used));
    assert.match(warn.notes()[0]!, /past its next update 2026-08-01T00:00:00.000Z: used \(policy warn\)/);
    const refuse = storeOf(await serveFederation(pki), { stalePolicy: 'refuse' }, late);
    assert.ok((await refuse.refresh()).every((l) => l.stale && !l.used));
    assert.equal(refuse.size, 0);
  });

  it('a member suspended by the LOTL is trusted only for times before the suspension; a removed one not at all', async () => {
    const served = await serveFederation(pki);
    const since = '2026-02-15T00:00:00Z';
    const suspended = pointers(pki).map((p) =>
      p.territory === 'PH'
        ? {
            ...p,
            extraInformation: `<OtherInformation><tb:MemberStatus xmlns:tb="urn:trustbridge:lotl:1"><tb:StatusChange Status="active" StatusStartingTime="2026-01-01T00:00:00Z"/><tb:StatusChange Status="suspended" StatusStartingTime="${since}"/></tb:MemberStatus></OtherInformation>`,
          }
        : p,
    );
    served.lists.set(LOTL_URL, await signedList(lotlSpec(pki, 2, suspended), pki.lotlSigner));
    const store = storeOf(served);
    await store.refresh();
    const path = pathOf(pki.phLeaf, pki.phCa);
    assert.equal(store.evaluate(path, new Date('2026-02-14T00:00:00Z'), 'signature')?.granted, true);
    const after = store.evaluate(path, NOW, 'signature')!;
    assert.equal(after.granted, false);
    assert.match(after.detail, /member PH suspended .* since 2026-02-15/);
    const resumed = pointers(pki).map((p) =>
      p.territory === 'PH'
        ? {
            ...p,
            extraInformation:
              '<OtherInformation><tb:MemberStatus xmlns:tb="urn:trustbridge:lotl:1"><tb:StatusChange Status="active" StatusStartingTime="2026-01-01T00:00:00Z"/>' +
              `<tb:StatusChange Status="suspended" StatusStartingTime="${since}"/><tb:StatusChange Status="active" StatusStartingTime="2026-02-20T00:00:00Z"/></tb:MemberStatus></OtherInformation>`,
          }
        : p,
    );
    served.lists.set(LOTL_URL, await signedList(lotlSpec(pki, 3, resumed), pki.lotlSigner));
    await store.refresh();
    assert.equal(store.evaluate(path, new Date('2026-02-16T00:00:00Z'), 'signature')?.granted, false);
    assert.equal(store.evaluate(path, NOW, 'signature')?.granted, true);
    served.lists.set(LOTL_URL, await signedList(lotlSpec(pki, 4, pointers(pki).slice(1)), pki.lotlSigner));
    const lists = await store.refresh();
    assert.deepEqual(
      lists.map((l) => l.territory),
      ['AS', 'VN'],
    );
    assert.equal(store.evaluate(path, new Date('2026-02-14T00:00:00Z'), 'signature'), undefined);
  });

  it('a key rollover in the pointer drops a kept list that the new pins do not verify', async () => {
    const served = await serveFederation(pki);
    const store = storeOf(served);
    await store.refresh();
    const rolled = pointers(pki).map((p) =>
      p.territory === 'PH' ? { ...p, certificates: [pki.rogue.der] } : p,
    );
    served.lists.set(LOTL_URL, await signedList(lotlSpec(pki, 2, rolled), pki.lotlSigner));
    const ph = (await store.refresh()).find((l) => l.url === PH_URL)!;
    assert.equal(ph.problem?.code, 'TRUST_LIST_SIGNER_UNTRUSTED');
    assert.equal(ph.used, false);
    assert.deepEqual(store.anchorsFor(issuerKeys(pki.phLeaf.der)), []);
  });

  it('a cache carries the accepted versions across a restart, so a rollback is still refused', async () => {
    const saved = new Map<string, { body: Buffer; etag?: string }>();
    const cache: TrustListCache = {
      load: (url) => Promise.resolve(saved.get(url)),
      save: (url, entry) => Promise.resolve(void saved.set(url, entry)),
    };
    const served = await serveFederation(pki);
    const seq1 = served.lists.get(PH_URL)!;
    served.lists.set(PH_URL, await signedList(phSpec(pki, 5), pki.phSigner));
    await storeOf(served, { cache }).refresh();
    served.lists.set(PH_URL, seq1);
    const restarted = storeOf(served, { cache });
    const ph = (await restarted.refresh()).find((l) => l.url === PH_URL)!;
    assert.equal(ph.problem?.code, 'TRUST_LIST_ROLLBACK');
    assert.equal(ph.sequenceNumber, 5);
  });

  it('a LOTL signed by an unpinned certificate loads nothing', async () => {
    const served = await serveFederation(pki);
    served.lists.set(LOTL_URL, await signedList(lotlSpec(pki), pki.rogue));
    const store = storeOf(served);
    const lists = await store.refresh();
    assert.equal(lists.length, 1);
    assert.equal(lists[0]!.problem?.code, 'TRUST_LIST_SIGNER_UNTRUSTED');
    assert.equal(store.size, 0);
  });
});
