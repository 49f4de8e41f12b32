/**
 * `trustbridge sign --format jades --level B-LT|B-LTA` end to end: a served node, python3-jwcrypto
 * as the independent checker of the JWS signature (attached, RFC 7797 detached, and `sigD`
 * detached with an empty payload), OpenSSL of the archive time-stamp over the imprint recomputed
 * as TS 119 182-1 §5.3.6.3.1 says.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { arcTstImprintInput, archiveTimeStampTokens } from '../../src/signature/jades/lta.js';
import { etsiUComponents, parseJades, verifyJades } from '../../src/signature/jades/parse.js';
import { cliJson, missingTools, run, startSigningNode, tool } from '../fixtures/cli.js';
import type { SigningNode } from '../fixtures/cli.js';

/** jwcrypto with sigT and sigD registered as understood critical parameters; argv[3] the payload of a detached JWS. */
const JWCRYPTO = `
import sys
from jwcrypto import jws, jwk
from jwcrypto.common import JWSEHeaderParameter
token = jws.JWS(header_registry={
    'sigT': JWSEHeaderParameter('Claimed signing time', False, True, None),
    'sigD': JWSEHeaderParameter('Signed data objects', False, True, None)})
token.deserialize(open(sys.argv[1]).read())
if len(sys.argv) > 3:
    token.objects['payload'] = open(sys.argv[3], 'rb').read()
token.verify(jwk.JWK.from_pem(open(sys.argv[2], 'rb').read()))
print('OK')
`;

const jwcryptoMissing = await run('/usr/bin/python3', ['-c', 'import jwcrypto']).then((r) =>
  r.code === 0 ? false : 'python3-jwcrypto is not installed (apt-get install python3-jwcrypto)',
);
const skip = missingTools('openssl') || jwcryptoMissing;

describe('trustbridge sign --format jades B-LT / B-LTA, checked by jwcrypto and OpenSSL', { skip }, () => {
  let node: SigningNode;
  before(async () => {
    node = await startSigningNode('tb-sign-jades-lt-');
  });
  after(async () => {
    await node?.close();
  });

  async function jwcrypto(jwsFile: string, payloadFile?: string): Promise<void> {
    const script = join(node.tmp.path, 'verify.py');
    const pem = join(node.tmp.path, 'signer.pem');
    writeFileSync(script, JWCRYPTO);
    const cert = new X509Certificate(node.enrolment.certificates.signature);
    writeFileSync(pem, cert.publicKey.export({ type: 'spki', format: 'pem' }));
    const out = await tool('/usr/bin/python3', [script, jwsFile, pem, ...(payloadFile ? [payloadFile] : [])]);
    assert.equal(out.trim(), 'OK');
  }

  const cases = [
    { level: 'B-LT', mode: 'attached' },
    { level: 'B-LTA', mode: 'attached' },
    { level: 'B-LTA', mode: 'detached' },
    { level: 'B-LTA', mode: 'sigd' },
  ] as const;
  for (const { level, mode } of cases) {
    it(`${level} ${mode}: jwcrypto verifies; the etsiU carries what the level needs`, async () => {
      const out = join(node.tmp.path, `${level}-${mode}.json`);
      const printed = await cliJson<{ level: string; serialization: string }>([
        ...['sign', '--wallet', node.wallet, '--format', 'jades', '--level', level],
        ...['--in', node.doc, '--out', out, '--tsa', `${node.served.url}/tsa`],
        ...(mode === 'detached' ? ['--detached'] : mode === 'sigd' ? ['--sigd'] : []),
      ]);
      assert.deepEqual([printed.level, printed.serialization], [level, 'json']);
      const text = readFileSync(out, 'utf8');
      const doc = readFileSync(node.doc);
      const detached =
        mode === 'attached' ? undefined : mode === 'sigd' ? [{ uri: basename(node.doc), content: doc }] : doc;
      const parsed = verifyJades(text, detached);
      const names = etsiUComponents(parsed).map((c) => c.name);
      assert.deepEqual(
        names,
        level === 'B-LT' ? ['sigTst', 'xVals', 'rVals'] : ['sigTst', 'xVals', 'rVals', 'arcTst'],
      );
      const empty = join(node.tmp.path, 'empty');
      writeFileSync(empty, '');
      await jwcrypto(out, mode === 'attached' ? undefined : mode === 'sigd' ? empty : node.doc);
      if (mode === 'sigd')
        assert.equal((parseJades(text).protectedHeader['sigD'] as { pars: string[] }).pars[0], 'mou.txt');
      if (level !== 'B-LTA') return;
      const digest = createHash('sha256')
        .update(arcTstImprintInput(parsed, 0, detached))
        .digest('hex');
      const tst = `${out}.arc.tst`;
      writeFileSync(tst, archiveTimeStampTokens(parsed)[0]![0]!);
      const verified = await tool('openssl', [
        ...['ts', '-verify', '-in', tst, '-token_in', '-digest', digest],
        ...['-CAfile', node.certs.root, '-untrusted', node.certs.tsa],
      ]);
      assert.match(verified, /Verification: OK/);
    });
  }
});
