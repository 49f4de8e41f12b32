import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { childrenOf, slice } from '../../../src/lib/der_reader.js';
import { revoke } from '../../../src/eid/lifecycle.js';
import { latestCrl } from '../../../src/eid/crl_publisher.js';
import { ocspServiceOf } from '../../../src/node/ocsp_service.js';
import type { OcspService } from '../../../src/node/ocsp_service.js';
import { parseCertificate } from '../../../src/x509/certificate_info.js';
import { parseSignedData, verifySignerInfo } from '../../../src/pki/cms_signed_data.js';
import { buildOcspErrorResponse, buildOcspResponse, parseOcspRequest } from '../../../src/pki/ocsp.js';
import { parseOcspResponse } from '../../../src/pki/ocsp_response_parser.js';
import { buildOcspRequest } from '../../../src/pki/ocsp_request.js';
import { detectCadesLevel } from '../../../src/signature/cades/level.js';
import { extendToLt } from '../../../src/signature/cades/lt.js';
import { CADES_OID } from '../../../src/signature/cades/oids.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import type { RevocationFetcher } from '../../../src/signature/revocation_fetcher.js';
import { rejectsCode } from '../../fixtures/assert.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

let f: SigningFixture;
let ocsp: OcspService;

before(async () => {
  f = await signingFixture();
  ocsp = ocspServiceOf(f.node);
});
after(() => f?.node.close());

/** The OCSP responses in SignedData.crls as RevocationInfoChoice `other` (RFC 5940). */
function embeddedOcsp(cms: Buffer): Buffer[] {
  const sd = parseSignedData(cms);
  const der = sd.raw.der;
  const crls = childrenOf(der, sd.raw.signedData).find((e) => e.tag === 0xa1);
  if (!crls) return [];
  return childrenOf(der, crls)
    .filter((c) => c.tag === 0xa1)
    .map((c) => {
      const [format, info] = childrenOf(der, c);
      assert.equal(slice(der, format!).toString('hex'), '06082b06010505071002', 'id-ri-ocsp-response');
      return slice(der, info!);
    });
}

interface Calls {
  ocsp: string[];
  crl: string[];
}

function fetcher(
  calls: Calls,
  withCrl: boolean,
  answer?: (req: Buffer) => Promise<Buffer>,
): RevocationFetcher {
  return {
    async ocsp(url, requestDer) {
      calls.ocsp.push(url);
      return answer ? answer(requestDer) : (await ocsp.respond(requestDer)).der;
    },
    ...(withCrl
      ? {
          async crl(url: string) {
            calls.crl.push(url);
            return (await latestCrl(f.node.store, 'root'))!.der;
          },
        }
      : {}),
  };
}

async function bt(): Promise<Buffer> {
  return signCades({
    content: DOCUMENT,
    detached: false,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level: 'B-T',
    tsa: f.endpoint,
  });
}

describe('extendToLt (CAdES B-LT)', () => {
  it('embeds a good OCSP response for the signer, the chain and the TSA certificates', async () => {
    const input = await bt();
    const calls: Calls = { ocsp: [], crl: [] };
    const lt = await extendToLt(input, {
      chain: f.chain,
      fetcher: fetcher(calls, false),
      at: f.node.clock(),
    });
    assert.equal(detectCadesLevel(input).level, 'B-T');
    const info = detectCadesLevel(lt);
    assert.equal(info.level, 'B-LT');
    assert.equal(info.revocationData, true);
    assert.deepEqual(calls, { ocsp: ['https://pki.test.example/ocsp'], crl: [] });
    const responses = embeddedOcsp(lt);
    assert.equal(responses.length, 1);
    const r = parseOcspResponse(responses[0]!);
    assert.equal(r.status, 'successful');
    assert.equal(r.answers[0]!.serial, parseCertificate(f.certificate).serial);
    assert.deepEqual(r.answers[0]!.status, { status: 'good' });
    const sd = parseSignedData(lt);
    assert.equal(sd.version, 5, 'RFC 5652: an `other` revocation choice raises the version to 5');
    for (const c of [f.certificate, ...f.chain, f.node.tsa.certificate.der])
      assert.ok(
        sd.certificates.some((x) => x.equals(c)),
        'signer, eID CA, root and TSA certificates',
      );
    const before = parseSignedData(input).signerInfos[0]!;
    const si = sd.signerInfos[0]!;
    assert.deepEqual(si.signedAttrsDer, before.signedAttrsDer);
    assert.deepEqual(si.signature, before.signature);
    verifySignerInfo(si, f.certificate, { content: DOCUMENT, eContentType: sd.eContentType });
    assert.ok(si.unsignedAttributes.get(CADES_OID.signatureTimeStampToken)?.length);
  });

  it('with a CRL fetcher: the root CRL (for the eID CA and the TSA) is embedded once, as a plain CRL', async () => {
    const calls: Calls = { ocsp: [], crl: [] };
    const lt = await extendToLt(await bt(), {
      chain: [...f.chain].reverse(),
      fetcher: fetcher(calls, true),
      at: f.node.clock(),
    });
    assert.deepEqual(calls.crl, [
      'https://pki.test.example/crl/root.crl',
      'https://pki.test.example/crl/root.crl',
    ]);
    const sd = parseSignedData(lt);
    assert.equal(sd.crls.length, 1);
    assert.deepEqual(sd.crls[0], (await latestCrl(f.node.store, 'root'))!.der);
    assert.equal(embeddedOcsp(lt).length, 1);
    assert.equal(detectCadesLevel(lt).level, 'B-LT');
  });

  it('refuses a B-B: B-LT builds on B-T', async () => {
    const bb = await signCades({
      content: DOCUMENT,
      detached: true,
      signer: f.signer,
      signerCertificate: f.certificate,
      chain: f.chain,
      signingTime: FIXED_NOW,
      level: 'B-B',
    });
    const calls: Calls = { ocsp: [], crl: [] };
    await rejectsCode(
      () => extendToLt(bb, { chain: f.chain, fetcher: fetcher(calls, false) }),
      'USAGE_INVALID_ARGUMENT',
      /B-T/,
    );
    assert.equal(calls.ocsp.length, 0);
  });

  it('refuses unusable OCSP answers with REV_OCSP_RESPONSE_INVALID', async () => {
    const input = await bt();
    const at = f.node.clock();
    const bad: [string, (req: Buffer) => Promise<Buffer>, RegExp][] = [
      ['tryLater', async () => buildOcspErrorResponse('tryLater'), /tryLater/],
      [
        'an answer for another certificate',
        async () =>
          (await ocsp.respond(buildOcspRequest(f.node.tsa.certificate.der, f.node.root.certificate.der).der))
            .der,
        /does not answer/,
      ],
      [
        'signed by a certificate the eID CA did not issue for OCSP',
        async (req) =>
          buildOcspResponse({
            signer: f.node.tsa.signer,
            responderCertificate: f.node.tsa.certificate.der,
            producedAt: at,
            answers: parseOcspRequest(req).certIds.map((certId) => ({
              certId,
              status: { status: 'good' },
              thisUpdate: at,
            })),
          }),
        /not issued by/,
      ],
      ['stale', async (req) => (await ocsp.respond(req)).der, /stale/],
    ];
    for (const [what, answer, message] of bad) {
      const calls: Calls = { ocsp: [], crl: [] };
      const when = what === 'stale' ? new Date(at.getTime() + 3 * 3600_000) : at;
      await rejectsCode(
        () => extendToLt(input, { chain: f.chain, fetcher: fetcher(calls, false, answer), at: when }),
        'REV_OCSP_RESPONSE_INVALID',
        message,
      );
    }
  });

  it('a revoked signer certificate: PATH_REVOKED, with a nonce echoed', async () => {
    const input = await bt();
    await revoke(f.node.eid, { serial: parseCertificate(f.certificate).serial }, 'keyCompromise', 'sup');
    const calls: Calls = { ocsp: [], crl: [] };
    await rejectsCode(
      () =>
        extendToLt(input, {
          chain: f.chain,
          fetcher: fetcher(calls, false),
          at: f.node.clock(),
          nonce: true,
        }),
      'PATH_REVOKED',
    );
    assert.equal(calls.ocsp.length, 1);
  });
});
