/**
 * A detached CAdES (`openssl cms -sign` without `-nodetach`) validated without `--detached`: the
 * report keeps INDETERMINATE/SIGNED_DATA_NOT_FOUND and exit status 2, and both the report and
 * standard error name the fix.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { missingTools, runCli, tempDir, tool } from '../fixtures/cli.js';

const HINT = 'the signature is detached: give the signed document with --detached FILE';

interface Report {
  signatures: { id: string; indication: string; subIndication?: string; hint?: string }[];
}

describe('validate a detached .p7s without --detached', { skip: missingTools('openssl') }, () => {
  const tmp = tempDir('tb-detached-hint-');
  const p = (f: string): string => join(tmp.path, f);
  before(async () => {
    writeFileSync(p('contract.txt'), 'the contract\n');
    await tool('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', p('key.pem'), '-out', p('cert.pem'), '-subj', '/CN=Signer', '-days', '30',
    ]); // prettier-ignore
    await tool('openssl', [
      'cms', '-sign', '-binary', '-outform', 'DER', '-in', p('contract.txt'),
      '-signer', p('cert.pem'), '-inkey', p('key.pem'), '-out', p('contract.p7s'),
    ]); // prettier-ignore
  });
  after(() => tmp.remove());

  it('keeps INDETERMINATE/SIGNED_DATA_NOT_FOUND and exit 2, and names --detached', async () => {
    const r = await runCli(['validate', '--in', p('contract.p7s'), '--trust', p('cert.pem'), '--offline']);
    assert.equal(r.code, 2, r.stderr);
    const [s] = (JSON.parse(r.stdout) as Report).signatures;
    assert.equal(s?.indication, 'INDETERMINATE');
    assert.equal(s?.subIndication, 'SIGNED_DATA_NOT_FOUND');
    assert.equal(s?.hint, HINT);
    assert.match(r.stderr, new RegExp(`^trustbridge: S-1: ${HINT}$`, 'm'));
  });

  it('says it beside the one-line summary of --report too', async () => {
    const out = p('report.json');
    const r = await runCli([
      'validate',
      '--in',
      p('contract.p7s'),
      '--trust',
      p('cert.pem'),
      '--report',
      out,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, 'S-1 CAdES NOT-ETSI INDETERMINATE/SIGNED_DATA_NOT_FOUND\n');
    assert.match(r.stderr, new RegExp(`trustbridge: S-1: ${HINT}`));
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as Report).signatures[0]?.hint, HINT);
  });

  it('gives no hint once the document is given', async () => {
    const r = await runCli([
      'validate', '--in', p('contract.p7s'), '--detached', p('contract.txt'), '--trust', p('cert.pem'), '--offline',
    ]); // prettier-ignore
    const [s] = (JSON.parse(r.stdout) as Report).signatures;
    assert.notEqual(s?.subIndication, 'SIGNED_DATA_NOT_FOUND');
    assert.equal(s?.hint, undefined);
    assert.doesNotMatch(r.stderr, /--detached FILE/);
  });
});
