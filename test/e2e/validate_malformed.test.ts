/**
 * `trustbridge validate` on recognisable but malformed JWS and XML signatures: a report and exit 1
 * (TOTAL-FAILED) or 2 (INDETERMINATE); on input that is no signature: the error and exit 3.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, runCli, tempDir } from '../fixtures/cli.js';
import { GARBAGE, MALFORMED } from '../fixtures/malformed_signatures.js';

interface Report {
  signatures: {
    indication: string;
    subIndication?: string;
    checks: { detail?: string }[];
    warnings: string[];
  }[];
  summary: { total: number };
}

describe('trustbridge validate, malformed signatures', () => {
  let tmp: { path: string; remove(): void };
  before(() => {
    tmp = tempDir('tb-malformed-');
    for (const c of [...MALFORMED, ...GARBAGE]) writeFileSync(join(tmp.path, c.file), c.bytes);
  });
  after(() => tmp?.remove());

  for (const c of MALFORMED)
    it(`${c.name}: report ${c.indication}/${c.subIndication}`, async () => {
      const r = await runCli(['validate', '--in', join(tmp.path, c.file), '--offline']);
      assert.equal(r.code, c.indication === 'TOTAL-FAILED' ? 1 : 2, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.summary.total, 1);
      const [s] = report.signatures;
      assert.deepEqual([s!.indication, s!.subIndication], [c.indication, c.subIndication]);
      assert.match([...s!.checks.map((x) => x.detail ?? ''), ...s!.warnings].join('\n'), c.detail);
    });

  for (const c of GARBAGE)
    it(`${c.name}: exit 3`, async () => {
      const r = await runCli(['validate', '--in', join(tmp.path, c.file), '--offline']);
      assert.equal(r.code, 3, r.stdout);
      assert.match(errorCode(r.stderr) ?? '', c.code);
      assert.equal(r.stdout, '');
    });
});
