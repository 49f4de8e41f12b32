/**
 * JAdES baseline signatures (ETSI TS 119 182-1 §5, §6): B-B, B-T, B-LT and B-LTA over one
 * document, in the JWS compact or flattened JSON serialization (RFC 7515 §7), attached or
 * detached (RFC 7797 `b64: false`, or `sigD` ObjectIdByURIHash, §5.2.8.3.3). The core does no
 * I/O: the TSA transport and the revocation fetcher are injected.
 */
import { createHash } from 'node:crypto';
import type { Signer } from '../../pki/key_store.js';
import type { TsaEndpoint } from '../cades/sign.js';
import { SignatureError } from '../errors.js';
import type { RevocationFetcher } from '../revocation_fetcher.js';
import { JWS_EC_ALGORITHMS, derToP1363, jwsAlgorithmFor } from './ecdsa.js';
import { etsiUElement, extendJadesToLt, tstContainer } from './lt.js';
import { extendJadesToLta } from './lta.js';
import { jwsSigningInput, sigTstImprintInput } from './parse.js';
import { sigDForObjects } from './sig_d.js';
import type { SigD } from './sig_d.js';

/** The JWS serializations (RFC 7515 §7.1 compact, §7.2.2 flattened JSON). */
export type JadesSerialization = 'compact' | 'json';

/** The levels {@link signJades} creates. */
export type JadesSignLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** How a detached document is referenced: RFC 7797 unencoded payload, or TS 119 182-1 `sigD`. */
export type JadesDetachedMechanism = 'b64' | 'sigD';

/** Inputs of {@link signJades}. */
export interface JadesSignParams {
  /** The document. */
  payload: Buffer;
  /** Compact (B-B only: it cannot carry the unprotected header) or flattened JSON. */
  serialization: JadesSerialization;
  /** Detached: the JWS leaves the document out and signs it unencoded (RFC 7797, `b64: false`). */
  detached: boolean;
  /**
   * For a detached JWS: `b64` (default, RFC 7797) or `sigD`, the ObjectIdByURIHash mechanism of
   * TS 119 182-1 §5.2.8.3.3 (the document's digest in the protected header, the payload empty).
   */
  detachedMechanism?: JadesDetachedMechanism;
  /** The URI that names the detached document in `sigD` `pars` (default `document`). */
  documentUri?: string;
  /** The citizen's signature key (see `keyObjectSigner`): P-256 gives ES256, P-384 ES384. */
  signer: Signer;
  /** Its certificate (DER). */
  signerCertificate: Buffer;
  /** The CA certificates above it (DER), put after it in `x5c`. */
  chain: Buffer[];
  /** The claimed signing time (`sigT`, seconds precision). */
  signingTime: Date;
  /** B-B; B-T, B-LT, B-LTA need `tsa` and the JSON serialization, B-LT and B-LTA `fetcher`. */
  level: JadesSignLevel;
  /** The TSA for B-T and above. */
  tsa?: TsaEndpoint;
  /** Where the B-LT revocation data comes from. */
  fetcher?: RevocationFetcher;
  /** The time the revocation data must be current at (default now). */
  at?: Date;
}

/** The JWS Protected Header of a JAdES baseline B-B signature. */
export interface JadesProtectedHeader {
  alg: string;
  'x5t#S256': string;
  x5c: string[];
  sigT: string;
  b64?: false;
  sigD?: SigD;
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

const LEVELS: readonly string[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];

function checkParams(p: JadesSignParams): void {
  if (!LEVELS.includes(p.level))
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `no JAdES level ${p.level}`);
  if ((p.serialization as string) !== 'compact' && (p.serialization as string) !== 'json')
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `no JWS serialization ${p.serialization}`);
  if (p.level !== 'B-B' && p.serialization === 'compact')
    throw new SignatureError(
      'USAGE_INVALID_ARGUMENT',
      `JAdES ${p.level} needs the JSON serialization: the compact one cannot carry the etsiU header`,
    );
  if (p.level !== 'B-B' && !p.tsa)
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `JAdES ${p.level} needs a time-stamping authority`);
  if ((p.level === 'B-LT' || p.level === 'B-LTA') && !p.fetcher)
    throw new SignatureError('USAGE_INVALID_ARGUMENT', `JAdES ${p.level} needs a revocation fetcher`);
  if (p.detachedMechanism === 'sigD' && !p.detached)
    throw new SignatureError('USAGE_INVALID_ARGUMENT', 'sigD is for detached signatures');
  if (Number.isNaN(p.signingTime.getTime()))
    throw new SignatureError('INTERNAL', 'the signing time is not a valid date');
}

/**
 * The B-B protected header (TS 119 182-1 §6.2.1, table 1): `alg`; `x5t#S256`, the base64url
 * SHA-256 of the signing certificate (§5.1.7 lets it stand for the signing-certificate
 * reference); `x5c`, the certificate and its chain in standard base64 (RFC 7515 §4.1.6);
 * `sigT`, critical (§5.2.1); for detached, `b64: false`, critical too (RFC 7797 §6).
 */
function protectedHeader(p: JadesSignParams): JadesProtectedHeader {
  const sigD = p.detached && p.detachedMechanism === 'sigD';
  const b64 = p.detached && !sigD;
  return {
    alg: jwsAlgorithmFor(p.signer.algorithm),
    'x5t#S256': createHash('sha256').update(p.signerCertificate).digest('base64url'),
    x5c: [p.signerCertificate, ...p.chain].map((c) => c.toString('base64')),
    sigT: sigTime(p.signingTime),
    ...(b64 ? { b64: false as const } : {}),
    // §5.2.8.3.3: b64 is absent, so hashV digests the base64url encoding of the document.
    ...(sigD ? { sigD: sigDForObjects([{ uri: p.documentUri ?? 'document', content: p.payload }]) } : {}),
    crit: b64 ? ['sigT', 'b64'] : sigD ? ['sigT', 'sigD'] : ['sigT'],
  };
}

/**
 * The sigTst etsiU element (TS 119 182-1 §5.3.4), in the base64url-encoded form of §5.3.1 (all
 * etsiU elements of a signature take the same form, which archive time-stamps need; DSS writes
 * it too). The message imprint input is "the base64url-encoded JWS Signature Value": the ASCII of
 * the third compact part, not its bytes.
 */
async function signatureTimeStamp(signatureB64: string, p: JadesSignParams): Promise<string> {
  return etsiUElement('sigTst', await tstContainer(sigTstImprintInput(signatureB64), p.tsa!));
}

/** B-LT and B-LTA from the B-T JSON (§5.3.5, §5.3.6). */
function extendLevel(json: string, p: JadesSignParams): Promise<string> {
  const lt = { fetcher: p.fetcher!, chain: p.chain, ...(p.at ? { at: p.at } : {}) };
  if (p.level === 'B-LT') return extendJadesToLt(json, lt);
  const detached =
    p.detachedMechanism === 'sigD' ? [{ uri: p.documentUri ?? 'document', content: p.payload }] : p.payload;
  return extendJadesToLta(json, { ...lt, tsa: p.tsa!, ...(p.detached ? { detached } : {}) });
}

/**
 * Creates a JAdES baseline signature (ETSI TS 119 182-1): a JWS signed with ES256 (P-256) or
 * ES384 (P-384) whose protected header carries `x5t#S256`, `x5c` and the critical `sigT`; for
 * B-T also a signature time-stamp (`etsiU` → `sigTst`) from `tsa`; B-LT adds `xVals` / `rVals`
 * from `fetcher`, B-LTA an `arcTst`. Detached signatures use the RFC 7797 unencoded payload, or
 * `sigD` ObjectIdByURIHash: `header..signature` in compact, no `payload` member in JSON.
 *
 * @param p - payload, serialization, detached or attached, key and certificates, time, level, TSA
 * @returns the compact JWS, or the flattened JWS JSON serialization as a JSON string
 * @throws SignatureError USAGE_INVALID_ARGUMENT for B-T and above in compact or without a TSA,
 *   B-LT / B-LTA without a fetcher; REV_* / PATH_REVOKED from the revocation data; TimestampError
 *   TSP_* when the TSA fails or answers wrongly
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
    throw new SignatureError('INTERNAL', `the signer hashes with ${p.signer.hash}, not ${hash}`);
  const protectedB64 = Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
  // §5.2.8.3.3: under ObjectIdByURIHash the JWS Payload contributes as an empty stream.
  const signed = header.sigD ? Buffer.alloc(0) : p.payload;
  const signingInput = jwsSigningInput(protectedB64, signed, header.b64 !== false);
  const signature = derToP1363(await p.signer.sign(signingInput), size).toString('base64url');
  const payloadPart = p.detached ? '' : p.payload.toString('base64url');
  if (p.serialization === 'compact') return `${protectedB64}.${payloadPart}.${signature}`;
  const etsiU = p.level !== 'B-B' ? [await signatureTimeStamp(signature, p)] : undefined;
  const json = JSON.stringify({
    ...(p.detached ? {} : { payload: payloadPart }),
    protected: protectedB64,
    ...(etsiU ? { header: { etsiU } } : {}),
    signature,
  });
  return p.level === 'B-LT' || p.level === 'B-LTA' ? extendLevel(json, p) : json;
}
