/**
 * `trustbridge sign --format cades` end to end: a served node with its TSA, an enrolled wallet,
 * and OpenSSL as the independent checker of the CMS signature, its certificate chain and the
 * RFC 3161 signature time-stamp.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { parseSignedData } from '../../src/pki/cms_signed_data.js';
import { CADES_OID } from '../../src/signature/cades/oids.js';
import {
  cliJson,
  errorCode,
  freePort,
  missingTools,
  runCli,
  startSigningNode,
  tool,
} from '../fixtures/cli.js';
import type { Enrolment, Served, SigningNode } from '../fixtures/cli.js';

const skip = missingTools('openssl');

interface SignOutput {
  format: string;
  level: string;
  out: string;
  detached: boolean;
  signer: string;
  signingTime: string;
  timestamp?: string;
}

describe('trustbridge sign --format cades, checked by OpenSSL', { skip }, () => {
  let tmp: SigningNode['tmp'];
  let wallet: string;
  let doc: string;
  let served: Served;
  let certs: SigningNode['certs'];
  let enrolment: Enrolment;

  let node: SigningNode | undefined;
  before(async () => {
    node = await startSigningNode('tb-sign-');
    ({ tmp, wallet, doc, served, certs, enrolment } = node);
  });
  after(async () => {
    await node?.close();
  });

  const signArgs = (level: string, out: string, extra: string[] = []): string[] => [
    'sign',
    '--wallet',
    wallet,
    '--format',
    'cades',
    '--level',
    level,
    '--in',
    doc,
    '--out',
    out,
    ...extra,
  ];

  async function opensslVerify(p7s: string, detached: boolean): Promise<void> {
    const content = join(tmp.path, 'verified-content');
    const out = await tool('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      p7s,
      ...(detached ? ['-content', doc] : []),
      '-CAfile',
      certs.root,
      '-certfile',
      certs.eidCa,
      '-purpose',
      'any',
      '-out',
      content,
    ]);
    assert.match(out, /Verification successful/);
    assert.deepEqual(readFileSync(content), readFileSync(doc));
  }

  async function opensslTsVerify(p7s: string): Promise<void> {
    const si = parseSignedData(readFileSync(p7s)).signerInfos[0]!;
    const token = si.unsignedAttributes.get(CADES_OID.signatureTimeStampToken)?.[0];
    assert.ok(token, 'a signature time-stamp token');
    const tokenFile = `${p7s}.tst`;
    writeFileSync(tokenFile, token);
    const digest = createHash('sha256').update(si.signature).digest('hex');
    const out = await tool('openssl', [
      'ts',
      '-verify',
      '-in',
      tokenFile,
      '-token_in',
      '-digest',
      digest,
      '-CAfile',
      certs.root,
      '-untrusted',
      certs.tsa,
    ]);
    assert.match(out, /Verification: OK/);
  }

  for (const level of ['B-B', 'B-T']) {
    for (const detached of [false, true]) {
      it(`${level} ${detached ? 'detached' : 'attached'}: openssl cms -verify succeeds with the real chain`, async () => {
        const out = join(tmp.path, `${level}-${detached ? 'detached' : 'attached'}.p7s`);
        const extra = [
          ...(level === 'B-T' ? ['--tsa', `${served.url}/tsa`] : []),
          ...(detached ? ['--detached'] : []),
        ];
        const started = Date.now();
        const printed = await cliJson<SignOutput>(signArgs(level, out, extra));
        assert.equal(printed.format, 'cades');
        assert.equal(printed.level, level);
        assert.equal(printed.out, out);
        assert.equal(printed.detached, detached);
        assert.equal(printed.signer, parseCertificate(enrolment.certificates.signature).subject);
        assert.ok(Math.abs(Date.parse(printed.signingTime) - started) < 60_000);
        await opensslVerify(out, detached);
        if (level === 'B-T') {
          assert.ok(printed.timestamp && Math.abs(Date.parse(printed.timestamp) - started) < 60_000);
          await opensslTsVerify(out);
        } else assert.equal(printed.timestamp, undefined);
      });
    }
  }

  it('a wrong wallet password: exit 3, PKI_PKCS12_PASSWORD_WRONG, no output file', async () => {
    const out = join(tmp.path, 'wrong-password.p7s');
    const r = await runCli(signArgs('B-B', out), {
      env: { TRUSTBRIDGE_WALLET_PASSWORD: 'not the password' },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'PKI_PKCS12_PASSWORD_WRONG');
    assert.equal(existsSync(out), false);
  });

  it('--format pades on a file that is not a PDF, or with --detached: exit 3, nothing written', async () => {
    const out = join(tmp.path, 'x.pdf');
    const base = [
      'sign',
      '--wallet',
      wallet,
      '--format',
      'pades',
      '--level',
      'B-B',
      '--in',
      doc,
      '--out',
      out,
    ];
    const cases: [string[], string][] = [
      [base, 'PDF_MALFORMED'],
      [[...base, '--detached'], 'USAGE_INVALID_ARGUMENT'],
    ];
    for (const [args, code] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(errorCode(r.stderr), code, r.stderr);
      assert.equal(existsSync(out), false);
    }
  });

  it('B-T without --tsa: exit 3, USAGE_INVALID_ARGUMENT naming --tsa', async () => {
    const r = await runCli(signArgs('B-T', join(tmp.path, 'no-tsa.p7s')));
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'USAGE_INVALID_ARGUMENT');
    assert.match(r.stderr, /--tsa/);
  });

  it('an unreachable TSA: exit 1, TSP_TRANSPORT_FAILED, no output file', async () => {
    const out = join(tmp.path, 'unreachable.p7s');
    const r = await runCli(signArgs('B-T', out, ['--tsa', `http://127.0.0.1:${await freePort()}/tsa`]));
    assert.equal(r.code, 1, r.stderr);
    assert.equal(errorCode(r.stderr), 'TSP_TRANSPORT_FAILED');
    assert.equal(existsSync(out), false);
  });
});
