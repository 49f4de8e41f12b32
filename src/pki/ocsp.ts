/**
 * RFC 6960 OCSP encoding, pure. Parsing goes through the PeculiarVentures schemas; bytes echoed
 * unchanged (CertID, nonce, certificates) are cut out with a small DER walker; responses are
 * written with `lib/der.ts` so the signed bytes are exactly the emitted bytes.
 */
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { OCSPRequest } from '@peculiar/asn1-ocsp';
import { Extension } from '@peculiar/asn1-x509';
import * as DER from '../lib/der.js';
import { certIdFields, schemaCertIdFields } from './ocsp_cert_id.js';
import { childrenOf, fail, firstChild, guarded, slice, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { PkiError } from '../lib/errors.js';
import { KeyStoreError } from './errors.js';
import type { HashAlgorithm, Signer } from './key_store.js';
import { REVOCATION_REASON_CODES } from '../x509/revocation_reason.js';
import type { RevocationReasonName } from '../x509/revocation_reason.js';

/** A CertID (RFC 6960 §4.1.1) of a request; `raw` is its DER, echoed unchanged in the response. */
export interface OcspCertId {
  hashAlgorithm: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** Hash of the issuer's subject Name DER. */
  issuerNameHash: Buffer;
  /** Hash of the issuer's subjectPublicKey BIT STRING value. */
  issuerKeyHash: Buffer;
  /** Lower-case hex of the positive serial number without the DER sign byte ({@link serialToHex}). */
  serial: string;
  raw: Buffer;
}

/**
 * What a responder needs from an OCSP request: the CertIDs (1 to 16), the id-pkix-ocsp-nonce
 * extnValue contents (`nonce`, what clients compare) and the whole nonce Extension DER
 * (`nonceExtension`, to echo as is).
 */
export interface OcspRequestInfo {
  certIds: OcspCertId[];
  nonce?: Buffer;
  nonceExtension?: Buffer;
}

/** CRLReason names (RFC 5280 §5.3.1); `certificateHold` marks a suspended certificate. */
export type RevocationReason = RevocationReasonName;

/** CertStatus of one answer. */
export type OcspStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason?: RevocationReason }
  | { status: 'unknown' };

/** One SingleResponse to put in a response. */
export interface OcspSingleAnswer {
  certId: OcspCertId;
  status: OcspStatus;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/**
 * Inputs of {@link buildOcspResponse}: the responder key (its hash selects ecdsa-with-SHA256/384/512),
 * the responder certificate DER certifying `signer.spki` (sent in `certs`), and the request's
 * nonce Extension DER ({@link OcspRequestInfo.nonceExtension}) to echo.
 */
export interface OcspResponseParams {
  signer: Signer;
  responderCertificate: Buffer;
  producedAt: Date;
  answers: OcspSingleAnswer[];
  nonceExtension?: Buffer;
}

/** Non-successful OCSPResponseStatus values. */
export type OcspErrorStatus =
  'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized';

const MAX_REQUEST_BYTES = 64 * 1024;
const MAX_CERT_IDS = 16;
/** @internal shared with the response parser */
export const NONCE_OID = '1.3.6.1.5.5.7.48.1.2';
/** @internal shared with the response parser */
export const BASIC_OID = '1.3.6.1.5.5.7.48.1.1';
const HASH_BY_OID: Readonly<Record<string, OcspCertId['hashAlgorithm']>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const HASH_LENGTHS = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 } as const;
const ECDSA_OIDS: Readonly<Record<HashAlgorithm, string>> = {
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
/** @internal shared with the response parser */
export const REASON_CODES: Readonly<Record<RevocationReason, number>> = REVOCATION_REASON_CODES;
/** OCSPResponseStatus names indexed by value (4 is not used). */
// prettier-ignore
/** @internal shared with the response parser */
export const RESPONSE_STATUSES = ['successful', 'malformedRequest', 'internalError', 'tryLater', '', 'sigRequired', 'unauthorized'];

/**
 * Hex of a DER INTEGER's content octets as a serial number: lower-case, with the 0x00 sign byte
 * that precedes a high-bit-set first octet stripped. Inverse of {@link hexToSerialBytes} for
 * positive, minimally encoded integers.
 *
 * @param bytes - INTEGER content octets (no tag or length)
 * @returns lower-case hex, e.g. `c0ffee12`
 * @example
 * ```ts
 * serialToHex(Uint8Array.of(0x00, 0xc0, 0xff, 0xee)); // 'c0ffee'
 * ```
 */
export function serialToHex(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const sign = b.length > 1 && b[0] === 0 && (b[1]! & 0x80) !== 0 ? 1 : 0;
  return Buffer.from(b.buffer, b.byteOffset + sign, b.length - sign).toString('hex');
}

/**
 * DER INTEGER content octets of a positive serial number given in hex: redundant leading zero
 * octets are removed and a 0x00 sign byte is added when the first octet has its high bit set.
 *
 * @param hex - hex digits (either case, odd length allowed)
 * @returns the content octets as a fresh ArrayBuffer
 * @throws PkiError INPUT_MALFORMED when `hex` is empty or not hexadecimal
 * @example
 * ```ts
 * Buffer.from(hexToSerialBytes('c0ffee')); // <00 c0 ff ee>
 * ```
 */
export function hexToSerialBytes(hex: string): ArrayBuffer {
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new PkiError('INPUT_MALFORMED', 'serial number is not hexadecimal');
  const encoded = DER.integer(Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex'));
  return new Uint8Array(encoded.subarray(DER.readHeader(encoded).start)).buffer;
}

/** OcspCertId from a CertID DER element (values are read from exactly the bytes kept in `raw`). */
/** @internal shared with the response parser */
export function toCertId(raw: Buffer): OcspCertId {
  const top = topElement(raw, 0x30, 'CertID');
  const c = certIdFields(raw, top) ?? schemaCertIdFields(raw);
  const hashAlgorithm = HASH_BY_OID[c.algorithm] ?? fail('unsupported CertID hash algorithm');
  const { issuerNameHash, issuerKeyHash } = c;
  const length = HASH_LENGTHS[hashAlgorithm];
  if (issuerNameHash.length !== length || issuerKeyHash.length !== length)
    fail('CertID hash length mismatch');
  const serial = c.serial;
  if (serial.length === 0 || (serial[0]! & 0x80) !== 0) fail('CertID serial number is not positive');
  if (serial.length > 1 && serial[0] === 0 && (serial[1]! & 0x80) === 0) fail('CertID serial is not minimal');
  return { hashAlgorithm, issuerNameHash, issuerKeyHash, serial: serialToHex(serial), raw: Buffer.from(raw) };
}

/** RFC 8954 §2.1: Nonce ::= OCTET STRING(SIZE(1..32)). */
const MAX_NONCE_OCTETS = 32;

/**
 * The nonce octets inside an extnValue: RFC 8954 wraps them in an OCTET STRING; clients older
 * than RFC 6960 put them bare, so a value that is not one whole OCTET STRING counts as bare.
 */
function nonceOctets(value: Buffer): Buffer {
  if (value.length >= 2 && value[0] === 0x04) {
    const first = value[1]!;
    let len = first;
    let head = 2;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n >= 1 && n <= 3 && value.length >= 2 + n) {
        len = value.subarray(2, 2 + n).reduce((a, b) => a * 256 + b, 0);
        head = 2 + n;
      } else len = -1;
    }
    if (len >= 0 && head + len === value.length) return value.subarray(head);
  }
  return value;
}

/** The nonce of a request's [2] requestExtensions element, if any. */
function requestNonce(der: Buffer, extensions: DerElement | undefined): Omit<OcspRequestInfo, 'certIds'> {
  if (extensions === undefined) return {};
  let found: Omit<OcspRequestInfo, 'certIds'> = {};
  for (const el of childrenOf(der, firstChild(der, extensions, 0x30, 'Extensions'))) {
    const raw = slice(der, el);
    const ext = AsnConvert.parse(raw, Extension);
    if (ext.extnID !== NONCE_OID) continue;
    if (found.nonce !== undefined) fail('duplicate nonce extension');
    if (ext.extnValue.byteLength === 0) fail('empty nonce');
    // RFC 8954 §2.1: a nonce longer than 32 octets is refused (malformedRequest), not echoed.
    const octets = nonceOctets(Buffer.from(ext.extnValue.buffer)).length;
    if (octets < 1 || octets > MAX_NONCE_OCTETS) fail(`the nonce has ${octets} octets (RFC 8954: 1 to 32)`);
    found = { nonce: Buffer.from(ext.extnValue.buffer), nonceExtension: Buffer.from(raw) };
  }
  return found;
}

/**
 * Parses a DER OCSPRequest (RFC 6960 §4.1). The optional request signature is not verified.
 *
 * @param der - the request body (at most 64 KiB, one DER element, no trailing bytes)
 * @returns the CertIDs (1 to 16) and the nonce, if any
 * @throws PkiError PKI_OCSP_REQUEST_MALFORMED for anything that is not such a request
 * @example
 * ```ts
 * const { certIds, nonceExtension } = parseOcspRequest(body);
 * ```
 */
export function parseOcspRequest(der: Uint8Array): OcspRequestInfo {
  if (der.length > MAX_REQUEST_BYTES) {
    throw new PkiError('PKI_OCSP_REQUEST_MALFORMED', `the OCSP request exceeds ${MAX_REQUEST_BYTES} bytes`);
  }
  return guarded('PKI_OCSP_REQUEST_MALFORMED', () => {
    const buf = Buffer.from(der);
    const top = topElement(buf, 0x30, 'OCSPRequest');
    const request = AsnConvert.parse(buf, OCSPRequest);
    if (request.tbsRequest.version !== 0) fail('unsupported OCSPRequest version');
    const tbsParts = childrenOf(buf, firstChild(buf, top, 0x30, 'tbsRequest'));
    const list = tbsParts.find((p) => p.tag === 0x30);
    if (list === undefined) return fail('missing requestList');
    const requests = childrenOf(buf, list);
    if (requests.length === 0) fail('empty requestList');
    if (requests.length > MAX_CERT_IDS) fail(`more than ${MAX_CERT_IDS} certificates requested`);
    if (requests.length !== request.tbsRequest.requestList.length) fail('inconsistent requestList');
    const certIds = requests.map((r) => toCertId(slice(buf, firstChild(buf, r, 0x30, 'CertID'))));
    const extensions = tbsParts.find((p) => p.tag === 0xa2);
    return { certIds, ...requestNonce(buf, extensions) };
  });
}

/** subjectPublicKey BIT STRING value of an SPKI, without tag, length and unused-bits octet. */
function subjectPublicKeyBits(spki: Uint8Array): Buffer {
  return guarded('PKI_CERT_MALFORMED', () => {
    const der = Buffer.from(spki);
    const parts = childrenOf(der, topElement(der, 0x30, 'SubjectPublicKeyInfo'));
    const bits = parts[1];
    if (parts.length !== 2 || bits === undefined || bits.tag !== 0x03 || bits.end === bits.start) {
      fail('bad SubjectPublicKeyInfo');
    }
    if (der[bits.start] !== 0) fail('public key BIT STRING has unused bits');
    return der.subarray(bits.start + 1, bits.end);
  });
}

/**
 * Whether a CertID names a certificate of the given issuer (RFC 6960 §4.1.1): recomputes, with
 * the CertID's hash, the hash of the issuer's subject Name DER and of its subjectPublicKey
 * BIT STRING value. The serial number is not compared.
 *
 * @param id - CertID from {@link parseOcspRequest}
 * @param issuerSubjectDer - DER of the issuer certificate's subject Name
 * @param issuerSpkiDer - DER SubjectPublicKeyInfo of the issuer
 * @returns true when both hashes match
 * @throws PkiError PKI_CERT_MALFORMED when `issuerSpkiDer` is not a SubjectPublicKeyInfo
 * @example
 * ```ts
 * const mine = info.certIds.filter((id) => certIdMatches(id, caSubjectDer, caSpkiDer));
 * ```
 */
export function certIdMatches(id: OcspCertId, issuerSubjectDer: Buffer, issuerSpkiDer: Buffer): boolean {
  const keyBits = subjectPublicKeyBits(issuerSpkiDer);
  const nameHash = createHash(id.hashAlgorithm).update(issuerSubjectDer).digest();
  const keyHash = createHash(id.hashAlgorithm).update(keyBits).digest();
  return nameHash.equals(id.issuerNameHash) && keyHash.equals(id.issuerKeyHash);
}

function checkedTime(d: Date, what: string): Buffer {
  const year = d instanceof Date ? d.getUTCFullYear() : NaN;
  if (!(year >= 1 && year <= 9999)) throw new PkiError('INTERNAL', `invalid OCSP ${what} time`);
  return DER.generalizedTime(d);
}

/** `raw` when it is exactly one DER element with `tag`; the builder's guard against bad inputs. */
function checkedElement(raw: Buffer, tag: number, what: string): Buffer {
  guarded('INTERNAL', () => topElement(raw, tag, what));
  return raw;
}

function encodeStatus(s: OcspStatus): Buffer {
  if (s.status === 'good') return DER.implicitPrimitive(0, Buffer.alloc(0));
  if (s.status === 'unknown') return DER.implicitPrimitive(2, Buffer.alloc(0));
  if (s.status !== 'revoked') throw new PkiError('INTERNAL', 'unknown OCSP certificate status');
  const revokedAt = checkedTime(s.revokedAt, 'revocation');
  if (s.reason === undefined) return DER.implicitConstructed(1, revokedAt);
  const code = REASON_CODES[s.reason];
  if (code === undefined) throw new PkiError('EID_INVALID_REASON', `unknown revocation reason ${s.reason}`);
  const reason = DER.explicit(0, DER.tlv(0x0a, Buffer.from([code])));
  return DER.implicitConstructed(1, Buffer.concat([revokedAt, reason]));
}

function encodeSingleResponse(a: OcspSingleAnswer): Buffer {
  return DER.seq(
    checkedElement(a.certId.raw, 0x30, 'CertID'),
    encodeStatus(a.status),
    checkedTime(a.thisUpdate, 'thisUpdate'),
    a.nextUpdate === undefined ? undefined : DER.explicit(0, checkedTime(a.nextUpdate, 'nextUpdate')),
  );
}

/** Throws unless `certificate` certifies the signer's public key. */
// Responder certificates already checked against their signer key (the pair rarely changes).
const checkedResponders = new WeakMap<Buffer, Buffer>();

function checkResponderCertificate(certificate: Buffer, spki: Buffer): void {
  if (checkedResponders.get(certificate)?.equals(spki)) return;
  checkedElement(certificate, 0x30, 'responder certificate');
  const certKey = guarded('PKI_CERT_MALFORMED', () => new X509Certificate(certificate).publicKey);
  const signerKey = guarded('INTERNAL', () => createPublicKey({ key: spki, format: 'der', type: 'spki' }));
  if (!certKey.equals(signerKey)) {
    throw new PkiError('INTERNAL', 'the responder certificate does not certify the signer key');
  }
  checkedResponders.set(certificate, spki);
}

/**
 * Builds and signs a successful OCSPResponse carrying a BasicOCSPResponse (RFC 6960 §4.2.1):
 * responderID byKey (SHA-1 of the responder's subjectPublicKey value), the CertIDs and nonce
 * extension echoed byte for byte, ecdsa-with-SHA256/384/512 after `signer.hash`, and
 * `certs` = [responderCertificate]. Times are GeneralizedTime to the second.
 *
 * @param params - signer, responder certificate, producedAt, answers (at least one), nonce extension
 * @returns the OCSPResponse DER
 * @throws PkiError INTERNAL for invalid inputs (no answers, bad dates, key/certificate mismatch)
 * @example
 * ```ts
 * const der = await buildOcspResponse({
 *   signer, responderCertificate, producedAt: new Date(),
 *   answers: info.certIds.map((certId) => ({ certId, status: { status: 'good' }, thisUpdate: new Date() })),
 *   nonceExtension: info.nonceExtension,
 * });
 * ```
 */
export async function buildOcspResponse(params: OcspResponseParams): Promise<Buffer> {
  const { signer, responderCertificate, answers } = params;
  const sigOid = ECDSA_OIDS[signer.hash];
  if (sigOid === undefined)
    throw new KeyStoreError('KEY_ALGORITHM_UNSUPPORTED', `no ECDSA OID for ${signer.hash}`);
  if (answers.length === 0) throw new PkiError('INTERNAL', 'an OCSP response needs at least one answer');
  checkResponderCertificate(responderCertificate, signer.spki);
  const keyHash = createHash('sha1').update(subjectPublicKeyBits(signer.spki)).digest();
  const extensions =
    params.nonceExtension === undefined
      ? undefined
      : DER.explicit(1, DER.seq(checkedElement(params.nonceExtension, 0x30, 'nonce extension')));
  const tbs = DER.seq(
    DER.explicit(2, DER.octets(keyHash)),
    checkedTime(params.producedAt, 'producedAt'),
    DER.seq(...answers.map(encodeSingleResponse)),
    extensions,
  );
  const signature = await signer.sign(tbs);
  const basic = DER.seq(
    tbs,
    DER.seq(DER.oid(sigOid)),
    DER.bitString(signature),
    DER.explicit(0, DER.seq(responderCertificate)),
  );
  return DER.seq(
    DER.tlv(0x0a, Buffer.from([0])),
    DER.explicit(0, DER.seq(DER.oid(BASIC_OID), DER.octets(basic))),
  );
}

/**
 * Builds an unsigned OCSPResponse with an error status and no responseBytes (RFC 6960 §2.3).
 *
 * @param status - the OCSPResponseStatus to report
 * @returns the OCSPResponse DER (5 bytes)
 * @example
 * ```ts
 * reply.send(buildOcspErrorResponse('malformedRequest'));
 * ```
 */
export function buildOcspErrorResponse(status: OcspErrorStatus): Buffer {
  const code = RESPONSE_STATUSES.indexOf(status);
  if (code <= 0) throw new PkiError('INTERNAL', `not an OCSP error status: ${status}`);
  return DER.seq(DER.tlv(0x0a, Buffer.from([code])));
}
