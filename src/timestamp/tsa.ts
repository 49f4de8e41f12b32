/** RFC 3161 time-stamping authority, ETSI EN 319 421/422 profile. Pure: no I/O, an injected clock. */
import { createPublicKey, randomBytes } from 'node:crypto';
import * as DER from '../lib/der.js';
import { PkiError } from '../lib/errors.js';
import { parseCertificate } from '../x509/certificate_info.js';
import { buildSignedData, signingCertificateV2Attribute } from '../pki/cms_signed_data.js';
import type { CmsAttribute } from '../pki/cms_signed_data.js';
import type { HashAlgorithm, Signer } from '../pki/key_store.js';
import { parseTimeStampReq } from './request.js';
import type { TimeStampReqInfo } from './request.js';
import { encodeStatusInfo, encodeTimeStampResp } from './response.js';
import { IMPRINT_HASHES, TSP_OID, checkTimeStampingCertificate } from './tsp.js';
import type { FailInfo } from './tsp.js';
import { encodeTstInfo } from './tst_info.js';

/** Options of a {@link TimeStampAuthority}. */
export interface TimeStampAuthorityOptions {
  /** The time-stamping unit's key. */
  signer: Signer;
  /** Its certificate (DER), with the critical extended key usage id-kp-timeStamping only. */
  certificate: Buffer;
  /** CA certificates sent after it when a request asks for certificates. */
  chain?: Buffer[];
  /** TSA policy OID; default ETSI EN 319 421 best practices (0.4.0.2023.1.1). */
  policy?: string;
  /** The time source; default the system clock. */
  clock?: () => Date;
  /** Accuracy in milliseconds (default 1000: `seconds 1`); under 1000, genTime carries milliseconds. */
  accuracyMs?: number;
  /** Serial numbers; default 127 random bits. */
  serial?: () => bigint | Buffer;
  /** Message imprint hashes accepted; default SHA-256, SHA-384, SHA-512. */
  acceptedHashes?: HashAlgorithm[];
}

/** The outcome of one request: the TimeStampResp DER, its status, and the internal error if any. */
export interface TsaAnswer {
  der: Buffer;
  granted: boolean;
  failInfo?: FailInfo;
  error?: unknown;
}

const MAX_REQUEST_BYTES = 16 * 1024;

function rejection(failInfo: FailInfo, text: string, error?: unknown): TsaAnswer {
  const der = encodeTimeStampResp(encodeStatusInfo(2, failInfo, text));
  return { der, granted: false, failInfo, ...(error === undefined ? {} : { error }) };
}

function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x40;
  return b;
}

/**
 * A time-stamping unit: answers DER TimeStampReqs with TimeStampResps whose tokens are SignedData
 * over a TSTInfo (version 1, the TSA policy, the request's messageImprint and nonce echoed, a unique
 * serial number, genTime, accuracy) signed with contentType, messageDigest and signingCertificateV2
 * (EN 319 422 §5.2). Bad requests get a rejection with a failInfo; it never throws for input.
 *
 * @example
 * ```ts
 * const tsa = new TimeStampAuthority({ signer: node.tsa.signer, certificate: node.tsa.certificate.der, clock: node.clock });
 * const resp = await tsa.respond(requestDer);
 * ```
 */
export class TimeStampAuthority {
  /** The policy tokens are issued under. */
  readonly policy: string;
  readonly #o: TimeStampAuthorityOptions;
  readonly #accuracyMs: number;
  readonly #accepted: Set<string>;
  readonly #signingCertificate: CmsAttribute;

  /**
   * @param options - key, certificate, chain, policy, clock, accuracy, serial numbers, accepted hashes
   * @throws TimestampError when the certificate is not a time-stamping certificate; PkiError INTERNAL
   *   when it does not certify the key or the accuracy is not a whole number of milliseconds,
   *   PKI_CERT_MALFORMED for a chain entry that is not a certificate
   */
  constructor(options: TimeStampAuthorityOptions) {
    checkTimeStampingCertificate(options.certificate);
    const certKey = createPublicKey({
      key: parseCertificate(options.certificate).spki,
      format: 'der',
      type: 'spki',
    });
    if (!certKey.equals(createPublicKey({ key: options.signer.spki, format: 'der', type: 'spki' })))
      throw new PkiError('INTERNAL', 'the TSA certificate does not certify the TSA key');
    this.#accuracyMs = options.accuracyMs ?? 1000;
    if (!Number.isSafeInteger(this.#accuracyMs) || this.#accuracyMs < 0)
      throw new PkiError('INTERNAL', 'the TSA accuracy must be a whole number of milliseconds');
    this.policy = options.policy ?? TSP_OID.baselinePolicy;
    for (const c of options.chain ?? []) parseCertificate(c);
    this.#o = { ...options };
    this.#accepted = new Set(options.acceptedHashes ?? ['sha256', 'sha384', 'sha512']);
    this.#signingCertificate = signingCertificateV2Attribute(options.certificate);
  }

  /**
   * Answers a request.
   *
   * @param requestDer - the body of an `application/timestamp-query` request
   * @returns the TimeStampResp DER (`application/timestamp-reply`)
   * @example
   * ```ts
   * reply.type('application/timestamp-reply').send(await tsa.respond(body));
   * ```
   */
  async respond(requestDer: Uint8Array): Promise<Buffer> {
    return (await this.answer(requestDer)).der;
  }

  /**
   * Answers a request and tells how: granted, or rejected with which failInfo, and the internal
   * error behind a systemFailure or timeNotAvailable (for the caller to log).
   *
   * @param requestDer - the body of an `application/timestamp-query` request
   * @example
   * ```ts
   * const { der, error } = await tsa.answer(body);
   * if (error) log.error({ err: error }, 'time-stamping failed');
   * ```
   */
  async answer(requestDer: Uint8Array): Promise<TsaAnswer> {
    const request = this.#check(requestDer);
    if ('failInfo' in request) return rejection(request.failInfo, request.text);
    let genTime: Date;
    try {
      genTime = (this.#o.clock ?? (() => new Date()))();
      if (!(genTime instanceof Date) || Number.isNaN(genTime.getTime()))
        throw new RangeError('invalid clock reading');
    } catch (e) {
      return rejection('timeNotAvailable', 'the time source is not available', e);
    }
    try {
      const token = await this.#token(request, genTime);
      return { der: encodeTimeStampResp(encodeStatusInfo(0), token), granted: true };
    } catch (e) {
      return rejection('systemFailure', 'the time-stamping unit failed', e);
    }
  }

  #check(der: Uint8Array): TimeStampReqInfo | { failInfo: FailInfo; text: string } {
    if (der.length > MAX_REQUEST_BYTES)
      return { failInfo: 'badDataFormat', text: 'the request exceeds 16 KiB' };
    let req: TimeStampReqInfo;
    try {
      req = parseTimeStampReq(der);
    } catch {
      return { failInfo: 'badDataFormat', text: 'the request is not a DER TimeStampReq' };
    }
    const { hash, hashOid, digest, paramsOk } = req.imprint;
    if (req.version !== 1n)
      return { failInfo: 'badRequest', text: 'only TimeStampReq version 1 is supported' };
    if (!this.#accepted.has(hash) || !paramsOk)
      return { failInfo: 'badAlg', text: `unsupported message imprint hash ${hashOid}` };
    if (digest.length !== IMPRINT_HASHES[hashOid]!.length)
      return { failInfo: 'badDataFormat', text: `the message imprint is not a ${hash} digest` };
    if (req.policy !== undefined && req.policy !== this.policy)
      return {
        failInfo: 'unacceptedPolicy',
        text: `time-stamps are issued under policy ${this.policy} only`,
      };
    if (req.hasExtensions)
      return { failInfo: 'unacceptedExtension', text: 'request extensions are not supported' };
    const nonce = req.nonce && nonceProblem(req.nonce);
    if (nonce) return { failInfo: 'badDataFormat', text: nonce };
    return req;
  }

  async #token(req: TimeStampReqInfo, genTime: Date): Promise<Buffer> {
    const serial = (this.#o.serial ?? randomSerial)();
    if (typeof serial === 'bigint' && serial <= 0n)
      throw new PkiError('INTERNAL', 'serial numbers are positive');
    const tstInfo = encodeTstInfo({
      policy: this.policy,
      imprintDer: req.imprint.raw,
      serialDer: DER.integer(serial),
      genTime,
      accuracyMs: this.#accuracyMs,
      ...(req.nonce ? { nonceDer: req.nonce } : {}),
    });
    const { signer, certificate, chain = [] } = this.#o;
    return buildSignedData({
      eContentType: TSP_OID.tstInfo,
      eContent: tstInfo,
      signer,
      signerCertificate: certificate,
      certificates: req.certReq ? [certificate, ...chain] : [],
      signedAttributes: [this.#signingCertificate],
    });
  }
}

/** Largest nonce echoed (octets of the INTEGER): RFC 3161 asks for a large random number, 64 bits typically. */
const MAX_NONCE_OCTETS = 32;

/**
 * Why a nonce INTEGER (its whole DER) cannot be echoed: X.690 §8.3.2 wants the fewest octets
 * (clients such as openssl refuse a reply that echoes a non-minimal one), and a nonce over 32
 * octets is not a nonce but an attempt to make the TSA sign the client's bytes.
 */
function nonceProblem(tlv: Buffer): string | undefined {
  const head = tlv[1]! < 0x80 ? 2 : 2 + (tlv[1]! & 0x7f);
  const v = tlv.subarray(head);
  if (v.length > MAX_NONCE_OCTETS) return `the nonce has ${v.length} octets (at most ${MAX_NONCE_OCTETS})`;
  if (v.length > 1 && ((v[0] === 0x00 && v[1]! < 0x80) || (v[0] === 0xff && v[1]! >= 0x80)))
    return 'the nonce INTEGER is not minimally encoded (X.690 §8.3.2)';
  return undefined;
}
