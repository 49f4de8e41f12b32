/**
 * The ASiC files of the DSS corpus (../shared/corpus/dss/asic/) through the ASiC layer, with
 * digest-checking stand-ins for the CAdES and XAdES extractors: for each file the container facts
 * (type, signature files, root data objects, what each inner extractor is given) and the verdict
 * the container leads to, compared with what DSS's tests assert (MANIFEST.tsv).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asicExtractor } from '../../../src/signature/asic/extract.js';
import { openAsicContainer } from '../../../src/signature/asic/container.js';
import { bufferSource } from '../../../src/lib/document_source.js';
import type { ExtractedSignature, IntegrityResult } from '../../../src/signature/model.js';
import { REPO_ROOT } from '../../fixtures/cli.js';
import { digestStubs } from './fixtures.js';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');
const skip = existsSync(join(CORPUS, 'MANIFEST.tsv')) ? false : 'the DSS corpus is not present';

/** What the validation process makes of the container's answers (its first three steps). */
function verdict(sig: ExtractedSignature, integrity: IntegrityResult): string {
  if (sig.formatFailure) return 'TOTAL_FAILED/FORMAT_FAILURE';
  if (integrity.status === 'hash-failure') return 'TOTAL_FAILED/HASH_FAILURE';
  if (integrity.status === 'not-found') return 'INDETERMINATE/SIGNED_DATA_NOT_FOUND';
  return 'no objection';
}

interface Facts {
  type: string | undefined;
  signatureFiles: string[];
  rootDataObjects: string[];
  /** The detached content names each inner call received. */
  detached: string[][];
  verdicts: string[];
}

const E = 'ASiC-E';
const S = 'ASiC-S';
const NO = 'no objection';
const FF = 'TOTAL_FAILED/FORMAT_FAILURE';
const HF = 'TOTAL_FAILED/HASH_FAILURE';
const NF = 'INDETERMINATE/SIGNED_DATA_NOT_FOUND';
const P7S = 'META-INF/signature001.p7s';
const ASICMANIFEST = 'META-INF/ASiCManifest.xml';

const EXPECTED: Record<string, Facts> = {
  'asic-cades_ASICE-CAdES-BpLTA-2-BpLTA-DSS5.4.asice': {
    type: E,
    signatureFiles: [P7S],
    rootDataObjects: ['TEST-DOC.txt'],
    detached: [[ASICMANIFEST]],
    verdicts: [NO],
  },
  'asic-cades_brokenReference.asice': {
    type: E,
    signatureFiles: [P7S],
    rootDataObjects: ['test.text', 'test2.text'],
    detached: [[ASICMANIFEST]],
    verdicts: [HF],
  },
  'asic-cades_brokenReferenceAndAlteredManifest.asice': {
    type: E,
    signatureFiles: [P7S],
    rootDataObjects: ['test.text', 'test2.text'],
    detached: [[]],
    verdicts: [FF],
  },
  'asic-cades_removed-doc.asice': {
    type: E,
    signatureFiles: [P7S],
    rootDataObjects: ['root_ca.crl', 'tsa.crt'],
    detached: [[ASICMANIFEST]],
    verdicts: [NF],
  },
  'asic-cades_removed-doc.asics': {
    type: S,
    signatureFiles: ['META-INF/signature.p7s'],
    rootDataObjects: ['package.zip'],
    detached: [['package.zip']],
    verdicts: [HF],
  },
  'asic-cades_removedReference.asice': {
    type: E,
    signatureFiles: [P7S],
    rootDataObjects: ['test2.text'],
    detached: [[ASICMANIFEST]],
    verdicts: [NF],
  },
  'asic-xades_container-signed.adoc': {
    type: S,
    signatureFiles: ['META-INF/signatures/signatures0.xml'],
    rootDataObjects: ['sample.xml'],
    detached: [
      [
        'META-INF/manifest.xml',
        'META-INF/relations.xml',
        'metadata/signableMetadata0.xml',
        'metadata/unsignableMetadata0.xml',
        'mimetype',
        'sample.xml',
      ],
    ],
    verdicts: [NO],
  },
  'asic-xades_hello.bdoc': {
    type: E,
    signatureFiles: ['META-INF/signatures0.xml'],
    rootDataObjects: ['Hello.pdf'],
    detached: [['Hello.pdf', 'META-INF/manifest.xml', 'mimetype']],
    verdicts: [NO],
  },
  'asic-xades_libreoffice.ods': {
    type: E,
    signatureFiles: ['META-INF/documentsignatures.xml'],
    rootDataObjects: ['manifest.rdf', 'styles.xml', 'meta.xml', 'content.xml', 'settings.xml'],
    detached: [
      [
        'mimetype',
        'manifest.rdf',
        'styles.xml',
        'meta.xml',
        'content.xml',
        'Thumbnails/thumbnail.png',
        'settings.xml',
        'META-INF/manifest.xml',
      ],
    ],
    verdicts: [NO],
  },
  'asic-xades_multifiles-too-much-files.asics': {
    type: S,
    signatureFiles: ['META-INF/signatures.xml'],
    rootDataObjects: ['cef-portal-esig.png', 'package.zip'],
    detached: [['cef-portal-esig.png', 'mimetype', 'package.zip']],
    verdicts: [FF, FF],
  },
  'asic-xades_no-root-signed-file.asics': {
    type: S,
    signatureFiles: ['META-INF/signatures.xml'],
    rootDataObjects: [],
    detached: [['hello/sample.xml', 'mimetype']],
    verdicts: [FF],
  },
  'asic-xades_no-signed-file.asice': {
    type: E,
    signatureFiles: ['META-INF/signatures0.xml', 'META-INF/signatures1.xml'],
    rootDataObjects: [],
    detached: [
      ['mimetype', 'META-INF/manifest.xml', 'META-INF/signatures1.xml'],
      ['mimetype', 'META-INF/manifest.xml', 'META-INF/signatures0.xml'],
    ],
    verdicts: [FF, FF],
  },
  'asic-xades_removed-doc.asice': {
    type: E,
    signatureFiles: ['META-INF/signatures001.xml'],
    rootDataObjects: ['tsa.crt', 'root_ca.crl'],
    detached: [['mimetype', 'tsa.crt', 'root_ca.crl', 'META-INF/manifest.xml']],
    verdicts: [NF],
  },
  'asic-xades_removed-doc.asics': {
    type: S,
    signatureFiles: ['META-INF/signatures.xml'],
    rootDataObjects: ['package.zip'],
    detached: [['mimetype', 'package.zip']],
    verdicts: [HF],
  },
};

interface Row {
  file: string;
  indication: string;
  subIndication: string;
}

function manifestRows(): Row[] {
  return readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((f) => f[1] === 'asic')
    .map((f) => ({ file: f[0]!, indication: f[2]!, subIndication: f[3]! }));
}

async function facts(bytes: Buffer): Promise<Facts & { sigs: ExtractedSignature[] }> {
  const c = openAsicContainer(bytes);
  const stubs = digestStubs();
  const sigs = await asicExtractor(stubs)(bufferSource(bytes), {});
  const integrity = await Promise.all(sigs.map((s) => s.checkIntegrity()));
  const calls = [...stubs.calls.cades, ...stubs.calls.xades];
  return {
    type: c.type,
    signatureFiles: c.signatureFiles.map((f) => f.path),
    rootDataObjects: c.rootDataObjects,
    detached: calls.map((k) => (k.options.detached ?? []).map((d) => d.name ?? '')),
    verdicts: sigs.map((s, i) => verdict(s, integrity[i]!)),
    sigs,
  };
}

test(
  'the corpus has 15 asic rows: 14 containers, each with facts here, and one trust anchor',
  { skip },
  () => {
    const rows = manifestRows();
    assert.equal(rows.length, 15);
    const containers = rows.filter((r) => r.file.startsWith('asic/')).map((r) => r.file.slice(5));
    assert.deepEqual(containers.sort(), Object.keys(EXPECTED).sort());
    assert.deepEqual(readdirSync(join(CORPUS, 'asic')).sort(), Object.keys(EXPECTED).sort());
    const anchor = rows.find((r) => r.file.startsWith('anchors/'))!;
    const der = readFileSync(join(CORPUS, anchor.file));
    assert.equal(
      createHash('sha256').update(der).digest('hex'),
      'a641fda726c771763c6f10da1750da8d55a43747786bb646c047fc7e9a07e317',
    );
  },
);

for (const [file, expected] of Object.entries(EXPECTED)) {
  test(`corpus ${file}`, { skip }, async () => {
    const { sigs, ...got } = await facts(readFileSync(join(CORPUS, 'asic', file)));
    assert.deepEqual(got, expected);
    assert.ok(sigs.every((s) => s.id.startsWith(`${s.id.split('#')[0]}#`)));
    // Where DSS asserts a final indication, the container's verdict is the same (TOTAL_PASSED:
    // the container raises no objection; the rest is the signature's own validation).
    const row = manifestRows().find((r) => r.file === `asic/${file}`)!;
    if (row.indication !== 'unknown') {
      const dss = row.indication === 'TOTAL_PASSED' ? NO : `${row.indication}/${row.subIndication}`;
      for (const v of got.verdicts) assert.equal(v, dss, `${file}: DSS says ${dss}`);
    }
  });
}

test(
  'DSS-1809: the first archive time-stamp no longer covers intact data, the second does',
  { skip },
  async () => {
    const { sigs } = await facts(
      readFileSync(join(CORPUS, 'asic', 'asic-cades_ASICE-CAdES-BpLTA-2-BpLTA-DSS5.4.asice')),
    );
    const [first, second] = sigs[0]!.timestamps;
    assert.equal(sigs[0]!.timestamps.length, 2);
    for (const [ts, intact] of [
      [first!, false],
      [second!, true],
    ] as const) {
      assert.equal(ts.type, 'archive');
      // The TSTInfo messageImprint (SHA-256 here) holds the digest as OCTET STRING 04 20 ...; the
      // tokens are BER, which the project's DER-only token parser refuses, so look for it directly.
      const covered = await ts.coveredDigest('sha256');
      assert.equal(ts.token.includes(Buffer.concat([Buffer.from([0x04, 0x20]), covered])), intact);
    }
    assert.ok(
      sigs[0]!.warnings?.some((w) =>
        /timestamp001.tst: .*ASiCArchiveManifest1.xml .*signature001.p7s altered/.test(w),
      ),
    );
  },
);

test(
  'brokenReferenceAndAlteredManifest: the unreadable manifest is the format failure',
  { skip },
  async () => {
    const { sigs } = await facts(
      readFileSync(join(CORPUS, 'asic', 'asic-cades_brokenReferenceAndAlteredManifest.asice')),
    );
    assert.match(
      sigs[0]!.formatFailure!,
      /no ASiCManifest can be read \("META-INF\/ASiCManifest.xml" is not an ASiCManifest\)/,
    );
  },
);
