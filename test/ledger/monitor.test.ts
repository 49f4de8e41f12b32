/**
 * The log monitor on both engines: a node's register held against its log served over HTTP.
 * A clean node (issued, suspended, resumed, revoked; a change still pending) has no problem; a
 * certificate put in the register around the outbox is UNLOGGED; a certificate of the node's
 * CA seen in use (OCSP, validation) that neither the register nor the log knows is
 * UNKNOWN_CERT; a log forked by hand (same size, other root, signed with the log key) is a
 * FORK for a monitor that saw the original, every witness refuses it (409, as tlog-witness
 * says) and the refusals are reported.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { enrolPerson } from '../../src/eid/issuance.js';
import { resume, revoke, suspend } from '../../src/eid/lifecycle.js';
import { httpTileSource } from '../../src/cli/log_access.js';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import { cosigner } from '../../src/ledger/cosignature.js';
import { decodeEntry, encodeEntry } from '../../src/ledger/entry.js';
import { serviceCertificateEntry } from '../../src/ledger/entry_certificate.js';
import { gatherCosignatures } from '../../src/ledger/gather.js';
import { EMPTY_ROOT } from '../../src/ledger/hash.js';
import { SIG_COSIGNATURE, ed25519KeyFromSeed, formatVerifierKey } from '../../src/ledger/keys.js';
import { monitorLog } from '../../src/ledger/monitor.js';
import type { MonitorReport } from '../../src/ledger/monitor.js';
import { integratedAfter, readRegisterSnapshot } from '../../src/ledger/monitor_register.js';
import { enqueueLedgerEntries } from '../../src/ledger/outbox.js';
import { LogReader } from '../../src/ledger/reader.js';
import { SeenCertificates, readSeenCertificates } from '../../src/ledger/seen_certificates.js';
import { Sequencer } from '../../src/ledger/sequencer.js';
import { StoredLog } from '../../src/ledger/store_lookup.js';
import { CHECKPOINT_PATH, StoreTileSource, storeTileWrites } from '../../src/ledger/store_tiles.js';
import type { SeenTree } from '../../src/ledger/verify_log.js';
import { addCheckpoint } from '../../src/ledger/witness.js';
import { readWitnessOutcomes, recordWitnessOutcomes } from '../../src/ledger/witness_outcomes.js';
import { integrate } from '../../src/ledger/writer.js';
import { ocspServiceOf } from '../../src/node/ocsp_service.js';
import { signCertificate } from '../../src/pki/certificate_builder.js';
import { ocspResponderTemplate } from '../../src/pki/profiles.js';
import { registerLogRoutes } from '../../src/server/routes/log.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { forEachEngine } from '../fixtures/engines.js';
import { FIXED_NOW, PERSON_A, TEST_IDENTITY, csrPair, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { certId, ocspRequest } from '../fixtures/ocsp.js';
import { TEST_SEEDS, testLogIdentity } from './fixtures.js';

const LOG = testLogIdentity();
const OFFICER = 'officer-registrar-1';
const clock = (): Date => FIXED_NOW;

/** A test node whose service certificates are logged as node init logs them. */
async function loggedNode(location: string): Promise<TestNode> {
  const node = await makeTestNode({ db: location });
  const rows = await node.store.db.selectFrom('certificate').select(['cert_der', 'usage']).execute();
  await node.store.transaction((trx) =>
    enqueueLedgerEntries(
      trx,
      rows.flatMap((r) => serviceCertificateEntry(r.cert_der, r.usage, FIXED_NOW) ?? []),
    ),
  );
  return node;
}

async function drain(store: TestNode['store']): Promise<void> {
  const seq = new Sequencer({ store, log: LOG, clock });
  while ((await seq.run()).integrated > 0);
}

/** The node's log served over HTTP (the node's /log/ routes on their own). */
async function serveLog(node: TestNode): Promise<{ url: string; app: FastifyInstance }> {
  const app = Fastify();
  registerLogRoutes(app, new StoredLog(node.store.db, LOG.verifier), LOG.vkey);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/log/`, app };
}

async function monitor(node: TestNode, url: string, previous?: SeenTree): Promise<MonitorReport> {
  const register = await readRegisterSnapshot(node.store.db);
  return monitorLog({
    source: httpTileSource(url),
    logKey: LOG.vkey,
    register,
    ...(previous ? { previous } : {}),
    pendingAfter: (size) => integratedAfter(node.store.db, size, register.integratedSize),
  });
}

/** A certificate the node's eID CA signs outside the register (a fresh key each time). */
async function bypassCertificate(node: TestNode): Promise<Buffer> {
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return signCertificate(
    ocspResponderTemplate(TEST_IDENTITY, node.eidCa.ref, spki, FIXED_NOW),
    node.eidCa.signer,
  );
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function codes(r: MonitorReport): string[] {
  return r.problems.map((p) => p.code);
}

async function withServedNode(
  location: string,
  fn: (node: TestNode, url: string) => Promise<void>,
): Promise<void> {
  const node = await loggedNode(location);
  const served = await serveLog(node);
  try {
    await fn(node, served.url);
  } finally {
    await served.app.close();
    await node.close();
  }
}

forEachEngine('log monitor', (dbTest) => {
  dbTest('a clean node: every event of its CAs listed, a pending change is no problem', async (_t, db) => {
    await withServedNode(db.location, async (node, url) => {
      const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), OFFICER);
      const id = r.person.nationalId;
      const { authentication: auth, signature: sig } = r.certificates;
      await suspend(node.eid, { nationalId: id }, OFFICER);
      await resume(node.eid, { nationalId: id }, OFFICER);
      await revoke(node.eid, { serial: auth.serial }, 'keyCompromise', OFFICER);
      await drain(node.store);
      const report = await monitor(node, url);
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.size, 4 + 2 + 2 + 2 + 1);
      assert.deepEqual(report.entries, {
        'ca-cert': 2,
        'ocsp-cert': 1,
        'tsa-cert': 1,
        'eid-cert-issued': 2,
        'eid-cert-suspended': 2,
        'eid-cert-resumed': 2,
        'eid-cert-revoked': 1,
      });
      const ofSig = report.events.filter((e) => e.serial === sig.serial).map((e) => e.type);
      assert.deepEqual(ofSig, ['eid-cert-issued', 'eid-cert-suspended', 'eid-cert-resumed']);
      const revoked = report.events.find((e) => e.type === 'eid-cert-revoked');
      assert.equal(revoked?.serial, auth.serial);
      assert.equal(revoked?.reason, 'keyCompromise');
      assert.equal(revoked?.sha256, sha256(auth.der));
      assert.equal(report.events.length, report.size, 'every entry is a certificate of the node’s CAs');
      // A change committed but not yet sequenced is pending, not missing.
      await suspend(node.eid, { serial: sig.serial }, OFFICER);
      const later = await monitor(node, url, { size: report.size!, root: report.root! });
      assert.deepEqual(later.problems, []);
      assert.equal(later.pending, 1);
      assert.equal(later.since, report.size);
      assert.deepEqual(later.events, [], 'nothing new in the log since the last run');
    });
  });

  dbTest('a certificate put in the register around the outbox is UNLOGGED', async (_t, db) => {
    await withServedNode(db.location, async (node, url) => {
      const der = await bypassCertificate(node);
      const info = parseCertificate(der);
      await node.store.db
        .insertInto('certificate')
        .values({
          serial: info.serial,
          issuer_ca: 'eid-ca',
          national_id: null,
          usage: 'ocsp',
          subject: info.subject,
          not_before: info.notBefore.toISOString(),
          not_after: info.notAfter.toISOString(),
          cert_der: der,
          status: 'good',
          status_changed_at: null,
          revocation_reason: null,
          replaced_by: null,
          created_at: FIXED_NOW.toISOString(),
        })
        .execute();
      await drain(node.store);
      const report = await monitor(node, url);
      assert.deepEqual(codes(report), ['LEDGER_MONITOR_UNLOGGED']);
      assert.equal(report.problems[0]!.sha256, sha256(der));
      assert.equal(report.problems[0]!.serial, info.serial);
      assert.equal(report.problems[0]!.type, 'issued');
      assert.equal(report.ok, false);
    });
  });

  dbTest('a certificate of the node’s CA seen in use but known nowhere is UNKNOWN_CERT', async (_t, db) => {
    await withServedNode(db.location, async (node, url) => {
      const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), OFFICER);
      await drain(node.store);
      const seen = new SeenCertificates(node.store.db, clock);
      const stray = await bypassCertificate(node);
      const strayInfo = parseCertificate(stray);
      // A signature validated with the stray certificate, and one with a registered certificate.
      await seen.record({
        sha256: sha256(stray),
        serial: strayInfo.serial,
        issuerCa: 'eid-ca',
        source: 'validate',
      });
      const sig = r.certificates.signature;
      await seen.record({
        sha256: sha256(sig.der),
        serial: sig.serial,
        issuerCa: 'eid-ca',
        source: 'validate',
      });
      await seen.record({
        sha256: sha256(sig.der),
        serial: sig.serial,
        issuerCa: 'eid-ca',
        source: 'validate',
      });
      // OCSP: a serial of the eID CA the register does not know is recorded; a known one is not.
      const ocsp = ocspServiceOf(node);
      const issuer = { subjectDer: node.eidCa.certificate.subjectDer, spki: node.eidCa.certificate.spki };
      await ocsp.respond(ocspRequest([certId(issuer, 'abcdef12')]));
      await ocsp.respond(ocspRequest([certId(issuer, sig.serial)]));
      assert.equal(ocsp.seen?.failures, 0);
      const rows = await readSeenCertificates(node.store.db);
      assert.deepEqual(
        rows.map((s) => [s.source, s.serial, s.count]).sort(),
        [
          ['ocsp', 'abcdef12', 1],
          ['validate', sig.serial, 2],
          ['validate', strayInfo.serial, 1],
        ].sort(),
      );
      const report = await monitor(node, url);
      assert.deepEqual(codes(report), ['LEDGER_MONITOR_UNKNOWN_CERT', 'LEDGER_MONITOR_UNKNOWN_CERT']);
      assert.deepEqual(report.problems.map((p) => p.serial).sort(), ['abcdef12', strayInfo.serial].sort());
      assert.equal(report.problems.find((p) => p.serial === strayInfo.serial)?.sha256, sha256(stray));
      assert.equal(report.seen, 3);
      // A bad row is counted, never thrown.
      await seen.record({ serial: 'not hex', issuerCa: 'eid-ca', source: 'ocsp' });
      assert.equal(seen.failures, 1);
    });
  });

  dbTest(
    'a log forked by hand is a FORK; every witness refuses it (409) and that is reported',
    async (_t, db) => {
      await withServedNode(db.location, async (node, url) => {
        const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), OFFICER);
        await revoke(node.eid, { serial: r.certificates.signature.serial }, 'keyCompromise', OFFICER);
        await drain(node.store);
        const first = await monitor(node, url);
        assert.deepEqual(first.problems, []);
        const size = first.size!;
        // Two witnesses cosign the original checkpoint (they hold size, root).
        const witnesses = ['witnessA', 'witnessB'].map((w) => {
          const key = ed25519KeyFromSeed(TEST_SEEDS[w as 'witnessA' | 'witnessB']);
          const name = `${w}.example`;
          const held = new Map<string, { size: number; root: Buffer }>();
          return {
            name,
            url: `http://${name}/add-checkpoint`,
            vkey: formatVerifierKey(name, SIG_COSIGNATURE, key.publicKey),
            held,
            signer: cosigner(name, key, () => Math.floor(FIXED_NOW.getTime() / 1000)),
          };
        });
        const fetchOf = (w: (typeof witnesses)[number]): typeof fetch =>
          (async (_u: unknown, init?: RequestInit) => {
            const a = await addCheckpoint(Buffer.from(String(init?.body)), {
              logs: { keys: (origin) => (origin === LOG.origin ? [LOG.verifier] : undefined) },
              state: { get: (origin) => Promise.resolve(w.held.get(origin)) },
              cosigners: [w.signer],
              now: () => Math.floor(FIXED_NOW.getTime() / 1000),
            });
            if (a.update) w.held.set(a.update.origin, a.update.next);
            return new Response(a.body, { status: a.status, headers: { 'content-type': a.contentType } });
          }) as typeof fetch;
        const ask = async (checkpoint: string, oldSize: number) => {
          const outcomes = [];
          for (const w of witnesses) {
            const g = await gatherCosignatures({
              checkpoint,
              oldSize,
              proof: () => Promise.resolve([]),
              witnesses: [w],
              fetch: fetchOf(w),
            });
            outcomes.push(...g.outcomes);
          }
          return outcomes;
        };
        const original = new TextDecoder().decode(
          (await new StoreTileSource(node.store.db).read(CHECKPOINT_PATH))!,
        );
        assert.deepEqual(
          (await ask(original, 0)).map((o) => o.result),
          ['cosigned', 'cosigned'],
        );
        // The fork: the revocation rewritten as a resumption, every tile rebuilt, the same size re-signed.
        const reader = new LogReader(new StoreTileSource(node.store.db));
        const entries = await reader.entries(0, size, size);
        const at = entries.findIndex((e) => decodeEntry(e).type === 'eid-cert-revoked');
        const { reason: _reason, ...revoked } = decodeEntry(entries[at]!) as ReturnType<
          typeof decodeEntry
        > & {
          reason: string;
        };
        entries[at] = encodeEntry({ ...revoked, type: 'eid-cert-resumed' } as ReturnType<typeof decodeEntry>);
        const forked = await integrate(
          { read: () => Promise.resolve(undefined) },
          { size: 0, root: EMPTY_ROOT },
          entries,
        );
        assert.equal(forked.size, size);
        const checkpoint = await signCheckpoint(
          { origin: LOG.origin, size, root: forked.root, extensions: [] },
          LOG.signer,
        );
        await node.store.transaction(async (trx) => {
          await trx.deleteFrom('ledger_tiles').execute();
          await storeTileWrites(trx, forked.writes, 0);
          await trx
            .insertInto('ledger_tiles')
            .values({ path: CHECKPOINT_PATH, data: Buffer.from(checkpoint) })
            .execute();
          await trx.updateTable('ledger_state').set({ root_hash: forked.root, checkpoint }).execute();
        });
        // Every witness refuses: it holds this size with another root (tlog-witness: 409 with its size).
        const refused = await ask(checkpoint, size);
        assert.deepEqual(
          refused.map((o) => [o.result, o.status, o.witnessSize]),
          [
            ['refused', 409, size],
            ['refused', 409, size],
          ],
        );
        await recordWitnessOutcomes(node.store.db, size, refused, FIXED_NOW);
        assert.deepEqual(
          (await readWitnessOutcomes(node.store.db)).map((o) => o.result),
          ['refused', 'refused'],
        );
        const report = await monitor(node, url, { size, root: first.root! });
        assert.deepEqual(codes(report).sort(), [
          'LEDGER_MONITOR_FORK',
          'LEDGER_MONITOR_UNLOGGED',
          'LEDGER_MONITOR_WITNESS_REFUSED',
          'LEDGER_MONITOR_WITNESS_REFUSED',
        ]);
        assert.match(report.problems.find((p) => p.code === 'LEDGER_MONITOR_FORK')!.message, /fork: size/);
        assert.equal(
          report.problems.find((p) => p.code === 'LEDGER_MONITOR_UNLOGGED')?.type,
          'eid-cert-revoked',
        );
        assert.match(
          report.problems.find((p) => p.code === 'LEDGER_MONITOR_WITNESS_REFUSED')!.message,
          /HTTP 409/,
        );
        // A monitor that never saw the original finds the forked log sound in itself (only the register tells).
        const fresh = await monitor(node, url);
        assert.ok(!codes(fresh).includes('LEDGER_MONITOR_FORK'));
      });
    },
  );
});
