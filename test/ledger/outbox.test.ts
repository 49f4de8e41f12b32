/**
 * The outbox on both engines: an entry is queued in the transaction of the change it records
 * (committed together, rolled back together), every node event produces its entry, and no
 * citizen's name or national identifier reaches the queue.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { enrolPerson } from '../../src/eid/issuance.js';
import { renew, resume, revoke, suspend } from '../../src/eid/lifecycle.js';
import { decodeEntry } from '../../src/ledger/entry.js';
import type { LedgerEntry } from '../../src/ledger/entry.js';
import { enqueueLedgerEntry, isLogged, readQueuedEntries } from '../../src/ledger/outbox.js';
import { jwkThumbprint, loginKeys, rotateLoginKey } from '../../src/login/keys.js';
import { publishNodeTrustList } from '../../src/node/trust_list_publisher.js';
import type { Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { forEachEngine } from '../fixtures/engines.js';
import { MemoryKeyStore } from '../fixtures/keys.js';
import { FIXED_NOW, PERSON_A, TEST_IDENTITY, csrPair, freshCsrPair, makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { snapshotStore } from '../fixtures/store_snapshot.js';
import { fixedTlSigner, memoryFiles } from '../trust/writer/fixtures.js';

const OFFICER = 'officer-registrar-1';
const T = FIXED_NOW.toISOString();

async function queued(store: Store): Promise<LedgerEntry[]> {
  return (await readQueuedEntries(store.db, 10_000)).map((q) => decodeEntry(q.entry));
}

async function queuedText(store: Store): Promise<string> {
  return (await readQueuedEntries(store.db, 10_000)).map((q) => q.entry.toString('utf8')).join('\n');
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

async function withNode(location: string, fn: (node: TestNode) => Promise<void>): Promise<void> {
  const node = await makeTestNode({ db: location });
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

/** An officer row: a second insert with the same id fails (primary key), the forced failure. */
function officerRow(id: string): Database['officer'] {
  return {
    id,
    name: 'Registrar',
    role: 'registrar',
    token_hash: sha256(Buffer.from(id)),
    created_at: T,
    disabled: 0,
  };
}

const KID = 'q'.repeat(43);
const keyEntry = (action: 'add' | 'retire'): LedgerEntry => ({
  v: 1,
  type: 'login-key',
  time: T,
  action,
  kid: KID,
  alg: 'ES256',
});

forEachEngine('ledger outbox', (dbTest) => {
  dbTest(
    'a committed change has its entry; a rolled-back one has neither change nor entry',
    async (_t, db) => {
      await withNode(db.location, async (node) => {
        const store = node.store;
        await store.transaction(async (trx: Transaction<Database>) => {
          await trx.insertInto('officer').values(officerRow('o-1')).execute();
          await enqueueLedgerEntry(trx, keyEntry('add'));
        });
        const before = await snapshotStore(store);
        await assert.rejects(
          store.transaction(async (trx) => {
            await enqueueLedgerEntry(trx, keyEntry('retire'));
            await trx.insertInto('officer').values(officerRow('o-2')).execute();
            await trx.insertInto('officer').values(officerRow('o-1')).execute(); // fails: o-1 exists
          }),
        );
        assert.equal(await snapshotStore(store), before, 'neither o-2 nor the retire entry stayed');
        const rows = await readQueuedEntries(store.db);
        assert.equal(rows.length, 1);
        assert.deepEqual(decodeEntry(rows[0]!.entry), keyEntry('add'));
        assert.equal(rows[0]!.lookupKey, Buffer.from(KID, 'base64url').toString('hex'));
        assert.equal(rows[0]!.queuedAt, T);
        assert.ok(await isLogged(store.db, rows[0]!.lookupKey!));
        assert.equal(await isLogged(store.db, 'f'.repeat(64)), false);
        // An invalid entry throws before anything is written, and takes its transaction down with it.
        await assert.rejects(
          store.transaction(async (trx) => {
            await trx.insertInto('officer').values(officerRow('o-3')).execute();
            await enqueueLedgerEntry(trx, { ...keyEntry('add'), kid: 'bad' } as LedgerEntry);
          }),
          { code: 'LEDGER_ENTRY_MALFORMED' },
        );
        assert.equal(await snapshotStore(store), before);
      });
    },
  );

  dbTest(
    'eID issue, suspend, resume, revoke and renew each queue their entries, without the person',
    async (_t, db) => {
      await withNode(db.location, async (node) => {
        const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), OFFICER);
        const id = r.person.nationalId;
        const { authentication: auth, signature: sig } = r.certificates;
        await suspend(node.eid, { nationalId: id }, OFFICER);
        await resume(node.eid, { nationalId: id }, OFFICER);
        await revoke(node.eid, { serial: auth.serial }, 'keyCompromise', OFFICER);
        const renewed = await renew(node.eid, id, await freshCsrPair(), OFFICER);
        const entries = await queued(node.store);
        const facts = (c: { der: Buffer; serial: string; usage: string }) => ({
          sha256: sha256(c.der),
          serial: c.serial,
          profile: c.usage,
          issuer: node.eidCa.certificate.subject,
        });
        const pick = (e: LedgerEntry) => {
          const x = e as unknown as Record<string, unknown>;
          return {
            type: e.type,
            sha256: x['sha256'],
            serial: x['serial'],
            profile: x['profile'],
            issuer: x['issuer'],
          };
        };
        // Within one operation the two certificates may come in either order (no ORDER BY on serials).
        const bySha = (a: { sha256: unknown }, b: { sha256: unknown }) =>
          String(a.sha256).localeCompare(String(b.sha256));
        const pairs = (list: ReturnType<typeof pick>[]) =>
          [0, 2, 4, 8].flatMap((i) => list.slice(i, i + 2).sort(bySha)).concat(list.slice(6, 8));
        const newAuth = renewed.certificates.authentication;
        const newSig = renewed.certificates.signature;
        const both = (type: LedgerEntry['type']) =>
          [auth, sig].map((c) => ({ type, ...facts(c) })).sort(bySha);
        assert.deepEqual(pairs(entries.map(pick)), [
          ...both('eid-cert-issued'),
          ...both('eid-cert-suspended'),
          ...both('eid-cert-resumed'),
          ...[newAuth, newSig].map((c) => ({ type: 'eid-cert-renewed', ...facts(c) })).sort(bySha),
          { type: 'eid-cert-revoked', ...facts(auth) },
          { type: 'eid-cert-revoked', ...facts(sig) },
        ]);
        assert.equal((entries[6] as { reason: string }).reason, 'keyCompromise');
        assert.equal(
          (entries[7] as { reason: string }).reason,
          'superseded',
          'renewal revokes the signature certificate',
        );
        // Only the signature certificate was in force: the new authentication one replaces nothing.
        assert.deepEqual((entries[8] as { replaces: unknown }).replaces, []);
        assert.deepEqual((entries[9] as { replaces: unknown }).replaces, [
          { sha256: sha256(sig.der), serial: sig.serial },
        ]);
        assert.ok(entries.every((e) => e.time === T));
        assert.equal((entries[0] as { notBefore: string }).notBefore, auth.notBefore.toISOString());
        // No personal data: the queue holds neither name, national identifier, birth date nor place.
        const text = await queuedText(node.store);
        for (const personal of [id, 'Maria', 'Clara', 'Santos', '1990-05-17', 'Manila', `PNOPH-${id}`]) {
          assert.ok(!text.includes(personal), `the log does not contain ${personal}`);
        }
        assert.ok(!(await readQueuedEntries(node.store.db, 100)).some((q) => q.entry.includes(auth.der)));
      });
    },
  );

  dbTest('a lifecycle change that fails later in its transaction leaves no entry behind', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const r = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), OFFICER);
      const before = await snapshotStore(node.store);
      // The CRL is signed after the status change and its entries, in the same transaction.
      const failing = {
        ...node.eid,
        eidCa: {
          ...node.eid.eidCa,
          signer: { ...node.eid.eidCa.signer, sign: () => Promise.reject(new Error('HSM unplugged')) },
        },
      };
      await assert.rejects(revoke(failing, { nationalId: r.person.nationalId }, 'keyCompromise', OFFICER));
      await assert.rejects(renew(failing, r.person.nationalId, await freshCsrPair(), OFFICER));
      assert.equal(await snapshotStore(node.store), before, 'no status, certificate, event or entry changed');
      assert.deepEqual(
        (await queued(node.store)).map((e) => e.type),
        ['eid-cert-issued', 'eid-cert-issued'],
      );
    });
  });

  dbTest('trust list publications and login signing keys queue their entries', async (_t, db) => {
    await withNode(db.location, async (node) => {
      const files = memoryFiles();
      const p = {
        identity: TEST_IDENTITY,
        store: node.store,
        signer: await fixedTlSigner(TEST_IDENTITY, node.root),
        files,
        clock: () => new Date(FIXED_NOW),
      };
      await publishNodeTrustList(p);
      assert.deepEqual(files.writes, ['state', 'trustlist', 'signer']);
      const first = files.data.get('trustlist')!;
      await publishNodeTrustList(p, { force: true });
      const second = files.data.get('trustlist')!;
      assert.equal((await publishNodeTrustList(p)).published, false);
      const host = { store: node.store, keys: new MemoryKeyStore({}), clock: () => new Date(FIXED_NOW) };
      const [k1] = await loginKeys(host);
      await loginKeys(host);
      const k2 = await rotateLoginKey(host);
      assert.deepEqual(await queued(node.store), [
        {
          v: 1,
          type: 'trust-list',
          time: T,
          sha256: sha256(first),
          territory: 'PH',
          sequence: 1,
          issued: T,
          nextUpdate: '2026-08-29T09:30:00.000Z',
        },
        {
          v: 1,
          type: 'trust-list',
          time: T,
          sha256: sha256(second),
          territory: 'PH',
          sequence: 2,
          issued: T,
          nextUpdate: '2026-08-29T09:30:00.000Z',
        },
        { v: 1, type: 'login-key', time: T, action: 'add', kid: k1!.kid, alg: 'ES256' },
        { v: 1, type: 'login-key', time: T, action: 'retire', kid: k1!.kid, alg: 'ES256' },
        { v: 1, type: 'login-key', time: T, action: 'add', kid: k2.kid, alg: 'ES256' },
      ]);
      assert.equal(k2.kid, jwkThumbprint(k2.spki));
      const keys = (await readQueuedEntries(node.store.db)).map((q) => q.lookupKey);
      assert.deepEqual(keys.slice(0, 2), [sha256(first), sha256(second)]);
      assert.equal(keys[4], Buffer.from(k2.kid, 'base64url').toString('hex'));
    });
  });
});
