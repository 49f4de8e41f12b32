/**
 * Validation with a trust store built from trusted lists (issue 4 part 4): the report names the
 * member, TSP, service and qualification; a withdrawn service or a suspended member fails new
 * signatures (INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND) while signatures with a proof of
 * existence from before keep passing. A fixed-key node lists its eID CA (CA/QC) and its TSA
 * (TSA/QTST) in a TL that a LOTL points to.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { signCades } from '../../../src/signature/cades/sign.js';
import { mapFetcher } from '../../../src/trust/store/fetcher.js';
import { TrustStore } from '../../../src/trust/store/trust_store.js';
import { QUALIFIER, SERVICE_STATUS, SERVICE_TYPE } from '../../../src/trust/uris.js';
import { DOCUMENT, signingFixture } from '../../signature/fixtures.js';
import type { SigningFixture } from '../../signature/fixtures.js';
import { listSigner, signedList } from './fixtures.js';
import type { ListSpec, PointerSpec, ServiceSpec } from './fixtures.js';
import { validateCms } from '../../validation/fixtures.js';

const DAY = 24 * 3600_000;
const T0 = new Date('2026-01-01T00:00:00Z');
const LOTL = 'https://hub.test/lotl.xml';
const TL = 'https://pki.test.example/trustlist.xml';
let f: SigningFixture | undefined;

afterEach(async () => {
  await f?.node.close();
  f = undefined;
});

interface Setup {
  ca?: Partial<ServiceSpec>;
  tsa?: Partial<ServiceSpec>;
  pointer?: Partial<PointerSpec>;
}

/** A store over the fixture node's TL (eID CA granted since T0, TSA granted since T0) and a LOTL. */
async function storeFor(fx: SigningFixture, s: Setup = {}): Promise<TrustStore> {
  const tlSigner = await listSigner('PH TL signer', 'citizen-b-auth');
  const lotlSigner = await listSigner('Hub LOTL signer', 'citizen-c-auth');
  const services: ServiceSpec[] = [
    { name: 'PH eID CA', start: T0, certificates: [fx.node.eidCa.certificate.der], ...s.ca },
    {
      name: 'PH TSA',
      type: SERVICE_TYPE.tsaQtst,
      start: T0,
      certificates: [fx.node.tsa.certificate.der],
      ...s.tsa,
    },
  ];
  const issued = new Date(fx.clock().getTime() - DAY);
  const tl: ListSpec = {
    territory: 'PH',
    sequence: 1,
    issued,
    nextUpdate: new Date('2026-09-01T00:00:00Z'),
    providers: [{ name: 'PH Digital Agency', services }],
  };
  const pointer: PointerSpec = { location: TL, certificates: [tlSigner.der], territory: 'PH', ...s.pointer };
  const lotl: ListSpec = {
    territory: 'AS',
    lotl: true,
    sequence: 1,
    issued,
    nextUpdate: tl.nextUpdate!,
    pointers: [pointer],
  };
  const store = new TrustStore([{ url: LOTL, signers: [lotlSigner.der] }], {
    fetcher: mapFetcher(
      new Map([
        [LOTL, await signedList(lotl, lotlSigner)],
        [TL, await signedList(tl, tlSigner)],
      ]),
    ),
    clock: fx.clock,
  });
  const lists = await store.refresh();
  assert.ok(
    lists.every((l) => l.used && !l.problem),
    JSON.stringify(lists),
  );
  return store;
}

function sign(fx: SigningFixture, level: 'B-B' | 'B-T'): Promise<Buffer> {
  return signCades({
    content: DOCUMENT,
    detached: false,
    signer: fx.signer,
    signerCertificate: fx.certificate,
    chain: fx.chain,
    signingTime: fx.clock(),
    level,
    ...(level === 'B-T' ? { tsa: fx.endpoint } : {}),
  });
}

const withStore = (store: TrustStore) => ({ anchors: [], trustServices: store });

describe('validation with trusted lists', () => {
  it('a granted CA/QC service: TOTAL-PASSED, the report names PH, the TSP, the service and AdES-QC', async () => {
    const fx = (f = await signingFixture());
    const store = await storeFor(fx);
    const r = await validateCms(fx, await sign(fx, 'B-B'), withStore(store));
    assert.equal(r.indication, 'TOTAL-PASSED', JSON.stringify(r.checks));
    assert.deepEqual(
      [
        r.trust?.country,
        r.trust?.tspName,
        r.trust?.serviceName,
        r.trust?.serviceType,
        r.trust?.qualification,
      ],
      ['PH', 'PH Digital Agency', 'PH eID CA', SERVICE_TYPE.caQc, 'AdES-QC'],
    );
    assert.equal(r.trust?.source, TL);
    assert.equal(r.chain.length, 2);
    assert.equal(r.chain[1]!.trustAnchor, true);
    assert.ok(r.checks.some((c) => c.name === 'TRUSTED_LIST_STATUS' && c.indication === 'PASSED'));
  });

  it('a QCWithQSCD qualifier on the service makes it QES', async () => {
    const fx = (f = await signingFixture());
    const store = await storeFor(fx, {
      ca: { qualifiers: [{ uris: [QUALIFIER.qcWithQscd, QUALIFIER.qcStatement] }] },
    });
    const r = await validateCms(fx, await sign(fx, 'B-B'), withStore(store));
    assert.equal(r.indication, 'TOTAL-PASSED');
    assert.equal(r.trust?.qualification, 'QES');
    const notQualified = await storeFor(fx, { ca: { qualifiers: [{ uris: [QUALIFIER.notQualified] }] } });
    assert.equal(
      (await validateCms(fx, await sign(fx, 'B-B'), withStore(notQualified))).trust?.qualification,
      'AdES',
    );
  });

  it('a service withdrawn before the signing, with no proof of existence: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND', async () => {
    const fx = (f = await signingFixture());
    const withdrawn = new Date(fx.clock().getTime() - DAY);
    const store = await storeFor(fx, {
      ca: {
        status: SERVICE_STATUS.withdrawn,
        start: withdrawn,
        history: [{ status: SERVICE_STATUS.granted, start: T0 }],
      },
    });
    const r = await validateCms(fx, await sign(fx, 'B-B'), withStore(store));
    assert.equal(r.indication, 'INDETERMINATE');
    assert.equal(r.subIndication, 'NO_CERTIFICATE_CHAIN_FOUND');
    assert.match(r.trust!.status, /withdrawn$/);
    assert.equal(r.trust!.qualification, 'N/A');
    assert.match(r.checks.at(-1)!.detail!, /withdrawn since/);
  });

  it('withdrawn after a time-stamp: the B-T signature keeps passing, a B-B one made then does not', async () => {
    const fx = (f = await signingFixture());
    const bt = await sign(fx, 'B-T');
    const bb = await sign(fx, 'B-B');
    const withdrawal = new Date(fx.clock().getTime() + DAY);
    fx.clock.advance(2 * DAY);
    const store = await storeFor(fx, {
      ca: {
        status: SERVICE_STATUS.withdrawn,
        start: withdrawal,
        history: [{ status: SERVICE_STATUS.granted, start: T0 }],
      },
    });
    const passed = await validateCms(fx, bt, withStore(store));
    assert.equal(passed.indication, 'TOTAL-PASSED', JSON.stringify(passed.checks));
    assert.match(passed.trust!.status, /granted$/);
    assert.equal(passed.timestamps[0]!.indication, 'TOTAL-PASSED');
    assert.equal(passed.timestamps[0]!.trust?.serviceName, 'PH TSA');
    const failed = await validateCms(fx, bb, withStore(store));
    assert.deepEqual(
      [failed.indication, failed.subIndication],
      ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND'],
    );
  });

  it('a member suspended by the hub after the proof of existence: B-T passes, B-B does not', async () => {
    const fx = (f = await signingFixture());
    const bt = await sign(fx, 'B-T');
    const bb = await sign(fx, 'B-B');
    const since = new Date(fx.clock().getTime() + DAY).toISOString();
    fx.clock.advance(2 * DAY);
    const store = await storeFor(fx, {
      pointer: {
        extraInformation: `<OtherInformation><tb:MemberStatus xmlns:tb="urn:trustbridge:lotl:1"><tb:StatusChange Status="active" StatusStartingTime="2026-01-01T00:00:00Z"/><tb:StatusChange Status="suspended" StatusStartingTime="${since}"/></tb:MemberStatus></OtherInformation>`,
      },
    });
    assert.equal((await validateCms(fx, bt, withStore(store))).indication, 'TOTAL-PASSED');
    const r = await validateCms(fx, bb, withStore(store));
    assert.deepEqual([r.indication, r.subIndication], ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
    assert.match(r.checks.at(-1)!.detail!, /member PH suspended/);
  });

  it('a TSA service withdrawn before the genTime gives no proof of existence', async () => {
    const fx = (f = await signingFixture());
    const bt = await sign(fx, 'B-T');
    const store = await storeFor(fx, {
      tsa: {
        status: SERVICE_STATUS.withdrawn,
        start: new Date(fx.clock().getTime() - DAY),
        history: [{ status: SERVICE_STATUS.granted, start: T0 }],
      },
    });
    const r = await validateCms(fx, bt, withStore(store));
    assert.equal(r.indication, 'TOTAL-PASSED');
    assert.equal(r.timestamps[0]!.indication, 'INDETERMINATE');
    assert.equal(r.timestamps[0]!.subIndication, 'NO_CERTIFICATE_CHAIN_FOUND');
    assert.equal(r.bestSignatureTime, fx.clock().toISOString());
  });

  it('a signer whose CA is in no list: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND, no trust field', async () => {
    const fx = (f = await signingFixture());
    const store = await storeFor(fx);
    const other = await signingFixture();
    try {
      const r = await validateCms(other, await sign(other, 'B-B'), {
        anchors: [],
        trustServices: new TrustStore([], { fetcher: mapFetcher(new Map()) }),
      });
      assert.deepEqual(
        [r.indication, r.subIndication, r.trust],
        ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND', undefined],
      );
      assert.equal(store.size, 2);
    } finally {
      await other.node.close();
    }
  });

  it('PEM anchors work as before, and a path to a PEM anchor carries no trust field', async () => {
    const fx = (f = await signingFixture());
    const r = await validateCms(fx, await sign(fx, 'B-B'));
    assert.equal(r.indication, 'TOTAL-PASSED');
    assert.equal(r.trust, undefined);
    assert.equal(r.chain.length, 3);
  });
});
