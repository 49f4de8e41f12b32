/**
 * The list of trusted lists: a self pointer, one pointer per member (not removed) with its
 * pinned signers, AdditionalInformation of TS 119 612 clause 5.3.13 and the membership history;
 * schema-valid, and verified by xmlsec1 with the self-signed LOTL signer as the only anchor.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXml } from '../../../src/lib/xml/parser.js';
import { attribute, descendants, textContent } from '../../../src/lib/xml/query.js';
import { signCertificate } from '../../../src/pki/certificate_builder.js';
import { lotlSignerTemplate } from '../../../src/pki/profiles.js';
import { keyObjectSigner } from '../../../src/signature/key_signer.js';
import { verifyEnvelopedSignature } from '../../../src/signature/xades/enveloped.js';
import { cosigner } from '../../../src/ledger/cosignature.js';
import { federationParties } from '../../../src/ledger/federation_logs.js';
import { SIG_ED25519, ed25519KeyFromSeed, formatVerifierKey } from '../../../src/ledger/keys.js';
import { parseTrustedList } from '../../../src/trust/parse/trusted_list.js';
import { HUB_LOTL, NS, TSL } from '../../../src/trust/uris.js';
import { lotlDocument } from '../../../src/trust/writer/lotl.js';
import type { LotlMember } from '../../../src/trust/writer/lotl.js';
import { signTsl } from '../../../src/trust/writer/sign.js';
import { buildTsl } from '../../../src/trust/writer/tsl.js';
import { missingTools } from '../../fixtures/cli.js';
import { fixedKey, spkiOf } from '../../fixtures/keys.js';
import { FIXED_NOW, TEST_IDENTITY, makeTestNode } from '../../fixtures/node.js';
import { fixedTlSigner, xmllint, xmlsecVerify } from './fixtures.js';

const DAY = 86_400_000;

/** Test transparency keys: VN publishes its log's URL, the hub only its witness (the URL derived). */
const VN_LOG_VKEY = formatVerifierKey(
  'vn.example/log',
  SIG_ED25519,
  ed25519KeyFromSeed(Buffer.alloc(32, 1)).publicKey,
);
const VN_WITNESS = cosigner('vn.example/witness', ed25519KeyFromSeed(Buffer.alloc(32, 2)), () => 0).vkey;
const HUB_LOG_VKEY = formatVerifierKey(
  'hub.example/log',
  SIG_ED25519,
  ed25519KeyFromSeed(Buffer.alloc(32, 3)).publicKey,
);

async function signedLotl(): Promise<{ xml: Buffer; lotlCert: Buffer; phSigner: Buffer }> {
  const node = await makeTestNode();
  try {
    const ph = await fixedTlSigner(TEST_IDENTITY, node.root);
    const key = fixedKey('foreign-ca');
    const signer = keyObjectSigner(key, 'lotl-signer');
    const lotlCert = await signCertificate(
      lotlSignerTemplate('XR', 'Regional hub', spkiOf(key), FIXED_NOW),
      signer,
    );
    const at = (d: number): string =>
      new Date(FIXED_NOW.getTime() + d * DAY).toISOString().replace('.000Z', 'Z');
    const members: LotlMember[] = [
      {
        country: 'VN',
        trustListUrl: 'http://vn.example/trustlist.xml',
        signers: [ph.certificate],
        history: [{ status: HUB_LOTL.active, at: at(0) }],
        transparency: {
          logKey: VN_LOG_VKEY,
          witnessKey: VN_WITNESS,
          witnessUrl: 'http://vn.example/witness/add-checkpoint',
          logUrl: 'https://logs.vn.example/tlog/',
        },
      },
      {
        country: 'PH',
        trustListUrl: 'http://ph.example/trustlist.xml',
        signers: [ph.certificate, lotlCert],
        history: [
          { status: HUB_LOTL.active, at: at(0) },
          { status: HUB_LOTL.suspended, at: at(3) },
        ],
      },
      {
        country: 'BE',
        trustListUrl: 'http://be.example/trustlist.xml',
        signers: [ph.certificate],
        history: [
          { status: HUB_LOTL.active, at: at(0) },
          { status: HUB_LOTL.removed, at: at(1) },
        ],
      },
    ];
    const doc = lotlDocument({
      territory: 'XR',
      name: 'Regional hub',
      baseUrl: 'http://hub.example',
      sequenceNumber: 4,
      issued: FIXED_NOW,
      nextUpdate: new Date(FIXED_NOW.getTime() + 180 * DAY),
      signer: lotlCert,
      transparency: { logKey: HUB_LOG_VKEY, witnessUrl: 'http://hub.example/witness/add-checkpoint' },
      members,
    });
    const xml = await signTsl(buildTsl(doc), { signer, certificate: lotlCert }, FIXED_NOW);
    return { xml, lotlCert, phSigner: ph.certificate };
  } finally {
    await node.close();
  }
}

test('pointers: self first, then members by country, removed ones left out', async () => {
  const { xml, lotlCert, phSigner } = await signedLotl();
  const { root } = verifyEnvelopedSignature(xml, lotlCert);
  assert.equal(attribute(root, 'Id'), 'LOTL-XR');
  const pointers = descendants(root, NS.tsl, 'OtherTSLPointer');
  const text = (el: (typeof pointers)[0], local: string, ns: string = NS.tsl): string[] =>
    descendants(el, ns, local).map(textContent);
  assert.deepEqual(
    pointers.map((p) => text(p, 'TSLLocation')[0]),
    ['http://hub.example/lotl.xml', 'http://ph.example/trustlist.xml', 'http://vn.example/trustlist.xml'],
  );
  assert.deepEqual(
    pointers.map((p) => text(p, 'TSLType')[0]),
    [
      'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/XRlistofthelists',
      'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/PHlist',
      'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/VNlist',
    ],
  );
  assert.deepEqual(
    pointers.map((p) => text(p, 'SchemeTerritory')[0]),
    ['XR', 'PH', 'VN'],
  );
  assert.deepEqual(
    pointers.map((p) => text(p, 'MimeType', NS.tslx)[0]),
    Array(3).fill(TSL.mimeType),
  );
  assert.deepEqual(text(pointers[1]!, 'Name'), [TEST_IDENTITY.name], 'operator name from the signer O');
  assert.deepEqual(
    text(pointers[1]!, 'X509Certificate'),
    [phSigner, lotlCert].map((c) => c.toString('base64')),
  );
  const changes = descendants(pointers[1]!, HUB_LOTL.ns, HUB_LOTL.statusChange);
  assert.deepEqual(
    changes.map((c) => [attribute(c, 'Status'), attribute(c, 'StatusStartingTime')]),
    [
      ['active', '2026-03-02T09:30:00Z'],
      ['suspended', '2026-03-05T09:30:00Z'],
    ],
  );
  assert.equal(descendants(pointers[0]!, HUB_LOTL.ns, HUB_LOTL.memberStatus).length, 0);
  assert.equal(descendants(root, NS.tsl, 'TrustServiceProviderList').length, 0);
  assert.deepEqual(descendants(parseXml(xml), NS.tsl, 'TSLSequenceNumber').map(textContent), ['4']);
});

test('tb:Transparency: LogUrl read back, else derived from the witness URL', async () => {
  const { xml, lotlCert } = await signedLotl();
  const { root } = verifyEnvelopedSignature(xml, lotlCert);
  const t = descendants(root, HUB_LOTL.ns, HUB_LOTL.transparency);
  assert.deepEqual(
    t.map((e) => attribute(e, HUB_LOTL.logUrlAttribute)),
    [undefined, 'https://logs.vn.example/tlog/'],
  );
  assert.deepEqual(federationParties(parseTrustedList(root).pointers), [
    {
      name: 'XR',
      logKey: HUB_LOG_VKEY,
      witnessUrl: 'http://hub.example/witness/add-checkpoint',
      logUrl: 'http://hub.example/log/',
    },
    {
      name: 'VN',
      logKey: VN_LOG_VKEY,
      witnessKey: VN_WITNESS,
      witnessUrl: 'http://vn.example/witness/add-checkpoint',
      logUrl: 'https://logs.vn.example/tlog/',
    },
  ]);
});

test('the LOTL is schema-valid', { skip: missingTools('xmllint') }, async () => {
  const { xml } = await signedLotl();
  for (const ext of [false, true]) {
    const r = await xmllint(xml, ext);
    assert.equal(r.code, 0, r.out);
  }
});

test(
  'xmlsec1 verifies the LOTL with its self-signed signer as the only trusted certificate',
  { skip: missingTools('xmlsec1') },
  async () => {
    const { xml, lotlCert } = await signedLotl();
    const r = await xmlsecVerify(xml, lotlCert);
    assert.equal(r.code, 0, r.out);
    const tampered = Buffer.from(xml.toString().replace('Status="suspended"', 'Status="active"'));
    assert.notEqual((await xmlsecVerify(tampered, lotlCert)).code, 0);
  },
);
