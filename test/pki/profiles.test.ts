import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AsnArray, AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  CertificatePolicies,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { QcCClegislation, QcType } from '@peculiar/asn1-x509-qualified-etsi';
import { toPem } from '../../src/lib/pem.js';
import { OID, curveOfSpki } from '../../src/pki/algorithms.js';
import { signCertificate } from '../../src/pki/certificate_builder.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { POLICY, citizenTemplate } from '../../src/pki/profiles.js';
import type { EidUsage } from '../../src/pki/profiles.js';
import { fixedKey, spkiOf } from '../fixtures/keys.js';
import { FIXED_NOW, TEST_IDENTITY, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { decodeCertificate, extensionOf, extensionValue, openssl } from '../fixtures/pki.js';

// QCStatements ::= SEQUENCE OF QCStatement { statementId OID, statementInfo ANY OPTIONAL } (RFC 3739)
class QcStatement {
  statementId = '';
  statementInfo?: ArrayBuffer;
}
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(QcStatement.prototype, 'statementId');
AsnProp({ type: AsnPropTypes.Any, optional: true })(QcStatement.prototype, 'statementInfo');
class QcStatements extends AsnArray<QcStatement> {}
AsnType({ type: AsnTypeTypes.Sequence, itemType: QcStatement })(QcStatements);
// SemanticsInformation ::= SEQUENCE { semanticsIdentifier OID OPTIONAL, … }
class SemanticsInformation {
  semanticsIdentifier?: string;
}
AsnProp({ type: AsnPropTypes.ObjectIdentifier, optional: true })(
  SemanticsInformation.prototype,
  'semanticsIdentifier',
);

const SEMANTICS_V2 = '1.3.6.1.5.5.7.11.2';
const NATIONAL_ID = '492817365021';
const BASE = TEST_IDENTITY.baseUrl;

/** `d` plus `n` calendar years (UTC). */
function addYears(d: Date, n: number): Date {
  const out = new Date(d);
  out.setUTCFullYear(out.getUTCFullYear() + n);
  return out;
}

let node: TestNode;
const citizen = {} as Record<EidUsage, Buffer>;
let dir = '';

function qcStatements(der: Buffer): Map<string, ArrayBuffer | undefined> {
  const s = extensionValue(der, OID.qcStatements, QcStatements);
  return new Map([...s].map((q) => [q.statementId, q.statementInfo]));
}

function kuOf(der: Buffer): string[] {
  assert.ok(extensionOf(der, OID.keyUsage).critical, 'keyUsage is critical');
  return extensionValue(der, OID.keyUsage, KeyUsage).toJSON().sort();
}

function opensslVerify(
  purpose: string | undefined,
  ...chain: Buffer[]
): { status: number | null; out: string } {
  const [leaf, ...rest] = chain;
  writeFileSync(join(dir, 'leaf.pem'), toPem(leaf!, 'CERTIFICATE'));
  writeFileSync(join(dir, 'root.pem'), toPem(node.root.certificate.der, 'CERTIFICATE'));
  writeFileSync(join(dir, 'untrusted.pem'), rest.map((c) => toPem(c, 'CERTIFICATE')).join(''));
  const args = [
    'verify',
    '-attime',
    String(FIXED_NOW.getTime() / 1000 + 60),
    '-CAfile',
    join(dir, 'root.pem'),
  ];
  if (rest.length > 0) args.push('-untrusted', join(dir, 'untrusted.pem'));
  if (purpose) args.push('-purpose', purpose);
  return openssl([...args, join(dir, 'leaf.pem')]);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tb-profiles-'));
  node = await makeTestNode();
  const holder = { nationalId: NATIONAL_ID, givenNames: 'Maria Clara', familyName: 'Santos' };
  for (const [usage, key] of [
    ['authentication', 'citizen-a-auth'],
    ['signature', 'citizen-a-sig'],
  ] as const) {
    const t = citizenTemplate(TEST_IDENTITY, node.eidCa.ref, usage, holder, spkiOf(fixedKey(key)), FIXED_NOW);
    citizen[usage] = await signCertificate(t, node.eidCa.signer);
  }
});

after(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('citizen certificates (EN 319 412-2)', () => {
  it('subject: C, givenName, surname, CN, serialNumber PNOPH-<id> as PrintableString', () => {
    for (const der of Object.values(citizen)) {
      const atvs = [...decodeCertificate(der).tbsCertificate.subject].map((rdn) => rdn[0]!);
      assert.deepEqual(
        atvs.map((a) => [a.type, a.value.toString()]),
        [
          [OID.countryName, 'PH'],
          [OID.givenName, 'Maria Clara'],
          [OID.surname, 'Santos'],
          [OID.commonName, 'Maria Clara Santos'],
          [OID.serialNumber, `PNOPH-${NATIONAL_ID}`],
        ],
      );
      assert.equal(atvs[4]!.value.printableString, `PNOPH-${NATIONAL_ID}`);
      assert.equal(atvs[0]!.value.printableString, 'PH');
      assert.equal(atvs[1]!.value.utf8String, 'Maria Clara');
    }
  });

  it('authentication: critical KU digitalSignature, EKU clientAuth, NCP, natural-person semantics only', () => {
    const der = citizen.authentication;
    assert.deepEqual(kuOf(der), ['digitalSignature']);
    assert.deepEqual([...extensionValue(der, OID.extKeyUsage, ExtendedKeyUsage)], [OID.kpClientAuth]);
    assert.deepEqual(
      [...extensionValue(der, OID.certificatePolicies, CertificatePolicies)].map((p) => p.policyIdentifier),
      [POLICY.ncp],
    );
    const qcs = qcStatements(der);
    assert.deepEqual([...qcs.keys()], [SEMANTICS_V2]);
    assert.equal(
      AsnConvert.parse(qcs.get(SEMANTICS_V2)!, SemanticsInformation).semanticsIdentifier,
      OID.qcsSemanticsIdNatural,
    );
    assert.equal(opensslVerify('sslclient', der, node.eidCa.certificate.der).status, 0);
  });

  it('signature: critical KU nonRepudiation, QcCompliance, QcType eSign, semantics, legislation PH', () => {
    const der = citizen.signature;
    assert.deepEqual(kuOf(der), ['nonRepudiation']);
    assert.equal(
      decodeCertificate(der).tbsCertificate.extensions?.find((e) => e.extnID === OID.extKeyUsage),
      undefined,
    );
    assert.deepEqual(
      [...extensionValue(der, OID.certificatePolicies, CertificatePolicies)].map((p) => p.policyIdentifier),
      [POLICY.qcpNatural],
    );
    const qcs = qcStatements(der);
    assert.ok(qcs.has(OID.qcCompliance), 'QcCompliance 0.4.0.1862.1.1');
    assert.equal(qcs.get(OID.qcCompliance), undefined, 'QcCompliance has no statementInfo');
    assert.deepEqual([...AsnConvert.parse(qcs.get(OID.qcType)!, QcType)], [OID.qctEsign]);
    assert.equal(
      AsnConvert.parse(qcs.get(SEMANTICS_V2)!, SemanticsInformation).semanticsIdentifier,
      '0.4.0.194121.1.1',
    );
    assert.deepEqual([...AsnConvert.parse(qcs.get('0.4.0.1862.1.7')!, QcCClegislation)], ['PH']);
    assert.equal(opensslVerify(undefined, der, node.eidCa.certificate.der).status, 0);
  });

  it('CRL distribution point and AIA (OCSP, caIssuers) under the base URL; SKI/AKI; validity', () => {
    for (const der of Object.values(citizen)) {
      const dp = [...extensionValue(der, OID.crlDistributionPoints, CRLDistributionPoints)];
      assert.deepEqual(
        dp.map((d) => d.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier),
        [`${BASE}/crl/eid-ca.crl`],
      );
      const aia = [...extensionValue(der, OID.authorityInfoAccess, AuthorityInfoAccessSyntax)];
      assert.deepEqual(
        aia.map((a) => [a.accessMethod, a.accessLocation.uniformResourceIdentifier]),
        [
          [OID.adOcsp, `${BASE}/ocsp`],
          [OID.adCaIssuers, `${BASE}/ca/eid-ca.cer`],
        ],
      );
      const aki = extensionValue(der, OID.authorityKeyIdentifier, AuthorityKeyIdentifier);
      const caSki = extensionValue(
        node.eidCa.certificate.der,
        OID.subjectKeyIdentifier,
        SubjectKeyIdentifier,
      );
      assert.deepEqual(Buffer.from(aki.keyIdentifier!.buffer), Buffer.from(caSki.buffer));
      const info = parseCertificate(der);
      assert.equal(info.notBefore.toISOString(), FIXED_NOW.toISOString());
      assert.equal(info.notAfter.toISOString(), addYears(FIXED_NOW, 5).toISOString());
      assert.ok(info.notAfter <= node.eidCa.certificate.notAfter, 'within the CA validity');
    }
  });
});

describe('node certificates', () => {
  it('root: self-signed P-384, critical basicConstraints cA without path length, keyCertSign + cRLSign', () => {
    const der = node.root.certificate.der;
    assert.equal(curveOfSpki(node.root.certificate.spki), 'P-384');
    assert.equal(decodeCertificate(der).signatureAlgorithm.algorithm, OID.ecdsaWithSHA384);
    const bc = extensionOf(der, OID.basicConstraints);
    assert.ok(bc.critical);
    const v = AsnConvert.parse(bc.extnValue, BasicConstraints);
    assert.deepEqual([v.cA, v.pathLenConstraint], [true, undefined]);
    assert.deepEqual(kuOf(der), ['crlSign', 'keyCertSign']);
    assert.ok(node.root.certificate.subjectDer.equals(parseCertificate(der).issuerDer));
    assert.equal(
      node.root.certificate.subject,
      'CN=PH National Root CA, O=Republic of the Philippines Test Agency, C=PH',
    );
    assert.equal(opensslVerify(undefined, der).status, 0);
  });

  it('eID CA: critical basicConstraints cA path length 0, signed by the root, CRL DP of the root', () => {
    const der = node.eidCa.certificate.der;
    const bc = extensionOf(der, OID.basicConstraints);
    assert.ok(bc.critical);
    assert.equal(AsnConvert.parse(bc.extnValue, BasicConstraints).pathLenConstraint, 0);
    assert.deepEqual(kuOf(der), ['crlSign', 'keyCertSign']);
    const dp = [...extensionValue(der, OID.crlDistributionPoints, CRLDistributionPoints)];
    assert.equal(dp[0]?.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier, `${BASE}/crl/root.crl`);
    assert.equal(opensslVerify(undefined, der).status, 0);
  });

  it('OCSP responder: EKU OCSPSigning, id-pkix-ocsp-nocheck, digitalSignature, one year, under the eID CA', () => {
    const der = node.ocsp.certificate.der;
    assert.deepEqual([...extensionValue(der, OID.extKeyUsage, ExtendedKeyUsage)], [OID.kpOcspSigning]);
    const nocheck = extensionOf(der, OID.ocspNoCheck);
    assert.equal(Buffer.from(nocheck.extnValue.buffer).toString('hex'), '0500');
    assert.deepEqual(kuOf(der), ['digitalSignature']);
    const info = parseCertificate(der);
    assert.equal(info.notAfter.toISOString(), addYears(info.notBefore, 1).toISOString());
    assert.ok(info.issuerDer.equals(node.eidCa.certificate.subjectDer));
    assert.equal(opensslVerify('ocsphelper', der, node.eidCa.certificate.der).status, 0);
  });

  it('TSA: critical EKU timeStamping only, digitalSignature, issued by the root', () => {
    const der = node.tsa.certificate.der;
    const eku = extensionOf(der, OID.extKeyUsage);
    assert.ok(eku.critical, 'EKU is critical (RFC 3161 §2.3)');
    assert.deepEqual([...AsnConvert.parse(eku.extnValue, ExtendedKeyUsage)], [OID.kpTimeStamping]);
    assert.deepEqual(kuOf(der), ['digitalSignature']);
    assert.equal(opensslVerify('timestampsign', der).status, 0);
  });
});
