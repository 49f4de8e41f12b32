/**
 * One-off profile of `issueCertificates`: the same steps, in the same order, timed one by one
 * (CSR checks, person lookup, certificate build, ECDSA signature, parseCertificate, the store
 * transaction), plus per-call costs of the primitives they are made of.
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { EidContext } from '../src/eid/context.js';
import { issueCertificates, proveCsrPair } from '../src/eid/issuance.js';
import type { CsrPair } from '../src/eid/issuance.js';
import { readHeader } from '../src/lib/der.js';
import { pemOrDer } from '../src/lib/pem.js';
import { curveOfSpki } from '../src/pki/algorithms.js';
import { parseCertificate } from '../src/x509/certificate_info.js';
import { nameToString } from '../src/x509/name_string.js';
import { verifyCsr } from '../src/pki/csr.js';
import type { Signer } from '../src/pki/key_store.js';
import { ENV, fmtUs, rateSync } from './common.js';

const PHASES = [
  'CSR pair check (proveCsrPair: 2 × verifyCsr)',
  'certificate ECDSA sign (eID CA key) ×2',
  'the rest: person read + lock, certificate build, store transaction',
] as const;

/**
 * Issues to `ids` one by one with the real `issueCertificates` (its signer timed) and times the
 * CSR checks alone beside it, so the rest (register read and lock, DER building, the store
 * transaction) is what remains. Returns report lines with mean times per issuance.
 */
export async function profileIssuance(
  ctx: EidContext,
  ids: string[],
  pool: CsrPair[],
  label: string,
): Promise<string[]> {
  const t = new Array<number>(PHASES.length).fill(0);
  let signMs = 0;
  const base = ctx.eidCa.signer;
  const signer: Signer = {
    ...base,
    sign: async (d) => {
      const s0 = performance.now();
      const sig = await base.sign(d);
      signMs += performance.now() - s0;
      return sig;
    },
  };
  const timed: EidContext = { ...ctx, eidCa: { ...ctx.eidCa, signer } };
  let totalMs = 0;
  for (let i = 0; i < ids.length; i++) {
    const p0 = performance.now();
    proveCsrPair(pool[i]!);
    const p1 = performance.now();
    await issueCertificates(timed, ids[i]!, pool[i]!, 'bench');
    const p2 = performance.now();
    t[0]! += p1 - p0;
    totalMs += p2 - p1;
  }
  t[1] = signMs;
  t[2] = totalMs - t[0]! - signMs;
  const n = ids.length;
  const total = t.reduce((a, b) => a + b, 0) / n;
  const lines = [`profile (${label}, ${n} sequential issuances, mean per issuance):`];
  PHASES.forEach((name, i) => {
    const ms = t[i]! / n;
    lines.push(
      `  ${name.padEnd(70)} ${fmtUs(ms).padStart(10)}  ${((100 * ms) / total).toFixed(0).padStart(3)}%`,
    );
  });
  lines.push(
    `  ${'total'.padEnd(70)} ${fmtUs(total).padStart(10)}  → ${Math.round(1000 / total)}/s single-threaded`,
  );
  return lines;
}

/** Per-call costs of the primitives an issuance is made of (backend-independent). */
export function microProfile(ctx: EidContext, pool: CsrPair[], sampleCert: Buffer): string[] {
  const secs = Math.max(0.2, ENV.seconds / 10);
  const perCall = (fn: (i: number) => void): number => 1000 / rateSync(secs, fn, 8);
  const csrs = pool.slice(0, 64).map((p) => pemOrDer(p.authentication, 'CERTIFICATE REQUEST')!);
  const parts = csrs.map((der) => {
    const outer = readHeader(der, 0);
    const info = readHeader(der, outer.start);
    const spki = (() => {
      const v = readHeader(der, info.start);
      const subj = readHeader(der, v.end);
      const sp = readHeader(der, subj.end);
      return der.subarray(subj.end, sp.end);
    })();
    const alg = readHeader(der, info.end);
    const sig = readHeader(der, alg.end);
    return {
      info: der.subarray(outer.start, info.end),
      spki,
      key: createPublicKey({ key: spki, format: 'der', type: 'spki' }),
      sig: der.subarray(sig.start + 1, sig.end),
    };
  });
  const info = parseCertificate(sampleCert);
  const tbs = sampleCert.subarray(
    readHeader(sampleCert, 0).start,
    readHeader(sampleCert, readHeader(sampleCert, 0).start).end,
  );
  const verifyCsrMs = perCall((i) => verifyCsr(csrs[i % 64]!, ['P-256']));
  const createKeyMs = perCall((i) =>
    createPublicKey({ key: parts[i % 64]!.spki, format: 'der', type: 'spki' }),
  );
  const curveMs = perCall((i) => curveOfSpki(parts[i % 64]!.key));
  const verifyMs = perCall((i) => {
    const p = parts[i % 64]!;
    cryptoVerify('sha256', p.info, { key: p.key, dsaEncoding: 'der' }, p.sig);
  });
  const parseMs = perCall(() => parseCertificate(sampleCert));
  const asnMs = perCall(() => AsnConvert.parse(sampleCert, Certificate));
  const nameMs = perCall(() => nameToString(info.subjectDer));
  // FileKeyStore signs synchronously and returns a settled promise: the loop times the signature.
  const signMs = perCall(() => void ctx.eidCa.signer.sign(tbs));
  return [
    `per call: verifyCsr ${fmtUs(verifyCsrMs)} = createPublicKey(SPKI DER) ${fmtUs(createKeyMs)} + ` +
      `curveOfSpki ${fmtUs(curveMs)} + crypto.verify ${fmtUs(verifyMs)} + DER split/PEM check`,
    `per call: parseCertificate (view of the cached decodeCertificate model) ${fmtUs(parseMs)}, of which nameToString(subject) ${fmtUs(nameMs)}; ` +
      `for comparison AsnConvert.parse(Certificate) ${fmtUs(asnMs)}`,
    `per call: eID CA signer.sign (FileKeyStore, ${tbs.length}-byte TBS) ${fmtUs(signMs)}; ` +
      `citizen certificate ${sampleCert.length} bytes`,
  ];
}
