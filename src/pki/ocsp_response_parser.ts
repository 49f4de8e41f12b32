/**
 * Parser of RFC 6960 OCSP responses (for our tests and the validator). It verifies nothing:
 * the caller checks the signature over `tbsResponseData` and the responder's authority.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicOCSPResponse, OCSPResponse, SingleResponse } from '@peculiar/asn1-ocsp';
import {
  DerSyntaxError,
  childrenOf,
  fail,
  firstChild,
  guarded,
  slice,
  topElement,
} from '../lib/der_reader.js';
import { decodeOid, timeValue } from '../lib/der_values.js';
import type { DerElement } from '../lib/der_reader.js';
import { BASIC_OID, NONCE_OID, REASON_CODES, RESPONSE_STATUSES, toCertId } from './ocsp.js';
import type { OcspCertId, OcspStatus, RevocationReason } from './ocsp.js';

/** One answer of a parsed response. */
export interface ParsedOcspAnswer {
  serial: string;
  certId: OcspCertId;
  status: OcspStatus;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/**
 * A parsed OCSPResponse. Unless `status` is `successful`, only `status`, `answers` (empty) and
 * `certificates` (empty) are set. `nonce` is the nonce extnValue contents, `tbsResponseData` the
 * signed ResponseData DER, `signature` the BIT STRING value (for ECDSA the DER ECDSA-Sig-Value),
 * `signatureAlgorithm` the dotted OID and `certificates` the DER of each certificate in `certs`.
 */
export interface ParsedOcspResponse {
  status: string;
  producedAt?: Date;
  answers: ParsedOcspAnswer[];
  nonce?: Buffer;
  tbsResponseData?: Buffer;
  signature?: Buffer;
  signatureAlgorithm?: string;
  certificates: Buffer[];
}

function validDate(d: Date, what: string): Date {
  if (Number.isNaN(d.getTime())) fail(`invalid ${what}`);
  return d;
}

function parseStatus(statusTag: number, sr: SingleResponse): OcspStatus {
  if (statusTag === 0x80) return { status: 'good' };
  if (statusTag === 0x82) return { status: 'unknown' };
  const revoked = sr.certStatus.revoked;
  if (statusTag !== 0xa1 || revoked === undefined) return fail('bad CertStatus');
  const revokedAt = validDate(revoked.revocationTime, 'revocationTime');
  if (revoked.revocationReason === undefined) return { status: 'revoked', revokedAt };
  const code = revoked.revocationReason.reason;
  const reason = (Object.keys(REASON_CODES) as RevocationReason[]).find((r) => REASON_CODES[r] === code);
  if (reason === undefined) fail(`unknown CRLReason ${code}`);
  return { status: 'revoked', revokedAt, reason };
}

/** A good or unknown answer read from the DER; undefined for a revoked one or anything unusual. */
function fastAnswer(der: Buffer, parts: DerElement[], certId: OcspCertId): ParsedOcspAnswer | undefined {
  try {
    const [, status, thisUpdate, next] = parts;
    if (!status || (status.tag !== 0x80 && status.tag !== 0x82) || thisUpdate?.tag !== 0x18) return undefined;
    const nextTime = next?.tag === 0xa0 ? childrenOf(der, next)[0] : undefined;
    if (nextTime && nextTime.tag !== 0x18) return undefined;
    return {
      serial: certId.serial,
      certId,
      status: status.tag === 0x80 ? { status: 'good' } : { status: 'unknown' },
      thisUpdate: timeValue(der, thisUpdate),
      ...(nextTime ? { nextUpdate: timeValue(der, nextTime) } : {}),
    };
  } catch (e) {
    if (e instanceof DerSyntaxError || e instanceof RangeError) return undefined;
    throw e;
  }
}

function parseAnswer(der: Buffer, el: DerElement): ParsedOcspAnswer {
  const parts = childrenOf(der, el);
  const certId = toCertId(slice(der, parts[0] ?? fail('empty SingleResponse')));
  const fast = fastAnswer(der, parts, certId);
  if (fast) return fast;
  const sr = AsnConvert.parse(slice(der, el), SingleResponse);
  const answer: ParsedOcspAnswer = {
    serial: certId.serial,
    certId,
    status: parseStatus(parts[1]!.tag, sr),
    thisUpdate: validDate(sr.thisUpdate, 'thisUpdate'),
  };
  if (sr.nextUpdate !== undefined) answer.nextUpdate = validDate(sr.nextUpdate, 'nextUpdate');
  return answer;
}

/** What the BasicOCSPResponse gives besides its answers and certificates. */
type BasicFields = Pick<ParsedOcspResponse, 'producedAt' | 'signature' | 'signatureAlgorithm' | 'nonce'>;

/** The nonce extnValue contents among the responseExtensions ([1] EXPLICIT Extensions). */
function nonceOf(der: Buffer, tbsParts: DerElement[]): Buffer | undefined {
  // After producedAt and responses (a byName responderID is [1] too, before them).
  const produced = tbsParts.findIndex((p) => p.tag === 0x18);
  const exts = tbsParts.slice(produced + 2).find((p) => p.tag === 0xa1);
  if (!exts) return undefined;
  for (const e of childrenOf(der, firstChild(der, exts, 0x30, 'responseExtensions'))) {
    const [id, ...rest] = childrenOf(der, e);
    if (!id || id.tag !== 0x06 || decodeOid(der.subarray(id.start, id.end)) !== NONCE_OID) continue;
    const value = rest.find((x) => x.tag === 0x04) ?? fail('nonce extension without a value');
    return Buffer.from(der.subarray(value.start, value.end));
  }
  return undefined;
}

/**
 * The fields read straight from the DER: the parse of every response by a relying party is hot
 * (one per signer), and the full ASN.1 schema parse of the response costs milliseconds. Returns
 * undefined for anything unusual (a fractional producedAt, ...), which the schema parse reads.
 */
function fastBasicFields(der: Buffer, parts: DerElement[]): BasicFields | undefined {
  try {
    const tbsParts = childrenOf(der, parts[0]!);
    const produced = tbsParts.find((p) => p.tag === 0x18);
    const alg = parts[1] && parts[1].tag === 0x30 ? childrenOf(der, parts[1])[0] : undefined;
    const bits = parts[2];
    if (!produced || !alg || alg.tag !== 0x06 || !bits || bits.tag !== 0x03 || der[bits.start] !== 0)
      return undefined;
    const nonce = nonceOf(der, tbsParts);
    return {
      producedAt: timeValue(der, produced),
      signatureAlgorithm: decodeOid(der.subarray(alg.start, alg.end)),
      signature: Buffer.from(der.subarray(bits.start + 1, bits.end)),
      ...(nonce ? { nonce } : {}),
    };
  } catch (e) {
    if (e instanceof DerSyntaxError || e instanceof RangeError) return undefined;
    throw e;
  }
}

function schemaBasicFields(der: Buffer): BasicFields {
  const basic = AsnConvert.parse(der, BasicOCSPResponse);
  const nonceExt = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === NONCE_OID);
  return {
    producedAt: validDate(basic.tbsResponseData.producedAt, 'producedAt'),
    signature: Buffer.from(basic.signature),
    signatureAlgorithm: basic.signatureAlgorithm.algorithm,
    ...(nonceExt !== undefined ? { nonce: Buffer.from(nonceExt.extnValue.buffer) } : {}),
  };
}

function parseBasicResponse(der: Buffer): Omit<ParsedOcspResponse, 'status'> {
  const top = topElement(der, 0x30, 'BasicOCSPResponse');
  const parts = childrenOf(der, top);
  const tbs = parts[0]!;
  const certsEl = parts.find((p) => p.tag === 0xa0);
  const certificates = certsEl
    ? childrenOf(der, firstChild(der, certsEl, 0x30, 'certs')).map((c) => Buffer.from(slice(der, c)))
    : [];
  const singles = childrenOf(der, firstChild(der, tbs, 0x30, 'responses'));
  return {
    ...(fastBasicFields(der, parts) ?? schemaBasicFields(der)),
    answers: singles.map((s) => parseAnswer(der, s)),
    tbsResponseData: Buffer.from(slice(der, tbs)),
    certificates,
  };
}

/**
 * Parses a DER OCSPResponse. Nothing is verified: the caller checks the signature over
 * `tbsResponseData`, the responder certificate and the CertIDs.
 *
 * @param der - the OCSPResponse DER
 * @returns status name, and for successful responses the BasicOCSPResponse contents
 * @throws PkiError INPUT_MALFORMED when `der` is not an OCSPResponse with a basic response
 * @example
 * ```ts
 * const r = parseOcspResponse(body);
 * if (r.status === 'successful') console.log(r.answers[0]?.status);
 * ```
 */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  return guarded('INPUT_MALFORMED', () => {
    const buf = Buffer.from(der);
    const top = topElement(buf, 0x30, 'OCSPResponse');
    const outer = fastOuter(buf, top) ?? schemaOuter(buf);
    const status = RESPONSE_STATUSES[outer.status] || fail('unknown OCSPResponseStatus');
    if (status !== 'successful') return { status, answers: [], certificates: [] };
    if (outer.basic === undefined) fail('not a basic OCSP response');
    return { status, ...parseBasicResponse(outer.basic) };
  });
}

/** The responseStatus and, for id-pkix-ocsp-basic, the BasicOCSPResponse DER. */
interface Outer {
  status: number;
  basic?: Buffer;
}

/** OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }. */
function fastOuter(der: Buffer, top: DerElement): Outer | undefined {
  try {
    const [status, bytes, ...rest] = childrenOf(der, top);
    if (!status || status.tag !== 0x0a || status.end - status.start !== 1 || rest.length) return undefined;
    const code = der[status.start]!;
    if (!bytes) return { status: code };
    if (bytes.tag !== 0xa0) return undefined;
    const [type, value] = childrenOf(der, firstChild(der, bytes, 0x30, 'ResponseBytes'));
    if (!type || type.tag !== 0x06 || !value || value.tag !== 0x04) return undefined;
    const basic = decodeOid(der.subarray(type.start, type.end)) === BASIC_OID;
    return { status: code, ...(basic ? { basic: Buffer.from(der.subarray(value.start, value.end)) } : {}) };
  } catch (e) {
    if (e instanceof DerSyntaxError || e instanceof RangeError) return undefined;
    throw e;
  }
}

function schemaOuter(der: Buffer): Outer {
  const response = AsnConvert.parse(der, OCSPResponse);
  const bytes = response.responseBytes;
  return {
    status: response.responseStatus,
    ...(bytes?.responseType === BASIC_OID ? { basic: Buffer.from(bytes.response.buffer) } : {}),
  };
}
