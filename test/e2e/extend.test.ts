/**
 * `trustbridge extend` end to end: CAdES B-T → B-LT → B-LTA → renewed B-LTA, detached CAdES and
 * JAdES, checked by OpenSSL (cms -verify, ts -verify over the recomputed archive imprints) and
 * python3-jwcrypto; bad inputs exit 3 with a stable code and write nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { archiveTimestampImprint } from '../../src/signature/cades/archive_hash_index.js';
import { readRawSignedData } from '../../src/signature/cades/archive_signed_data.js';
import { CADES_OID } from '../../src/signature/cades/oids.js';
import { arcTstImprintInput, archiveTimeStampTokens } from '../../src/signature/jades/lta.js';
import { etsiUComponents, parseJades, verifyJades } from '../../src/signature/jades/parse.js';
import { cliJson, errorCode, missingTools, run, runCli, startSigningNode, tool } from '../fixtures/cli.js';
import type { SigningNode } from '../fixtures/cli.js';

const JWCRYPTO = `
import sys
from jwcrypto import jws, jwk
from jwcrypto.common import JWSEHeaderParameter
token = jws.JWS(header_registry={'sigT': JWSEHeaderParameter('Claimed signing time', False, True, None)})
token.deserialize(open(sys.argv[1]).read())
token.verify(jwk.JWK.from_pem(open(sys.argv[2], 'rb').read()))
print('OK')
`;
const jwcryptoMissing = await run('/usr/bin/python3', ['-c', 'import jwcrypto']).then((r) =>
  r.code === 0 ? false : 'python3-jwcrypto is not installed',
);
const skip = missingTools('openssl');

interface ExtendOutput {
  format: string;
  level: string;
  out: string;
  archiveTimeStamps: string[];
}

describe('trustbridge extend', { skip }, () => {
  let node: SigningNode;
  let tsa: string;
  before(async () => {
    node = await startSigningNode('tb-extend-');
    tsa = `${node.served.url}/tsa`;
  });
  after(async () => {
    await node?.close();
  });

  const file = (name: string): string => join(node.tmp.path, name);
  const sign = (format: string, level: string, out: string, extra: string[] = []): Promise<unknown> =>
    cliJson([
      ...['sign', '--wallet', node.wallet, '--format', format, '--level', level],
      ...['--in', node.doc, '--out', out, ...(level === 'B-B' ? [] : ['--tsa', tsa]), ...extra],
    ]);
  const extend = (input: string, out: string, level: string, extra: string[] = []): Promise<ExtendOutput> =>
    cliJson<ExtendOutput>(['extend', '--in', input, '--out', out, '--level', level, ...extra]);

  async function cmsVerify(cmsFile: string, detached?: string): Promise<void> {
    const out = await tool('openssl', [
      ...['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile],
      ...(detached ? ['-content', detached] : []),
      ...['-CAfile', node.certs.root, '-purpose', 'any', '-out', `${cmsFile}.content`],
    ]);
    assert.match(out, /Verification successful/);
  }

  async function tsVerify(token: Buffer, digest: Buffer, name: string): Promise<void> {
    writeFileSync(file(name), token);
    const out = await tool('openssl', [
      ...['ts', '-verify', '-in', file(name), '-token_in', '-digest', digest.toString('hex')],
      ...['-CAfile', node.certs.root, '-untrusted', node.certs.tsa],
    ]);
    assert.match(out, /Verification: OK/);
  }

  async function archivesVerify(cmsFile: string, detached?: Buffer): Promise<number> {
    const cms = readFileSync(cmsFile);
    const tokens = readRawSignedData(cms)
      .signerInfos[0]!.unsigned.filter((a) => a.type === CADES_OID.archiveTimeStampV3)
      .flatMap((a) => a.values);
    for (const [i, token] of tokens.entries()) {
      const { digest, problems } = archiveTimestampImprint(cms, 0, i, undefined, detached);
      assert.deepEqual(problems, []);
      await tsVerify(token, digest, `ats-${i}.tst`);
    }
    return tokens.length;
  }

  it('CAdES B-T → B-LT → B-LTA → B-LTA again: OpenSSL verifies the CMS and each archive time-stamp', async () => {
    await sign('cades', 'B-T', file('bt.p7m'));
    const lt = await extend(file('bt.p7m'), file('lt.p7m'), 'B-LT');
    assert.deepEqual([lt.format, lt.level, lt.archiveTimeStamps], ['cades', 'B-LT', []]);
    await cmsVerify(file('lt.p7m'));
    const lta = await extend(file('lt.p7m'), file('lta.p7m'), 'B-LTA', ['--tsa', tsa]);
    assert.equal(lta.archiveTimeStamps.length, 1);
    await cmsVerify(file('lta.p7m'));
    assert.equal(await archivesVerify(file('lta.p7m')), 1);
    const renewed = await extend(file('lta.p7m'), file('lta2.p7m'), 'B-LTA', ['--tsa', tsa]);
    assert.equal(renewed.archiveTimeStamps.length, 2);
    await cmsVerify(file('lta2.p7m'));
    assert.equal(await archivesVerify(file('lta2.p7m')), 2);
  });

  it('a detached CAdES B-B with --tsa and --detached becomes B-LTA', async () => {
    await sign('cades', 'B-B', file('bb.p7s'), ['--detached']);
    const r = await runCli([
      'extend',
      '--in',
      file('bb.p7s'),
      '--out',
      file('x.p7s'),
      '--level',
      'B-LTA',
      '--tsa',
      tsa,
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'USAGE_INVALID_ARGUMENT');
    assert.match(r.stderr, /detached/);
    assert.equal(existsSync(file('x.p7s')), false);
    await extend(file('bb.p7s'), file('bb-lta.p7s'), 'B-LTA', ['--tsa', tsa, '--detached', node.doc]);
    await cmsVerify(file('bb-lta.p7s'), node.doc);
    assert.equal(await archivesVerify(file('bb-lta.p7s'), readFileSync(node.doc)), 1);
  });

  it(
    'JAdES B-T → B-LTA: jwcrypto verifies, OpenSSL verifies the arcTst over its imprint',
    { skip: jwcryptoMissing },
    async () => {
      await sign('jades', 'B-T', file('bt.json'));
      const out = await extend(file('bt.json'), file('lta.json'), 'B-LTA', ['--tsa', tsa]);
      assert.equal(out.format, 'jades');
      assert.equal(out.archiveTimeStamps.length, 1);
      const text = readFileSync(file('lta.json'), 'utf8');
      const parsed = verifyJades(text);
      assert.deepEqual(
        etsiUComponents(parsed).map((c) => c.name),
        ['sigTst', 'xVals', 'rVals', 'arcTst'],
      );
      const digest = createHash('sha256').update(arcTstImprintInput(parsed, 0)).digest();
      await tsVerify(archiveTimeStampTokens(parsed)[0]![0]!, digest, 'arc.tst');
      writeFileSync(file('verify.py'), JWCRYPTO);
      const pem = file('signer.pem');
      writeFileSync(
        pem,
        new X509Certificate(node.enrolment.certificates.signature).publicKey.export({
          type: 'spki',
          format: 'pem',
        }),
      );
      assert.equal((await tool('/usr/bin/python3', [file('verify.py'), file('lta.json'), pem])).trim(), 'OK');
      assert.deepEqual(parseJades(text).payload, readFileSync(node.doc));
    },
  );

  it('bad inputs: not a CMS, B-B without --tsa, B-LTA without --tsa, unknown level (exit 3, no output)', async () => {
    writeFileSync(file('junk.bin'), 'this is not a signature');
    await sign('cades', 'B-B', file('plain-bb.p7m'));
    const cases: [string[], string, RegExp][] = [
      [['--in', file('junk.bin'), '--level', 'B-LT'], 'PKI_CMS_MALFORMED', /SignedData/],
      [
        ['--in', file('plain-bb.p7m'), '--level', 'B-LT'],
        'USAGE_INVALID_ARGUMENT',
        /time-stamping authority/,
      ],
      [['--in', file('plain-bb.p7m'), '--level', 'B-LTA'], 'USAGE_INVALID_ARGUMENT', /--tsa/],
      [['--in', file('plain-bb.p7m'), '--level', 'B-T'], 'USAGE_INVALID_ARGUMENT', /--level/],
      [['--in', file('missing.p7m'), '--level', 'B-LT'], 'USAGE_INVALID_ARGUMENT', /no input file/],
    ];
    for (const [args, code, message] of cases) {
      const out = file('never.out');
      const r = await runCli(['extend', '--out', out, ...args]);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(errorCode(r.stderr), code, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(existsSync(out), false);
    }
  });
});
