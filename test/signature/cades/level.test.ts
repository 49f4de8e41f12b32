import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as DER from '../../../src/lib/der.js';
import { CMS_OID, buildSignedData } from '../../../src/pki/cms_signed_data.js';
import { detectCadesLevel } from '../../../src/signature/cades/level.js';
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
