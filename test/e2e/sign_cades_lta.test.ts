/**
 * `trustbridge sign --format cades --level B-LTA` end to end: a served node (TSA, OCSP, CRLs),
 * OpenSSL checking that the CMS still verifies and that the archive-time-stamp-v3 token verifies
 * over the imprint recomputed as EN 319 122-1 §5.5.3 says.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { archiveTimestampImprint } from '../../src/signature/cades/archive_hash_index.js';
import { readRawSignedData } from '../../src/signature/cades/archive_signed_data.js';
import { CADES_OID } from '../../src/signature/cades/oids.js';
import { cliJson, missingTools, startSigningNode, tool } from '../fixtures/cli.js';
import type { SigningNode } from '../fixtures/cli.js';

const skip = missingTools('openssl');

/** OpenSSL verifies every archive time-stamp token over its recomputed imprint. */
async function opensslArchiveCheck(node: SigningNode, cmsFile: string, detached?: Buffer): Promise<number> {
  const cms = readFileSync(cmsFile);
  const tokens = readRawSignedData(cms)
    .signerInfos[0]!.unsigned.filter((a) => a.type === CADES_OID.archiveTimeStampV3)
    .flatMap((a) => a.values);
  for (const [i, token] of tokens.entries()) {
    const { digest, problems } = archiveTimestampImprint(cms, 0, i, undefined, detached);
    assert.deepEqual(problems, []);
    const file = `${cmsFile}.ats${i}.tst`;
    writeFileSync(file, token);
    const out = await tool('openssl', [
      ...['ts', '-verify', '-in', file, '-token_in', '-digest', digest.toString('hex')],
      ...['-CAfile', node.certs.root, '-untrusted', node.certs.tsa],
    ]);
    assert.match(out, /Verification: OK/);
  }
  return tokens.length;
}

/** `openssl cms -verify` with the root only (the chain is embedded). */
async function opensslCmsVerify(node: SigningNode, cmsFile: string, detached?: string): Promise<void> {
  const out = await tool('openssl', [
    ...['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile],
    ...(detached ? ['-content', detached] : []),
    ...['-CAfile', node.certs.root, '-purpose', 'any', '-out', `${cmsFile}.content`],
  ]);
  assert.match(out, /Verification successful/);
}

describe('trustbridge sign --format cades --level B-LTA, checked by OpenSSL', { skip }, () => {
  let node: SigningNode;
  before(async () => {
    node = await startSigningNode('tb-sign-lta-');
  });
  after(async () => {
    await node?.close();
  });

  for (const detached of [false, true]) {
    it(`${detached ? 'detached' : 'attached'}: cms -verify and ts -verify of the archive time-stamp`, async () => {
      const out = join(node.tmp.path, detached ? 'lta.p7s' : 'lta.p7m');
      const printed = await cliJson<{ level: string; timestamp?: string }>([
        ...['sign', '--wallet', node.wallet, '--format', 'cades', '--level', 'B-LTA'],
        ...['--in', node.doc, '--out', out, '--tsa', `${node.served.url}/tsa`],
        ...(detached ? ['--detached'] : []),
      ]);
      assert.equal(printed.level, 'B-LTA');
      assert.ok(printed.timestamp);
      await opensslCmsVerify(node, out, detached ? node.doc : undefined);
      const count = await opensslArchiveCheck(node, out, detached ? readFileSync(node.doc) : undefined);
      assert.equal(count, 1);
      const text = await tool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', out]);
      assert.match(text, /0\.4\.0\.1733\.2\.4/);
    });
  }
});
