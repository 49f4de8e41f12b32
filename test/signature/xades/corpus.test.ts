/**
 * The XAdES extractor on every XML file of the DSS corpus (../shared/corpus/dss/xades and tl):
 * the integrity, signature-value and format facts behind what DSS asserts in MANIFEST.tsv.
 * The final indications come later, from the validation process.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { extractXades } from '../../../src/signature/xades/extract.js';
import { parseTimeStampToken } from '../../../src/timestamp/token.js';
import type { ExtractedSignature, IntegrityResult, SignatureLevel } from '../../../src/signature/model.js';
import { bufferSource } from '../../../src/lib/document_source.js';
import { REPO_ROOT } from '../../fixtures/cli.js';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');
const ANCHORS = readdirSync(join(CORPUS, 'anchors')).map((f) => readFileSync(join(CORPUS, 'anchors', f)));

interface Expect {
  level: SignatureLevel;
  integrity: IntegrityResult['status'];
  /** Signature value with the certificate the signature names: true, false, or 'no-signer'. */
  value: boolean | 'no-signer';
  formatFailure?: RegExp;
  /** Time-stamp imprint checks, `type:ok|bad`, in order. */
  timestamps?: string[];
  /** The DSS assertion this row backs. */
  dss: string;
}

const XADES: Record<string, Expect> = {
  'dss-signed.xml': {
    level: 'B-B',
    integrity: 'intact',
    value: true,
    dss: 'references and SignedProperties intact',
  },
  'dss-signed-altered-refRemoved.xml': {
    // DSS: XML_NOT_ETSI, the DataObjectFormat names the removed ds:Reference.
    level: 'NOT-ETSI',
    integrity: 'not-found',
    value: false,
    dss: 'SIGNED_DATA_NOT_FOUND',
  },
  'dss-signed-altered-signedPropsRemoved.xml': {
    level: 'B-B',
    integrity: 'intact',
    value: false,
    dss: 'SIG_CRYPTO_FAILURE',
  },
  'XSW-enveloped-fake-signedProperties.xml': {
    level: 'B-B',
    integrity: 'not-found',
    value: true,
    dss: 'SIGNED_DATA_NOT_FOUND',
  },
  'XSW-enveloping-fake-object.xml': {
    level: 'B-B',
    integrity: 'not-found',
    value: true,
    dss: 'SIGNED_DATA_NOT_FOUND',
  },
  'XSW-enveloping-fake-manifest.xml': {
    level: 'B-B',
    integrity: 'not-found',
    value: true,
    dss: 'SIGNED_DATA_NOT_FOUND',
  },
  'XSW-enveloped-fake-content-two-same-id.xml': {
    level: 'B-B',
    integrity: 'not-found',
    value: true,
    formatFailure: /2 elements carry the identifier 'TLISK-102'/,
    dss: 'FORMAT_FAILURE',
  },
  'dss1788-noCertProvided.xml': {
    level: 'B-LT',
    integrity: 'intact',
    value: 'no-signer',
    timestamps: ['signature:ok'],
    dss: 'NO_SIGNING_CERTIFICATE_FOUND',
  },
  'dss1788-original.xml': {
    level: 'B-LT',
    integrity: 'intact',
    value: true,
    timestamps: ['signature:ok'],
    dss: 'NO_CERTIFICATE_CHAIN_FOUND',
  },
  'xades-tampered-reference.xml': {
    level: 'B-B',
    integrity: 'hash-failure',
    value: false,
    dss: 'signature not intact',
  },
  'xades-tampered-keyinfo.xml': {
    level: 'B-B',
    integrity: 'intact',
    value: 'no-signer',
    dss: 'KeyInfo tampered: not valid',
  },
  'xades-wrong-sign-cert-digest.xml': {
    level: 'B-B',
    integrity: 'intact',
    value: 'no-signer',
    dss: 'signing-certificate digest does not match',
  },
  'xades-lta-corrupted-cert.xml': {
    level: 'B-LTA',
    integrity: 'intact',
    value: true,
    timestamps: ['signature:ok', 'archive:bad'],
    dss: 'T valid, A not valid',
  },
  'mra-john-doe-lta.xml': {
    level: 'B-LTA',
    integrity: 'intact',
    value: true,
    timestamps: ['signature:ok', 'archive:ok'],
    dss: 'TOTAL_PASSED',
  },
};

const TL: Record<string, Expect[]> = {
  'eu-lotl.xml': [{ level: 'B-B', integrity: 'intact', value: true, dss: 'TOTAL_PASSED' }],
  'eu-lotl_broken-sig.xml': [{ level: 'B-B', integrity: 'hash-failure', value: true, dss: 'HASH_FAILURE' }],
  'CZ.xml': [{ level: 'B-B', integrity: 'intact', value: true, dss: 'TOTAL_PASSED' }],
  'CZ_broken-sig.xml': [{ level: 'B-B', integrity: 'hash-failure', value: true, dss: 'HASH_FAILURE' }],
  'CZ_not-compliant.xml': [{ level: 'B-B', integrity: 'hash-failure', value: false, dss: 'HASH_FAILURE' }],
  'CZ_no-sig.xml': [],
  'CZ_two-sigs.xml': [
    { level: 'B-B', integrity: 'hash-failure', value: true, dss: 'two signatures' },
    { level: 'B-B', integrity: 'intact', value: true, dss: 'two signatures' },
  ],
  'dk_tl-sn21.xml': [{ level: 'B-B', integrity: 'intact', value: true, dss: 'TOTAL_PASSED' }],
  'mra-lotl.xml': [{ level: 'B-B', integrity: 'intact', value: true, dss: 'loads' }],
  'mra-zz-tl.xml': [{ level: 'B-B', integrity: 'intact', value: true, dss: 'loads' }],
};

async function valueCheck(
  sig: ExtractedSignature,
  extra: readonly Buffer[] = [],
): Promise<boolean | 'no-signer'> {
  const signer = [...sig.certificates, ...extra].find((c) => sig.namesSigner(c));
  return signer ? sig.verifySignatureValue(new X509Certificate(signer).publicKey) : 'no-signer';
}

async function timestampChecks(sig: ExtractedSignature): Promise<string[]> {
  const out: string[] = [];
  for (const t of sig.timestamps) {
    const token = parseTimeStampToken(t.token);
    const digest = await t.coveredDigest(token.messageImprint.hash as 'sha256');
    out.push(`${t.type}:${digest.equals(token.messageImprint.digest) ? 'ok' : 'bad'}`);
  }
  return out;
}

async function check(file: string, sig: ExtractedSignature, want: Expect): Promise<void> {
  const what = `${file} (${want.dss})`;
  assert.equal(sig.format, 'XAdES');
  assert.equal(sig.level, want.level, what);
  assert.equal((await sig.checkIntegrity()).status, want.integrity, what);
  assert.equal(await valueCheck(sig, ANCHORS), want.value, what);
  if (want.formatFailure) assert.match(sig.formatFailure ?? '', want.formatFailure, what);
  else assert.equal(sig.formatFailure, undefined, what);
  if (want.timestamps) assert.deepEqual(await timestampChecks(sig), want.timestamps, what);
}

test('every XAdES file of the DSS corpus gives the facts DSS asserts', async () => {
  const files = readdirSync(join(CORPUS, 'xades')).filter((f) => f.endsWith('.xml'));
  assert.deepEqual(files.sort(), Object.keys(XADES).sort(), 'the table covers the whole folder');
  for (const file of files) {
    const sigs = await extractXades(bufferSource(readFileSync(join(CORPUS, 'xades', file))), {});
    assert.equal(sigs.length, 1, file);
    await check(file, sigs[0]!, XADES[file]!);
  }
});

test('every trust list of the DSS corpus: intact, HASH_FAILURE on the tampered copies', async () => {
  const files = readdirSync(join(CORPUS, 'tl')).filter((f) => f.endsWith('.xml'));
  assert.deepEqual(files.sort(), Object.keys(TL).sort());
  for (const file of files) {
    const sigs = await extractXades(bufferSource(readFileSync(join(CORPUS, 'tl', file))), {});
    const wants = TL[file]!;
    assert.equal(sigs.length, wants.length, file);
    for (const [i, sig] of sigs.entries()) await check(file, sig, wants[i]!);
  }
});

test('dss1788: the signing certificate supplied out of band is the one the signature names', async () => {
  const [original] = await extractXades(
    bufferSource(readFileSync(join(CORPUS, 'xades', 'dss1788-original.xml'))),
    {},
  );
  const [bare] = await extractXades(
    bufferSource(readFileSync(join(CORPUS, 'xades', 'dss1788-noCertProvided.xml'))),
    {},
  );
  assert.equal(bare!.certificates.length > 0, true, 'CA certificates are still there');
  assert.equal(await valueCheck(bare!, ANCHORS), 'no-signer');
  assert.equal(await valueCheck(bare!, original!.certificates), true);
  assert.equal(bare!.signingCertificateReference?.digestAlgorithm, 'sha256');
  assert.ok(bare!.signingCertificateReference?.serialHex);
});

test('the signed properties of a signature are exposed only when a reference covers them', async () => {
  const read = async (f: string) =>
    (await extractXades(bufferSource(readFileSync(join(CORPUS, 'xades', f))), {}))[0]!;
  const good = await read('dss-signed.xml');
  assert.equal(good.claimedSigningTime?.toISOString(), '2019-02-19T12:29:01.000Z');
  assert.ok(good.signingCertificateReference);
  const removed = await read('dss-signed-altered-signedPropsRemoved.xml');
  assert.equal(removed.claimedSigningTime, undefined);
  assert.equal(removed.signingCertificateReference, undefined);
  assert.match(removed.warnings?.join() ?? '', /no SignedProperties reference/);
  const fake = await read('XSW-enveloped-fake-signedProperties.xml');
  assert.equal(fake.claimedSigningTime, undefined, 'the fake 2218 signing time is not taken');
  assert.match(
    ((await fake.checkIntegrity()) as { detail: string }).detail,
    /does not select this signature's SignedProperties/,
  );
});
