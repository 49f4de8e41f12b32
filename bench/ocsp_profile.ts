/**
 * One-off profile of the OCSP responder without HTTP: `OcspService.respond` in-process (cached
 * and nonce requests) and the per-call cost of the steps it takes, so the load figures can be
 * split into responder work and HTTP/Fastify work.
 */
import { X509Certificate, createPublicKey, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NodeContext } from '../src/node/context.js';
import { ocspServiceOf } from '../src/node/ocsp_service.js';
import { buildOcspResponse, certIdMatches, parseOcspRequest } from '../src/pki/ocsp.js';
import { ENV, fmtRate, fmtUs, rateSync } from './common.js';
import { ocspRequestDer } from './ocsp_requests.js';

async function asyncRate(seconds: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let n = 0;
  while (performance.now() < end) await fn(n++);
  return n / ((performance.now() - t0) / 1000);
}

/**
 * Times the responder in-process on `certIds` (CertID DER of the node's eID certificates) and
 * returns report lines.
 */
export async function profileOcsp(node: NodeContext, certIds: Buffer[], label: string): Promise<string[]> {
  const secs = Math.max(0.3, ENV.seconds / 5);
  const ocsp = ocspServiceOf(node);
  const requests = certIds.map((c) => ocspRequestDer(c));
  for (const r of requests) await ocsp.respond(r); // fill the cache
  const cached = await asyncRate(secs, (i) => ocsp.respond(requests[i % requests.length]!));
  const nonce = await asyncRate(secs, (i) =>
    ocsp.respond(ocspRequestDer(certIds[i % certIds.length]!, randomBytes(16))),
  );
  const perCall = (fn: (i: number) => void): number => 1000 / rateSync(secs, fn, 8);
  const parsed = requests.slice(0, 64).map((r) => parseOcspRequest(r).certIds[0]!);
  const ca = node.eidCa.certificate;
  const parseMs = perCall((i) => parseOcspRequest(requests[i % requests.length]!));
  const matchMs = perCall((i) => certIdMatches(parsed[i % 64]!, ca.subjectDer, ca.spki));
  const statusMs =
    1000 /
    (await asyncRate(secs, (i) =>
      node.store.db
        .selectFrom('certificate')
        .select(['status', 'status_changed_at', 'revocation_reason'])
        .where('serial', '=', parsed[i % 64]!.serial)
        .where('issuer_ca', '=', 'eid-ca')
        .executeTakeFirst(),
    ));
  const responder = node.ocsp;
  const checkMs = perCall(() => {
    const certKey = new X509Certificate(responder.certificate.der).publicKey;
    certKey.equals(createPublicKey({ key: responder.signer.spki, format: 'der', type: 'spki' }));
  });
  const now = new Date();
  const buildMs =
    1000 /
    (await asyncRate(secs, (i) =>
      buildOcspResponse({
        signer: responder.signer,
        responderCertificate: responder.certificate.der,
        producedAt: now,
        answers: [{ certId: parsed[i % 64]!, status: { status: 'good' }, thisUpdate: now, nextUpdate: now }],
      }),
    ));
  const signMs = perCall(() => void responder.signer.sign(requests[0]!));
  return [
    `ocsp responder in-process (${label}, no HTTP): respond() cached ${fmtRate(cached)}, ` +
      `with nonce ${fmtRate(nonce)}`,
    `  per call: parseOcspRequest ${fmtUs(parseMs)}; certIdMatches (authority check) ${fmtUs(matchMs)}; ` +
      `status query (Kysely) ${fmtUs(statusMs)}`,
    `  per call: buildOcspResponse ${fmtUs(buildMs)} = checkResponderCertificate ` +
      `(X509Certificate + createPublicKey) ≈ ${fmtUs(checkMs)} + ECDSA sign ${fmtUs(signMs)} + DER`,
  ];
}
