/**
 * JAdES B-B and B-T (ETSI TS 119 182-1) on the fixed keys and clock, checked by our own parser and,
 * independently, by python3-jwcrypto (Debian package) when it is installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { derToP1363 } from '../../../src/signature/jades/ecdsa.js';
import {
  parseJades,
  sigTstImprintInput,
  signatureTimeStampTokens,
  verifyJades,
} from '../../../src/signature/jades/parse.js';
import { signJades } from '../../../src/signature/jades/sign.js';
import type { JadesSignParams } from '../../../src/signature/jades/sign.js';
import { verifyTimeStampToken } from '../../../src/timestamp/token.js';
import { rejectsCode, throwsCode } from '../../fixtures/assert.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import { DOCUMENT, signingFixture } from '../fixtures.js';
import type { SigningFixture } from '../fixtures.js';

let f: SigningFixture;
let tmp: string;

before(async () => {
  f = await signingFixture();
  tmp = mkdtempSync(join(tmpdir(), 'tb-jades-'));
});
after(() => {
  f?.node.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function params(over: Partial<JadesSignParams> = {}): JadesSignParams {
  return {
    payload: DOCUMENT,
    serialization: 'compact',
    detached: false,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level: 'B-B',
    ...over,
  };
}

function checkBaselineHeader(header: Record<string, unknown>, detached: boolean): void {
  assert.equal(header['alg'], 'ES256');
  assert.equal(header['x5t#S256'], createHash('sha256').update(f.certificate).digest('base64url'));
  assert.deepEqual(
    header['x5c'],
    [f.certificate, ...f.chain].map((c) => c.toString('base64')),
  );
  assert.equal(header['sigT'], '2026-03-02T09:30:00Z');
  assert.deepEqual(header['crit'], detached ? ['sigT', 'b64'] : ['sigT']);
  assert.equal(header['b64'], detached ? false : undefined);
}

/** Independent verification with jwcrypto, skipped when `/usr/bin/python3` has no jwcrypto. */
const JWCRYPTO = `
import sys
from jwcrypto import jws, jwk
from jwcrypto.common import JWSEHeaderParameter
token = jws.JWS(header_registry={'sigT': JWSEHeaderParameter('Claimed signing time', False, True, None)})
token.deserialize(open(sys.argv[1]).read())
if len(sys.argv) > 3:
    # jwcrypto 1.1 has no detached-payload API: supply the document deserialize left empty.
    token.objects['payload'] = open(sys.argv[3], 'rb').read()
token.verify(jwk.JWK.from_pem(open(sys.argv[2], 'rb').read()))
print('OK', token.jose_header['sigT'])
`;
const run = promisify(execFile);
const jwcryptoMissing = await run('/usr/bin/python3', ['-c', 'import jwcrypto']).then(
  () => false,
  () => 'python3-jwcrypto is not installed (apt-get install python3-jwcrypto)',
);

async function jwcryptoVerify(jws: string, detached?: Buffer): Promise<string> {
  const name = createHash('sha256').update(jws).digest('hex').slice(0, 12);
  const files = ['py', 'jws', 'pem', 'doc'].map((ext) => join(tmp, `${name}.${ext}`)) as string[];
  writeFileSync(files[0]!, JWCRYPTO);
  writeFileSync(files[1]!, jws);
  writeFileSync(
    files[2]!,
    new X509Certificate(f.certificate).publicKey.export({ type: 'spki', format: 'pem' }),
  );
  if (detached) writeFileSync(files[3]!, detached);
  const { stdout } = await run('/usr/bin/python3', files.slice(0, detached ? 4 : 3));
  return stdout.trim();
}

describe('signJades B-B', () => {
  it('compact attached: the baseline protected header, the payload, a verifying ES256 signature', async () => {
    const jws = await signJades(params());
    assert.equal(jws.split('.').length, 3);
    const parsed = verifyJades(jws);
    assert.equal(parsed.serialization, 'compact');
    checkBaselineHeader(parsed.protectedHeader, false);
    assert.deepEqual(parsed.payload, DOCUMENT);
    assert.equal(parsed.signature.length, 64);
    assert.deepEqual(signatureTimeStampTokens(parsed), []);
  });

  it('compact detached: header..signature, b64 false and critical, verifies with the document', async () => {
    const jws = await signJades(params({ detached: true }));
    assert.match(jws, /^[\w-]+\.\.[\w-]+$/);
    checkBaselineHeader(parseJades(jws).protectedHeader, true);
    assert.equal(parseJades(jws).payload, undefined);
    assert.deepEqual(verifyJades(jws, DOCUMENT).payload, DOCUMENT);
    throwsCode(() => verifyJades(jws), 'JADES_MALFORMED', /detached/);
  });

  it('JSON attached and detached: flattened serialization, no unprotected header', async () => {
    for (const detached of [false, true]) {
      const jws = await signJades(params({ serialization: 'json', detached }));
      const o = JSON.parse(jws) as Record<string, unknown>;
      assert.deepEqual(
        Object.keys(o),
        detached ? ['protected', 'signature'] : ['payload', 'protected', 'signature'],
      );
      const parsed = verifyJades(jws, detached ? DOCUMENT : undefined);
      checkBaselineHeader(parsed.protectedHeader, detached);
      assert.deepEqual(parsed.payload, DOCUMENT);
    }
  });

  it('a tampered payload byte, signature or document: JADES_SIGNATURE_INVALID', async () => {
    const [h, p, s] = (await signJades(params())).split('.') as [string, string, string];
    const tampered = Buffer.from(DOCUMENT);
    tampered[0] ^= 0x01;
    throwsCode(() => verifyJades(`${h}.${tampered.toString('base64url')}.${s}`), 'JADES_SIGNATURE_INVALID');
    const sig = Buffer.from(s, 'base64url');
    sig[10] ^= 0x01;
    throwsCode(() => verifyJades(`${h}.${p}.${sig.toString('base64url')}`), 'JADES_SIGNATURE_INVALID');
    const detached = await signJades(params({ detached: true }));
    throwsCode(() => verifyJades(detached, tampered), 'JADES_SIGNATURE_INVALID');
  });

  it('malformed input and headers: stable codes', async () => {
    const [, p, s] = (await signJades(params())).split('.') as [string, string, string];
    const header = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const x5c = [f.certificate.toString('base64')];
    throwsCode(() => verifyJades('a.b'), 'JADES_MALFORMED');
    throwsCode(() => verifyJades('{"signatures":[]}'), 'JADES_MALFORMED', /general/);
    throwsCode(() => verifyJades(`${header({ alg: 'none', x5c })}.${p}.${s}`), 'JADES_ALGORITHM_UNSUPPORTED');
    throwsCode(() => verifyJades(`${header({ alg: 'ES256' })}.${p}.${s}`), 'JADES_HEADER_INVALID', /x5c/);
    throwsCode(
      () => verifyJades(`${header({ alg: 'ES256', x5c, sigD: {}, crit: ['sigD'] })}.${p}.${s}`),
      'JADES_HEADER_INVALID',
      /sigD/,
    );
    throwsCode(
      () => verifyJades(`${header({ alg: 'ES256', x5c, 'x5t#S256': 'AAAA' })}.${p}.${s}`),
      'JADES_CERTIFICATE_MISMATCH',
    );
  });
});

describe('signJades B-T', () => {
  it('JSON: etsiU holds a base64url sigTst whose token imprints the base64url signature value', async () => {
    for (const detached of [false, true]) {
      const jws = await signJades(params({ serialization: 'json', detached, level: 'B-T', tsa: f.endpoint }));
      const parsed = verifyJades(jws, detached ? DOCUMENT : undefined);
      checkBaselineHeader(parsed.protectedHeader, detached);
      const etsiU = parsed.unprotectedHeader?.['etsiU'] as string[];
      assert.equal(etsiU.length, 1);
      assert.deepEqual(Object.keys(JSON.parse(Buffer.from(etsiU[0]!, 'base64url').toString())), ['sigTst']);
      const [token] = signatureTimeStampTokens(parsed);
      assert.ok(token);
      const digest = createHash('sha256').update(Buffer.from(parsed.signatureB64, 'ascii')).digest();
      assert.deepEqual(sigTstImprintInput(parsed.signatureB64), Buffer.from(parsed.signatureB64, 'ascii'));
      const tst = verifyTimeStampToken(token, {
        digest,
        hash: 'sha256',
        tsaCertificate: f.node.tsa.certificate.der,
      });
      assert.equal(tst.genTime.getTime(), FIXED_NOW.getTime());
    }
  });

  it('B-T in compact or without a TSA: USAGE_INVALID_ARGUMENT', async () => {
    await rejectsCode(
      () => signJades(params({ level: 'B-T', tsa: f.endpoint })),
      'USAGE_INVALID_ARGUMENT',
      /JSON/,
    );
    await rejectsCode(
      () => signJades(params({ level: 'B-T', serialization: 'json' })),
      'USAGE_INVALID_ARGUMENT',
    );
  });
});

describe('derToP1363', () => {
  it('turns DER ECDSA signatures (short r or s included) into r || s that verify', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 64; i++) {
      const data = Buffer.from(`message ${i}`);
      const p1363 = derToP1363(sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }), 32);
      assert.equal(p1363.length, 64);
      assert.ok(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, p1363));
    }
    throwsCode(() => derToP1363(Buffer.from([0x31, 0x00]), 32), 'JADES_MALFORMED');
  });
});

describe('python3-jwcrypto verifies our JWS', { skip: jwcryptoMissing }, () => {
  it('compact and JSON, attached and detached (b64 false), B-B and B-T', async () => {
    const cases: [Partial<JadesSignParams>, boolean][] = [
      [{}, false],
      [{ detached: true }, true],
      [{ serialization: 'json' }, false],
      [{ serialization: 'json', detached: true }, true],
      [{ serialization: 'json', level: 'B-T', tsa: f.endpoint }, false],
      [{ serialization: 'json', level: 'B-T', tsa: f.endpoint, detached: true }, true],
    ];
    for (const [over, detached] of cases) {
      const jws = await signJades(params(over));
      assert.equal(await jwcryptoVerify(jws, detached ? DOCUMENT : undefined), 'OK 2026-03-02T09:30:00Z');
    }
  });

  it('jwcrypto rejects a tampered payload', async () => {
    const jws = await signJades(params({ detached: true }));
    await assert.rejects(jwcryptoVerify(jws, Buffer.from('another document')), /InvalidJWSSignature/);
  });
});
