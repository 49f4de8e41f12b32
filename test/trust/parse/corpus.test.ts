/**
 * The reader on real lists of the DSS corpus (../shared/corpus/dss/tl, with the signer
 * certificates DSS pins in its tests): the EU LOTL, the Czech and Danish TLs, the MRA LOTL and its
 * third-country TL, read directly and through the trust store following the LOTL pointers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mapFetcher } from '../../../src/trust/store/fetcher.js';
import { TrustStore } from '../../../src/trust/store/trust_store.js';
import { readTrustedList } from '../../../src/trust/store/verify_list.js';
import { SERVICE_STATUS, SERVICE_TYPE } from '../../../src/trust/uris.js';
import { REPO_ROOT } from '../../fixtures/cli.js';

const DSS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');
const file = (f: string): Buffer => readFileSync(join(DSS, f));

describe('DSS corpus lists', () => {
  it('EU LOTL: sequence 248, 44 pointers, each with its signer certificates', () => {
    const { list } = readTrustedList(file('tl/eu-lotl.xml'), [
      file('anchors/lotl-signer_Patrick-Kremer.cer'),
    ]);
    assert.equal(list.schemeTerritory, 'EU');
    assert.equal(list.sequenceNumber, 248);
    assert.equal(list.issueDate.toISOString(), '2019-09-04T08:00:00.000Z');
    assert.equal(list.nextUpdate?.toISOString(), '2020-03-04T00:00:00.000Z');
    assert.equal(list.providers.length, 0);
    assert.equal(list.pointers.length, 44);
    const cz = list.pointers.find((p) => p.location === 'https://tsl.gov.cz/publ/TSL_CZ.xtsl')!;
    assert.equal(cz.schemeTerritory, 'CZ');
    assert.equal(cz.mimeType, 'application/vnd.etsi.tsl+xml');
    assert.ok(cz.certificates.some((c) => c.equals(file('anchors/cz-tl-signer.cer'))));
  });

  it('CZ TL: 6 TSPs, 133 services, status history and qualifiers read', () => {
    const { list } = readTrustedList(file('tl/CZ.xml'), [file('anchors/cz-tl-signer.cer')]);
    assert.equal(list.sequenceNumber, 77);
    assert.equal(list.providers.length, 6);
    const services = list.providers.flatMap((p) => p.services);
    assert.equal(services.length, 133);
    assert.ok(services.some((s) => s.history.length > 0));
    const qc = services.filter((s) => s.current.type === SERVICE_TYPE.caQc);
    assert.ok(qc.length > 0);
    assert.ok(qc.every((s) => s.identity.certificates.length > 0));
    assert.ok(
      qc.some(
        (s) => s.current.qualifications.length > 0 || s.history.some((h) => h.qualifications.length > 0),
      ),
    );
    assert.ok(services.some((s) => s.current.status === SERVICE_STATUS.withdrawn));
  });

  it('DK TL: one TSP, with the previous signer certificate DSS pins', () => {
    const { list } = readTrustedList(file('tl/dk_tl-sn21.xml'), [file('anchors/dk-tl-signer_previous.cer')]);
    assert.deepEqual([list.schemeTerritory, list.sequenceNumber, list.providers.length], ['DK', 21, 1]);
  });

  it('the store follows the EU LOTL to the CZ list with the pinned pointer certificates; unreachable members are reported', async () => {
    const lotl = 'https://ec.europa.eu/tools/lotl/eu-lotl.xml';
    const store = new TrustStore([{ url: lotl, signers: [file('anchors/lotl-signer_Patrick-Kremer.cer')] }], {
      fetcher: mapFetcher(
        new Map([
          [lotl, file('tl/eu-lotl.xml')],
          ['https://tsl.gov.cz/publ/TSL_CZ.xtsl', file('tl/CZ.xml')],
        ]),
      ),
      clock: () => new Date('2019-09-10T00:00:00Z'),
    });
    const lists = await store.refresh();
    const cz = lists.find((l) => l.territory === 'CZ')!;
    assert.deepEqual([cz.sequenceNumber, cz.used, cz.stale, cz.problem], [77, true, false, undefined]);
    const unavailable = lists.filter((l) => l.problem?.code === 'TRUST_LIST_UNAVAILABLE');
    assert.equal(unavailable.length, lists.length - 2);
    assert.ok(store.size > 50, `${store.size} service certificates indexed`);
  });

  it('the store follows the MRA LOTL to the third-country ZZ list', async () => {
    const lotl = 'https://esignature.ec.europa.eu/efda/intl-pilot/api/v1/intl-pilot/mra_lotl.xml';
    const zz = 'https://esignature.ec.europa.eu/efda/intl-pilot/api/v1/intl-pilot/tl/mra_tl_zz.xml';
    const store = new TrustStore([{ url: lotl, signers: [file('anchors/zz-mra-lotl-signer.cer')] }], {
      fetcher: mapFetcher(
        new Map([
          [lotl, file('tl/mra-lotl.xml')],
          [zz, file('tl/mra-zz-tl.xml')],
        ]),
      ),
      clock: () => new Date('2022-07-30T00:00:00Z'),
    });
    const member = (await store.refresh()).find((l) => l.url === zz)!;
    assert.deepEqual(
      [member.territory, member.sequenceNumber, member.used, member.services],
      ['ZZ', 4, true, 1],
    );
    assert.equal(store.size, 1);
  });
});
