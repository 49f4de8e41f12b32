/**
 * The JAdES-BASELINE-B requirements of ETSI TS 119 182-1 §6.3 (with RFC 7515 §4.1.11 on `crit`)
 * that decide the level a JWS shows: a signature that breaks one is a plain JWS (`NOT-ETSI`),
 * whatever its unsigned properties. Validity is not decided here: the RFC 7515 rules that make a
 * JWS invalid (a `crit` that is malformed or lists what is not understood) are the extractor's
 * FORMAT_FAILURE.
 */

/** Header parameters that may be listed in `crit` (TS 119 182-1 §5.1.x, RFC 7519, RFC 7797). */
const CRITICAL_ALLOWED = new Set([
  'sigT',
  'x5t#o',
  'sigX5ts',
  'srCms',
  'sigPl',
  'srAts',
  'adoTst',
  'sigPId',
  'sigD',
  'iat',
  'exp',
  'b64',
  // Listed by some generators for a signature with unsigned properties; tolerated when present.
  'etsiU',
]);

/** Parameters of RFC 7515 §4.1 and RFC 7518 §4 that `crit` must not list (RFC 7515 §4.1.11). */
const CRITICAL_FORBIDDEN = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
  'enc',
  'zip',
]);

/** Parameters that must be listed in `crit` whenever present (TS 119 182-1 §5.2.8, RFC 7797 §6). */
const CRITICAL_REQUIRED = ['sigD', 'b64'];

/** The inputs of the check: both headers and what kind of signature it is. */
export interface BaselineInput {
  protectedHeader: Record<string, unknown>;
  unprotectedHeader?: Record<string, unknown>;
  /** The names of the `etsiU` elements (sigTst, cSig, sigPSt, …), in order. */
  etsiUNames: readonly string[];
  /** True for a counter-signature (the JWS of a `cSig`). */
  counterSignature: boolean;
}

function critProblem(h: Record<string, unknown>, names: ReadonlySet<string>): string | undefined {
  const crit = h['crit'];
  if (crit !== undefined) {
    if (!Array.isArray(crit)) return 'crit is not a JSON array';
    if (crit.length === 0) return 'crit is empty';
    if (new Set(crit).size !== crit.length) return 'crit lists a header twice';
  }
  const list: unknown[] = Array.isArray(crit) ? crit : [];
  for (const name of names) {
    if (CRITICAL_FORBIDDEN.has(name) && list.includes(name))
      return `crit lists ${name}, a header of RFC 7515 / RFC 7518`;
    if (CRITICAL_REQUIRED.includes(name) && !list.includes(name)) return `${name} is present but not in crit`;
  }
  for (const entry of list) {
    if (typeof entry !== 'string') return 'crit has an entry that is not a string';
    if (!names.has(entry)) return `crit lists ${entry}, which is not present`;
    if (!CRITICAL_ALLOWED.has(entry)) return `crit lists ${entry}, which cannot be processed`;
  }
  return undefined;
}

function signingTimeProblem(h: Record<string, unknown>): string | undefined {
  const iat = h['iat'];
  const sigT = h['sigT'];
  const hasSigT = typeof sigT === 'string' && sigT !== '';
  if (typeof iat !== 'number' && !hasSigT) return 'neither iat nor sigT gives the signing time';
  if (typeof iat === 'number' && hasSigT) return 'both iat and sigT are present';
  if (typeof iat === 'number') return Number.isFinite(iat) ? undefined : 'iat is not a number of seconds';
  // TS 119 182-1 §6.3 a) wants iat instead of sigT from 2025-07-15 on (DSS demotes a later sigT
  // alone); not applied yet: our signer still writes sigT, and DSS's corpus has no such file.
  return Number.isNaN(Date.parse(sigT as string)) ? 'sigT is not a date' : undefined;
}

function certificateReferenceCount(h: Record<string, unknown>): number {
  const s256 = h['x5t#S256'];
  const o = h['x5t#o'];
  const ts = h['sigX5ts'];
  return (
    Number(typeof s256 === 'string' && s256 !== '') +
    Number(typeof o === 'object' && o !== null && !Array.isArray(o) && Object.keys(o).length > 0) +
    Number(Array.isArray(ts) && ts.length > 0)
  );
}

/**
 * The first JAdES-BASELINE-B requirement (TS 119 182-1 §6.3, RFC 7515 §4.1.11) the signature
 * breaks, or undefined when it meets them all.
 *
 * @param input - the headers, the etsiU element names and whether it is a counter-signature
 * @returns the rule broken, as a sentence for the report's warnings
 * @example
 * ```ts
 * baselineBProblem({ protectedHeader: { alg: 'ES256', crit: [] }, etsiUNames: [], counterSignature: false });
 * // 'crit is empty'
 * ```
 */
export function baselineBProblem(input: BaselineInput): string | undefined {
  const h = input.protectedHeader;
  if (typeof h['alg'] !== 'string' || h['alg'] === '') return 'alg is missing';
  if (input.counterSignature && typeof h['cty'] === 'string' && h['cty'] !== '')
    return 'cty is present in a counter-signature';
  const names = new Set([...Object.keys(h), ...Object.keys(input.unprotectedHeader ?? {})]);
  const problem = critProblem(h, names) ?? signingTimeProblem(h);
  if (problem) return problem;
  if (certificateReferenceCount(h) !== 1) return 'not exactly one of x5t#S256, x5t#o, sigX5ts';
  const sigPSt = input.etsiUNames.filter((n) => n === 'sigPSt').length;
  if (sigPSt > 1) return 'more than one sigPSt';
  const sigPId = h['sigPId'] as { hashAV?: unknown } | undefined;
  if (sigPSt === 1 && (typeof sigPId !== 'object' || sigPId === null || sigPId.hashAV === undefined))
    return 'sigPSt without a sigPId with hashAV';
  return undefined;
}
