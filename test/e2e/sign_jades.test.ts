/**
 * `trustbridge sign --format jades` end to end: a served node with its TSA, an enrolled wallet,
 * python3-jwcrypto as the independent checker of the JWS signature and OpenSSL of the RFC 3161
 * signature time-stamp (TS 119 182-1 §5.3.4: over the base64url signature value).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJades, signatureTimeStampTokens, verifyJades } from '../../src/signature/jades/parse.js';
import {
  cliJson,
  errorCode,
  missingTools,
  publicCerts,
  run,
  runCli,
  startSigningNode,
  tool,
} from '../fixtures/cli.js';
import type { Enrolment, Served, SigningNode } from '../fixtures/cli.js';

/** Verifies a JWS with jwcrypto; for a detached one the document is put where deserialize left the empty payload (jwcrypto 1.1 has no detached API). */
const JWCRYPTO = `
import sys
from jwcrypto import jws, jwk
from jwcrypto.common import JWSEHeaderParameter
token = jws.JWS(header_registry={'sigT': JWSEHeaderParameter('Claimed signing time', False, True, None)})
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

interface SignOutput {
  format: string;
  serialization: string;
  level: string;
  out: string;
  detached: boolean;
  signingTime: string;
  timestamp?: string;
}

describe('trustbridge sign --format jades, checked by jwcrypto and OpenSSL', { skip }, () => {
  let tmp: SigningNode['tmp'];
  let dir: string;
  let wallet: string;
  let doc: string;
  let served: Served;
  let enrolment: Enrolment;

  let node: SigningNode | undefined;
  before(async () => {
    node = await startSigningNode('tb-sign-jades-');
    ({ tmp, dir, wallet, doc, served, enrolment } = node);
  });
  after(async () => {
    await node?.close();
  });

  const signArgs = (level: string, out: string, extra: string[] = []): string[] => [
    ...['sign', '--wallet', wallet, '--format', 'jades', '--level', level],
    ...['--in', doc, '--out', out, ...extra],
  ];

  async function jwcryptoVerify(jwsFile: string, detached: boolean): Promise<void> {
    const script = join(tmp.path, 'verify.py');
    const pem = join(tmp.path, 'signer.pem');
    writeFileSync(script, JWCRYPTO);
    const cert = new X509Certificate(enrolment.certificates.signature);
    writeFileSync(pem, cert.publicKey.export({ type: 'spki', format: 'pem' }));
    const out = await tool('/usr/bin/python3', [script, jwsFile, pem, ...(detached ? [doc] : [])]);
    assert.equal(out.trim(), 'OK');
  }

  async function opensslTsVerify(jwsFile: string): Promise<void> {
    const parsed = parseJades(readFileSync(jwsFile, 'utf8'));
    const [token] = signatureTimeStampTokens(parsed);
    assert.ok(token, 'a sigTst time-stamp token');
    writeFileSync(`${jwsFile}.tst`, token);
    const digest = createHash('sha256').update(parsed.signatureB64, 'ascii').digest('hex');
    const certs = publicCerts(dir);
    const out = await tool('openssl', [
      ...['ts', '-verify', '-in', `${jwsFile}.tst`, '-token_in', '-digest', digest],
      ...['-CAfile', certs.root, '-untrusted', certs.tsa],
    ]);
    assert.match(out, /Verification: OK/);
  }

  const cases = [
    { level: 'B-B', detached: false, serialization: 'compact' },
    { level: 'B-B', detached: true, serialization: 'compact' },
    { level: 'B-T', detached: false, serialization: 'json' },
    { level: 'B-T', detached: true, serialization: 'json' },
  ];
  for (const { level, detached, serialization } of cases) {
    it(`${level} ${serialization} ${detached ? 'detached' : 'attached'}: jwcrypto verifies`, async () => {
      const out = join(tmp.path, `${level}-${detached ? 'detached' : 'attached'}.jws`);
      const extra = [
        ...(level === 'B-T' ? ['--tsa', `${served.url}/tsa`] : []),
        ...(detached ? ['--detached'] : []),
      ];
      const started = Date.now();
      const printed = await cliJson<SignOutput>(signArgs(level, out, extra));
      assert.deepEqual(
        [printed.format, printed.serialization, printed.level, printed.out, printed.detached],
        ['jades', serialization, level, out, detached],
      );
      const text = readFileSync(out, 'utf8');
      assert.equal(text.trimStart().startsWith('{'), serialization === 'json');
      const parsed = verifyJades(text, detached ? readFileSync(doc) : undefined);
      assert.equal(parsed.protectedHeader['sigT'], printed.signingTime.replace(/\.\d{3}Z$/, 'Z'));
      await jwcryptoVerify(out, detached);
      if (level === 'B-T') {
        assert.ok(printed.timestamp && Math.abs(Date.parse(printed.timestamp) - started) < 60_000);
        await opensslTsVerify(out);
      } else assert.equal(printed.timestamp, undefined);
    });
  }

  it('--serialization json at B-B is honoured; compact at B-T is refused (exit 3), no output', async () => {
    const json = join(tmp.path, 'bb.json');
    const printed = await cliJson<SignOutput>(signArgs('B-B', json, ['--serialization', 'json']));
    assert.equal(printed.serialization, 'json');
    await jwcryptoVerify(json, false);
    const out = join(tmp.path, 'bt-compact.jws');
    const r = await runCli(
      signArgs('B-T', out, ['--tsa', `${served.url}/tsa`, '--serialization', 'compact']),
    );
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'USAGE_INVALID_ARGUMENT');
    assert.match(r.stderr, /json/);
    assert.equal(existsSync(out), false);
  });
});
