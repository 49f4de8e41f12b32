/**
 * The wallet's signed challenge (compact JWS, ES256, x5c): what verifies, and the malformed or
 * forged responses that are refused with stable codes (never a crash).
 */
import assert from 'node:assert/strict';
import { sign as cryptoSign } from 'node:crypto';
import { test } from 'node:test';
import { challengeCode, parseChallengeCode } from '../../src/login/challenge.js';
import { parseWalletResponse, signWalletChallenge } from '../../src/login/wallet_response.js';
import { throwsCode } from '../fixtures/assert.js';
import { fixedKey } from '../fixtures/keys.js';
import { PERSON_A, makeTestNode } from '../fixtures/node.js';
import { enrolCitizen } from './fixtures.js';

const C = { cid: 'cid-1', challenge: 'A'.repeat(43), aud: 'https://pki.test.example/oidc' };

async function citizen() {
  const node = await makeTestNode();
  try {
    return (await enrolCitizen(node, 'a', PERSON_A)).wallet;
  } finally {
    await node.close();
  }
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

test('a signed challenge verifies and carries the certificate chain', async () => {
  const w = await citizen();
  const auth = w.keys.authentication;
  const jws = signWalletChallenge(C, auth.privateKey, auth.certificate!, w.caCertificates, new Date(0));
  const r = parseWalletResponse(jws);
  assert.deepEqual([r.cid, r.challenge, r.aud, r.iat], [C.cid, C.challenge, C.aud, 0]);
  assert.ok(r.certificate.equals(auth.certificate!));
  assert.equal(r.chain.length, 2);
});

test('forged, malformed and hostile responses are refused with stable codes', async () => {
  const w = await citizen();
  const auth = w.keys.authentication;
  const good = signWalletChallenge(C, auth.privateKey, auth.certificate!);
  const [h, p, s] = good.split('.') as [string, string, string];
  const other = signWalletChallenge(C, fixedKey('citizen-b-auth'), auth.certificate!);
  throwsCode(() => parseWalletResponse(other), 'LOGIN_SIGNATURE_INVALID');
  throwsCode(
    () => parseWalletResponse(`${h}.${b64({ ...C, challenge: 'B', iat: 1 })}.${s}`),
    'LOGIN_SIGNATURE_INVALID',
  );
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  for (const bad of [
    { ...header, alg: 'none' },
    { ...header, alg: 'HS256' },
    { ...header, typ: 'JWT' },
    { ...header, crit: ['b64'] },
    { ...header, x5c: [] },
    { ...header, x5c: ['!!'] },
    { ...header, x5c: [Buffer.from('not a certificate').toString('base64')] },
  ]) {
    throwsCode(() => parseWalletResponse(`${b64(bad)}.${p}.${s}`), 'LOGIN_RESPONSE_MALFORMED', undefined);
  }
  for (const bad of ['', 'a.b', 'a.b.c.d', `${h}.${p}.${s}=`, 'x'.repeat(20_000), `${h}.%%%.${s}`])
    throwsCode(() => parseWalletResponse(bad), 'LOGIN_RESPONSE_MALFORMED');
  // A correctly signed payload that is not a JSON object, or lacks fields.
  for (const payload of ['[1]', '"x"', JSON.stringify({ cid: 'a' })]) {
    const input = `${h}.${Buffer.from(payload).toString('base64url')}`;
    const sig = cryptoSign('sha256', Buffer.from(input), { key: auth.privateKey, dsaEncoding: 'ieee-p1363' });
    throwsCode(
      () => parseWalletResponse(`${input}.${sig.toString('base64url')}`),
      'LOGIN_RESPONSE_MALFORMED',
    );
  }
});

test('challenge codes round-trip and junk is refused', () => {
  assert.deepEqual(parseChallengeCode(challengeCode(C)), C);
  for (const bad of ['', 'not base64!', Buffer.from('{"cid":1}').toString('base64url'), 'A'.repeat(5000)])
    throwsCode(() => parseChallengeCode(bad), 'LOGIN_RESPONSE_MALFORMED');
});
