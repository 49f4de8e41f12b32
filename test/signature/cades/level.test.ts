import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as DER from '../../../src/lib/der.js';
import { CMS_OID, buildSignedData } from '../../../src/pki/cms_signed_data.js';
import { cadesNotEtsiReasons, detectCadesLevel } from '../../../src/signature/cades/level.js';
import { CADES_OID } from '../../../src/signature/cades/oids.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import { editSignedData, ocspRevocationInfoChoice } from '../../../src/signature/cades/signed_data_editor.js';
import { throwsCode } from '../../fixtures/assert.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

let f: SigningFixture;
let bt: Buffer;

before(async () => {
  f = await signingFixture();
  bt = await signCades({
    content: DOCUMENT,
    detached: true,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level: 'B-T',
    tsa: f.endpoint,
  });
});
after(() => f?.node.close());

describe('detectCadesLevel', () => {
  it('plain CMS without signing-certificate(-v2) is not baseline', async () => {
    const cms = await buildSignedData({
      eContentType: CMS_OID.data,
      eContent: DOCUMENT,
      signer: f.signer,
      signerCertificate: f.certificate,
    });
    const info = detectCadesLevel(cms);
    assert.equal(info.level, undefined);
    assert.equal(info.signingCertificate, false);
  });

  it('B-T, then B-LT with revocation data, then B-LTA with an archive time-stamp', () => {
    const t = detectCadesLevel(bt);
    assert.equal(t.level, 'B-T');
    assert.equal(t.signatureTimeStamps.length, 1);
    const lt = editSignedData(bt, { revocationInfoChoices: [ocspRevocationInfoChoice(DER.seq())] });
    assert.equal(detectCadesLevel(lt).level, 'B-LT');
    const lta = editSignedData(lt, {
      unsignedAttributes: [{ type: CADES_OID.archiveTimeStampV3, values: [DER.seq()] }],
    });
    assert.deepEqual(
      { ...detectCadesLevel(lta), signatureTimeStamps: [] },
      {
        level: 'B-LTA',
        signingCertificate: true,
        signatureTimeStamps: [],
        revocationData: true,
        archiveTimeStamp: true,
      },
    );
  });

  it('no such SignerInfo: USAGE_INVALID_ARGUMENT; not CMS: PKI_CMS_MALFORMED', () => {
    throwsCode(() => detectCadesLevel(bt, 1), 'USAGE_INVALID_ARGUMENT');
    throwsCode(() => detectCadesLevel(Buffer.from([0x30, 0x00])), 'PKI_CMS_MALFORMED');
  });
});

describe('cadesNotEtsiReasons (profile violations DSS demotes to CMS_NOT_ETSI)', () => {
  const attrs = (entries: [string, number][]) =>
    new Map(entries.map(([oid, n]) => [oid, Array.from({ length: n }, () => Buffer.alloc(0))]));

  it('a signing-certificate-v2 whose reference uses SHA-1 is not an ETSI signature', () => {
    const reasons = cadesNotEtsiReasons(attrs([[CADES_OID.signingCertificateV2, 1]]), 'sha1');
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!, /SHA-1/);
  });

  it('one signing-certificate-v2 with SHA-256, or one signing-certificate with SHA-1, is', () => {
    assert.deepEqual(cadesNotEtsiReasons(attrs([[CADES_OID.signingCertificateV2, 1]]), 'sha256'), []);
    assert.deepEqual(cadesNotEtsiReasons(attrs([[CADES_OID.signingCertificate, 1]]), 'sha1'), []);
  });

  it('two signing-certificate values are not; no attribute at all is left to the level detection', () => {
    const both = attrs([
      [CADES_OID.signingCertificate, 1],
      [CADES_OID.signingCertificateV2, 1],
    ]);
    assert.match(cadesNotEtsiReasons(both, 'sha256').join(), /more than one/);
    assert.deepEqual(cadesNotEtsiReasons(new Map(), undefined), []);
  });
});
