/**
 * JAdES baseline B-LTA (ETSI TS 119 182-1 §5.3.6, §6.3): an `arcTst` archive time-stamp in
 * `etsiU` over the signed data, the protected header, the signature value and every `etsiU`
 * element before it, taken in their base64url-encoded form so that no JSON canonicalization is
 * needed (§5.3.6.3.1.1). JSON serialization only.
 */
import type { TsaEndpoint } from '../cades/sign.js';
import { SignatureError } from '../errors.js';
import { JadesError } from './errors.js';
import { etsiUElement, extendJadesToLt, jwsJson, tstContainer } from './lt.js';
import type { JadesLtParams } from './lt.js';
import { etsiUComponents, parseJades, tstContainerTokens } from './parse.js';
import type { ParsedJades } from './parse.js';
import { objectsInOrder, readSigD, sigDObjectsOctets } from './sig_d.js';
import type { DetachedObject } from './sig_d.js';

/** Inputs of {@link extendJadesToLta}. */
export interface JadesLtaParams extends JadesLtParams {
  /** The TSA of the archive time-stamp. */
  tsa: TsaEndpoint;
  /** The detached document(s): the archive time-stamp covers them (§5.3.6.3.1 items 1-2). */
  detached?: Buffer | DetachedObject[];
}

/**
 * §5.3.6.3.1 items 1-2: under `sigD` the referenced objects (base64url-encoded unless `b64` is
 * false), else the JWS Payload (base64url-encoded as transmitted, or its octets when b64 false).
 */
function signedDataOctets(parsed: ParsedJades, detached?: Buffer | DetachedObject[]): Buffer {
  const sigDValue = parsed.protectedHeader['sigD'];
  const missing = (): never => {
    throw new JadesError('JADES_MALFORMED', 'the JWS is detached: the archive time-stamp needs the document');
  };
  if (sigDValue !== undefined) {
    const sigD = readSigD(sigDValue);
    return sigDObjectsOctets(objectsInOrder(sigD, detached ?? missing()), parsed.b64);
  }
  if (parsed.payload !== undefined)
    return parsed.b64 ? Buffer.from(parsed.payloadPart!, 'ascii') : parsed.payload;
  if (!Buffer.isBuffer(detached)) return missing();
  return parsed.b64 ? Buffer.from(detached.toString('base64url'), 'ascii') : detached;
}

/**
 * The message imprint input of an `arcTst` (TS 119 182-1 §5.3.6.3.1): the signed data octets,
 * '.', the base64url protected header, '.', the base64url signature value, '.', then the
 * base64url-encoded `etsiU` elements that precede the archive time-stamp, concatenated.
 *
 * @param parsed - a parsed JWS
 * @param arcIndex - which `arcTst` (0 = first); the number of those present for a new one
 * @param detached - the detached document(s), when the payload is not carried
 * @returns the octets whose hash the time-stamp's message imprint holds
 * @throws JadesError JADES_MALFORMED when a preceding etsiU element is clear JSON (it would need
 *   a canonicalization), when there is no such arcTst, or when a detached document is missing
 * @example
 * ```ts
 * const digest = createHash('sha256').update(arcTstImprintInput(parseJades(jws), 0)).digest();
 * ```
 */
export function arcTstImprintInput(
  parsed: ParsedJades,
  arcIndex: number,
  detached?: Buffer | DetachedObject[],
): Buffer {
  const components = etsiUComponents(parsed);
  const arcPositions = components.flatMap((c, i) => (c.name === 'arcTst' ? [i] : []));
  if (arcIndex > arcPositions.length || arcIndex < 0)
    throw new JadesError('JADES_MALFORMED', `there is no arcTst number ${arcIndex}`);
  const before = components.slice(0, arcPositions[arcIndex] ?? components.length);
  if (before.some((c) => c.encoded === undefined))
    throw new JadesError(
      'JADES_MALFORMED',
      'an etsiU element is clear JSON: archive time-stamps over it need a canonicalization (not supported)',
    );
  return Buffer.concat([
    signedDataOctets(parsed, detached),
    Buffer.from(`.${parsed.protectedB64}.${parsed.signatureB64}.`, 'ascii'),
    ...before.map((c) => Buffer.from(c.encoded!, 'ascii')),
  ]);
}

/**
 * The RFC 3161 tokens of each `arcTst` element of `etsiU`, in order.
 *
 * @param parsed - a parsed JWS
 * @returns per arcTst, its tokens (DER)
 * @throws JadesError JADES_MALFORMED for an unreadable etsiU
 * @example
 * ```ts
 * const [[token]] = archiveTimeStampTokens(parseJades(jws));
 * ```
 */
export function archiveTimeStampTokens(parsed: ParsedJades): Buffer[][] {
  return etsiUComponents(parsed)
    .filter((c) => c.name === 'arcTst')
    .map((c) => tstContainerTokens(c.value, 'arcTst'));
}

/**
 * Extends a JAdES signature to B-LTA (TS 119 182-1 §5.3.6): {@link extendJadesToLt} first, then
 * an `arcTst` from `tsa` over {@link arcTstImprintInput}. Renewing an existing B-LTA is not
 * built (it needs validation data for the previous archive time-stamp, §5.3.7 tstVD).
 *
 * @param jws - a JAdES B-B (with `tsa`), B-T or B-LT
 * @param p - TSA, fetcher, the detached document(s)
 * @returns the JAdES B-LTA, flattened JSON
 * @throws SignatureError USAGE_INVALID_ARGUMENT for a B-LTA input; as {@link extendJadesToLt};
 *   JadesError JADES_MALFORMED when a detached document is missing
 * @example
 * ```ts
 * const lta = await extendJadesToLta(bt, { tsa: { url, transport }, fetcher: httpRevocationFetcher() });
 * ```
 */
export async function extendJadesToLta(jws: string, p: JadesLtaParams): Promise<string> {
  const input = parseJades(jws);
  if (archiveTimeStampTokens(input).length)
    throw new SignatureError('USAGE_INVALID_ARGUMENT', 'renewing a JAdES B-LTA is not built yet');
  signedDataOctets(input, p.detached);
  const parsed = parseJades(await extendJadesToLt(jws, p));
  const arcTst = await tstContainer(arcTstImprintInput(parsed, 0, p.detached), p.tsa);
  const etsiU = [...((parsed.unprotectedHeader?.['etsiU'] as unknown[] | undefined) ?? [])];
  return JSON.stringify(jwsJson(parsed, [...etsiU, etsiUElement('arcTst', arcTst)]));
}
