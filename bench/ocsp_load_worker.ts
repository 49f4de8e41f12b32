/**
 * OCSP load generator, run as a separate process (`child_process.fork` of the compiled file) so
 * that the server under test has its own event loop. Receives one {@link LoadJob} over IPC,
 * keeps `inflight` POSTs in flight on a keep-alive agent for `seconds` after a warm-up, checks
 * every response (status, content type) and decodes a sample, and replies with a
 * {@link LoadResult}.
 */
import { X509Certificate, randomBytes, verify as cryptoVerify } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseOcspResponse } from '../src/pki/ocsp_response_parser.js';
import { ocspRequestDer } from './ocsp_requests.js';

/** What the parent asks for. */
export interface LoadJob {
  url: string;
  /** `cached`: prebuilt requests without nonce; `nonce`: a fresh nonce per request; `plain`: HTTP ceiling. */
  mode: 'cached' | 'nonce' | 'plain';
  /** CertID DER (hex) per serial, and the serials (hex) they name. */
  certIds: string[];
  serials: string[];
  seconds: number;
  warmupSeconds: number;
  inflight: number;
  maxSockets: number;
}

/** What the worker reports. */
export interface LoadResult {
  count: number;
  errors: number;
  errorSamples: string[];
  seconds: number;
  /** Time the first pass over every serial took (cached mode: fills the responder cache). */
  fillSeconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses decoded and checked (serial, status good, nonce echo, signature). */
  checked: number;
  checkFailures: string[];
}

const SAMPLE_EVERY = 499;
const MAX_SAMPLES = 64;

interface Sample {
  body: Buffer;
  serial: string;
  nonce?: Buffer;
}

function post(
  agent: http.Agent,
  url: URL,
  body: Buffer,
): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function checkSample(s: Sample, mode: LoadJob['mode']): string | undefined {
  const r = parseOcspResponse(s.body);
  if (r.status !== 'successful') return `status ${r.status}`;
  const a = r.answers[0];
  if (r.answers.length !== 1 || !a) return `${r.answers.length} answers`;
  if (a.serial !== s.serial) return `answer for serial ${a.serial}, asked ${s.serial}`;
  if (a.status.status !== 'good') return `serial ${s.serial} is ${a.status.status}`;
  if (mode === 'nonce' && !(r.nonce && s.nonce && r.nonce.subarray(-s.nonce.length).equals(s.nonce)))
    return 'nonce not echoed';
  if (mode === 'cached' && r.nonce) return 'nonce in a no-nonce response';
  const responder = r.certificates[0];
  if (!responder || !r.tbsResponseData || !r.signature) return 'no responder certificate or signature';
  const key = new X509Certificate(responder).publicKey;
  if (!cryptoVerify('sha256', r.tbsResponseData, { key, dsaEncoding: 'der' }, r.signature))
    return 'signature does not verify with the responder certificate';
  return undefined;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.maxSockets });
  const certIds = job.certIds.map((h) => Buffer.from(h, 'hex'));
  const prebuilt = certIds.map((c) => ocspRequestDer(c));
  const wantType = job.mode === 'plain' ? 'application/octet-stream' : 'application/ocsp-response';
  let next = 0;
  let count = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const latencies: number[] = [];
  const samples: Sample[] = [];
  const fail = (what: string): void => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(what);
  };
  const phase = async (seconds: number, measure: boolean, limit = Infinity): Promise<number> => {
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    const stop = next + limit;
    const lane = async (): Promise<void> => {
      while (performance.now() < end && next < stop) {
        const k = next++ % certIds.length;
        const nonce = job.mode === 'nonce' ? randomBytes(16) : undefined;
        const body = nonce ? ocspRequestDer(certIds[k]!, nonce) : prebuilt[k]!;
        const s0 = performance.now();
        try {
          const res = await post(agent, url, body);
          if (!measure) continue;
          latencies.push(performance.now() - s0);
          count++;
          if (res.status !== 200) fail(`HTTP ${res.status}`);
          else if (res.type !== wantType) fail(`content-type ${res.type}`);
          else if (job.mode !== 'plain' && count % SAMPLE_EVERY === 1 && samples.length < MAX_SAMPLES)
            samples.push({ body: res.body, serial: job.serials[k]!, ...(nonce ? { nonce } : {}) });
        } catch (e) {
          if (measure) fail((e as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: job.inflight }, lane));
    return (performance.now() - t0) / 1000;
  };
  // RFC 5019 steady state: every serial asked once (the responder signs and caches each answer).
  const fillSeconds = job.mode === 'cached' ? await phase(600, false, certIds.length) : 0;
  await phase(job.warmupSeconds, false);
  const seconds = await phase(job.seconds, true);
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const checkFailures: string[] = [];
  for (const s of samples) {
    let problem: string | undefined;
    try {
      problem = checkSample(s, job.mode);
    } catch (e) {
      problem = `undecodable response: ${(e as Error).message}`;
    }
    if (problem && checkFailures.length < 5) checkFailures.push(problem);
  }
  return {
    count,
    errors,
    errorSamples,
    seconds,
    fillSeconds,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    checked: samples.length,
    checkFailures,
  };
}

process.once('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ ok: true, result }, () => process.disconnect()),
    (e: unknown) =>
      process.send?.({ ok: false, error: String((e as Error)?.stack ?? e) }, () => process.disconnect()),
  );
});
