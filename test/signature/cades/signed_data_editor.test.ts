import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CMS_OID, parseSignedData, verifySignerInfo } from '../../../src/pki/cms_signed_data.js';
import { detectCadesLevel } from '../../../src/signature/cades/level.js';
import { CADES_OID } from '../../../src/signature/cades/oids.js';
import { signCades } from '../../../src/signature/cades/sign.js';
import {
  addUnsignedAttribute,
  editSignedData,
  ocspRevocationInfoChoice,
} from '../../../src/signature/cades/signed_data_editor.js';
import * as DER from '../../../src/lib/der.js';
import { throwsCode } from '../../fixtures/assert.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

let f: SigningFixture;
let bb: Buffer;

before(async () => {
  f = await signingFixture();
  bb = await signCades({
    content: DOCUMENT,
    detached: false,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level: 'B-B',
  });
});
after(() => f?.node.close());

const ATTR = { type: '1.2.3.4.5', values: [DER.utf8('an unsigned value')] };

describe('addUnsignedAttribute', () => {
  it('re-uses the signed attributes and signature bytes; the signature still verifies', () => {
    const before = parseSignedData(bb).signerInfos[0]!;
    const sd = parseSignedData(addUnsignedAttribute(bb, ATTR));
    const si = sd.signerInfos[0]!;
    assert.deepEqual(si.signedAttrsDer, before.signedAttrsDer);
    assert.deepEqual(si.signature, before.signature);
    assert.deepEqual(si.unsignedAttributes.get(ATTR.type), ATTR.values);
    assert.deepEqual(sd.eContent, DOCUMENT);
    verifySignerInfo(si, f.certificate, { content: DOCUMENT, eContentType: CMS_OID.data });
  });

  it('appends after existing unsigned attributes and refuses a type twice', () => {
    const two = addUnsignedAttribute(addUnsignedAttribute(bb, ATTR), { ...ATTR, type: '1.2.3.4.6' });
    assert.deepEqual(
      [...parseSignedData(two).signerInfos[0]!.unsignedAttributes.keys()],
      ['1.2.3.4.5', '1.2.3.4.6'],
    );
    throwsCode(() => addUnsignedAttribute(two, ATTR), 'USAGE_INVALID_ARGUMENT', /already/);
    throwsCode(() => addUnsignedAttribute(bb, ATTR, 1), 'USAGE_INVALID_ARGUMENT', /SignerInfo number 1/);
    throwsCode(() => addUnsignedAttribute(Buffer.from('not cms'), ATTR), 'PKI_CMS_MALFORMED');
  });
});

describe('editSignedData', () => {
  it('adds certificates once and OCSP responses as RevocationInfoChoice other (version 5)', () => {
    const fakeOcsp = DER.seq(DER.tlv(0x0a, Buffer.from([0])));
    const extra = f.node.ocsp.certificate.der;
    const out = editSignedData(bb, {
      certificates: [f.certificate, extra],
      revocationInfoChoices: [ocspRevocationInfoChoice(fakeOcsp)],
    });
    const sd = parseSignedData(out);
    assert.equal(sd.version, 5);
    assert.deepEqual(sd.certificates, [f.certificate, ...f.chain, extra]);
    assert.deepEqual(sd.crls, [], 'other RevocationInfoChoices are not X.509 CRLs');
    const choice = ocspRevocationInfoChoice(fakeOcsp);
    assert.equal(choice[0], 0xa1);
    assert.ok(out.includes(DER.oid(CADES_OID.ocspResponseRevocationInfo)));
    verifySignerInfo(sd.signerInfos[0]!, f.certificate, { content: DOCUMENT });
    const lt = addUnsignedAttribute(editSignedData(bb, { revocationInfoChoices: [choice] }), {
      type: CADES_OID.signatureTimeStampToken,
      values: [DER.seq()],
    });
    assert.equal(detectCadesLevel(lt).level, 'B-LT');
    assert.equal(detectCadesLevel(out).level, 'B-B', 'revocation data without a time-stamp is not B-LT');
  });
});
