import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrolPerson } from '../../src/eid/issuance.js';
import type { IssuanceResult } from '../../src/eid/issuance.js';
import { resume, revoke, suspend } from '../../src/eid/lifecycle.js';
import { toPem } from '../../src/lib/pem.js';
import { OcspService } from '../../src/node/ocsp_service.js';
import { OID } from '../../src/pki/algorithms.js';
import { encodeName } from '../../src/pki/certificate_builder.js';
import { forEachEngine } from '../fixtures/engines.js';
import { fixedKey, spkiOf } from '../fixtures/keys.js';
import { PERSON_A, csrPair, makeTestNode, testClock } from '../fixtures/node.js';
import type { TestClock, TestNode } from '../fixtures/node.js';
import { certId, decodeOcsp, ocspRequest } from '../fixtures/ocsp.js';
import { openssl } from '../fixtures/pki.js';

const MIN = 60_000;

interface Ctx {
  node: TestNode;
  clock: TestClock;
  ocsp: OcspService;
  enrolled: IssuanceResult;
  auth: string;
  sig: string;
  /** OCSP request DER for an eID certificate serial (no nonce). */
  req(serial: string, nonce?: Buffer): Buffer;
}

async function withService(location: string, fn: (c: Ctx) => Promise<void>): Promise<void> {
  const clock = testClock();
  const node = await makeTestNode({ db: location, clock });
  try {
    const enrolled = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), 'officer-1');
    const ocsp = new OcspService({
      store: node.store,
      authorities: [
        { caId: 'eid-ca', ca: node.eidCa, responder: node.ocsp },
        { caId: 'root', ca: node.root, responder: node.root },
      ],
      clock,
      validityMinutes: 60,
    });
    clock.advance(MIN);
    await fn({
      node,
      clock,
      ocsp,
      enrolled,
      auth: enrolled.certificates.authentication.serial,
      sig: enrolled.certificates.signature.serial,
      req: (serial, nonce) => ocspRequest([certId(node.eidCa.certificate, serial)], nonce),
    });
  } finally {
    await node.close();
  }
}

forEachEngine('OcspService', (dbTest) => {
  dbTest('good: signed by the delegated responder, times from the injected clock', async (_t, db) => {
    await withService(db.location, async ({ node, clock, ocsp, auth, req }) => {
      const out = await ocsp.respond(req(auth));
      assert.deepEqual({ ...out, der: null }, { der: null, result: 'good', cached: false, maxAge: 3600 });
      const r = decodeOcsp(out.der);
      assert.equal(r.status, 'successful');
      assert.deepEqual(r.answers, [
        {
          serial: auth,
          status: 'good',
          thisUpdate: clock(),
          nextUpdate: new Date(clock().getTime() + 60 * MIN),
        },
      ]);
      assert.equal(r.producedAt?.toISOString(), clock().toISOString());
      assert.ok(r.signedBy(node.ocsp.certificate.spki), 'signed by the OCSP responder key');
      assert.ok(!r.signedBy(node.eidCa.certificate.spki));
      assert.ok(
        r.certificates.some((c) => c.equals(node.ocsp.certificate.der)),
        'responder certificate included',
      );
      assert.equal(r.nonce, undefined);
      const sha256 = await ocsp.respond(ocspRequest([certId(node.eidCa.certificate, auth, 'sha256')]));
      assert.equal(sha256.result, 'good', 'SHA-256 CertIDs are answered too');
    });
  });

  dbTest('revoked after revoke; suspend → revoked(certificateHold); resume → good again', async (_t, db) => {
    await withService(db.location, async ({ node, clock, ocsp, auth, sig, req }) => {
      const revokedAt = clock();
      await revoke(node.eid, { serial: auth }, 'keyCompromise', 'sup');
      clock.advance(MIN);
      const r = decodeOcsp((await ocsp.respond(req(auth))).der);
      assert.deepEqual(
        { ...r.answers[0]!, thisUpdate: null, nextUpdate: null },
        {
          serial: auth,
          status: 'revoked',
          revokedAt,
          reason: 'keyCompromise',
          thisUpdate: null,
          nextUpdate: null,
        },
      );
      const heldAt = clock();
      await suspend(node.eid, { serial: sig }, 'sup');
      const held = await ocsp.respond(req(sig));
      assert.equal(held.result, 'revoked');
      assert.deepEqual(
        [decodeOcsp(held.der).answers[0]?.reason, decodeOcsp(held.der).answers[0]?.revokedAt],
        ['certificateHold', heldAt],
      );
      clock.advance(MIN);
      await resume(node.eid, { serial: sig }, 'sup');
      const back = await ocsp.respond(req(sig));
      assert.equal(back.result, 'good');
      assert.equal(back.cached, false);
      assert.equal(decodeOcsp(back.der).answers[0]?.status, 'good');
    });
  });

  dbTest('unknown serial → unknown; several CertIDs answered in one response', async (_t, db) => {
    await withService(db.location, async ({ node, ocsp, auth, sig, req }) => {
      const unknown = await ocsp.respond(req('7fffffffffffffff0001'));
      assert.equal(unknown.result, 'unknown');
      assert.equal(decodeOcsp(unknown.der).answers[0]?.status, 'unknown');
      const ca = node.eidCa.certificate;
      const both = await ocsp.respond(ocspRequest([certId(ca, auth), certId(ca, sig), certId(ca, 'abcdef')]));
      assert.equal(both.result, 'good,good,unknown');
      assert.equal(both.maxAge, 0);
      assert.deepEqual(
        decodeOcsp(both.der).answers.map((a) => [a.serial, a.status]),
        [
          [auth, 'good'],
          [sig, 'good'],
          ['abcdef', 'unknown'],
        ],
      );
    });
  });

  dbTest('root-issued certificates are answered and signed by the root', async (_t, db) => {
    await withService(db.location, async ({ node, ocsp }) => {
      const out = await ocsp.respond(
        ocspRequest([certId(node.root.certificate, node.eidCa.certificate.serial)]),
      );
      assert.equal(out.result, 'good');
      assert.ok(decodeOcsp(out.der).signedBy(node.root.certificate.spki));
    });
  });

  dbTest('foreign issuer → unauthorized; garbage → malformedRequest; never throws', async (_t, db) => {
    await withService(db.location, async ({ node, ocsp, auth }) => {
      const foreign = {
        subjectDer: encodeName([
          { type: OID.countryName, value: 'SG' },
          { type: OID.commonName, value: 'Foreign eID CA' },
        ]),
        spki: spkiOf(fixedKey('foreign-ca')),
      };
      for (const ids of [
        [certId(foreign, auth)],
        [certId(node.eidCa.certificate, auth), certId(foreign, auth)],
      ]) {
        const out = await ocsp.respond(ocspRequest(ids));
        assert.deepEqual(
          { ...out, der: null },
          { der: null, result: 'unauthorized', cached: false, maxAge: 0 },
        );
        assert.equal(decodeOcsp(out.der).status, 'unauthorized');
      }
      // Same name, other key: still not ours.
      const sameName = {
        subjectDer: node.eidCa.certificate.subjectDer,
        spki: spkiOf(fixedKey('foreign-ca')),
      };
      assert.equal((await ocsp.respond(ocspRequest([certId(sameName, auth)]))).result, 'unauthorized');
      for (const bad of [
        Buffer.alloc(0),
        Buffer.from('not DER'),
        Buffer.from([0x30, 0x03, 0x30, 0x01, 0x30]),
        Buffer.alloc(70_000, 0x30),
      ]) {
        const out = await ocsp.respond(bad);
        assert.equal(out.result, 'malformedRequest');
        assert.equal(decodeOcsp(out.der).status, 'malformedRequest');
      }
    });
  });

  dbTest('nonce: echoed, never cached, maxAge 0', async (_t, db) => {
    await withService(db.location, async ({ ocsp, auth, req }) => {
      const nonce = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
      const a = await ocsp.respond(req(auth, nonce));
      const b = await ocsp.respond(req(auth, nonce));
      assert.deepEqual(decodeOcsp(a.der).nonce, nonce);
      assert.deepEqual([a.cached, b.cached, a.maxAge], [false, false, 0]);
    });
  });

  dbTest('cache: identical bytes until a status change or 3/4 of the validity has passed', async (_t, db) => {
    await withService(db.location, async ({ node, clock, ocsp, auth, sig, req }) => {
      const first = await ocsp.respond(req(auth));
      clock.advance(10 * MIN);
      const second = await ocsp.respond(req(auth));
      assert.equal(second.cached, true);
      assert.ok(second.der.equals(first.der), 'the very same signed bytes');
      assert.equal(second.maxAge, 50 * 60, 'max-age counts down to nextUpdate');
      const other = await ocsp.respond(req(sig));
      assert.equal(other.cached, false, 'cached per CertID');

      await suspend(node.eid, { serial: auth }, 'sup');
      const changed = await ocsp.respond(req(auth));
      assert.deepEqual([changed.cached, changed.result], [false, 'revoked']);
      await resume(node.eid, { serial: auth }, 'sup');
      const good = await ocsp.respond(req(auth));
      assert.deepEqual(
        [good.cached, good.result],
        [false, 'good'],
        'good again is not the stale cached good',
      );

      const signedAt = clock();
      clock.advance(44 * MIN);
      assert.equal((await ocsp.respond(req(auth))).cached, true, 'before 3/4 of 60 minutes');
      clock.advance(1 * MIN + 1000);
      const fresh = await ocsp.respond(req(auth));
      assert.equal(fresh.cached, false, 'past 3/4 of the validity: re-signed');
      const t = decodeOcsp(fresh.der).answers[0]!.thisUpdate;
      assert.ok(t.getTime() > signedAt.getTime());
      assert.equal(t.toISOString(), new Date(Math.floor(clock().getTime() / 1000) * 1000).toISOString());
    });
  });

  dbTest('OpenSSL: its request is answered and it verifies the response', async (t, db) => {
    await withService(db.location, async ({ node, ocsp, enrolled }) => {
      const dir = mkdtempSync(join(tmpdir(), 'tb-ocsp-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const f = (n: string): string => join(dir, n);
      writeFileSync(f('ca.pem'), toPem(node.eidCa.certificate.der, 'CERTIFICATE'));
      writeFileSync(f('root.pem'), toPem(node.root.certificate.der, 'CERTIFICATE'));
      writeFileSync(f('cert.pem'), toPem(enrolled.certificates.signature.der, 'CERTIFICATE'));
      const req = openssl(['ocsp', '-issuer', f('ca.pem'), '-cert', f('cert.pem'), '-reqout', f('req.der')]);
      assert.equal(req.status, 0, req.out);
      const out = await ocsp.respond(readFileSync(f('req.der')));
      assert.equal(out.result, 'good');
      writeFileSync(f('resp.der'), out.der);
      const check = openssl([
        'ocsp',
        '-respin',
        f('resp.der'),
        '-issuer',
        f('ca.pem'),
        '-cert',
        f('cert.pem'),
        '-CAfile',
        f('root.pem'),
        '-verify_other',
        f('ca.pem'),
        '-no_nonce',
        '-attime',
        String(node.clock().getTime() / 1000),
        '-validity_period',
        '100000000',
      ]);
      assert.match(check.out, /Response verify OK/);
      assert.match(check.out, /cert\.pem: good/);
    });
  });
});
