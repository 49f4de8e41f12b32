/**
 * Reads JAdES / JWS signatures (ETSI TS 119 182-1, RFC 7515, RFC 7797) into the format-neutral
 * {@link ExtractedSignature}: compact or flattened JSON serialization, attached, detached
 * (`b64: false`) or with `sigD` (ObjectIdByURIHash), and the etsiU time-stamps and validation data.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { elementAt } from '../../lib/der_reader.js';
import { UsageError } from '../../lib/errors.js';
import type {
  DigestName,
  ExtractedSignature,
  ExtractedTimestamp,
  ExtractOptions,
  Extractor,
  IntegrityResult,
  SigningCertificateReference,
} from '../model.js';
import { readAll } from '../../lib/document_source.js';
import { SIGNATURE_OIDS, verifySignatureWith } from '../algorithm_names.js';
import type { SignatureAlgorithmInfo } from '../algorithm_names.js';
import { ocspResponseOfBasic } from '../cades/attributes.js';
import { jwsSigningInput, sigTstImprintInput } from './parse.js';
import { readJwsEntries } from './read.js';
import type { ParsedJades } from './parse.js';
import { arcTstImprintInput } from './lta.js';
import { baselineBProblem } from './baseline.js';
import { readCounterSignature } from './counter_signature.js';
import { unreadable } from '../unreadable.js';
import type { DetachedObject } from './sig_d.js';

const MAX_JWS_BYTES = 64 * 1024 * 1024;
const OBJECT_ID_BY_URI_HASH = 'http://uri.etsi.org/19182/ObjectIdByURIHash';

/** JWS `alg` values (RFC 7518 §3.1, RFC 8037) with their policy name and hash. */
const JWS_ALGORITHMS: Readonly<Record<string, { info: SignatureAlgorithmInfo; digest: DigestName }>> = {
  ES256: { info: SIGNATURE_OIDS['1.2.840.10045.4.3.2']!, digest: 'sha256' },
  ES384: { info: SIGNATURE_OIDS['1.2.840.10045.4.3.3']!, digest: 'sha384' },
  ES512: { info: SIGNATURE_OIDS['1.2.840.10045.4.3.4']!, digest: 'sha512' },
  RS256: { info: SIGNATURE_OIDS['1.2.840.113549.1.1.11']!, digest: 'sha256' },
  RS384: { info: SIGNATURE_OIDS['1.2.840.113549.1.1.12']!, digest: 'sha384' },
  RS512: { info: SIGNATURE_OIDS['1.2.840.113549.1.1.13']!, digest: 'sha512' },
  PS256: { info: SIGNATURE_OIDS['1.2.840.113549.1.1.10']!, digest: 'sha256' },
  PS384: { info: SIGNATURE_OIDS['1.2.840.113549.1.1.10']!, digest: 'sha384' },
  PS512: { info: SIGNATURE_OIDS['1.2.840.113549.1.1.10']!, digest: 'sha512' },
  EdDSA: { info: SIGNATURE_OIDS['1.3.101.112']!, digest: 'sha512' },
};

/** Header parameters processed here when critical (RFC 7515 §4.1.11; TS 119 182-1 §5.1.x). */
const UNDERSTOOD_CRITICAL = new Set([
  'sigT',
  'b64',
  'sigD',
  'x5t#o',
  'sigX5ts',
  'srCms',
  'srAts',
  'sigPl',
  'sigPId',
  'adoTst',
]);
const HASH_NAMES: Readonly<Record<string, DigestName>> = { S256: 'sha256', S384: 'sha384', S512: 'sha512' };

function critProblem(header: Record<string, unknown>): string | undefined {
  const crit = header['crit'];
  if (crit === undefined)
    return header['b64'] === false ? 'b64: false must be critical (RFC 7797 §6)' : undefined;
  if (!Array.isArray(crit) || crit.length === 0) return 'crit is not a non-empty array';
  const unknown = crit.find((n) => typeof n !== 'string' || !UNDERSTOOD_CRITICAL.has(n) || !(n in header));
  return unknown === undefined ? undefined : `critical header ${String(unknown)} is not understood or absent`;
}

function etsiU(p: ParsedJades): Record<string, unknown>[] {
  const list = p.unprotectedHeader?.['etsiU'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((e): Record<string, unknown>[] => {
    try {
      const v: unknown = typeof e === 'string' ? JSON.parse(Buffer.from(e, 'base64url').toString('utf8')) : e;
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? [v as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

/** A base64 value written as a string or as `{ val }` (TS 119 182-1 §5.3.5: pkiOb objects). */
function valOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  const val = typeof x === 'object' && x !== null ? (x as Record<string, unknown>)['val'] : undefined;
  return typeof val === 'string' ? val : undefined;
}

function b64Values(list: unknown, key?: string): Buffer[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((x: unknown) =>
      valOf(key && typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[key] : x),
    )
    .filter((x): x is string => x !== undefined)
    .map((s) => Buffer.from(s, 'base64'));
}

/** The detached document(s) in the form the arcTst imprint takes. */
function detachedFor(o: ExtractOptions): Buffer | DetachedObject[] | undefined {
  const docs = o.detached ?? [];
  if (docs.length === 0) return undefined;
  if (docs.length === 1 && !docs[0]!.name) return docs[0]!.bytes;
  return docs.map((d, i) => ({ uri: d.name ?? `document-${i + 1}`, content: d.bytes }));
}

/** OCSPResponse or BasicOCSPResponse: the first is a SEQUENCE starting with an ENUMERATED. */
function asOcspResponse(der: Buffer): Buffer {
  try {
    return der[elementAt(der, 0).start] === 0x0a ? der : ocspResponseOfBasic(der);
  } catch {
    return der;
  }
}

function signingReference(h: Record<string, unknown>): SigningCertificateReference | undefined {
  const s256 = h['x5t#S256'];
  if (typeof s256 === 'string') return { digestAlgorithm: 'sha256', digest: Buffer.from(s256, 'base64url') };
  // TS 119 182-1 §5.2.2.2: x5t#o, the digest of the signing certificate with another algorithm.
  const o = h['x5t#o'] as { digAlg?: unknown; digVal?: unknown } | undefined;
  const hash = typeof o === 'object' && o !== null ? HASH_NAMES[String(o.digAlg)] : undefined;
  if (hash && typeof o?.digVal === 'string')
    return { digestAlgorithm: hash, digest: Buffer.from(o.digVal, 'base64url') };
  return undefined;
}

interface Payload {
  signingPayload?: Buffer;
  integrity: IntegrityResult;
}

function sigDPayload(h: Record<string, unknown>, o: ExtractOptions): Payload {
  const raw = h['sigD'];
  const sigD = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    mId?: unknown;
    pars?: unknown;
    hashM?: unknown;
    hashV?: unknown;
  };
  if (sigD.mId !== OBJECT_ID_BY_URI_HASH || !Array.isArray(sigD.pars) || !Array.isArray(sigD.hashV))
    return {
      integrity: { status: 'not-found', detail: `sigD mechanism ${String(sigD.mId)} is not supported` },
    };
  const hash = HASH_NAMES[String(sigD.hashM)];
  if (!hash)
    return {
      // The JWS signing input of a sigD signature has an empty payload whatever the digests.
      signingPayload: Buffer.alloc(0),
      integrity: { status: 'not-found', detail: `sigD hashM ${String(sigD.hashM)} is not supported` },
    };
  const docs = o.detached ?? [];
  for (const [i, name] of (sigD.pars as unknown[]).entries()) {
    const doc = docs.find((d) => d.name === name) ?? (docs.length === sigD.pars.length ? docs[i] : undefined);
    if (!doc)
      return {
        signingPayload: Buffer.alloc(0),
        integrity: { status: 'not-found', detail: `detached object ${String(name)} was not given` },
      };
    // TS 119 182-1 5.2.8.3.3: the digest is over the base64url-encoded object unless b64 is false.
    const octets = h['b64'] === false ? doc.bytes : Buffer.from(doc.bytes.toString('base64url'), 'ascii');
    const digest = createHash(hash).update(octets).digest('base64url');
    if (digest !== sigD.hashV[i])
      return {
        signingPayload: Buffer.alloc(0),
        integrity: { status: 'hash-failure', detail: `the digest of ${String(name)} does not match sigD` },
      };
  }
  return { signingPayload: Buffer.alloc(0), integrity: { status: 'intact' } };
}

function payloadOf(p: ParsedJades, o: ExtractOptions): Payload {
  if (p.protectedHeader['sigD'] !== undefined) return sigDPayload(p.protectedHeader, o);
  const payload = p.payload ?? o.detached?.[0]?.bytes;
  if (!payload)
    return {
      integrity: { status: 'not-found', detail: 'the JWS is detached and its payload was not given' },
    };
  // The JWS signature covers the payload directly: a change shows as SIG_CRYPTO_FAILURE.
  return { signingPayload: payload, integrity: { status: 'intact' } };
}

function timestampsOf(
  p: ParsedJades,
  units: Record<string, unknown>[],
  detached: Buffer | DetachedObject[] | undefined,
): ExtractedTimestamp[] {
  const tokens = (e: unknown): Buffer[] =>
    b64Values((e as { tstTokens?: unknown } | undefined)?.tstTokens, 'val');
  const out: ExtractedTimestamp[] = [];
  let arc = 0;
  for (const u of units) {
    for (const token of tokens(u['sigTst']))
      out.push({
        type: 'signature',
        token,
        coveredDigest: (h) =>
          Promise.resolve(createHash(h).update(sigTstImprintInput(p.signatureB64)).digest()),
      });
    if (u['arcTst'] === undefined) continue;
    // TS 119 182-1 §5.3.6: over the signed data, the header, the signature and the etsiU before it.
    const k = arc++;
    for (const token of tokens(u['arcTst']))
      out.push({
        type: 'archive',
        token,
        coveredDigest: (h) =>
          Promise.resolve(
            createHash(h)
              .update(arcTstImprintInput(p, k, detached))
              .digest(),
          ),
      });
  }
  return out;
}

/** What a counter-signature adds: its parent and the payload it signs (TS 119 182-1 §5.3.2). */
interface CounterOf {
  parentId: string;
  payload: Payload;
}

function levelOf(p: ParsedJades, units: Record<string, unknown>[], counter: boolean, warnings: string[]) {
  const problem = baselineBProblem({
    protectedHeader: p.protectedHeader,
    ...(p.unprotectedHeader ? { unprotectedHeader: p.unprotectedHeader } : {}),
    etsiUNames: units.flatMap((u) => Object.keys(u)),
    counterSignature: counter,
  });
  if (problem) {
    warnings.push(`not a JAdES baseline signature (TS 119 182-1 §6.3): ${problem}`);
    return 'NOT-ETSI';
  }
  return units.some((u) => u['arcTst'])
    ? 'B-LTA'
    : units.some((u) => u['rVals'] !== undefined)
      ? 'B-LT'
      : units.some((u) => u['sigTst'])
        ? 'B-T'
        : 'B-B';
}

function signatureOf(
  p: ParsedJades,
  o: ExtractOptions,
  id: string,
  entryWarnings: string[],
  counter?: CounterOf,
): ExtractedSignature {
  const h = p.protectedHeader;
  const warnings = [...entryWarnings];
  const alg = JWS_ALGORITHMS[String(h['alg'])];
  const problems = [critProblem(h), alg ? undefined : `unsupported alg ${String(h['alg'])}`].filter(
    (x): x is string => x !== undefined,
  );
  const units = etsiU(p);
  const payload = counter?.payload ?? payloadOf(p, o);
  const ref = signingReference(h);
  const sigT = typeof h['sigT'] === 'string' ? new Date(h['sigT']) : undefined;
  const level = levelOf(p, units, counter !== undefined, warnings);
  const rVals = units
    .map((u) => u['rVals'] as { crlVals?: unknown; ocspVals?: unknown } | undefined)
    .filter((r) => r !== undefined);
  return {
    id,
    format: 'JAdES',
    level,
    ...(counter ? { counterSignatureOf: counter.parentId } : {}),
    ...(problems.length ? { formatFailure: problems.join('; ') } : {}),
    certificates: [...p.certificates, ...units.flatMap((u) => b64Values(u['xVals'], 'x509Cert'))],
    namesSigner: (cert) =>
      (p.certificates[0]?.equals(cert) ?? false) ||
      (ref !== undefined && createHash('sha256').update(cert).digest().equals(ref.digest)),
    ...(ref ? { signingCertificateReference: ref } : {}),
    signatureAlgorithm: alg
      ? alg.info.key === 'rsa-pss'
        ? `RSASSA-PSS-${alg.digest}`
        : alg.info.name
      : String(h['alg']),
    digestAlgorithm: alg?.digest ?? 'sha256',
    ...(sigT && !Number.isNaN(sigT.getTime()) ? { claimedSigningTime: sigT } : {}),
    checkIntegrity: () => Promise.resolve(payload.integrity),
    verifySignatureValue: (key: KeyObject) => {
      if (!alg || !payload.signingPayload) return Promise.resolve(false);
      const input = jwsSigningInput(p.protectedB64, payload.signingPayload, p.b64);
      return Promise.resolve(
        verifySignatureWith(alg.info, alg.digest, key, input, p.signature, 'ieee-p1363'),
      );
    },
    timestamps: timestampsOf(p, units, detachedFor(o)),
    crls: rVals.flatMap((r) => b64Values(r.crlVals)),
    ocspResponses: rVals.flatMap((r) => b64Values(r.ocspVals)).map(asOcspResponse),
    ...(warnings.length ? { warnings } : {}),
  };
}

/** A recognisable JWS signature whose structure cannot be read: a FORMAT_FAILURE, nothing to verify. */
function brokenSignature(id: string, reason: string, warnings: string[]): ExtractedSignature {
  return { ...unreadable(id, 'JAdES', reason, reason), ...(warnings.length ? { warnings } : {}) };
}

/**
 * Reads the JAdES signatures of a JWS: one for the compact and flattened JSON serializations, one
 * per entry of `signatures` for the general JSON serialization (S-1, S-2, ...). A signature whose
 * structure is broken is returned with its `formatFailure`.
 *
 * @throws JadesError JADES_MALFORMED for input that is not recognisably a JWS
 * @example
 * ```ts
 * const [sig] = await extractJades(bufferSource(readFileSync('doc.json')), {});
 * ```
 */
export const extractJades: Extractor = async (source, options) => {
  const bytes = await readAll(source, MAX_JWS_BYTES);
  if (!bytes) throw new UsageError('INPUT_TOO_LARGE', `a JWS larger than ${MAX_JWS_BYTES} bytes`);
  return readJwsEntries(bytes.toString('utf8')).flatMap((e, i) =>
    e.parsed
      ? withCounterSignatures(e.parsed, options, `S-${i + 1}`, e.warnings, undefined, 0)
      : [brokenSignature(`S-${i + 1}`, e.formatFailure ?? 'unreadable', e.warnings)],
  );
};

/** Counter-signatures of counter-signatures are read down to this depth. */
const MAX_COUNTER_DEPTH = 4;

/**
 * A signature followed by its counter-signatures (the `cSig` elements of its etsiU, TS 119 182-1
 * §5.3.2), each listed as a signature of its own as DSS lists them: `<parent id>-C<n>`.
 */
function withCounterSignatures(
  p: ParsedJades,
  o: ExtractOptions,
  id: string,
  warnings: string[],
  counter: CounterOf | undefined,
  depth: number,
): ExtractedSignature[] {
  const out = [signatureOf(p, o, id, warnings, counter)];
  if (depth >= MAX_COUNTER_DEPTH) return out;
  const cSigs = etsiU(p).filter((u) => 'cSig' in u);
  for (const [k, u] of cSigs.entries()) {
    const c = readCounterSignature(u['cSig'], p, id);
    const cId = `${id}-C${k + 1}`;
    const payload = { signingPayload: c.signingPayload, integrity: c.integrity };
    if (c.parsed)
      out.push(...withCounterSignatures(c.parsed, o, cId, c.warnings, { parentId: id, payload }, depth + 1));
    else
      out.push({
        ...brokenSignature(cId, c.formatFailure ?? 'unreadable', c.warnings),
        counterSignatureOf: id,
      });
  }
  return out;
}
