/**
 * The hub in a temporary directory on a fixed clock: init, open, member changes published as
 * signed LOTLs with increasing sequence numbers, signer checks, and the HTTP server (ETag, 304,
 * healthz) through inject.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readHubState } from '../../src/hub/config.js';
import { HubError } from '../../src/hub/errors.js';
import { initHub, openHub, parseMemberSigners, publishLotl } from '../../src/hub/hub.js';
import type { HubContext } from '../../src/hub/hub.js';
import { addHubMember, setHubMemberStatus } from '../../src/hub/operations.js';
import { buildHubApp } from '../../src/server/hub_app.js';
import { KeyStoreError } from '../../src/pki/errors.js';
import { toPem } from '../../src/lib/pem.js';
import { parseXml } from '../../src/lib/xml/parser.js';
import { descendants, textContent } from '../../src/lib/xml/query.js';
import { verifyEnvelopedSignature } from '../../src/signature/xades/enveloped.js';
import { NS, TSL } from '../../src/trust/uris.js';
import { TrustListPublishError } from '../../src/trust/writer/errors.js';
import { missingTools, tempDir } from '../fixtures/cli.js';
import { FIXED_NOW, TEST_IDENTITY, makeTestNode, testClock } from '../fixtures/node.js';
import { fixedTlSigner, xmllint, xmlsecVerify } from '../trust/writer/fixtures.js';

const PASS = 'hub test passphrase';

function code(c: string) {
  return (e: unknown): boolean =>
    (e instanceof HubError || e instanceof TrustListPublishError) && e.code === c;
}

describe('hub', () => {
  const tmp = tempDir('tb-hub-');
  const dir = join(tmp.path, 'hub');
  const clock = testClock();
  let hub: HubContext;
  let signerPem: string;
  let signerDer: Buffer;

  before(async () => {
    const node = await makeTestNode();
    try {
      signerDer = (await fixedTlSigner(TEST_IDENTITY, node.root)).certificate;
      signerPem = toPem(signerDer, 'CERTIFICATE');
    } finally {
      await node.close();
    }
    hub = await initHub({
      dir,
      name: 'Regional Digital Trust Hub',
      baseUrl: 'http://hub.example/',
      passphrase: PASS,
      clock,
    });
  });
  after(async () => {
    await hub?.close();
    tmp.remove();
  });

  const lotl = (): Buffer => readFileSync(join(dir, 'public', 'lotl.xml'));

  it('init publishes LOTL 1 signed by the self-signed signer; a second init is HUB_EXISTS', async () => {
    assert.equal(readHubState(dir).sequenceNumber, 1);
    const cert = readFileSync(join(dir, 'public', 'lotl-signer.pem'), 'utf8');
    assert.equal(cert, toPem(hub.signer.certificate, 'CERTIFICATE'));
    const { root } = verifyEnvelopedSignature(lotl(), hub.signer.certificate);
    assert.deepEqual(descendants(root, NS.tsl, 'TSLLocation').map(textContent), [
      'http://hub.example/lotl.xml',
    ]);
    await assert.rejects(initHub({ dir, name: 'x', passphrase: PASS }), code('HUB_EXISTS'));
    await assert.rejects(
      initHub({ dir: join(tmp.path, 'bad'), name: 'x', territory: 'xr', passphrase: PASS }),
      code('TL_INPUT_INVALID'),
    );
  });

  it('open checks the passphrase; an empty directory is HUB_NOT_INITIALISED', async () => {
    await assert.rejects(openHub(dir, { passphrase: 'wrong' }), (e) => e instanceof KeyStoreError);
    await assert.rejects(openHub(tmp.path, { passphrase: PASS }), code('HUB_NOT_INITIALISED'));
    const again = await openHub(dir, { passphrase: PASS, clock });
    assert.deepEqual(again.signer.certificate, hub.signer.certificate);
    await again.close();
  });

  it('member add, suspend, remove publish the next sequence numbers', async () => {
    clock.set(new Date(FIXED_NOW.getTime() + 60_000));
    const added = await addHubMember(hub, {
      country: 'PH',
      trustListUrl: 'http://ph.example/trustlist.xml',
      signerPem,
    });
    assert.equal(added.sequenceNumber, 2);
    const pointers = descendants(parseXml(lotl()), NS.tsl, 'OtherTSLPointer');
    assert.equal(pointers.length, 2);
    assert.deepEqual(descendants(pointers[1]!, NS.tsl, 'X509Certificate').map(textContent), [
      signerDer.toString('base64'),
    ]);
    await assert.rejects(
      addHubMember(hub, { country: 'PH', trustListUrl: 'http://ph.example/trustlist.xml', signerPem }),
      code('HUB_MEMBER_EXISTS'),
    );
    assert.equal((await setHubMemberStatus(hub, 'PH', 'suspended')).sequenceNumber, 3);
    assert.match(lotl().toString(), /Status="suspended"/);
    assert.equal((await setHubMemberStatus(hub, 'PH', 'removed')).sequenceNumber, 4);
    assert.equal(descendants(parseXml(lotl()), NS.tsl, 'OtherTSLPointer').length, 1);
    await assert.rejects(setHubMemberStatus(hub, 'VN', 'suspended'), code('HUB_MEMBER_UNKNOWN'));
    assert.equal(readHubState(dir).sequenceNumber, 4, 'refused changes publish nothing');
    await addHubMember(hub, { country: 'PH', trustListUrl: 'http://ph.example/trustlist.xml', signerPem });
  });

  it('bad member input: country, URL, signer', async () => {
    const add = (country: string, url: string, pem: string): Promise<unknown> =>
      addHubMember(hub, { country, trustListUrl: url, signerPem: pem });
    await assert.rejects(add('ph', 'http://x/tl.xml', signerPem), code('TL_INPUT_INVALID'));
    await assert.rejects(add('VN', 'ftp://x/tl.xml', signerPem), code('TL_INPUT_INVALID'));
    await assert.rejects(add('VN', 'http://user:pw@x/tl.xml', signerPem), code('TL_INPUT_INVALID'));
    await assert.rejects(add('VN', 'http://x/tl.xml', 'no pem here'), code('TL_SIGNER_INVALID'));
    await assert.rejects(
      add('VN', 'http://x/tl.xml', signerPem),
      code('TL_SIGNER_INVALID'),
      'C=PH is not VN',
    );
    const garbage = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    assert.throws(() => parseMemberSigners(garbage, 'PH', FIXED_NOW), code('TL_SIGNER_INVALID'));
    const notTsl = toPem(hub.signer.certificate, 'CERTIFICATE'); // has the EKU but C=XR
    assert.throws(() => parseMemberSigners(notTsl, 'PH', FIXED_NOW), code('TL_SIGNER_INVALID'));
    const expired = new Date(FIXED_NOW.getTime() + 20 * 365 * 86_400_000);
    assert.throws(() => parseMemberSigners(signerPem, 'PH', expired), code('TL_SIGNER_INVALID'));
    assert.deepEqual(parseMemberSigners(signerPem + signerPem, 'PH', FIXED_NOW), [
      signerDer.toString('base64'),
    ]);
  });

  it(
    'every LOTL published is schema-valid and verifies in xmlsec1',
    { skip: missingTools('xmllint', 'xmlsec1') },
    async () => {
      const r = await xmllint(lotl(), true);
      assert.equal(r.code, 0, r.out);
      const v = await xmlsecVerify(lotl(), hub.signer.certificate);
      assert.equal(v.code, 0, v.out);
    },
  );

  it('serves /lotl.xml with an ETag and 304, /lotl-signer.pem and /healthz', async () => {
    const app = await buildHubApp(hub);
    try {
      const res = await app.inject({ method: 'GET', url: '/lotl.xml' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], TSL.mimeType);
      assert.deepEqual(res.rawPayload, lotl());
      const etag = res.headers.etag as string;
      const again = await app.inject({ method: 'GET', url: '/lotl.xml', headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      const pem = await app.inject({ method: 'GET', url: '/lotl-signer.pem' });
      assert.equal(pem.body, toPem(hub.signer.certificate, 'CERTIFICATE'));
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      assert.deepEqual(health.json().members, { PH: 'active' });
      assert.equal((await app.inject({ method: 'GET', url: '/nope' })).json().error.code, 'HTTP_NOT_FOUND');
      // Near NextUpdate the server republishes before answering.
      clock.set(new Date(FIXED_NOW.getTime() + 170 * 86_400_000));
      const fresh = await app.inject({ method: 'GET', url: '/lotl.xml', headers: { 'if-none-match': etag } });
      assert.equal(fresh.statusCode, 200);
      assert.equal(readHubState(dir).sequenceNumber, 6);
      assert.equal((await publishLotl(hub)).published, false);
    } finally {
      await app.close();
    }
  });
});
