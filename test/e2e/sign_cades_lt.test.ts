/**
 * `trustbridge sign --format cades --level B-LT` end to end: a served node (TSA, OCSP responder,
 * CRLs), an enrolled wallet, and OpenSSL checking that the extended CMS still verifies and
 * carries the OCSP response as RFC 5940 revocation information.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { parseSignedData } from '../../src/pki/cms_signed_data.js';
import { detectCadesLevel } from '../../src/signature/cades/level.js';
import { cliJson, errorCode, missingTools, runCli, startSigningNode, tool } from '../fixtures/cli.js';
import type { Served, SigningNode } from '../fixtures/cli.js';

const skip = missingTools('openssl');

describe('trustbridge sign --format cades --level B-LT, checked by OpenSSL', { skip }, () => {
  let tmp: SigningNode['tmp'];
  let wallet: string;
  let doc: string;
  let served: Served;
  let certs: SigningNode['certs'];

  let node: SigningNode | undefined;
  before(async () => {
    node = await startSigningNode('tb-sign-lt-');
    ({ tmp, wallet, doc, served, certs } = node);
  });
  after(async () => {
    await node?.close();
  });

  const signArgs = (out: string, extra: string[] = []): string[] => [
    'sign',
    '--wallet',
    wallet,
    '--format',
    'cades',
    '--level',
    'B-LT',
    '--in',
    doc,
    '--out',
    out,
    ...extra,
  ];

  it('attached B-LT: OpenSSL verifies it with the root only and prints the OCSP revocation info', async () => {
    const out = join(tmp.path, 'out.p7m');
    const printed = await cliJson<{ level: string; timestamp?: string }>(
      signArgs(out, ['--tsa', `${served.url}/tsa`]),
    );
    assert.equal(printed.level, 'B-LT');
    assert.ok(printed.timestamp);
    const p7m = readFileSync(out);
    assert.equal(detectCadesLevel(p7m).level, 'B-LT');
    const sd = parseSignedData(p7m);
    const eidCaDer = readFileSync(certs.eidCa, 'utf8');
    assert.ok(
      sd.certificates.some((c) => c.equals(parseCertificate(eidCaDer).der)),
      'eID CA embedded',
    );
    assert.ok(sd.certificates.some((c) => c.equals(parseCertificate(readFileSync(certs.root, 'utf8')).der)));
    assert.ok(sd.certificates.some((c) => c.equals(parseCertificate(readFileSync(certs.tsa, 'utf8')).der)));
    assert.equal(sd.crls.length, 1, 'the root CRL (eID CA and TSA certificates)');
    const content = join(tmp.path, 'verified-content');
    // No -certfile: the chain is in the CMS now.
    const verified = await tool('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      out,
      '-CAfile',
      certs.root,
      '-purpose',
      'any',
      '-out',
      content,
    ]);
    assert.match(verified, /Verification successful/);
    assert.deepEqual(readFileSync(content), readFileSync(doc));
    const text = await tool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', out]);
    // OpenSSL has no name for id-ri-ocsp-response: "otherRevInfoFormat: undefined (1.3.6.1.5.5.7.16.2)".
    assert.match(text, /otherRevInfoFormat: .*1\.3\.6\.1\.5\.5\.7\.16\.2/);
    assert.match(text, /Basic OCSP Response/);
    assert.match(text, /version: 5/);
    assert.match(text, /crls:/);
  });

  it('detached B-LT verifies with the document', async () => {
    const out = join(tmp.path, 'out.p7s');
    await cliJson(signArgs(out, ['--tsa', `${served.url}/tsa`, '--detached']));
    const verified = await tool('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      out,
      '-content',
      doc,
      '-CAfile',
      certs.root,
      '-purpose',
      'any',
      '-out',
      join(tmp.path, 'detached-content'),
    ]);
    assert.match(verified, /Verification successful/);
  });

  it('B-LT without --tsa: exit 3, USAGE_INVALID_ARGUMENT naming --tsa', async () => {
    const r = await runCli(signArgs(join(tmp.path, 'no-tsa.p7m')));
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'USAGE_INVALID_ARGUMENT');
    assert.match(r.stderr, /--tsa/);
  });
});
