/**
 * The TrustServiceStatusList builder: deterministic bytes, XSD order, and TL_INPUT_INVALID for
 * values the schema or the standard refuses (never a list the XSD would reject).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXml } from '../../../src/lib/xml/parser.js';
import { childElements, textContent } from '../../../src/lib/xml/query.js';
import { verifyEnvelopedSignature } from '../../../src/signature/xades/enveloped.js';
import { NS, SERVICE_STATUS, SERVICE_TYPE, TSL, nationalTslType } from '../../../src/trust/uris.js';
import { TrustListPublishError } from '../../../src/trust/writer/errors.js';
import type { TslDocument } from '../../../src/trust/writer/model.js';
import { signTsl } from '../../../src/trust/writer/sign.js';
import { buildTsl } from '../../../src/trust/writer/tsl.js';
import { missingTools } from '../../fixtures/cli.js';
import { FIXED_NOW, TEST_IDENTITY, makeTestNode } from '../../fixtures/node.js';
import { fixedTlSigner, xmllint } from './fixtures.js';

const CERT = Buffer.from('3003020101', 'hex');

function doc(over: Partial<TslDocument['scheme']> = {}, serviceName = 'PH eID CA'): TslDocument {
  const address = {
    street: 'Street 1',
    locality: 'Manila',
    country: 'PH',
    electronic: ['mailto:tl@ph.example'],
  };
  return {
    id: 'TL-PH',
    scheme: {
      sequenceNumber: 7,
      tslType: nationalTslType('PH'),
      operatorName: 'PH agency',
      operatorAddress: address,
      schemeName: 'PH: scheme',
      informationUris: ['https://ph.example/'],
      statusDetermination: 'http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/PHdetermination',
      schemeRules: [],
      territory: 'PH',
      legalNotice: 'notice',
      historicalInformationPeriod: TSL.historicalInformationPeriod,
      issued: FIXED_NOW,
      nextUpdate: new Date(FIXED_NOW.getTime() + 1000),
      distributionPoints: ['https://ph.example/trustlist.xml'],
      ...over,
    },
    providers: [
      {
        name: 'PH agency',
        tradeNames: ['VATPH-1'],
        address,
        informationUris: ['https://ph.example/'],
        services: [
          {
            type: SERVICE_TYPE.caQc,
            name: serviceName,
            certificate: CERT,
            status: SERVICE_STATUS.granted,
            statusStartingTime: FIXED_NOW,
            history: [],
          },
        ],
      },
    ],
  };
}

function invalid(e: unknown): boolean {
  return e instanceof TrustListPublishError && e.code === 'TL_INPUT_INVALID';
}

test('the same input gives the same bytes, in XSD order, names normalised and escaped', () => {
  const a = buildTsl(doc({}, 'PH  eID\n CA <&> "x"'));
  assert.equal(a, buildTsl(doc({}, 'PH  eID\n CA <&> "x"')));
  assert.match(
    a,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<TrustServiceStatusList xmlns="http:\/\/uri\.etsi\.org\/02231\/v2#"/,
  );
  assert.match(a, /<Name xml:lang="en">PH eID CA &lt;&amp;&gt; "x"<\/Name>/);
  const root = parseXml(a).root;
  assert.deepEqual(
    childElements(childElements(root, NS.tsl, 'SchemeInformation')[0]!).map((e) => e.localName),
    [
      'TSLVersionIdentifier',
      'TSLSequenceNumber',
      'TSLType',
      'SchemeOperatorName',
      'SchemeOperatorAddress',
      'SchemeName',
      'SchemeInformationURI',
      'StatusDeterminationApproach',
      'SchemeTerritory',
      'PolicyOrLegalNotice',
      'HistoricalInformationPeriod',
      'ListIssueDateTime',
      'NextUpdate',
      'DistributionPoints',
    ],
  );
  const version = childElements(childElements(root, NS.tsl, 'SchemeInformation')[0]!)[0]!;
  assert.equal(textContent(version), '5');
});

test('values the schema refuses are TL_INPUT_INVALID', () => {
  assert.throws(() => buildTsl(doc({ sequenceNumber: 0 })), invalid);
  assert.throws(() => buildTsl(doc({ sequenceNumber: 2 ** 31 })), invalid);
  assert.throws(() => buildTsl(doc({ nextUpdate: FIXED_NOW })), invalid);
  assert.throws(() => buildTsl(doc({ issued: new Date(NaN) })), invalid);
  assert.throws(() => buildTsl(doc({ tslType: 'not a uri' })), invalid);
  assert.throws(() => buildTsl(doc({ distributionPoints: ['http://x/ y'] })), invalid);
  assert.throws(() => buildTsl(doc({ operatorName: ' \n\t ' })), invalid);
  assert.throws(() => buildTsl(doc({ informationUris: [] })), invalid);
  assert.throws(() => buildTsl(doc({}, 'bell \u0007')), invalid);
  assert.throws(() => buildTsl({ ...doc(), id: '1-starts-with-digit' }), invalid);
  const history = doc();
  const svc = history.providers![0]!.services[0]!;
  assert.throws(
    () =>
      buildTsl({
        ...history,
        providers: [
          {
            ...history.providers![0]!,
            services: [
              { ...svc, history: [{ ...svc, statusStartingTime: new Date(FIXED_NOW.getTime() + 1) }] },
            ],
          },
        ],
      }),
    invalid,
  );
});

test('a built and signed list validates against the XSD', { skip: missingTools('xmllint') }, async () => {
  const node = await makeTestNode();
  try {
    const signer = await fixedTlSigner(TEST_IDENTITY, node.root);
    const d = doc();
    d.providers![0]!.services[0]!.certificate = node.eidCa.certificate.der;
    const signed = await signTsl(buildTsl(d), signer, FIXED_NOW);
    verifyEnvelopedSignature(signed, signer.certificate);
    const r = await xmllint(signed, true);
    assert.equal(r.code, 0, r.out);
  } finally {
    await node.close();
  }
});
