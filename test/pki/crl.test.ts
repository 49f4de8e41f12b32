import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, CertificateList } from '@peculiar/asn1-x509';
import { OID, keyIdentifier } from '../../src/pki/algorithms.js';
import { buildCrl } from '../../src/pki/crl.js';
import type { CrlParams } from '../../src/pki/crl.js';
import { FIXED_NOW, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { opensslCrlText, opensslVerifiesCrl, parseCrl } from '../fixtures/pki.js';

const NEXT = new Date(FIXED_NOW.getTime() + 24 * 3600_000);

async function withNode(fn: (node: TestNode) => Promise<void>): Promise<void> {
  const node = await makeTestNode();
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

function params(node: TestNode, patch: Partial<CrlParams> = {}): CrlParams {
  return {
    issuerDer: node.eidCa.certificate.subjectDer,
    issuerSpki: node.eidCa.certificate.spki,
    signer: node.eidCa.signer,
    crlNumber: 7,
    thisUpdate: FIXED_NOW,
    nextUpdate: NEXT,
    entries: [],
    ...patch,
  };
}

test('an empty CRL: v2, number, times, AKI, no revokedCertificates, verified by OpenSSL', async () => {
  await withNode(async (node) => {
    const der = await buildCrl(params(node));
    const crl = AsnConvert.parse(der, CertificateList);
    assert.equal(crl.tbsCertList.version, 1, 'v2');
    assert.equal(crl.tbsCertList.revokedCertificates, undefined, 'absent, not an empty SEQUENCE');
    assert.equal(crl.signatureAlgorithm.algorithm, OID.ecdsaWithSHA256);
    const parsed = parseCrl(der);
    assert.deepEqual(parsed, { crlNumber: 7, thisUpdate: FIXED_NOW, nextUpdate: NEXT, entries: [] });
    const akiExt = crl.tbsCertList.crlExtensions?.find((e) => e.extnID === OID.authorityKeyIdentifier);
    assert.ok(akiExt);
    const aki = AsnConvert.parse(akiExt.extnValue, AuthorityKeyIdentifier);
    assert.ok(Buffer.from(aki.keyIdentifier!.buffer).equals(keyIdentifier(node.eidCa.certificate.spki)));
    assert.ok(opensslVerifiesCrl(der, node.eidCa.certificate.der));
    assert.ok(!opensslVerifiesCrl(der, node.root.certificate.der), 'not verified by another CA');
  });
});

test('entries carry serial, date and reason; unspecified has no reason code (RFC 5280 §5.3.1)', async () => {
  await withNode(async (node) => {
    const at = new Date('2026-03-01T08:00:00Z');
    const entries: CrlParams['entries'] = [
      { serial: '4a5b6c', revokedAt: at, reason: 'keyCompromise' },
      { serial: 'ff01', revokedAt: at, reason: 'certificateHold' },
      { serial: '0102', revokedAt: at, reason: 'unspecified' },
      { serial: '77', revokedAt: at },
      { serial: '5a'.repeat(16), revokedAt: at, reason: 'superseded' },
    ];
    const der = await buildCrl(params(node, { entries, crlNumber: 300 }));
    const parsed = parseCrl(der);
    assert.equal(parsed.crlNumber, 300);
    assert.deepEqual(parsed.entries, [
      { serial: '4a5b6c', revokedAt: at, reason: 'keyCompromise' },
      { serial: 'ff01', revokedAt: at, reason: 'certificateHold' },
      { serial: '0102', revokedAt: at },
      { serial: '77', revokedAt: at },
      { serial: '5a'.repeat(16), revokedAt: at, reason: 'superseded' },
    ]);
    const text = opensslCrlText(der);
    assert.match(text, /Key Compromise/);
    assert.match(text, /Certificate Hold/);
    assert.match(text, /Superseded/);
    assert.match(text, /Serial Number: FF01/);
    assert.match(text, /X509v3 CRL Number:\s*\n\s*300/);
    assert.ok(opensslVerifiesCrl(der, node.eidCa.certificate.der));
  });
});

test('the root signs its CRL with ECDSA-SHA384 and 2050+ times are GeneralizedTime', async () => {
  await withNode(async (node) => {
    const thisUpdate = new Date('2050-06-01T00:00:00Z');
    const der = await buildCrl({
      issuerDer: node.root.certificate.subjectDer,
      issuerSpki: node.root.certificate.spki,
      signer: node.root.signer,
      crlNumber: 1,
      thisUpdate,
      nextUpdate: new Date('2050-06-02T00:00:00Z'),
      entries: [],
    });
    const crl = AsnConvert.parse(der, CertificateList);
    assert.equal(crl.signatureAlgorithm.algorithm, OID.ecdsaWithSHA384);
    assert.ok(crl.tbsCertList.thisUpdate.generalTime);
    assert.equal(parseCrl(der).thisUpdate.toISOString(), thisUpdate.toISOString());
    assert.ok(opensslVerifiesCrl(der, node.root.certificate.der));
  });
});
