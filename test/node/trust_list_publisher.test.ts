/**
 * A node's trusted list, published from the store of a fixed test node: content (TS 119 612
 * clauses 5.3 to 5.6), signature (ours, xmlsec1), schema (xmllint), and republication on change,
 * withdrawal, revocation and as NextUpdate nears.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toPem } from '../../src/lib/pem.js';
import { parseXml } from '../../src/lib/xml/parser.js';
import { attribute, childElement, descendants, textContent } from '../../src/lib/xml/query.js';
import type { XmlElement } from '../../src/lib/xml/dom.js';
import { verifyEnvelopedSignature } from '../../src/signature/xades/enveloped.js';
import { NS, QUALIFIER, SERVICE_STATUS, SERVICE_TYPE } from '../../src/trust/uris.js';
import { TrustListPublishError } from '../../src/trust/writer/errors.js';
import { publishNodeTrustList } from '../../src/node/trust_list_publisher.js';
import type { NodeListPublisher } from '../../src/node/trust_list_publisher.js';
import { setServiceStatus } from '../../src/trust/writer/node_state.js';
import { missingTools } from '../fixtures/cli.js';
import { FIXED_NOW, TEST_IDENTITY, makeTestNode, testClock } from '../fixtures/node.js';
import type { TestClock, TestNode } from '../fixtures/node.js';
import { fixedTlSigner, memoryFiles, xmllint, xmlsecVerify } from '../trust/writer/fixtures.js';

const DAY = 86_400_000;

function tsl(el: XmlElement | ReturnType<typeof parseXml>, local: string): XmlElement[] {
  return descendants(el, NS.tsl, local);
}

function text(el: XmlElement | ReturnType<typeof parseXml>, local: string): string[] {
  return tsl(el, local).map(textContent);
}

describe('publishNodeTrustList', () => {
  let node: TestNode;
  let clock: TestClock;
  let files: ReturnType<typeof memoryFiles>;
  let p: NodeListPublisher;

  before(async () => {
    clock = testClock();
    node = await makeTestNode({ clock });
    files = memoryFiles();
    p = {
      identity: TEST_IDENTITY,
      store: node.store,
      signer: await fixedTlSigner(TEST_IDENTITY, node.root),
      files,
      clock,
    };
  });
  after(() => node?.close());

  it('publishes sequence number 1 with the three services, state first', async () => {
    const out = await publishNodeTrustList(p);
    assert.equal(out.published, true);
    assert.equal(out.sequenceNumber, 1);
    assert.deepEqual(files.writes, ['state', 'trustlist', 'signer']);
    const { root } = verifyEnvelopedSignature(files.data.get('trustlist')!, p.signer.certificate);
    assert.equal(root.localName, 'TrustServiceStatusList');
    assert.equal(attribute(root, 'TSLTag'), 'http://uri.etsi.org/19612/TSLTag');
    assert.deepEqual(text(root, 'TSLSequenceNumber'), ['1']);
    assert.deepEqual(text(root, 'TSLType'), ['http://uri.etsi.org/TrstSvc/TrustedList/TSLType/PHlist']);
    assert.deepEqual(text(root, 'SchemeTerritory'), ['PH']);
    assert.deepEqual(text(root, 'ListIssueDateTime'), ['2026-03-02T09:30:00Z']);
    assert.deepEqual(text(tsl(root, 'NextUpdate')[0]!, 'dateTime'), ['2026-08-29T09:30:00Z']);
    assert.deepEqual(text(tsl(root, 'DistributionPoints')[0]!, 'URI'), [
      'https://pki.test.example/trustlist.xml',
    ]);
    assert.deepEqual(text(tsl(root, 'TSPName')[0]!, 'Name'), [TEST_IDENTITY.name]);
    assert.deepEqual(text(root, 'ServiceTypeIdentifier'), [
      SERVICE_TYPE.caQc,
      SERVICE_TYPE.tsaQtst,
      SERVICE_TYPE.ocspQc,
    ]);
    assert.deepEqual(text(root, 'ServiceStatus'), Array(3).fill(SERVICE_STATUS.granted));
    assert.deepEqual(text(root, 'StatusStartingTime'), Array(3).fill('2026-03-02T09:30:00Z'));
    const ids = tsl(root, 'ServiceDigitalIdentity').map((s) => text(s, 'X509Certificate')[0]);
    assert.deepEqual(
      ids,
      [node.eidCa, node.tsa, node.ocsp].map((h) => h.certificate.der.toString('base64')),
    );
    assert.equal(files.data.get('signer')!.toString(), toPem(p.signer.certificate, 'CERTIFICATE'));
  });

  it('qualifies the eID CA as the signature certificates are: QCStatement, QCForESig, QSCD as in cert', () => {
    const doc = parseXml(files.data.get('trustlist')!);
    const q = descendants(doc, NS.ecc, 'Qualifier').map((e) => attribute(e, 'uri'));
    assert.deepEqual(q, [QUALIFIER.qcStatement, QUALIFIER.qcForESig, QUALIFIER.qcQscdStatusAsInCert]);
    const criteria = descendants(doc, NS.ecc, 'CriteriaList')[0]!;
    assert.equal(attribute(criteria, 'assert'), 'all');
    assert.deepEqual(descendants(criteria, NS.xades, 'Identifier').map(textContent), ['0.4.0.194112.1.0']);
    const bit = descendants(criteria, NS.ecc, 'KeyUsageBit')[0]!;
    assert.deepEqual([attribute(bit, 'name'), textContent(bit)], ['nonRepudiation', 'true']);
    assert.deepEqual(text(doc, 'AdditionalServiceInformation').length, 1);
  });

  it(
    'is valid against the TS 119 612 XSD, extensions included',
    { skip: missingTools('xmllint') },
    async () => {
      const xml = files.data.get('trustlist')!;
      for (const ext of [false, true]) {
        const r = await xmllint(xml, ext);
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /validates/);
      }
    },
  );

  it(
    'verifies in xmlsec1 with the node root as the only trusted certificate',
    { skip: missingTools('xmlsec1') },
    async () => {
      const r = await xmlsecVerify(files.data.get('trustlist')!, node.root.certificate.der);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /SignedInfo References \(ok\/all\): 2\/2/);
    },
  );

  it('does not republish without a reason, and does when a quarter of the validity is left', async () => {
    files.writes.length = 0;
    clock.set(new Date(FIXED_NOW.getTime() + 100 * DAY));
    assert.equal((await publishNodeTrustList(p)).published, false);
    assert.deepEqual(files.writes, []);
    clock.set(new Date(FIXED_NOW.getTime() + 136 * DAY));
    const out = await publishNodeTrustList(p);
    assert.deepEqual([out.published, out.sequenceNumber], [true, 2]);
    assert.deepEqual(text(parseXml(files.data.get('trustlist')!), 'ListIssueDateTime'), [
      '2026-07-16T09:30:00Z',
    ]);
  });

  it('withdraws the eID CA service with history: current withdrawn, granted in ServiceHistory', async () => {
    clock.set(new Date(FIXED_NOW.getTime() + 140 * DAY));
    const out = await publishNodeTrustList(p, {
      change: (s, now) => setServiceStatus(s, 'eid-ca', SERVICE_STATUS.withdrawn, now),
    });
    assert.equal(out.sequenceNumber, 3);
    const doc = parseXml(files.data.get('trustlist')!);
    const ca = tsl(doc, 'TSPService')[0]!;
    const info = childElement(ca, NS.tsl, 'ServiceInformation')!;
    assert.deepEqual(text(info, 'ServiceStatus'), [SERVICE_STATUS.withdrawn]);
    assert.deepEqual(text(info, 'StatusStartingTime'), ['2026-07-20T09:30:00Z']);
    const history = tsl(ca, 'ServiceHistoryInstance');
    assert.equal(history.length, 1);
    assert.deepEqual(text(history[0]!, 'ServiceStatus'), [SERVICE_STATUS.granted]);
    assert.deepEqual(text(history[0]!, 'StatusStartingTime'), ['2026-03-02T09:30:00Z']);
    assert.equal(
      descendants(history[0]!, NS.ecc, 'Qualifications').length,
      1,
      'history keeps the qualifications',
    );
    if (!missingTools('xmllint')) assert.equal((await xmllint(files.data.get('trustlist')!, true)).code, 0);
    await assert.rejects(
      publishNodeTrustList(p, {
        change: (s, now) => setServiceStatus(s, 'eid-ca', SERVICE_STATUS.withdrawn, now),
      }),
      (e) => e instanceof TrustListPublishError && e.code === 'TL_SERVICE_UNKNOWN',
    );
  });

  it('withdraws a service whose certificate the store shows revoked', async () => {
    clock.set(new Date(FIXED_NOW.getTime() + 141 * DAY));
    const revokedAt = '2026-07-21T00:00:00.000Z';
    await node.store.db
      .updateTable('certificate')
      .set({ status: 'revoked', status_changed_at: revokedAt })
      .where('usage', '=', 'ocsp')
      .execute();
    const out = await publishNodeTrustList(p);
    assert.deepEqual([out.published, out.sequenceNumber], [true, 4]);
    const ocsp = tsl(parseXml(files.data.get('trustlist')!), 'TSPService')[2]!;
    assert.deepEqual(text(childElement(ocsp, NS.tsl, 'ServiceInformation')!, 'ServiceStatus'), [
      SERVICE_STATUS.withdrawn,
    ]);
    assert.deepEqual(text(childElement(ocsp, NS.tsl, 'ServiceInformation')!, 'StatusStartingTime'), [
      '2026-07-21T00:00:00Z',
    ]);
  });

  it('republishes when the signer changes, and refuses a corrupt state', async () => {
    const other = {
      ...p,
      signer: await fixedTlSigner({ ...TEST_IDENTITY, name: 'Another name' }, node.root),
    };
    assert.equal((await publishNodeTrustList(other)).sequenceNumber, 5);
    verifyEnvelopedSignature(files.data.get('trustlist')!, other.signer.certificate);
    // A lost state file restarts the history but never the numbering (readers refuse rollbacks).
    files.data.delete('state');
    const fresh = await publishNodeTrustList(p);
    assert.equal(fresh.sequenceNumber, 6);
    files.data.set('state', Buffer.from('{"version":1,"sequenceNumber":-1,"services":[]}'));
    await assert.rejects(
      publishNodeTrustList(p),
      (e) => e instanceof TrustListPublishError && e.code === 'TL_STATE_CORRUPT',
    );
  });
});
