/**
 * Conformance with the EU DSS library: every file of `../shared/corpus/dss/MANIFEST.tsv` with an
 * asserted final indication is validated the way DSS's own test does (its trust anchors, its
 * detached content, its pinned validation time, offline), and our indication is compared with
 * DSS's. Goal: at least 90% agreement; every disagreement is listed with its reason in
 * `dss-known-differences.md`. No file may crash the validator.
 *
 * Trusted lists (`tl/`) are checked as DSS's TL validation job does: the XAdES signature of the
 * list with the pinned list-signer certificate as trust anchor, at the list's issue date.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTrustbridgeError } from '../../src/lib/errors.js';
import { pemOrDer } from '../../src/lib/pem.js';
import { bufferSource } from '../../src/lib/document_source.js';
import { validateDocument } from '../../src/validation/validate_document.js';
import type { ValidationOptions } from '../../src/validation/validate_document.js';
import { REPO_ROOT } from '../fixtures/cli.js';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');
const KNOWN = join(REPO_ROOT, 'test', 'conformance', 'dss-known-differences.md');

interface Row {
  file: string;
  indication: string;
  sub: string;
  note: string;
}

/** A certificate file of the corpus, PEM or DER, as DER. */
function certificate(path: string): Buffer {
  const bytes = readFileSync(join(CORPUS, path));
  return pemOrDer(bytes, 'CERTIFICATE') ?? bytes;
}

function rows(): Row[] {
  const lines = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1);
  return lines
    .map((l) => l.split('\t'))
    .filter((c) => c.length >= 6 && c[2] !== 'unknown')
    .map((c) => ({ file: c[0]!, indication: c[2]!.replace('_', '-'), sub: c[3]!, note: c[5]! }));
}

/** The validation time DSS's test pins, or the TL issue date, or now. */
function timeFor(row: Row, bytes: Buffer): Date {
  const pinned = /validation time (\d{4}-\d{2}-\d{2})(T[\d:]+Z)?/.exec(row.note);
  if (pinned) return new Date(`${pinned[1]}${pinned[2] ?? 'T00:00:00Z'}`);
  if (row.file.startsWith('tl/')) {
    const issued = /<(?:\w+:)?ListIssueDateTime>([^<]+)</.exec(bytes.toString('utf8'));
    if (issued) return new Date(issued[1]!);
  }
  return new Date();
}

/** Trust anchors named in the note (anchors/... and the aux signing certificate). */
function optionsFor(row: Row, bytes: Buffer): ValidationOptions {
  const named = [...row.note.matchAll(/anchors\/([\w.*-]+\.cer)/g)].map((m) => m[1]!);
  const anchors = named.flatMap((n) => {
    if (!n.includes('*')) return [certificate(join('anchors', n))];
    const prefix = n.split('*')[0]!;
    return [
      'zz-mra-Test-QTSP-1-RootCA-from-ZZ.cer',
      'zz-mra-Test-Qualified-CA1-from-ZZ.cer',
      'zz-mra-ZZ-QTSP1-ocsp-responder.cer',
      'zz-mra-good-tsa.cer',
    ]
      .filter((f) => f.startsWith(prefix))
      .map((f) => certificate(join('anchors', f)));
  });
  const signCert = /Config: (cades\/[\w.-]+\.cer) supplied/.exec(row.note);
  if (signCert) anchors.push(certificate(signCert[1]!));
  return {
    anchors,
    time: timeFor(row, bytes),
    ...(signCert ? { signingCertificates: [certificate(signCert[1]!)] } : {}),
    documentName: row.file,
  };
}

interface Outcome {
  file: string;
  expected: string;
  actual: string;
  agree: boolean;
}

async function outcomeOf(row: Row): Promise<Outcome> {
  const bytes = readFileSync(join(CORPUS, row.file));
  const expected = `${row.indication}${row.sub === '-' ? '' : `/${row.sub}`}`;
  let actual: string;
  let results: string[];
  try {
    const report = await validateDocument(bufferSource(bytes), optionsFor(row, bytes));
    results = report.signatures.map((s) => `${s.indication}/${s.subIndication ?? '-'}`);
    actual = report.signatures
      .map((s) => `${s.indication}${s.subIndication ? `/${s.subIndication}` : ''}`)
      .join(' + ');
  } catch (e) {
    if (!isTrustbridgeError(e)) throw new Error(`${row.file} crashed the validator`, { cause: e });
    actual = `error ${e.code}`;
    results = [];
  }
  // For several signatures DSS asserts the one named in the note: any of ours may carry it. The
  // sub-indication must agree too where DSS asserts one.
  const agree = results.some(
    (r) => r.startsWith(`${row.indication}/`) && (row.sub === '-' || r.endsWith(`/${row.sub}`)),
  );
  return { file: row.file, expected, actual, agree };
}

describe(
  'DSS corpus conformance',
  { skip: existsSync(join(CORPUS, 'MANIFEST.tsv')) ? false : 'corpus not present' },
  () => {
    it('agrees with DSS on at least 90% of the asserted indications (and sub-indications); every difference is documented', async (t) => {
      const outcomes: Outcome[] = [];
      for (const row of rows()) outcomes.push(await outcomeOf(row));
      const agreed = outcomes.filter((o) => o.agree).length;
      const table = outcomes.map(
        (o) => `${o.agree ? 'ok  ' : 'DIFF'} ${o.file}: DSS ${o.expected}, trustbridge ${o.actual}`,
      );
      t.diagnostic(`DSS corpus: ${agreed}/${outcomes.length} agree`);
      for (const line of table) t.diagnostic(line);
      const known = existsSync(KNOWN) ? readFileSync(KNOWN, 'utf8') : '';
      const undocumented = outcomes.filter((o) => !o.agree && !known.includes(o.file)).map((o) => o.file);
      assert.deepEqual(undocumented, [], 'every disagreement is listed in dss-known-differences.md');
      assert.ok(agreed / outcomes.length >= 0.9, `${agreed}/${outcomes.length} agree`);
    });
  },
);
