import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { normaliseName } from '../../src/cert/alerts/issuer_name.js';
import { parseCertificatePattern } from '../../src/cert/alerts/pattern.js';
import { certificateReferences } from '../../src/cert/alerts/references.js';
import { certRootOf, ensureCertRoot } from '../../src/cert/collections.js';
import { certDb } from '../../src/cert/schema.js';
import { ingest } from '../../src/cert/taxii/ingest.js';
import { enrolPerson } from '../../src/eid/issuance.js';
import { forEachEngine } from '../fixtures/engines.js';
import { FIXED_NOW, PERSON_A, csrPair, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { indicator } from './fixtures.js';

const SHA256 = 'ab'.repeat(32);

function x509(props: Record<string, unknown>): Record<string, unknown> {
  return { type: 'x509-certificate', spec_version: '2.1', id: `x509-certificate--${randomUUID()}`, ...props };
}

function certIndicator(pattern: string): Record<string, unknown> {
  return { ...indicator('green'), pattern };
}

/** `aa:bb:…` as STIX examples write serials. */
function colons(hex: string): string {
  return (hex.length % 2 ? `0${hex}` : hex).match(/../g)!.join(':').toUpperCase();
}

describe('simple STIX patterns naming a certificate', () => {
  it('reads hash, serial and issuer comparisons, AND within an observation, OR between', () => {
    assert.deepEqual(parseCertificatePattern(`[x509-certificate:hashes.'SHA-256' = '${SHA256}']`), [
      { sha256: SHA256 },
    ]);
    assert.deepEqual(parseCertificatePattern(`[x509-certificate:hashes.SHA1 = 'cd']`), [{ sha1: 'cd' }]);
    assert.deepEqual(
      parseCertificatePattern(
        "[x509-certificate:serial_number = '0a:1b' AND x509-certificate:issuer = 'CN=A\\'s CA, C=PH'] OR [x509-certificate:serial_number = '02']",
      ),
      [{ serial: '0a:1b', issuer: "CN=A's CA, C=PH" }, { serial: '02' }],
    );
    assert.deepEqual(
      parseCertificatePattern(
        "[x509-certificate:serial_number = '01' OR x509-certificate:serial_number = '02']",
      ),
      [{ serial: '01' }, { serial: '02' }],
    );
  });

  it('ignores anything not of the simple form (never evaluated)', () => {
    for (const p of [
      "[ipv4-addr:value = '198.51.100.7']",
      "[x509-certificate:serial_number != '01']",
      "[x509-certificate:serial_number = '01'] WITHIN 300 SECONDS",
      "[x509-certificate:serial_number = '01'] FOLLOWEDBY [x509-certificate:serial_number = '02']",
      "([x509-certificate:serial_number = '01'])",
      "[x509-certificate:serial_number MATCHES '.*']",
      "[x509-certificate:serial_number = '01' AND x509-certificate:subject = 'CN=x']",
      "[x509-certificate:serial_number = '01'",
      "[x509-certificate:serial_number = '01\\x']",
      "[x509-certificate:serial_number = '01' AND x509-certificate:serial_number = '02']",
      `[${"x509-certificate:serial_number = '01' AND ".repeat(300)}x509-certificate:serial_number = '01']`,
      "'); process.exit(1); ('",
      '',
    ])
      assert.deepEqual(parseCertificatePattern(p), [], p);
  });

  it('normalises references: hex separators, case, leading zeros; an issuer alone names nothing', () => {
    assert.deepEqual(
      certificateReferences(
        x509({
          serial_number: '00:0A:1B',
          issuer: 'C=PH, CN=X',
          hashes: { 'SHA-256': SHA256.toUpperCase() },
        }),
      ),
      [{ sha256: SHA256 }, { serial: 'a1b', issuer: 'C=PH, CN=X' }],
    );
    assert.deepEqual(certificateReferences(x509({ issuer: 'C=PH, CN=X' })), []);
    assert.deepEqual(certificateReferences(x509({ hashes: { 'SHA-256': 'not hex' } })), []);
    assert.deepEqual(
      certificateReferences(certIndicator(`[x509-certificate:hashes.'SHA-1' = '${'0F'.repeat(20)}']`)),
      [{ sha1: '0f'.repeat(20) }],
    );
    assert.deepEqual(certificateReferences({ ...indicator(), pattern_type: 'sigma' }), []);
  });

  it('compares issuer names in either RDN order and spelling, not other names', () => {
    const n = normaliseName('CN=PH eID Issuing CA, O=Test Agency, C=PH');
    assert.ok(n);
    assert.equal(normaliseName('/C=PH/O=Test Agency/CN=PH eID Issuing CA'), n);
    assert.equal(normaliseName('C = ph ,  organizationName=test  agency, commonName=PH EID issuing CA'), n);
    assert.notEqual(normaliseName('CN=PH eID Issuing CA, O=Test Agency, C=VN'), n);
    assert.notEqual(normaliseName('CN=PH eID Issuing CA, C=PH'), n);
    assert.equal(normaliseName('no name here'), undefined);
  });
});

forEachEngine('CERT alerts: matching received objects against the node certificates', (dbTest) => {
  async function setUp(location: string): Promise<{
    node: TestNode;
    send: (objects: unknown[]) => Promise<{ success_count: number; failure_count: number }>;
    auth: { serial: string; der: Buffer };
    alerts: () => Promise<{ stix_id: string; cert_serial: string; kind: string; matched_on: string }[]>;
  }> {
    const node = await makeTestNode({ db: location });
    const issued = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), 'officer-1');
    const root = certRootOf(node.config.country, node.config.name);
    const c = await ensureCertRoot(node.store, root, FIXED_NOW);
    return {
      node,
      send: (objects) => ingest(node.store, root.id, c.id, null, objects, FIXED_NOW),
      auth: issued.certificates.authentication,
      alerts: () =>
        certDb(node.store)
          .selectFrom('cert_alert')
          .select(['stix_id', 'cert_serial', 'kind', 'matched_on'])
          .orderBy('stix_id')
          .orderBy('cert_serial')
          .execute(),
    };
  }

  dbTest(
    'serial + issuer, SHA-256, SHA-1, indicator patterns; no match on another issuer',
    async (_t, db) => {
      const { node, send, auth, alerts } = await setUp(db.location);
      try {
        const issuer = node.eidCa.certificate.subject;
        const slashIssuer = `/${issuer.split(', ').reverse().join('/')}`;
        const sha256 = createHash('sha256').update(auth.der).digest('hex');
        const sha1 = createHash('sha1').update(auth.der).digest('hex');
        const digests = await certDb(node.store)
          .selectFrom('certificate')
          .select(['cert_sha256', 'cert_sha1'])
          .where('serial', '=', auth.serial)
          .executeTakeFirstOrThrow();
        assert.deepEqual(digests, { cert_sha256: sha256, cert_sha1: sha1 }, 'written at issuance');
        const bySerial = x509({ serial_number: colons(auth.serial), issuer: slashIssuer });
        const byHash = x509({ hashes: { 'SHA-256': sha256.toUpperCase() } });
        const bySha1 = x509({ hashes: { 'SHA-1': sha1 } });
        const otherIssuer = x509({
          serial_number: auth.serial,
          issuer: 'CN=Other eID CA, O=Elsewhere, C=VN',
        });
        const otherHash = x509({ hashes: { 'SHA-256': SHA256 } });
        const patternHash = certIndicator(`[x509-certificate:hashes.'SHA-256' = '${sha256}']`);
        const patternSerial = certIndicator(
          `[x509-certificate:serial_number = '${colons(auth.serial)}' AND x509-certificate:issuer = '${issuer}']`,
        );
        const patternOther = certIndicator(
          `[x509-certificate:serial_number = '${auth.serial}' AND x509-certificate:issuer = 'CN=Other CA, C=VN']`,
        );
        const status = await send([
          bySerial,
          byHash,
          bySha1,
          otherIssuer,
          otherHash,
          patternHash,
          patternSerial,
          patternOther,
          indicator('green'),
        ]);
        assert.equal(status.success_count, 9, JSON.stringify(status));
        const expected = [
          [bySerial, 'serial+issuer'],
          [byHash, 'sha256'],
          [bySha1, 'sha1'],
          [patternHash, 'sha256'],
          [patternSerial, 'serial+issuer'],
        ]
          .map(([o, how]) => ({
            stix_id: (o as { id: string }).id,
            cert_serial: auth.serial,
            kind: 'eid-cert',
            matched_on: how as string,
          }))
          .sort((a, b) => (a.stix_id < b.stix_id ? -1 : 1));
        assert.deepEqual(await alerts(), expected);
        // The same versions again: acknowledged by TAXII, no second alert.
        await send([bySerial, byHash, patternHash]);
        assert.equal((await alerts()).length, expected.length);
        // A new version of the indicator is a new alert.
        await send([{ ...patternHash, modified: '2026-02-01T00:00:00.000Z' }]);
        assert.equal((await alerts()).length, expected.length + 1);
      } finally {
        await node.close();
      }
    },
  );

  dbTest("the node's CA certificates: kind ca; other node certificates are not alerts", async (_t, db) => {
    const { node, send, alerts } = await setUp(db.location);
    try {
      // The fixture's CA rows predate the digests (as rows from before migration 0012 do).
      const undigested = () =>
        certDb(node.store)
          .selectFrom('certificate')
          .select('serial')
          .where('cert_sha256', 'is', null)
          .execute();
      assert.ok((await undigested()).length > 0);
      const ca = x509({
        hashes: { 'SHA-256': createHash('sha256').update(node.eidCa.certificate.der).digest('hex') },
      });
      const root = x509({
        serial_number: node.root.certificate.serial,
        issuer: node.root.certificate.subject,
      });
      const ocsp = x509({
        hashes: { 'SHA-256': createHash('sha256').update(node.ocsp.certificate.der).digest('hex') },
      });
      await send([ca, root, ocsp]);
      assert.deepEqual(await undigested(), [], 'filled in on first need');
      const got = await alerts();
      assert.deepEqual(
        got.map((a) => [a.stix_id, a.kind, a.cert_serial]).sort(),
        [
          [ca['id'], 'ca', node.eidCa.certificate.serial],
          [root['id'], 'ca', node.root.certificate.serial],
        ].sort(),
      );
    } finally {
      await node.close();
    }
  });

  dbTest('an invalid object naming a certificate raises nothing (it is not stored)', async (_t, db) => {
    const { node, send, auth, alerts } = await setUp(db.location);
    try {
      const status = await send([
        { ...x509({ serial_number: auth.serial }), id: 'x509-certificate--not-a-uuid' },
      ]);
      assert.equal(status.failure_count, 1);
      assert.deepEqual(await alerts(), []);
    } finally {
      await node.close();
    }
  });
});
