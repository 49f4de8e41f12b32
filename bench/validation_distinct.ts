/**
 * Validation with distinct signers (issue 13): N different citizens (default 10,000,
 * BENCH_SIGNERS), each with a fresh P-256 certificate from the eID CA, its own OCSP response and
 * its own JAdES B-B compact signature, validated once each, so that the per-certificate caches
 * (4096 entries) miss for every signer as on a relying party's day. The baseline, in the same run:
 * for each of the same signatures, `crypto.createPublicKey(spki)` + `crypto.verify`, the raw cost of
 * checking a signature from a key not seen before. Everything is made in the untimed set-up.
 */
import { createPublicKey, generateKeyPairSync, verify as cryptoVerify } from 'node:crypto';
import { latestCrl } from '../src/eid/crl_publisher.js';
import { OID } from '../src/pki/algorithms.js';
import { encodeName, ext, randomSerial, signCertificate } from '../src/pki/certificate_builder.js';
import { buildOcspResponse, toCertId } from '../src/pki/ocsp.js';
import { ocspCertId } from '../src/pki/ocsp_request.js';
import { keyObjectSigner } from '../src/signature/key_signer.js';
import { signJades } from '../src/signature/jades/sign.js';
import { bufferSource } from '../src/lib/document_source.js';
import { validateDocument } from '../src/validation/validate_document.js';
import { fmtRate, since } from './common.js';
import type { SummaryRow } from './common.js';
import type { ValidationFixture } from './validation_fixture.js';

/** Validation of distinct signers: at least half the raw "new key" verify rate. */
const GOAL_RATIO = 0.5;
/** Signers per interleaved block of validations and baseline verifications. */
const BLOCK = 250;
const DOCUMENT = Buffer.from('Purchase order 2026-118: one red bicycle, 120 EUR\n'.repeat(8));

/** One signer's signature with what validating it needs. */
interface DistinctSignature {
  jws: Buffer;
  ocsp: Buffer;
  /** For the baseline: the key, the JWS signing input and the P1363 signature. */
  spki: Buffer;
  input: Buffer;
  signature: Buffer;
}

/** How many signers (BENCH_SIGNERS, default 10,000). */
export function signerCount(): number {
  const n = Number(process.env.BENCH_SIGNERS ?? 10_000);
  return Number.isInteger(n) && n > 0 ? n : 10_000;
}

async function makeSignature(f: ValidationFixture, i: number, at: Date): Promise<DistinctSignature> {
  const { node } = f;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ca = node.eidCa;
  const der = await signCertificate(
    {
      serial: randomSerial(),
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
        certId: toCertId(ocspCertId(der, ca.certificate.der)),
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
  };
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

async function validationRate(
  sigs: readonly DistinctSignature[],
  f: ValidationFixture,
  time: Date,
  crls: Buffer[],
): Promise<number> {
  const t0 = performance.now();
  for (const s of sigs) {
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
  return sigs.length / since(t0);
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
  // Warm the code paths (not the caches) on signers that are not measured.
  const warm = await Promise.all(Array.from({ length: 20 }, (_, i) => makeSignature(f, n + i, at)));
  await validationRate(warm, f, time, crls);
  baselineRate(warm);
  // Interleaved in blocks, so that a change in the machine's load touches both sides alike.
  let validationSeconds = 0;
  let rawSeconds = 0;
  for (let i = 0; i < n; i += BLOCK) {
    const block = sigs.slice(i, i + BLOCK);
    validationSeconds += block.length / (await validationRate(block, f, time, crls));
    rawSeconds += block.length / baselineRate(block);
  }
  const validation = n / validationSeconds;
  const raw = n / rawSeconds;
  const ratio = validation / raw;
  const text =
    `validation (JAdES B-B, ${n} distinct signers, OCSP given, cold caches, seq): ${fmtRate(validation)}   ` +
    `raw createPublicKey(spki) + crypto.verify ${fmtRate(raw)}   ratio ${ratio.toFixed(3)} ` +
    `(goal ≥ ${GOAL_RATIO.toFixed(2)}) ${ratio >= GOAL_RATIO ? 'MET' : 'MISSED'}`;
  console.log(`  ${text}`);
  rows.push({ text });
}
