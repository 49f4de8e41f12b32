/**
 * Reading and verifying a JAdES / JWS signature (RFC 7515 §5.2, RFC 7797, ETSI TS 119 182-1):
 * the compact or flattened JSON serialization, the protected header, the ECDSA signature
 * against the `x5c[0]` certificate, and the signature time-stamps of `etsiU`.
 */
import { X509Certificate, createHash, verify as cryptoVerify } from 'node:crypto';
import { firstDuplicateMember } from '../../lib/json_members.js';
import { curveOfSpki } from '../../pki/algorithms.js';
import { JWS_EC_ALGORITHMS } from './ecdsa.js';
import type { JwsEcAlgorithm } from './ecdsa.js';
import { JadesError } from './errors.js';
import { objectsInOrder, readSigD, sigDDigestsMatch, sigDPayload } from './sig_d.js';
import type { DetachedObject } from './sig_d.js';

/** A JWS read from its serialization; nothing is verified yet. */
export interface ParsedJades {
  serialization: 'compact' | 'json';
  /** The protected header as transmitted (base64url). */
  protectedB64: string;
  /** The decoded protected header. */
  protectedHeader: Record<string, unknown>;
  /** The JSON serialization's unprotected `header`, if any. */
  unprotectedHeader?: Record<string, unknown>;
  /** The payload the JWS carries; undefined when detached. */
  payload?: Buffer;
  /** The payload as transmitted (base64url, or the unencoded text), when attached. */
  payloadPart?: string;
  /** `b64` of the protected header: false for an RFC 7797 unencoded payload. */
  b64: boolean;
  /** The signature value as transmitted (base64url) and decoded. */
  signatureB64: string;
  signature: Buffer;
  /** The `x5c` certificates (DER), the signer's first. */
  certificates: Buffer[];
}

/** Header parameters this implementation understands when they are listed in `crit`. */
// Only what this module processes: a signature critical on srCms, sigPId, … is refused, not misread.
const UNDERSTOOD_CRITICAL = new Set(['sigT', 'b64', 'sigD']);
const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The JWS Signing Input (RFC 7515 §5.1 step 5; RFC 7797 §3 when unencoded).
 *
 * @param protectedB64 - the protected header, base64url
 * @param payload - the payload octets
 * @param b64 - false for an unencoded (RFC 7797) payload
 * @returns ASCII(BASE64URL(protected)) '.' BASE64URL(payload) — or the raw payload bytes
 * @example
 * ```ts
 * const input = jwsSigningInput(protectedB64, doc, false);
 * ```
 */
export function jwsSigningInput(protectedB64: string, payload: Buffer, b64: boolean): Buffer {
  const payloadPart = b64 ? Buffer.from(payload.toString('base64url'), 'ascii') : payload;
  return Buffer.concat([Buffer.from(`${protectedB64}.`, 'ascii'), payloadPart]);
}

/**
 * The message imprint input of a `sigTst` time-stamp (TS 119 182-1 §5.3.4): the
 * base64url-encoded JWS Signature Value, as ASCII octets (what DSS computes too).
 *
 * @param signatureB64 - the signature value, base64url
 * @returns the octets to hash for the time-stamp request
 * @example
 * ```ts
 * const digest = createHash('sha256').update(sigTstImprintInput(parsed.signatureB64)).digest();
 * ```
 */
export function sigTstImprintInput(signatureB64: string): Buffer {
  return Buffer.from(signatureB64, 'ascii');
}

function decodeB64url(part: string, what: string): Buffer {
  if (!B64URL.test(part)) throw new JadesError('JADES_MALFORMED', `${what} is not base64url`);
  return Buffer.from(part, 'base64url');
}

function jsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new JadesError('JADES_MALFORMED', `${what} is not JSON`, { cause: e });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JadesError('JADES_MALFORMED', `${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function stringMember(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name];
  if (v !== undefined && typeof v !== 'string')
    throw new JadesError('JADES_MALFORMED', `the ${name} member is not a string`);
  return v;
}

function readCertificates(header: Record<string, unknown>): Buffer[] {
  const x5c = header['x5c'];
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => typeof c === 'string'))
    throw new JadesError('JADES_HEADER_INVALID', 'x5c is missing or not an array of strings');
  return (x5c as string[]).map((c) => Buffer.from(c, 'base64'));
}

/** One signature of a JWS as transmitted, before decoding. */
export interface JwsParts {
  serialization: 'compact' | 'json';
  protectedB64: string;
  payloadPart?: string;
  signatureB64: string;
  unprotectedHeader?: Record<string, unknown>;
}

function splitSerialization(text: string): JwsParts {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) {
    const parts = trimmed.split('.');
    if (parts.length !== 3) throw new JadesError('JADES_MALFORMED', 'a compact JWS has three parts');
    const [protectedB64, payloadPart, signatureB64] = parts as [string, string, string];
    return { serialization: 'compact', protectedB64, payloadPart, signatureB64 };
  }
  const o = jsonObject(trimmed, 'the JWS JSON serialization');
  if ('signatures' in o)
    throw new JadesError('JADES_MALFORMED', 'the general JSON serialization is not supported');
  const header = o['header'];
  if (header !== undefined && (typeof header !== 'object' || header === null || Array.isArray(header)))
    throw new JadesError('JADES_MALFORMED', 'the header member is not a JSON object');
  const protectedB64 = stringMember(o, 'protected');
  const signatureB64 = stringMember(o, 'signature');
  if (protectedB64 === undefined || signatureB64 === undefined)
    throw new JadesError('JADES_MALFORMED', 'protected and signature members are required');
  const payloadPart = stringMember(o, 'payload');
  return {
    serialization: 'json',
    protectedB64,
    signatureB64,
    ...(payloadPart === undefined ? {} : { payloadPart }),
    ...(header === undefined ? {} : { unprotectedHeader: header as Record<string, unknown> }),
  };
}

/**
 * Reads a JWS in the compact or flattened JSON serialization and decodes its protected header.
 *
 * @param text - the JWS
 * @returns the parts, decoded; the signature is not verified
 * @throws JadesError JADES_MALFORMED for a JWS that cannot be read; JADES_HEADER_INVALID for a
 *   protected header without `x5c` or with a non-boolean `b64`
 * @example
 * ```ts
 * const { protectedHeader, certificates } = parseJades(readFileSync('doc.jws', 'utf8'));
 * ```
 */
export function parseJades(text: string): ParsedJades {
  return parseJwsParts(splitSerialization(text), readCertificates);
}

/**
 * Decodes one signature of a JWS from its transmitted parts.
 *
 * @param s - the parts (one entry of a general JSON serialization, or the whole JWS)
 * @param certificates - reads the certificates of the protected header (strict: `x5c` required)
 * @returns the parts, decoded; the signature is not verified
 * @throws JadesError JADES_MALFORMED / JADES_HEADER_INVALID (also for a header member given twice)
 * @example
 * ```ts
 * const parsed = parseJwsParts({ serialization: 'json', protectedB64, payloadPart, signatureB64 }, () => []);
 * ```
 */
export function parseJwsParts(
  s: JwsParts,
  certificates: (header: Record<string, unknown>) => Buffer[],
): ParsedJades {
  const headerText = decodeB64url(s.protectedB64, 'the protected header').toString('utf8');
  const protectedHeader = jsonObject(headerText, 'the protected header');
  // RFC 7515 §4: header names must be unique; a parser rejects a duplicate or keeps the last. The
  // signed octets hold both values, so another reader may take the other one: reject.
  const duplicate = firstDuplicateMember(headerText);
  if (duplicate !== undefined)
    throw new JadesError(
      'JADES_HEADER_INVALID',
      `the protected header has the member ${duplicate} twice (RFC 7515 §4)`,
    );
  const b64 = protectedHeader['b64'] ?? true;
  if (typeof b64 !== 'boolean') throw new JadesError('JADES_HEADER_INVALID', 'b64 is not a boolean');
  // RFC 7797 §3: unencoded, the payload travels as it is; an empty compact part means detached.
  const payload =
    s.payloadPart === undefined || (s.serialization === 'compact' && s.payloadPart === '')
      ? undefined
      : b64
        ? decodeB64url(s.payloadPart, 'the payload')
        : Buffer.from(s.payloadPart, 'utf8');
  return {
    serialization: s.serialization,
    protectedB64: s.protectedB64,
    protectedHeader,
    ...(s.unprotectedHeader ? { unprotectedHeader: s.unprotectedHeader } : {}),
    ...(payload === undefined ? {} : { payload, payloadPart: s.payloadPart! }),
    b64,
    signatureB64: s.signatureB64,
    signature: decodeB64url(s.signatureB64, 'the signature'),
    certificates: certificates(protectedHeader),
  };
}

function checkCritical(header: Record<string, unknown>): void {
  const crit = header['crit'];
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0)
    throw new JadesError('JADES_HEADER_INVALID', 'crit is not a non-empty array');
  for (const name of crit) {
    // RFC 7515 §4.1.11: a critical parameter must be understood and present.
    if (typeof name !== 'string' || !UNDERSTOOD_CRITICAL.has(name))
      throw new JadesError('JADES_HEADER_INVALID', `critical header ${String(name)} is not understood`);
    if (!(name in header)) throw new JadesError('JADES_HEADER_INVALID', `critical header ${name} is absent`);
  }
  if (header['b64'] === false && !crit.includes('b64'))
    throw new JadesError('JADES_HEADER_INVALID', 'b64: false must be critical (RFC 7797 §6)');
  if (header['sigD'] !== undefined && !crit.includes('sigD'))
    throw new JadesError('JADES_HEADER_INVALID', 'sigD must be critical (TS 119 182-1 §5.2.8)');
}

/**
 * The payload of the signing input: the one carried or given, or under `sigD` (TS 119 182-1
 * §5.2.8.3) the referenced objects' concatenation or nothing, after checking their hashV digests.
 */
function signedPayload(parsed: ParsedJades, detached?: Buffer | DetachedObject[]): Buffer {
  const sigDValue = parsed.protectedHeader['sigD'];
  if (sigDValue !== undefined) {
    const sigD = readSigD(sigDValue);
    if (detached === undefined)
      throw new JadesError('JADES_MALFORMED', 'the JWS signs detached objects (sigD) and none was given');
    const objects = objectsInOrder(sigD, detached);
    const bad = sigDDigestsMatch(sigD, objects, parsed.b64).findIndex((ok) => !ok);
    if (bad >= 0)
      throw new JadesError(
        'JADES_SIGNATURE_INVALID',
        `sigD hashV does not match the object ${sigD.pars[bad]}`,
      );
    return sigDPayload(sigD, objects);
  }
  if (detached !== undefined && !Buffer.isBuffer(detached))
    throw new JadesError('JADES_MALFORMED', 'the JWS has no sigD: give the detached payload as one document');
  const payload = parsed.payload ?? detached;
  if (payload === undefined)
    throw new JadesError('JADES_MALFORMED', 'the JWS is detached and no payload was given');
  if (parsed.payload && detached && !parsed.payload.equals(detached))
    throw new JadesError('JADES_MALFORMED', 'the JWS carries a payload other than the one given');
  return payload;
}

function signingCertificate(parsed: ParsedJades, alg: JwsEcAlgorithm): X509Certificate {
  const der = parsed.certificates[0]!;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (e) {
    throw new JadesError('JADES_HEADER_INVALID', 'x5c[0] is not an X.509 certificate', { cause: e });
  }
  const thumbprint = parsed.protectedHeader['x5t#S256'];
  if (thumbprint !== undefined && thumbprint !== createHash('sha256').update(der).digest('base64url'))
    throw new JadesError('JADES_CERTIFICATE_MISMATCH', 'x5t#S256 is not the digest of x5c[0]');
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  let curve: string;
  try {
    curve = curveOfSpki(spki);
  } catch (e) {
    throw new JadesError('JADES_CERTIFICATE_MISMATCH', `x5c[0] holds no ${alg} key`, { cause: e });
  }
  if (curve !== JWS_EC_ALGORITHMS[alg].curve)
    throw new JadesError('JADES_CERTIFICATE_MISMATCH', `x5c[0] holds a ${curve} key, not one for ${alg}`);
  return cert;
}

/**
 * Verifies a JAdES / JWS signature: the serialization, `alg` (ES256 or ES384), the critical
 * header parameters (RFC 7515 §4.1.11), `x5t#S256` against `x5c[0]`, the `sigD` digests of
 * detached objects (TS 119 182-1 §5.2.8), and the ECDSA signature with the key of `x5c[0]`. It
 * does not validate the certificate path nor the time-stamps.
 *
 * @param text - the JWS
 * @param detachedPayload - the document of a detached JWS; under `sigD`, the documents by URI
 *   (or the one document when `pars` has one entry)
 * @returns the parsed JWS, with `payload` set to the signed payload (empty for ObjectIdByURIHash)
 * @throws JadesError JADES_MALFORMED, JADES_HEADER_INVALID, JADES_ALGORITHM_UNSUPPORTED,
 *   JADES_CERTIFICATE_MISMATCH, JADES_SIGNATURE_INVALID
 * @example
 * ```ts
 * const { protectedHeader } = verifyJades(readFileSync('doc.jws', 'utf8'), readFileSync('doc.pdf'));
 * ```
 */
export function verifyJades(text: string, detachedPayload?: Buffer | DetachedObject[]): ParsedJades {
  const parsed = parseJades(text);
  const alg = parsed.protectedHeader['alg'];
  if (alg !== 'ES256' && alg !== 'ES384')
    throw new JadesError('JADES_ALGORITHM_UNSUPPORTED', `alg ${String(alg)}`);
  checkCritical(parsed.protectedHeader);
  const payload = signedPayload(parsed, detachedPayload);
  const cert = signingCertificate(parsed, alg);
  const input = jwsSigningInput(parsed.protectedB64, payload, parsed.b64);
  const { hash, size } = JWS_EC_ALGORITHMS[alg];
  const ok =
    parsed.signature.length === 2 * size &&
    cryptoVerify(hash, input, { key: cert.publicKey, dsaEncoding: 'ieee-p1363' }, parsed.signature);
  if (!ok) throw new JadesError('JADES_SIGNATURE_INVALID', `the ${alg} signature does not verify`);
  return { ...parsed, payload };
}

/** One element of the `etsiU` array (TS 119 182-1 §5.3.1). */
export interface EtsiUComponent {
  /** Its only member's name: sigTst, xVals, rVals, arcTst, … */
  name: string;
  /** That member's value. */
  value: unknown;
  /** The element as transmitted when base64url-encoded (what archive time-stamps hash). */
  encoded?: string;
}

const MAX_ETSIU = 1000;

function etsiUComponent(element: unknown): EtsiUComponent {
  // TS 119 182-1 §5.3.1: an etsiU element is a base64url-encoded JSON object or a clear one,
  // holding one unsigned property.
  const encoded = typeof element === 'string' ? element : undefined;
  const o =
    encoded !== undefined
      ? jsonObject(decodeB64url(encoded, 'an etsiU element').toString('utf8'), 'an etsiU element')
      : typeof element === 'object' && element !== null && !Array.isArray(element)
        ? (element as Record<string, unknown>)
        : undefined;
  if (!o) throw new JadesError('JADES_MALFORMED', 'an etsiU element is neither a string nor an object');
  const names = Object.keys(o);
  if (names.length !== 1) throw new JadesError('JADES_MALFORMED', 'an etsiU element has not one member');
  return { name: names[0]!, value: o[names[0]!], ...(encoded === undefined ? {} : { encoded }) };
}

/**
 * The elements of the unprotected `etsiU` header (TS 119 182-1 §5.3.1), in order.
 *
 * @param parsed - a parsed JWS
 * @returns each element's property name, value and transmitted base64url form (empty for none)
 * @throws JadesError JADES_MALFORMED for an etsiU that cannot be read
 * @example
 * ```ts
 * const names = etsiUComponents(parseJades(jws)).map((c) => c.name); // ['sigTst', 'xVals', 'rVals']
 * ```
 */
export function etsiUComponents(parsed: ParsedJades): EtsiUComponent[] {
  const etsiU = parsed.unprotectedHeader?.['etsiU'];
  if (etsiU === undefined) return [];
  if (!Array.isArray(etsiU) || etsiU.length > MAX_ETSIU)
    throw new JadesError('JADES_MALFORMED', 'etsiU is not an array (of at most 1000 elements)');
  return etsiU.map(etsiUComponent);
}

/**
 * The RFC 3161 tokens of a time-stamp property value (`sigTst`, `arcTst`: TS 119 182-1 §5.4.3
 * tstContainer, `tstTokens` of pkiOb with standard base64 `val`).
 *
 * @param value - the property value
 * @param name - its name, for messages
 * @returns the TimeStampToken DERs
 * @throws JadesError JADES_MALFORMED for anything else
 * @example
 * ```ts
 * const tokens = tstContainerTokens(component.value, 'arcTst');
 * ```
 */
export function tstContainerTokens(value: unknown, name: string): Buffer[] {
  const tstTokens = (value as { tstTokens?: unknown } | null)?.tstTokens;
  if (!Array.isArray(tstTokens)) throw new JadesError('JADES_MALFORMED', `${name} has no tstTokens array`);
  return tstTokens.map((t: { val?: unknown } | null) => {
    if (typeof t?.val !== 'string') throw new JadesError('JADES_MALFORMED', `a ${name} tstToken has no val`);
    return Buffer.from(t.val, 'base64');
  });
}

/**
 * The RFC 3161 tokens of the `sigTst` elements of `etsiU` (TS 119 182-1 §5.3.4), in order.
 *
 * @param parsed - a parsed JWS
 * @returns the TimeStampToken DERs (empty for a B-B)
 * @throws JadesError JADES_MALFORMED for an etsiU that cannot be read
 * @example
 * ```ts
 * const [token] = signatureTimeStampTokens(parseJades(jws));
 * ```
 */
export function signatureTimeStampTokens(parsed: ParsedJades): Buffer[] {
  return etsiUComponents(parsed)
    .filter((c) => c.name === 'sigTst')
    .flatMap((c) => tstContainerTokens(c.value, 'sigTst'));
}
