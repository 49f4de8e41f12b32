/**
 * Validation with distinct signers (issue 13): N different citizens (default 10,000,
 * BENCH_SIGNERS), each with a fresh P-256 certificate from the eID CA, its own OCSP response and
 * its own JAdES B-B compact signature, validated once each, so that the per-certificate caches
 * (4096 entries) miss for every signer as on a relying party's day. The baseline, in the same run:
 * for each of the same signatures, `crypto.createPublicKey(spki)` + `crypto.verify`, the raw cost of
 * checking a signature from a key not seen before. Beside it, the floor of what a validation
 * cannot avoid for a new signer: that, plus the check of the signer's certificate by the CA and of
 * its OCSP response by the responder (three verifies; the CA and responder keys imported once, as
 * any relying party holds them). Everything is made in the untimed set-up.
 */
import { createPublicKey, generateKeyPairSync, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as DER from '../src/lib/der.js';
import { childrenOf, slice, topElement } from '../src/lib/der_reader.js';
import { latestCrl } from '../src/eid/crl_publisher.js';
import { OID } from '../src/pki/algorithms.js';
import { encodeName, ext, randomSerial, signCertificate } from '../src/pki/certificate_builder.js';
import { buildOcspResponse, toCertId } from '../src/pki/ocsp.js';
import { ocspCertId } from '../src/pki/ocsp_request.js';
import { parseOcspResponse } from '../src/pki/ocsp_response_parser.js';
import { keyObjectSigner } from '../src/signature/key_signer.js';
import { signJades } from '../src/signature/jades/sign.js';
import { bufferSource } from '../src/lib/document_source.js';
import { validateDocument } from '../src/validation/validate_document.js';
import { fmtRate, since } from './common.js';
import type { SummaryRow } from './common.js';
import { setUpValidationFixture } from './validation_fixture.js';
import type { ValidationFixture } from './validation_fixture.js';
import { profileValidation } from './validation_profile.js';

/** Validation of distinct signers: at least half the raw "new key" verify rate. */
const GOAL_RATIO = 0.5;
/** Signers per interleaved block of validations and baseline verifications. */
const BLOCK = 250;
const DOCUMENT = Buffer.from('Purchase order 2026-118: one red bicycle, 120 EUR\n'.repeat(8));

/** Signers validated under the profiler (BENCH_PROFILE=all or distinct), beside the measured ones. */
const PROFILE_SIGNERS = 2000;

/** A signed message: what `crypto.verify` takes (DER ECDSA signature). */
interface Signed {
  data: Buffer;
  signature: Buffer;
}

/** One signer's signature with what validating it needs. */
interface DistinctSignature {
  jws: Buffer;
  ocsp: Buffer;
  /** For the baseline: the key, the JWS signing input and the P1363 signature. */
  spki: Buffer;
  input: Buffer;
  signature: Buffer;
  /** For the floor: the certificate's TBSCertificate and the OCSP response's ResponseData, signed. */
  certificate: Signed;
  response: Signed;
}

/** The keys of the floor that are the same for every signer: the eID CA's and the responder's. */
interface IssuerKeys {
  ca: KeyObject;
  responder: KeyObject;
}

/** How many signers (BENCH_SIGNERS, default 10,000). */
export function signerCount(): number {
  const n = Number(process.env.BENCH_SIGNERS ?? 10_000);
  return Number.isInteger(n) && n > 0 ? n : 10_000;
}

/**
 * One signer made afresh: key, certificate from the eID CA, OCSP response, JAdES B-B signature.
 *
 * @example `const s = await makeSignature(f, 0, f.node.clock())`
 */
export async function makeSignature(f: ValidationFixture, i: number, at: Date): Promise<DistinctSignature> {
  const { node } = f;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ca = node.eidCa;
  const serial = randomSerial();
  const der = await signCertificate(
    {
      serial,
      issuer: ca.certificate.subjectDer,
      subject: encodeName([{ type: OID.commonName, value: `Distinct Signer ${i}` }]),
      notBefore: new Date(at.getTime() - 86_400_000),
      notAfter: new Date(at.getTime() + 365 * 86_400_000),
      spki,
      extensions: [
        ext.keyUsage(['digitalSignature', 'nonRepudiation']),
        ext.subjectKeyIdentifier(spki),
        ext.authorityKeyIdentifier(ca.certificate.spki),
      ],
    },
    ca.signer,
  );
  const ocsp = await buildOcspResponse({
    signer: node.ocsp.signer,
    responderCertificate: node.ocsp.certificate.der,
    producedAt: at,
    answers: [
      {
        certId: toCertId(certIdOf(serial, ca.certificate.der)),
        status: { status: 'good' },
        thisUpdate: at,
        nextUpdate: new Date(at.getTime() + 86_400_000),
      },
    ],
  });
  const jws = await signJades({
    payload: DOCUMENT,
    serialization: 'compact',
    detached: false,
    signer: keyObjectSigner(privateKey),
    signerCertificate: der,
    chain: f.chain,
    signingTime: at,
    level: 'B-B',
  });
  const [h, p, s] = jws.split('.') as [string, string, string];
  return {
    jws: Buffer.from(jws),
    ocsp,
    spki,
    input: Buffer.from(`${h}.${p}`),
    signature: Buffer.from(s, 'base64url'),
    certificate: signedPartOf(der),
    response: signedPartOf(ocsp),
  };
}

/**
 * The CertID of the eID CA's certificate with `serial`, made without decoding the new
 * certificate: `ocspCertId` would put it in the validator's certificate cache, which a relying
 * party's never holds it in.
 */
function certIdOf(serial: Buffer, caDer: Buffer): Buffer {
  const caId = ocspCertId(caDer, caDer);
  const [alg, nameHash, keyHash] = childrenOf(caId, topElement(caId, 0x30, 'CertID'));
  return DER.seq(slice(caId, alg!), slice(caId, nameHash!), slice(caId, keyHash!), DER.integer(serial));
}

/**
 * TBSCertificate and signature of a certificate read with the DER walker, or ResponseData and
 * signature of an OCSP response with its parser: neither touches a cache of the validator.
 */
function signedPartOf(der: Buffer): Signed {
  const top = topElement(der, 0x30, 'Certificate');
  const [first, , bits] = childrenOf(der, top);
  if (first?.tag === 0x30 && bits?.tag === 0x03) {
    return {
      data: Buffer.from(slice(der, first)),
      signature: Buffer.from(der.subarray(bits.start + 1, bits.end)),
    };
  }
  const r = parseOcspResponse(der);
  if (!r.tbsResponseData || !r.signature) throw new Error('set-up: an OCSP response without a signature');
  return { data: r.tbsResponseData, signature: r.signature };
}

function verifyOrThrow(key: KeyObject, m: Signed, what: string): void {
  if (!cryptoVerify('sha256', m.data, key, m.signature)) throw new Error(`floor: a ${what} does not verify`);
}

/** The three verifies a validation of a new signer cannot avoid, the signer's key imported each time. */
function floorRate(sigs: readonly DistinctSignature[], keys: IssuerKeys): number {
  const t0 = performance.now();
  for (const s of sigs) {
    const key = createPublicKey({ key: s.spki, format: 'der', type: 'spki' });
    if (!cryptoVerify('sha256', s.input, { key, dsaEncoding: 'ieee-p1363' }, s.signature))
      throw new Error('floor: a signature does not verify');
    verifyOrThrow(keys.ca, s.certificate, 'certificate');
    verifyOrThrow(keys.responder, s.response, 'OCSP response');
  }
  return sigs.length / since(t0);
}

function baselineRate(sigs: readonly DistinctSignature[]): number {
  const t0 = performance.now();
  for (const s of sigs) {
    const key = createPublicKey({ key: s.spki, format: 'der', type: 'spki' });
    if (!cryptoVerify('sha256', s.input, { key, dsaEncoding: 'ieee-p1363' }, s.signature))
      throw new Error('baseline: a signature does not verify');
  }
  return sigs.length / since(t0);
}

async function validateOne(
  s: DistinctSignature,
  f: ValidationFixture,
  time: Date,
  crls: Buffer[],
): Promise<void> {
  const report = await validateDocument(bufferSource(s.jws), {
    anchors: [f.root],
    time,
    ocspResponses: [s.ocsp],
    crls,
  });
  const r = report.signatures[0];
  if (r?.indication !== 'TOTAL-PASSED')
    throw new Error(
      `distinct signer: ${r?.indication}/${r?.subIndication ?? '-'} ${r?.checks.at(-1)?.detail ?? ''}`,
    );
}

async function validationRate(
  sigs: readonly DistinctSignature[],
  f: ValidationFixture,
  time: Date,
  crls: Buffer[],
): Promise<number> {
  const t0 = performance.now();
  for (const s of sigs) await validateOne(s, f, time, crls);
  return sigs.length / since(t0);
}

/** BENCH_PROFILE=all|distinct: a CPU profile of validations of signers not seen before. */
async function profileDistinct(f: ValidationFixture, at: Date, time: Date, crls: Buffer[]): Promise<void> {
  if (process.env.BENCH_PROFILE !== 'all' && process.env.BENCH_PROFILE !== 'distinct') return;
  const pool: DistinctSignature[] = [];
  for (let i = 0; i < PROFILE_SIGNERS; i++) pool.push(await makeSignature(f, 2 * signerCount() + i, at));
  let next = 0;
  const lines = await profileValidation('JAdES B-B, distinct signers', async () => {
    const s = pool[next++];
    if (!s) throw new Error(`profile: more than ${PROFILE_SIGNERS} validations; lower BENCH_SECONDS`);
    await validateOne(s, f, time, crls);
  });
  for (const line of lines) console.log(`  ${line}`);
}

/**
 * Runs the distinct-signers row: set-up (untimed), the validation pass, the baseline pass.
 *
 * @param f - the validation fixture (its eID CA issues the signers, its responder signs OCSP)
 * @param rows - the summary
 * @example `BENCH_SIGNERS=1000 node dist/bench/run.js validation`
 */
export async function runDistinctSignersBench(f: ValidationFixture, rows: SummaryRow[]): Promise<void> {
  const n = signerCount();
  const at = f.node.clock();
  const t0 = performance.now();
  const sigs: DistinctSignature[] = [];
  for (let i = 0; i < n; i++) sigs.push(await makeSignature(f, i, at));
  console.log(
    `  set-up: ${n} signers (P-256 key, certificate, OCSP response, JAdES B-B) in ${since(t0).toFixed(1)} s`,
  );
  const time = new Date(at.getTime() + 1000);
  // The eID CA's status: the root's CRL, as a relying party holds it for the day.
  const rootCrl = await latestCrl(f.node.store, 'root');
  if (!rootCrl) throw new Error('the node has no root CRL');
  const crls = [rootCrl.der];
  const keys: IssuerKeys = {
    ca: createPublicKey({ key: f.node.eidCa.certificate.spki, format: 'der', type: 'spki' }),
    responder: createPublicKey({ key: f.node.ocsp.certificate.spki, format: 'der', type: 'spki' }),
  };
  // Warm the code paths (not the caches) on signers that are not measured.
  const warm = await Promise.all(Array.from({ length: 20 }, (_, i) => makeSignature(f, n + i, at)));
  await validationRate(warm, f, time, crls);
  baselineRate(warm);
  floorRate(warm, keys);
  // Interleaved in blocks, so that a change in the machine's load touches all three alike.
  let validationSeconds = 0;
  let rawSeconds = 0;
  let floorSeconds = 0;
  for (let i = 0; i < n; i += BLOCK) {
    const block = sigs.slice(i, i + BLOCK);
    // The order turns from block to block: what runs right after the validations pays their
    // garbage collection.
    const passes = [
      async () => (validationSeconds += block.length / (await validationRate(block, f, time, crls))),
      async () => (rawSeconds += block.length / baselineRate(block)),
      async () => (floorSeconds += block.length / floorRate(block, keys)),
    ];
    for (let k = 0; k < passes.length; k++) await passes[(i / BLOCK + k) % passes.length]!();
  }
  const validation = n / validationSeconds;
  const raw = n / rawSeconds;
  const floor = n / floorSeconds;
  const ratio = validation / raw;
  const text =
    `validation (JAdES B-B, ${n} distinct signers, OCSP given, cold caches, seq): ${fmtRate(validation)}   ` +
    `raw createPublicKey(spki) + crypto.verify ${fmtRate(raw)}   ratio ${ratio.toFixed(3)} ` +
    `(goal ≥ ${GOAL_RATIO.toFixed(2)}) ${ratio >= GOAL_RATIO ? 'MET' : 'MISSED'}   ` +
    `[vs the three-verify floor (signature, certificate, OCSP response) ${fmtRate(floor)}: ${(validation / floor).toFixed(3)}]`;
  console.log(`  ${text}`);
  rows.push({ text });
  await profileDistinct(f, at, time, crls);
}

/**
 * The distinct-signers row alone, on a fixture of its own: `node dist/bench/run.js validation-distinct`.
 *
 * @param rows - the summary
 * @example `BENCH_SIGNERS=1000 BENCH_PROFILE=distinct node dist/bench/run.js validation-distinct`
 */
export async function runDistinctSignersOnly(rows: SummaryRow[]): Promise<void> {
  console.log(`\n== validation, distinct signers (sequential on one thread)`);
  const f = await setUpValidationFixture();
  try {
    await runDistinctSignersBench(f, rows);
  } finally {
    await f.close();
  }
}
