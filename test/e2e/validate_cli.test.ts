/**
 * `trustbridge validate` end to end: a served node (OCSP, CRLs, TSA over real HTTP), documents
 * signed with `trustbridge sign`, and the exit statuses and report formats of the DESIGN.md
 * contract. Real clock: the node makes fresh keys.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, runCli, startSigningNode } from '../fixtures/cli.js';
import type { SigningNode } from '../fixtures/cli.js';
import { samplePdf } from '../lib/pdf/fixtures.js';

interface Report {
  signatures: {
    indication: string;
    subIndication?: string;
    level: string;
    format: string;
    chain: unknown[];
  }[];
  summary: { total: number; passed: number };
}

describe('trustbridge validate', () => {
  let n: SigningNode;
  let bt: string;
  let jws: string;
  let pdf: string;
  let jwsLt: string;

  before(async () => {
    n = await startSigningNode('tb-validate-');
    bt = join(n.tmp.path, 'mou.p7m');
    jws = join(n.tmp.path, 'mou.jws');
    const common = ['--wallet', n.wallet, '--in', n.doc, '--tsa', `${n.served.url}/tsa`];
    const a = await runCli(['sign', ...common, '--format', 'cades', '--level', 'B-T', '--out', bt]);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['sign', ...common, '--format', 'jades', '--level', 'B-T', '--out', jws]);
    assert.equal(b.code, 0, b.stderr);
    jwsLt = join(n.tmp.path, 'mou-lt.jws');
    const d = await runCli(['sign', ...common, '--format', 'jades', '--level', 'B-LT', '--out', jwsLt]);
    assert.equal(d.code, 0, d.stderr);
    const unsigned = join(n.tmp.path, 'mou.pdf');
    writeFileSync(unsigned, samplePdf(2));
    pdf = join(n.tmp.path, 'mou-signed.pdf');
    const pc = ['--wallet', n.wallet, '--in', unsigned, '--tsa', `${n.served.url}/tsa`];
    const c = await runCli(['sign', ...pc, '--format', 'pades', '--level', 'B-LT', '--out', pdf]);
    assert.equal(c.code, 0, c.stderr);
  });
  after(() => n?.close());

  it('a CAdES B-T with the node directory as trust source: TOTAL-PASSED, exit 0, JSON on stdout', async () => {
    const r = await runCli(['validate', '--in', bt, '--trust', n.dir]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.signatures[0]!.indication, 'TOTAL-PASSED');
    assert.equal(report.signatures[0]!.level, 'B-T');
    assert.equal(report.signatures[0]!.chain.length, 3);
  });

  it('a JAdES B-T with the root PEM as trust source: TOTAL-PASSED', async () => {
    const r = await runCli(['validate', '--in', jws, '--trust', n.certs.root]);
    assert.equal(r.code, 0, r.stderr);
    const sig = (JSON.parse(r.stdout) as Report).signatures[0]!;
    assert.deepEqual([sig.format, sig.level, sig.indication], ['JAdES', 'B-T', 'TOTAL-PASSED']);
  });

  it('a PAdES B-LT, offline (revocation embedded in the DSS): TOTAL-PASSED', async () => {
    const r = await runCli(['validate', '--in', pdf, '--trust', n.certs.root, '--offline']);
    assert.equal(r.code, 0, r.stderr);
    const sig = (JSON.parse(r.stdout) as Report).signatures[0]!;
    assert.deepEqual([sig.format, sig.level, sig.indication], ['PAdES', 'B-LT', 'TOTAL-PASSED']);
  });

  it('a JAdES B-LT, offline (xVals and rVals): TOTAL-PASSED', async () => {
    const r = await runCli(['validate', '--in', jwsLt, '--trust', n.certs.root, '--offline']);
    assert.equal(r.code, 0, r.stderr);
    const sig = (JSON.parse(r.stdout) as Report).signatures[0]!;
    assert.deepEqual([sig.format, sig.level, sig.indication], ['JAdES', 'B-LT', 'TOTAL-PASSED']);
  });

  it('no trust anchor: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND, exit 2', async () => {
    const r = await runCli(['validate', '--in', bt]);
    assert.equal(r.code, 2, r.stderr);
    const sig = (JSON.parse(r.stdout) as Report).signatures[0]!;
    assert.equal(sig.subIndication, 'NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('a changed byte: TOTAL-FAILED/HASH_FAILURE, exit 1', async () => {
    const bytes = readFileSync(bt);
    const at = bytes.indexOf(Buffer.from('Memorandum'));
    bytes[at] ^= 0x20;
    const bad = join(n.tmp.path, 'changed.p7m');
    writeFileSync(bad, bytes);
    const r = await runCli(['validate', '--in', bad, '--trust', n.dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Report).signatures[0]!.subIndication, 'HASH_FAILURE');
  });

  it('--report-format etsi-xml and html write the report file and print one line per signature', async () => {
    const xml = join(n.tmp.path, 'report.xml');
    const r = await runCli([
      'validate',
      '--in',
      bt,
      '--trust',
      n.dir,
      '--report',
      xml,
      '--report-format',
      'etsi-xml',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^S-1 CAdES B-T TOTAL-PASSED$/m);
    assert.match(readFileSync(xml, 'utf8'), /ValidationReport/);
    assert.match(readFileSync(xml, 'utf8'), /total-passed/i);
    const html = join(n.tmp.path, 'report.html');
    const h = await runCli([
      'validate',
      '--in',
      bt,
      '--trust',
      n.dir,
      '--report',
      html,
      '--report-format',
      'html',
    ]);
    assert.equal(h.code, 0, h.stderr);
    assert.match(readFileSync(html, 'utf8'), /<html[^>]*lang=/);
  });

  it('usage and input errors exit 3 with a stable code', async () => {
    const cases: [string[], string][] = [
      [['validate', '--in', bt, '--at', 'yesterday'], 'VALIDATION_TIME_INVALID'],
      [['validate', '--in', bt, '--report-format', 'pdf'], 'USAGE_INVALID_ARGUMENT'],
      [['validate', '--in', bt, '--trust', join(n.tmp.path, 'none.pem')], 'VALIDATION_TRUST_SOURCE_INVALID'],
      [['validate', '--in', n.doc], 'VALIDATION_FORMAT_UNKNOWN'],
      [['validate', '--in', join(n.tmp.path, 'missing.p7m')], 'USAGE_INVALID_ARGUMENT'],
    ];
    for (const [args, code] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(errorCode(r.stderr), code, r.stderr);
    }
  });
});
