import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { UsageError } from '../../../src/lib/errors.js';
import { asicExtractor } from '../../../src/signature/asic/extract.js';
import { bufferSource } from '../../../src/lib/document_source.js';
import type { ExtractOptions } from '../../../src/signature/model.js';
import { stubExtractor } from './fixtures.js';
import type { StubBehaviour } from './fixtures.js';
import { buildZip } from './fixtures.js';

const ASICS = 'application/vnd.etsi.asic-s+zip';
const ASICE = 'application/vnd.etsi.asic-e+zip';
const b64 = (data: string | Buffer): string => createHash('sha256').update(data).digest('base64');

function container(files: Record<string, string | Buffer>, mimetype?: string): Buffer {
  const entries = Object.entries(files).map(([name, data]) => ({ name, data, method: 8 }));
  return buildZip(mimetype ? [{ name: 'mimetype', data: mimetype }, ...entries] : entries);
}

/** An ASiCManifest (EN 319 162-1 Annex A.4) over the given files. */
function asicManifest(sig: string, refs: Record<string, string | Buffer>, root = 'ASiCManifest'): string {
  const body = Object.entries(refs)
    .map(
      ([uri, data]) =>
        `<asic:DataObjectReference URI="${uri}"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>` +
        `<ds:DigestValue>${b64(data)}</ds:DigestValue></asic:DataObjectReference>`,
    )
    .join('');
  return (
    `<asic:${root} xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">` +
    `<asic:SigReference URI="${sig}"/>${body}</asic:${root}>`
  );
}

/** A XAdES signature file with the given reference URIs (only what the ASiC layer reads). */
function xadesFile(...uris: string[]): string {
  const refs = uris.map((u) => `<ds:Reference URI="${u}"/>`).join('');
  return `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="S-1"><ds:SignedInfo>${refs}</ds:SignedInfo></ds:Signature>`;
}

async function run(
  bytes: Buffer,
  cades: StubBehaviour = {},
  xades: StubBehaviour = {},
  options: ExtractOptions = {},
) {
  const stubs = { cades: stubExtractor('CAdES', cades), xades: stubExtractor('XAdES', xades) };
  const sigs = await asicExtractor(stubs)(bufferSource(bytes), options);
  const integrity = await Promise.all(sigs.map((s) => s.checkIntegrity()));
  return { sigs, integrity, ...stubs };
}

test('ASiC-S with CAdES: the signature gets the root data object; everything else is delegated', async () => {
  const p7s = Buffer.from('cms bytes');
  const { sigs, integrity, cades } = await run(
    container({ 'doc.txt': 'hello', 'META-INF/signature.p7s': p7s }, ASICS),
    {},
    {},
    { signingCertificates: [Buffer.from('extra')] },
  );
  assert.equal(cades.calls.length, 1);
  assert.ok(cades.calls[0]!.bytes.equals(p7s));
  assert.deepEqual(
    cades.calls[0]!.options.detached?.map((d) => [d.name, d.bytes.toString()]),
    [['doc.txt', 'hello']],
  );
  assert.equal(cades.calls[0]!.options.signingCertificates?.[0]?.toString(), 'extra');
  const [s] = sigs;
  assert.equal(sigs.length, 1);
  assert.equal(s!.id, 'META-INF/signature.p7s#S-1');
  assert.equal(s!.formatFailure, undefined);
  assert.deepEqual(integrity, [{ status: 'intact' }]);
  assert.ok(s!.namesSigner(Buffer.from('cert')) && !s!.namesSigner(Buffer.from('other')));
  assert.equal(await s!.verifySignatureValue({} as never), true);
  assert.deepEqual(s!.warnings, ['inner warning']);
  assert.equal(s!.claimedSigningTime?.toISOString(), '2024-01-01T00:00:00.000Z');
});

test('ASiC-E with CAdES: the signature signs the ASiCManifest, whose digests are checked', async () => {
  const files = { 'a.txt': 'alpha', 'b.txt': 'beta' };
  const manifest = asicManifest('META-INF/signature001.p7s', files);
  const base = { ...files, 'META-INF/ASiCManifest.xml': manifest, 'META-INF/signature001.p7s': 'p7s' };
  const ok = await run(container(base, ASICE));
  assert.deepEqual(
    ok.cades.calls[0]!.options.detached?.map((d) => [d.name, d.bytes.toString()]),
    [['META-INF/ASiCManifest.xml', manifest]],
  );
  assert.deepEqual(ok.integrity, [{ status: 'intact' }]);
  assert.equal(ok.sigs[0]!.formatFailure, undefined);

  const altered = await run(container({ ...base, 'b.txt': 'BETA' }, ASICE));
  assert.deepEqual(altered.integrity, [
    { status: 'hash-failure', detail: 'META-INF/ASiCManifest.xml: the digest of "b.txt" differs' },
  ]);
  const { 'a.txt': _gone, ...withoutA } = base;
  const removed = await run(container(withoutA, ASICE));
  assert.deepEqual(removed.integrity, [
    { status: 'not-found', detail: 'META-INF/ASiCManifest.xml names "a.txt", not in the container' },
  ]);
  // The inner verdict on the manifest itself wins over a missing file when it is worse.
  const both = await run(container(withoutA, ASICE), { integrity: { status: 'hash-failure', detail: 'md' } });
  assert.deepEqual(both.integrity, [{ status: 'hash-failure', detail: 'md' }]);
});

test("ASiC-E with CAdES: the signature's own signed data (the manifest) is exposed apart from the manifest entries", async () => {
  const files = { 'a.txt': 'alpha', 'b.txt': 'beta' };
  const manifest = asicManifest('META-INF/signature001.p7s', files);
  const base = { ...files, 'META-INF/ASiCManifest.xml': manifest, 'META-INF/signature001.p7s': 'p7s' };
  const altered = await run(container({ ...base, 'b.txt': 'BETA' }, ASICE));
  // The verdict still fails on the altered entry; the CMS over the manifest is intact on its own.
  assert.equal(altered.integrity[0]!.status, 'hash-failure');
  assert.deepEqual(await altered.sigs[0]!.checkSignedData!(), { status: 'intact' });
  const { 'a.txt': _gone, ...withoutA } = base;
  const removed = await run(container(withoutA, ASICE));
  assert.equal(removed.integrity[0]!.status, 'not-found');
  assert.deepEqual(await removed.sigs[0]!.checkSignedData!(), { status: 'intact' });
  // A message-digest that does not match the manifest fails both.
  const md = await run(container(base, ASICE), { integrity: { status: 'hash-failure', detail: 'md' } });
  assert.deepEqual(await md.sigs[0]!.checkSignedData!(), { status: 'hash-failure', detail: 'md' });
  // ASiC-S: the signature signs the data object itself, there is nothing to separate.
  const asics = await run(container({ 'doc.txt': 'x', 'META-INF/signature.p7s': 'p7s' }, ASICS));
  assert.equal(asics.sigs[0]!.checkSignedData, undefined);
});

test('ASiC-E with CAdES: a manifest that cannot be read, is missing or is ambiguous', async () => {
  const data = { 'a.txt': 'alpha', 'META-INF/signature001.p7s': 'p7s' };
  const bla = await run(container({ ...data, 'META-INF/ASiCManifest.xml': 'bla' }, ASICE));
  assert.match(bla.sigs[0]!.formatFailure!, /no ASiCManifest can be read \("META-INF\/ASiCManifest.xml"/);
  assert.deepEqual(bla.cades.calls[0]!.options.detached, []);
  const none = await run(container(data, ASICE));
  assert.equal(none.sigs[0]!.formatFailure, 'ASiC-E with CAdES has no META-INF/ASiCManifest*.xml');
  const other = asicManifest('META-INF/signature002.p7s', { 'a.txt': 'alpha' });
  const unlinked = await run(container({ ...data, 'META-INF/ASiCManifest.xml': other }, ASICE));
  assert.equal(unlinked.sigs[0]!.formatFailure, undefined);
  assert.deepEqual(unlinked.integrity, [
    { status: 'not-found', detail: 'no ASiCManifest names META-INF/signature001.p7s in its SigReference' },
  ]);
  const m = asicManifest('META-INF/signature001.p7s', { 'a.txt': 'alpha' });
  const twice = await run(
    container({ ...data, 'META-INF/ASiCManifest1.xml': m, 'META-INF/ASiCManifest2.xml': m }, ASICE),
  );
  assert.match(twice.sigs[0]!.formatFailure!, /2 ASiCManifests .* sign with META-INF\/signature001.p7s/);
  const md5 = m.replace(
    'http://www.w3.org/2001/04/xmlenc#sha256',
    'http://www.w3.org/2001/04/xmldsig-more#md5',
  );
  const weak = await run(container({ ...data, 'META-INF/ASiCManifest.xml': md5 }, ASICE));
  assert.match(weak.sigs[0]!.formatFailure!, /unsupported digest algorithms: a.txt/);
});

test('ASiC-E with XAdES: every other file is detached content; missing references are not-found', async () => {
  const files = {
    'a.txt': 'alpha',
    'dir/b.txt': 'beta',
    'c.txt': 'not signed',
    'META-INF/manifest.xml': '<manifest/>',
    'META-INF/signatures001.xml': xadesFile('a.txt', 'dir/b.txt', '#xades-props'),
  };
  const ok = await run(container(files, ASICE));
  assert.deepEqual(
    ok.xades.calls[0]!.options.detached?.map((d) => d.name),
    ['mimetype', 'a.txt', 'dir/b.txt', 'c.txt', 'META-INF/manifest.xml'],
  );
  assert.deepEqual(ok.integrity, [{ status: 'intact' }]);
  assert.deepEqual(ok.sigs[0]!.warnings, ['inner warning', 'not covered by this signature: "c.txt"']);
  const { 'dir/b.txt': _gone, ...rest } = files;
  const removed = await run(container(rest, ASICE));
  assert.deepEqual(removed.integrity, [
    { status: 'not-found', detail: 'the signature references "dir/b.txt", not in the container' },
  ]);
  const { 'META-INF/manifest.xml': _m, ...noManifest } = files;
  const bare = await run(container(noManifest, ASICE));
  assert.equal(bare.sigs[0]!.formatFailure, 'ASiC-E with XAdES has no META-INF/manifest.xml');
});

test('container rules become FORMAT_FAILURE of every signature', async () => {
  const sig = { 'META-INF/signatures.xml': xadesFile('a.txt') };
  const cases: [Record<string, string>, string | undefined, RegExp][] = [
    [
      { 'a.txt': 'a', 'b.txt': 'b', ...sig },
      ASICS,
      /ASiC-S holds 2 data objects at its root \("a.txt", "b.txt"\)/,
    ],
    [{ 'dir/a.txt': 'a', ...sig }, ASICS, /ASiC-S holds no data object at its root \(only "dir\/a.txt"\)/],
    [{ 'META-INF/manifest.xml': '<m/>', ...sig }, ASICE, /ASiC-E holds no data object outside META-INF/],
    [{ 'dir/a.txt': 'a', ...sig }, undefined, /the container type cannot be decided/],
  ];
  for (const [files, mimetype, failure] of cases) {
    const { sigs } = await run(container(files, mimetype), {}, { ids: ['S-1', 'S-2'] });
    assert.equal(sigs.length, 2);
    for (const s of sigs) assert.match(s.formatFailure ?? '', failure);
  }
  // The inner extractor's own failure is kept, before the container's.
  const { sigs } = await run(container(cases[0]![0], ASICS), {}, { formatFailure: 'duplicate Id' });
  assert.match(sigs[0]!.formatFailure!, /^duplicate Id; ASiC-S holds 2/);
});

test('a signature file the inner extractor cannot read fails alone; other errors propagate', async () => {
  const bytes = container({ 'doc.txt': 'x', 'META-INF/signature.p7s': 'junk' }, ASICS);
  const broken = await run(bytes, { throws: new UsageError('INPUT_MALFORMED', 'not DER') });
  assert.equal(broken.sigs.length, 1);
  assert.equal(broken.sigs[0]!.id, 'META-INF/signature.p7s');
  assert.match(broken.sigs[0]!.formatFailure!, /cannot be read: INPUT_MALFORMED: not DER/);
  assert.equal(broken.integrity[0]!.status, 'not-found');
  assert.equal(await broken.sigs[0]!.verifySignatureValue({} as never), false);
  const empty = await run(bytes, { ids: [] });
  assert.match(empty.sigs[0]!.formatFailure!, /it holds no signature/);
  await assert.rejects(run(bytes, { throws: new TypeError('bug') }), TypeError);
});

test('no signature file, not a ZIP, detached content given', async () => {
  await assert.rejects(run(container({ 'doc.txt': 'x' }, ASICS)), {
    code: 'VALIDATION_NO_SIGNATURE',
    name: 'AsicError',
  });
  await assert.rejects(run(Buffer.from('%PDF-1.7')), { code: 'ZIP_MALFORMED' });
  const bytes = container({ 'doc.txt': 'x', 'META-INF/signature.p7s': 'p7s' }, ASICS);
  const { sigs } = await run(bytes, {}, {}, { detached: [{ name: 'x', bytes: Buffer.from('x') }] });
  assert.ok(sigs[0]!.warnings?.includes('detached content given with a container is ignored'));
});

test('long-term ASiC-E: time-stamps over ASiCArchiveManifests become archive time-stamps', async () => {
  const sig = 'META-INF/signature001.p7s';
  const manifest = asicManifest(sig, { 'a.txt': 'alpha' });
  const files: Record<string, string> = {
    'a.txt': 'alpha',
    'META-INF/ASiCManifest.xml': manifest,
    [sig]: 'p7s',
  };
  const archive = asicManifest(
    'META-INF/timestamp001.tst',
    { [sig]: 'p7s', 'a.txt': 'alpha' },
    'ASiCManifest',
  );
  const withTs = {
    ...files,
    'META-INF/ASiCArchiveManifest.xml': archive,
    'META-INF/timestamp001.tst': 'tst',
  };
  const { sigs } = await run(container(withTs, ASICE));
  const [ts] = sigs[0]!.timestamps;
  assert.equal(sigs[0]!.timestamps.length, 1);
  assert.equal(ts!.type, 'archive');
  assert.equal(ts!.token.toString(), 'tst');
  assert.equal((await ts!.coveredDigest('sha256')).toString('base64'), b64(archive));
  // The signature file changed after time-stamping: the covered data no longer matches the imprint.
  const later = await run(container({ ...withTs, [sig]: 'p7s extended' }, ASICE));
  const covered = await later.sigs[0]!.timestamps[0]!.coveredDigest('sha256');
  assert.notEqual(covered.toString('base64'), b64(archive));
  assert.ok(later.sigs[0]!.warnings?.some((w) => /META-INF\/signature001.p7s altered/.test(w)));
  // A time-stamp no archive manifest links to is reported, not attached.
  const stray = await run(container({ ...files, 'META-INF/timestamp009.tst': 'tst' }, ASICE));
  assert.deepEqual(stray.sigs[0]!.timestamps, []);
  assert.ok(stray.sigs[0]!.warnings?.some((w) => /timestamp009.tst covers no signature/.test(w)));
});
