/**
 * JAdES baseline signatures (ETSI TS 119 182-1 §5, §6): B-B and B-T over one document, in the JWS
 * compact or flattened JSON serialization (RFC 7515 §7), attached or detached (RFC 7797). The core
 * does no I/O: the time-stamping authority is reached through an injected RFC 3161 transport.
 */
import { createHash } from 'node:crypto';
import type { Signer } from '../../pki/key_store.js';
import { requestTimeStamp } from '../../timestamp/client.js';
import type { TsaEndpoint } from '../cades/sign.js';
import { SIG_ERROR, SignatureError } from '../errors.js';
import { JWS_EC_ALGORITHMS, derToP1363, jwsAlgorithmFor } from './ecdsa.js';
import { jwsSigningInput, sigTstImprintInput } from './parse.js';

/** The JWS serializations (RFC 7515 §7.1 compact, §7.2.2 flattened JSON). */
export type JadesSerialization = 'compact' | 'json';

/** The levels {@link signJades} creates. */
export type JadesSignLevel = 'B-B' | 'B-T';

/** Inputs of {@link signJades}. */
export interface JadesSignParams {
  /** The document. */
  payload: Buffer;
  /** Compact (B-B only: it cannot carry the unprotected header) or flattened JSON. */
  serialization: JadesSerialization;
  /** Detached: the JWS leaves the document out and signs it unencoded (RFC 7797, `b64: false`). */
  detached: boolean;
  /** The citizen's signature key (see `keyObjectSigner`): P-256 gives ES256, P-384 ES384. */
  signer: Signer;
  /** Its certificate (DER). */
  signerCertificate: Buffer;
  /** The CA certificates above it (DER), put after it in `x5c`. */
  chain: Buffer[];
  /** The claimed signing time (`sigT`, seconds precision). */
  signingTime: Date;
  /** B-B, or B-T (needs `tsa` and the JSON serialization). */
  level: JadesSignLevel;
  /** The TSA for B-T. */
  tsa?: TsaEndpoint;
}

/** The JWS Protected Header of a JAdES baseline B-B signature. */
export interface JadesProtectedHeader {
  alg: string;
  'x5t#S256': string;
  x5c: string[];
  sigT: string;
  b64?: false;
  crit: string[];
  [name: string]: unknown;
}

/**
 * `sigT` (TS 119 182-1 §5.2.1): a UTC date-time without fractions, `YYYY-MM-DDThh:mm:ssZ`.
 *
 * @param time - the claimed signing time
 * @returns its `sigT` rendering
 * @example
 * ```ts
 * sigTime(new Date('2026-03-02T09:30:00.123Z')); // '2026-03-02T09:30:00Z'
 * ```
 */
export function sigTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkParams(p: JadesSignParams): void {
  if ((p.level as string) !== 'B-B' && (p.level as string) !== 'B-T')
    throw new SignatureError(SIG_ERROR.unsupported, `JAdES ${p.level} is not built yet (B-B and B-T are)`);
  if ((p.serialization as string) !== 'compact' && (p.serialization as string) !== 'json')
    throw new SignatureError(SIG_ERROR.unsupported, `no JWS serialization ${p.serialization}`);
  if (p.level === 'B-T' && p.serialization === 'compact')
    throw new SignatureError(
      SIG_ERROR.unsupported,
      'JAdES B-T needs the JSON serialization: the compact one cannot carry the etsiU header',
    );
  if (p.level === 'B-T' && !p.tsa)
    throw new SignatureError(SIG_ERROR.unsupported, 'JAdES B-T needs a time-stamping authority');
  if (Number.isNaN(p.signingTime.getTime()))
    throw new SignatureError(SIG_ERROR.internal, 'the signing time is not a valid date');
}

/**
 * The B-B protected header (TS 119 182-1 §6.2.1, table 1): `alg`; `x5t#S256`, the base64url
 * SHA-256 of the signing certificate (§5.1.7 lets it stand for the signing-certificate
 * reference); `x5c`, the certificate and its chain in standard base64 (RFC 7515 §4.1.6);
 * `sigT`, critical (§5.2.1); for detached, `b64: false`, critical too (RFC 7797 §6).
 */
function protectedHeader(p: JadesSignParams): JadesProtectedHeader {
  return {
    alg: jwsAlgorithmFor(p.signer.algorithm),
    'x5t#S256': createHash('sha256').update(p.signerCertificate).digest('base64url'),
    x5c: [p.signerCertificate, ...p.chain].map((c) => c.toString('base64')),
    sigT: sigTime(p.signingTime),
    ...(p.detached ? { b64: false as const } : {}),
    crit: p.detached ? ['sigT', 'b64'] : ['sigT'],
  };
}

/**
 * The sigTst etsiU element (TS 119 182-1 §5.3.4) for one token, in the base64url-encoded form of
 * §5.3.1 (all etsiU elements of a signature take the same form; DSS writes this one). `val` is the
 * token DER in standard base64 (the pkiOb type of §5.4.1).
 */
function sigTstElement(token: Buffer): string {
  const sigTst = { sigTst: { tstTokens: [{ val: token.toString('base64') }] } };
  return Buffer.from(JSON.stringify(sigTst), 'utf8').toString('base64url');
}

async function signatureTimeStamp(signatureB64: string, p: JadesSignParams): Promise<string> {
  const tsa = p.tsa!;
  // TS 119 182-1 §5.3.4: "the input of the message imprint computation [...] shall be the
  // base64url-encoded JWS Signature Value" — the ASCII of the third compact part, not its bytes.
  const digest = createHash('sha256').update(sigTstImprintInput(signatureB64)).digest();
  const token = await requestTimeStamp(tsa.url, digest, 'sha256', tsa.transport, {
    ...(tsa.certificate ? { tsaCertificate: tsa.certificate } : {}),
  });
  return sigTstElement(token);
}

/**
 * Creates a JAdES baseline signature (ETSI TS 119 182-1): a JWS signed with ES256 (P-256) or
 * ES384 (P-384) whose protected header carries `x5t#S256`, `x5c` and the critical `sigT`; for
 * B-T also a signature time-stamp (`etsiU` → `sigTst`) from `tsa`. Detached signatures use the
 * RFC 7797 unencoded payload: `header..signature` in compact, no `payload` member in JSON.
 *
 * @param p - payload, serialization, detached or attached, key and certificates, time, level, TSA
 * @returns the compact JWS, or the flattened JWS JSON serialization as a JSON string
 * @throws SignatureError USAGE_INVALID_ARGUMENT for a level not built, B-T in compact or without
 *   a TSA; TimestampError TSP_* when the TSA fails or answers wrongly
 * @example
 * ```ts
 * const jws = await signJades({
 *   payload: doc, serialization: 'json', detached: false,
 *   signer: keyObjectSigner(wallet.keys.signature.privateKey),
 *   signerCertificate: wallet.keys.signature.certificate!, chain: wallet.caCertificates,
 *   signingTime: new Date(), level: 'B-T', tsa: { url: 'http://127.0.0.1:8080/tsa', transport },
 * });
 * ```
 */
export async function signJades(p: JadesSignParams): Promise<string> {
  checkParams(p);
  const header = protectedHeader(p);
  const { hash, size } = JWS_EC_ALGORITHMS[jwsAlgorithmFor(p.signer.algorithm)];
  if (hash !== p.signer.hash)
    throw new SignatureError(SIG_ERROR.internal, `the signer hashes with ${p.signer.hash}, not ${hash}`);
  const protectedB64 = Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
  const signingInput = jwsSigningInput(protectedB64, p.payload, !p.detached);
  const signature = derToP1363(await p.signer.sign(signingInput), size).toString('base64url');
  const payloadPart = p.detached ? '' : p.payload.toString('base64url');
  if (p.serialization === 'compact') return `${protectedB64}.${payloadPart}.${signature}`;
  const etsiU = p.level === 'B-T' ? [await signatureTimeStamp(signature, p)] : undefined;
  return JSON.stringify({
    ...(p.detached ? {} : { payload: payloadPart }),
    protected: protectedB64,
    ...(etsiU ? { header: { etsiU } } : {}),
    signature,
  });
}
