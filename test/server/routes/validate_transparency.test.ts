/**
 * `POST /api/v1/validate` with the signer's certificate looked up in the issuing node's own
 * transparency log: the node enrols a citizen (the outbox queues `eid-cert-issued`), the
 * sequencer integrates it, and the node's `/log/` is served to the lookup through `app.inject`.
 * The LOTL pointers name PH's log and, in the second case, a VN witness that never cosigned.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { cosigner } from '../../../src/ledger/cosignature.js';
import { ed25519KeyFromSeed } from '../../../src/ledger/keys.js';
import type { LogIdentity } from '../../../src/ledger/log_key.js';
import { Sequencer } from '../../../src/ledger/sequencer.js';
import { buildApp } from '../../../src/server/app.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import type { TslPointer } from '../../../src/trust/parse/model.js';
import { HUB_LOTL } from '../../../src/trust/uris.js';
import { testLogIdentity } from '../../ledger/fixtures.js';
import { TEST_SEEDS } from '../../ledger/fixtures.js';
import { DOCUMENT, signingFixture } from '../../signature/fixtures.js';
import type { SigningFixture } from '../../signature/fixtures.js';

const LOG = testLogIdentity('pki.test.example/log');
const VN_WITNESS = cosigner('vn.example/witness', ed25519KeyFromSeed(TEST_SEEDS.witnessA), () => 0);

function pointer(country: string, attributes: Record<string, string>): TslPointer {
  return {
    location: `http://${country.toLowerCase()}.example/trustlist.xml`,
    certificates: [],
    schemeTerritory: country,
    otherInformation: [{ name: `{${HUB_LOTL.ns}}${HUB_LOTL.transparency}`, text: '', attributes }],
  };
}

let f: SigningFixture;
let app: FastifyInstance;
let cms: Buffer;
let pointers: TslPointer[] = [];
const asked: string[] = [];

before(async () => {
  f = await signingFixture();
  (f.node as { log?: LogIdentity }).log = LOG;
  const run = await new Sequencer({ store: f.node.store, log: LOG, clock: f.node.clock }).run();
  assert.ok(run.size > 0, 'the enrolment was logged');
  // The node's log, reached through the application itself.
  const viaInject: typeof fetch = async (input) => {
    const url = new URL(String(input));
    asked.push(url.pathname);
    const res = await app.inject({ method: 'GET', url: url.pathname });
    return new Response(res.rawPayload, { status: res.statusCode });
  };
  app = await buildApp(f.node, { transparency: { pointers: () => pointers, fetch: viaInject } });
  cms = await signCades({
    content: DOCUMENT,
    detached: false,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: f.clock(),
    level: 'B-B',
  });
});

after(async () => {
  await app?.close();
  await f?.node.close();
});

async function validate(query = '', json?: object) {
  const res = json
    ? await app.inject({ method: 'POST', url: `/api/v1/validate${query}`, payload: json })
    : await app.inject({
        method: 'POST',
        url: `/api/v1/validate${query}`,
        headers: { 'content-type': 'application/pkcs7-mime' },
        payload: cms,
      });
  assert.equal(res.statusCode, 200, res.body);
  return res;
}

describe('POST /api/v1/validate: the signer in its country\u2019s transparency log', () => {
  it('no LOTL: not checked; required, the signature does not pass', async () => {
    pointers = [];
    const plain = (await validate()).json().signatures[0];
    assert.equal(plain.indication, 'TOTAL-PASSED');
    assert.equal(plain.transparency.status, 'not-checked');
    assert.equal(plain.transparency.error.code, 'LEDGER_LOOKUP_NO_LOTL');
    const required = (await validate('?requireTransparency=true')).json();
    assert.equal(required.signatures[0].indication, 'INDETERMINATE');
    assert.equal(required.signatures[0].subIndication, 'CHAIN_CONSTRAINTS_FAILURE');
    assert.deepEqual(required.summary, { total: 1, passed: 0, failed: 0, indeterminate: 1 });
  });

  it('logged in PH\u2019s log, no other witness in the federation: logged and witnessed', async () => {
    pointers = [pointer('PH', { LogKey: LOG.vkey, LogUrl: 'http://pki.test.example/log/' })];
    asked.length = 0;
    const report = (await validate('?requireTransparency=true')).json();
    const sig = report.signatures[0];
    assert.equal(sig.indication, 'TOTAL-PASSED', JSON.stringify(sig.transparency));
    assert.equal(sig.transparency.status, 'logged');
    assert.equal(sig.transparency.witnessed, true);
    assert.equal(sig.transparency.country, 'PH');
    assert.equal(sig.transparency.log, 'pki.test.example/log');
    assert.equal(sig.transparency.entryType, 'eid-cert-issued');
    assert.equal(typeof sig.transparency.index, 'number');
    assert.equal(sig.transparency.lookupKey, sig.signer.sha256);
    assert.ok(asked[0]!.startsWith('/log/lookup/'));
    assert.match(asked[1]!, /^\/log\/tile\/entries\/000/);
  });

  it('a VN witness that never cosigned: logged, not witnessed; required, INDETERMINATE (JSON body too)', async () => {
    pointers = [
      pointer('PH', { LogKey: LOG.vkey, LogUrl: 'http://pki.test.example/log/' }),
      pointer('VN', { WitnessKey: VN_WITNESS.vkey, WitnessUrl: 'http://vn.example/witness/add-checkpoint' }),
    ];
    const plain = (await validate()).json().signatures[0];
    assert.equal(plain.indication, 'TOTAL-PASSED');
    assert.deepEqual(
      [plain.transparency.logged, plain.transparency.witnessed, plain.transparency.error.code],
      [true, false, 'LEDGER_POLICY_UNMET'],
    );
    const required = (
      await validate('', { document: cms.toString('base64'), requireTransparency: true })
    ).json().signatures[0];
    assert.equal(required.indication, 'INDETERMINATE');
    assert.equal(required.subIndication, 'CHAIN_CONSTRAINTS_FAILURE');
    assert.match(required.hint, /lacks a witness quorum/);
    const html = (await validate('?reportFormat=html')).body;
    assert.match(html, /<dt>Transparency log<\/dt><dd>Logged in pki\.test\.example\/log at index \d+/);
    const xml = (await validate('?reportFormat=etsi-xml')).body;
    assert.match(xml, /urn:trustbridge:report:transparencyStatus<\/vr:Type>\s*<vr:Value>logged</);
  });

  it('a bad requireTransparency is refused with INPUT_MALFORMED', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/validate',
      payload: { document: cms.toString('base64'), requireTransparency: 'yes' },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'INPUT_MALFORMED');
  });
});
