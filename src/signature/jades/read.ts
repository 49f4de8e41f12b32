/**
 * Reading a JWS for validation: compact, flattened JSON or general JSON serialization with one
 * or several signatures (RFC 7515 §7.2.1; TS 119 182-1 clause 5.1 allows each). Once the input
 * is recognisably a JWS, a structural problem of one signature becomes that signature's format
 * failure, to be reported (EN 319 102-1 clause 5.2.2), instead of refusing the whole document.
 */
import { isNodeX509 } from '../../lib/node_x509.js';
import { JadesError } from './errors.js';
import { parseJwsParts } from './parse.js';
import type { JwsParts, ParsedJades } from './parse.js';

/** One signature of a JWS: decoded, or why it cannot be. */
export interface JwsEntry {
  parsed?: ParsedJades;
  /** The structural problem that makes it a FORMAT_FAILURE. */
  formatFailure?: string;
  /** What was ignored while reading it (an `x5c` entry that is not a certificate, ...). */
  warnings: string[];
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The `x5c` certificates that decode. Like DSS (JAdESCertificateSource), an entry that is not a
 * certificate is skipped with a warning: with no signing certificate left, the process reports
 * INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND.
 */
function lenientCertificates(warnings: string[]): (header: Record<string, unknown>) => Buffer[] {
  return (header) => {
    const x5c = header['x5c'];
    if (x5c === undefined) return [];
    if (!Array.isArray(x5c)) {
      warnings.push('x5c is not an array and was ignored');
      return [];
    }
    return x5c.flatMap((c: unknown, i): Buffer[] => {
      const der =
        typeof c === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(c) ? Buffer.from(c, 'base64') : undefined;
      // OpenSSL's parse, remembered per bytes: the validation needs the signer's key from it.
      if (der && isNodeX509(der)) return [der];
      warnings.push(`x5c[${i}] is not an X.509 certificate and was ignored`);
      return [];
    });
  };
}

function entryOf(parts: JwsParts): JwsEntry {
  const warnings: string[] = [];
  try {
    return { parsed: parseJwsParts(parts, lenientCertificates(warnings)), warnings };
  } catch (e) {
    if (e instanceof JadesError) return { formatFailure: e.message, warnings };
    throw e;
  }
}

/** The members of one JSON signature object, or its problem. */
function jsonParts(
  o: Record<string, unknown>,
  payload: unknown,
  where: string,
): JwsParts | { problem: string } {
  const { protected: protectedB64, signature: signatureB64, header } = o;
  if (typeof protectedB64 !== 'string' || typeof signatureB64 !== 'string')
    return { problem: `${where}: protected and signature must be strings` };
  if (header !== undefined && !isObject(header))
    return { problem: `${where}: the header member is not a JSON object` };
  if (payload !== undefined && typeof payload !== 'string')
    return {
      problem: `the payload member is a ${Array.isArray(payload) ? 'array' : typeof payload}, not a string`,
    };
  return {
    serialization: 'json',
    protectedB64,
    signatureB64,
    ...(payload === undefined ? {} : { payloadPart: payload }),
    ...(header === undefined ? {} : { unprotectedHeader: header }),
  };
}

const JADES_FORMAT = 'the JWS JSON serialization breaks RFC 7515 §7.2';

function failed(problem: string): JwsEntry {
  return { formatFailure: `${JADES_FORMAT}: ${problem}`, warnings: [] };
}

function readJson(text: string): JwsEntry[] {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new JadesError('JADES_MALFORMED', 'the document is not JSON', { cause: e });
  }
  if (!isObject(o) || !('signatures' in o || ('protected' in o && 'signature' in o)))
    throw new JadesError('JADES_MALFORMED', 'a JSON document without signatures, or protected and signature');
  if (!('signatures' in o)) {
    const p = jsonParts(o, o['payload'], 'the signature');
    return ['problem' in p ? failed(p.problem) : entryOf(p)];
  }
  const list = o['signatures'];
  if ('signature' in o || 'protected' in o)
    return [failed('the general serialization has a signatures array and a signature of its own')];
  if (!Array.isArray(list) || list.length === 0) return [failed('signatures is not a non-empty array')];
  return list.map((s: unknown, i) => {
    if (!isObject(s)) return failed(`signatures[${i}] is not a JSON object`);
    const p = jsonParts(s, o['payload'], `signatures[${i}]`);
    return 'problem' in p ? failed(p.problem) : entryOf(p);
  });
}

function readCompact(text: string): JwsEntry[] {
  const parts = text.split('.');
  const [protectedB64, payloadPart, signatureB64] = parts as [string, string, string];
  // Recognisable: three parts and a protected header that is a JSON object.
  let header: unknown;
  try {
    header =
      parts.length === 3 && B64URL.test(protectedB64)
        ? JSON.parse(Buffer.from(protectedB64, 'base64url').toString('utf8'))
        : undefined;
  } catch {
    header = undefined;
  }
  if (!isObject(header))
    throw new JadesError('JADES_MALFORMED', 'not a compact JWS with a JSON protected header');
  return [entryOf({ serialization: 'compact', protectedB64, payloadPart, signatureB64 })];
}

/**
 * The signatures of a JWS, each decoded on its own (its protected header, `x5c`, `sigD`, unprotected
 * header), the payload shared.
 *
 * @param text - the JWS in any serialization
 * @returns one entry per signature, in order
 * @throws JadesError JADES_MALFORMED for input that is not recognisably a JWS
 * @example
 * ```ts
 * readJwsEntries(generalJson).length; // 2 for a JWS with two signatures
 * ```
 */
export function readJwsEntries(text: string): JwsEntry[] {
  const trimmed = text.trim();
  return trimmed.startsWith('{') ? readJson(trimmed) : readCompact(trimmed);
}
