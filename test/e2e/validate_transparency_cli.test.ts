/**
 * `trustbridge validate --require-transparency`: without a log to ask (offline, or no list of
 * trusted lists), the report's transparency part says why it was not checked; the option turns
 * a passing signature INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE (exit 2) and says why on stderr.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { missingTools, runCli, tempDir, tool } from '../fixtures/cli.js';

interface Report {
  signatures: {
    indication: string;
    subIndication?: string;
    hint?: string;
    transparency?: { status: string; logged: boolean; error?: { code: string } };
  }[];
  summary: { indeterminate: number };
}

describe('validate --require-transparency', { skip: missingTools('openssl') }, () => {
  const tmp = tempDir('tb-transparency-cli-');
  const p = (f: string): string => join(tmp.path, f);
  before(async () => {
    writeFileSync(p('contract.txt'), 'the contract\n');
    await tool('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', p('key.pem'), '-out', p('cert.pem'), '-subj', '/CN=Signer', '-days', '30',
    ]); // prettier-ignore
    await tool('openssl', [
      'cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-in', p('contract.txt'),
      '-signer', p('cert.pem'), '-inkey', p('key.pem'), '-out', p('contract.p7m'),
    ]); // prettier-ignore
  });
  after(() => tmp.remove());

  it('offline: not checked, the signature passes', async () => {
    const r = await runCli(['validate', '--in', p('contract.p7m'), '--trust', p('cert.pem'), '--offline']);
    assert.equal(r.code, 0, r.stderr);
    const [s] = (JSON.parse(r.stdout) as Report).signatures;
    assert.equal(s?.indication, 'TOTAL-PASSED');
    assert.deepEqual(
      [s?.transparency?.status, s?.transparency?.error?.code],
      ['not-checked', 'LEDGER_LOOKUP_OFFLINE'],
    );
  });

  it('required: INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE, exit 2, the reason on stderr', async () => {
    const r = await runCli([
      'validate',
      '--in',
      p('contract.p7m'),
      '--trust',
      p('cert.pem'),
      '--require-transparency',
    ]);
    assert.equal(r.code, 2, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const [s] = report.signatures;
    assert.equal(s?.indication, 'INDETERMINATE');
    assert.equal(s?.subIndication, 'CHAIN_CONSTRAINTS_FAILURE');
    assert.equal(s?.transparency?.error?.code, 'LEDGER_LOOKUP_NO_LOTL');
    assert.equal(report.summary.indeterminate, 1);
    assert.match(r.stderr, /^trustbridge: S-1: transparency required: .*no list of trusted lists/m);
  });
});
