import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatePath, decodeCertificate } from '../../../src/validation/index.js';
import { buildPaths, createPool } from '../../../src/validation/path/builder.js';
import type { BuildReport } from '../../../src/validation/path/builder.js';
import { assertPathError } from '../fixtures.js';
import { NOW, issue, standardChain, xt, gn } from '../fixtures.js';
import type { Issued } from '../fixtures.js';

const LIMITS = { maxDepth: 10, maxSignatureChecks: 256, maxPaths: 16, time: NOW };

function report(): BuildReport {
  return { signatureChecks: 0, limited: false, targetIssuerFound: false };
}

function names(path: { subjectText: string }[]): string[] {
  return path.map((c) => c.subjectText);
}

function paths(target: Issued, anchors: Issued[], intermediates: Issued[], limits = LIMITS): string[][] {
  const pool = createPool(
    anchors.map((a) => decodeCertificate(a.der)),
    intermediates.map((i) => decodeCertificate(i.der)),
  );
  return [...buildPaths(decodeCertificate(target.der), pool, limits, report())].map(names);
}

test('paths end at the first trust anchor; a certificate both trusted and in the pool is an anchor', async () => {
  const { root, ca, leaf } = await standardChain();
  assert.deepEqual(paths(leaf, [ca], [ca, root]), [['CN=Maria Santos', 'CN=Test Issuing CA']]);
  assert.deepEqual(paths(leaf, [root], [ca]), [['CN=Maria Santos', 'CN=Test Issuing CA', 'CN=Test Root']]);
});

test('alternatives: the same CA certified by two roots gives two paths, valid one first', async () => {
  const rootA = await issue({ cn: 'Root A', key: 'root', ca: {} });
  const rootB = await issue({ cn: 'Root B', key: 'foreign-ca', ca: {} });
  const caByA = await issue({
    cn: 'Issuing CA',
    key: 'eid-ca',
    ca: {},
    issuer: rootA,
    notAfter: new Date('2026-03-01T00:00:00Z'),
  });
  const caByB = await issue({ cn: 'Issuing CA', key: 'eid-ca', ca: {}, issuer: rootB });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: caByB });
  assert.deepEqual(paths(leaf, [rootA, rootB], [caByA, caByB]), [
    ['CN=leaf', 'CN=Issuing CA', 'CN=Root B'],
    ['CN=leaf', 'CN=Issuing CA', 'CN=Root A'],
  ]);
  // the expired certificate by Root A is tried last, so validation succeeds through Root B
  const r = validatePath({
    target: leaf.der,
    intermediates: [caByA.der, caByB.der],
    anchors: [rootA.der, rootB.der],
    time: NOW,
  });
  assert.equal(r.path[2]!.subjectText, 'CN=Root B');
  // with only Root A trusted the expired path is the only one, and its error is reported
  assertPathError(
    () =>
      validatePath({
        target: leaf.der,
        intermediates: [caByA.der, caByB.der],
        anchors: [rootA.der],
        time: NOW,
      }),
    'PATH_EXPIRED',
  );
});

test('when the first path fails validation, the next one is tried (name constraints)', async () => {
  const rootA = await issue({
    cn: 'Root A',
    key: 'root',
    ca: {},
    extensions: [xt.nameConstraints({ excluded: [gn.dns('example.vn')] })],
  });
  const rootB = await issue({ cn: 'Root B', key: 'foreign-ca', ca: {} });
  const caByA = await issue({ cn: 'Issuing CA', key: 'eid-ca', ca: {}, issuer: rootA });
  const caByB = await issue({ cn: 'Issuing CA', key: 'eid-ca', ca: {}, issuer: rootB });
  const leaf = await issue({
    cn: 'leaf',
    key: 'citizen-a-sig',
    issuer: caByA,
    extensions: [xt.san([gn.dns('www.example.vn')])],
  });
  const r = validatePath({
    target: leaf.der,
    intermediates: [caByA.der, caByB.der],
    anchors: [rootA.der, rootB.der],
    time: NOW,
  });
  assert.equal(r.path[2]!.subjectText, 'CN=Root B');
});

test('cycles between cross-certified CAs end without a path', async () => {
  const root = await issue({ cn: 'Root', key: 'root', ca: {} });
  const a = await issue({ cn: 'CA A', key: 'eid-ca', ca: {} });
  const b = await issue({ cn: 'CA B', key: 'ocsp', ca: {}, issuer: a });
  const aByB = await issue({ cn: 'CA A', key: 'eid-ca', ca: {}, issuer: b });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: a });
  const rep = report();
  const pool = createPool(
    [decodeCertificate(root.der)],
    [a, b, aByB].map((c) => decodeCertificate(c.der)),
  );
  assert.deepEqual([...buildPaths(decodeCertificate(leaf.der), pool, LIMITS, rep)], []);
  assert.ok(rep.signatureChecks <= 4, `${rep.signatureChecks} checks`);
  assertPathError(
    () =>
      validatePath({
        target: leaf.der,
        intermediates: [a.der, b.der, aByB.der],
        anchors: [root.der],
        time: NOW,
      }),
    'PATH_NO_CHAIN_FOUND',
  );
});

test('maxDepth counts CA certificates between target and anchor, self-issued ones excepted', async () => {
  const root = await issue({ cn: 'Root', key: 'root', ca: {} });
  const ca1 = await issue({ cn: 'CA 1', key: 'eid-ca', ca: {}, issuer: root });
  const ca2 = await issue({ cn: 'CA 2', key: 'ocsp', ca: {}, issuer: ca1 });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: ca2 });
  const input = { target: leaf.der, intermediates: [ca1.der, ca2.der], anchors: [root.der], time: NOW };
  validatePath({ ...input, maxDepth: 2 });
  assertPathError(() => validatePath({ ...input, maxDepth: 1 }), 'PATH_NO_CHAIN_FOUND');
  const ca2b = await issue({ cn: 'CA 2', key: 'tsa', ca: {}, issuer: ca2, subject: ca2.subject });
  const leaf2 = await issue({ cn: 'leaf 2', key: 'citizen-b-sig', issuer: ca2b });
  validatePath({ ...input, target: leaf2.der, intermediates: [ca1.der, ca2.der, ca2b.der], maxDepth: 2 });
});

test('the signature budget bounds a hostile pool', async () => {
  const root = await issue({ cn: 'Root', key: 'root', ca: {} });
  const decoys: Issued[] = [];
  for (const key of ['eid-ca', 'ocsp', 'tsa', 'foreign-ca', 'citizen-b-auth', 'citizen-c-auth'] as const) {
    decoys.push(await issue({ cn: 'Same Name CA', key, ca: {} }));
  }
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: decoys[0]! });
  const e = assertPathError(
    () =>
      validatePath({
        target: leaf.der,
        intermediates: decoys.map((d) => d.der),
        anchors: [root.der],
        time: NOW,
        maxSignatureChecks: 3,
      }),
    'PATH_NO_CHAIN_FOUND',
    /search limit reached/,
  );
  assert.equal(e.context.certificateIndex, 0);
});
