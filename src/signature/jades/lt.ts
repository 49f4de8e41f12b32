/**
 * JAdES baseline B-LT (ETSI TS 119 182-1 §5.3.5, §6.3): a B-T JWS (JSON serialization) whose
 * unprotected `etsiU` header gains `xVals` (the certificates needed to validate the signature and
 * its time-stamps that `x5c` does not carry) and `rVals` (OCSP responses and CRLs for them). The
 * core does no I/O: the revocation fetcher and the TSA transport are passed in.
 */
import { createHash } from 'node:crypto';
import { requestTimeStamp } from '../../timestamp/client.js';
import { parseTimeStampToken } from '../../timestamp/token.js';
import { gatherValidationData } from '../cades/archive_validation_data.js';
import type { ValidationData } from '../cades/archive_validation_data.js';
import type { ValidationDataParams } from '../cades/collect_validation_data.js';
import type { TsaEndpoint } from '../cades/sign.js';
import { SignatureError } from '../errors.js';
import { etsiUComponents, parseJades, sigTstImprintInput, signatureTimeStampTokens } from './parse.js';
import type { ParsedJades } from './parse.js';

/** Inputs of {@link extendJadesToLt}. */
export interface JadesLtParams extends ValidationDataParams {
  /** More certificates to build paths from (the signer's chain when `x5c` lacks part of it). */
  chain?: Buffer[];
  /** The TSA for a missing signature time-stamp (a B-B input). */
  tsa?: TsaEndpoint;
}

/**
 * An `etsiU` element (TS 119 182-1 §5.3.1) in the base64url-encoded form, the one form that
 * archive time-stamps can cover without a JSON canonicalization (§5.3.6.3.1.1).
 *
 * @param name - the unsigned property (sigTst, xVals, rVals, arcTst)
 * @param value - its value
 * @returns the base64url of the JSON object `{ name: value }`
 * @example
 * ```ts
 * etsiUElement('sigTst', { tstTokens: [{ val: token.toString('base64') }] });
 * ```
 */
export function etsiUElement(name: string, value: unknown): string {
  return Buffer.from(JSON.stringify({ [name]: value }), 'utf8').toString('base64url');
}

/**
 * Obtains an RFC 3161 token over `input` (SHA-256) for a JAdES time-stamp property and wraps it
 * as the tstContainer of §5.4.3 (`tstTokens`, `val` the token DER in standard base64).
 *
 * @param input - the message imprint input the property's clause defines
 * @param tsa - the TSA URL and transport
 * @returns the property value
 * @throws TimestampError TSP_* when the TSA fails or answers wrongly
 * @example
 * ```ts
 * const sigTst = await tstContainer(sigTstImprintInput(signatureB64), tsa);
 * ```
 */
export async function tstContainer(
  input: Buffer,
  tsa: TsaEndpoint,
): Promise<{ tstTokens: { val: string }[] }> {
  const digest = createHash('sha256').update(input).digest();
  const token = await requestTimeStamp(tsa.url, digest, 'sha256', tsa.transport, {
    ...(tsa.certificate ? { tsaCertificate: tsa.certificate } : {}),
  });
  return { tstTokens: [{ val: token.toString('base64') }] };
}

/** A JWS in the flattened JSON serialization (RFC 7515 §7.2.2), as an object. */
export interface JwsJson {
  payload?: string;
  protected: string;
  header?: Record<string, unknown>;
  signature: string;
}

/**
 * The flattened JSON form of a parsed JWS (a compact one is converted without loss: the
 * unprotected header is new).
 *
 * @param parsed - a parsed JWS
 * @param etsiU - the `etsiU` array to carry
 * @returns the JSON object
 * @example
 * ```ts
 * JSON.stringify(jwsJson(parsed, [...old, etsiUElement('arcTst', tst)]));
 * ```
 */
export function jwsJson(parsed: ParsedJades, etsiU: unknown[]): JwsJson {
  return {
    ...(parsed.payloadPart === undefined ? {} : { payload: parsed.payloadPart }),
    protected: parsed.protectedB64,
    header: { ...(parsed.unprotectedHeader ?? {}), etsiU },
    signature: parsed.signatureB64,
  };
}

function pkiObs(ders: Buffer[]): { val: string }[] {
  return ders.map((d) => ({ val: d.toString('base64') }));
}

function unique(list: Buffer[], exclude: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const c of list) if (!exclude.some((e) => e.equals(c)) && !out.some((o) => o.equals(c))) out.push(c);
  return out;
}

/** The signature time-stamp tokens, after adding a `sigTst` to `etsiU` when there is none (needs a TSA). */
async function ensureSigTst(parsed: ParsedJades, etsiU: unknown[], tsa?: TsaEndpoint): Promise<Buffer[]> {
  const tokens = signatureTimeStampTokens(parsed);
  if (tokens.length) return tokens;
  if (!tsa)
    throw new SignatureError(
      'USAGE_INVALID_ARGUMENT',
      'the signature has no signature time-stamp (it is B-B): a time-stamping authority is needed',
    );
  const sigTst = await tstContainer(sigTstImprintInput(parsed.signatureB64), tsa);
  etsiU.push(etsiUElement('sigTst', sigTst));
  return [Buffer.from(sigTst.tstTokens[0]!.val, 'base64')];
}

/** §5.3.5.1 xVals and §5.3.5.2 rVals elements for what was gathered (none when empty). */
function valuesElements(certificates: Buffer[], added: ValidationData): string[] {
  const rVals = {
    ...(added.crls.length ? { crlVals: pkiObs(added.crls) } : {}),
    ...(added.ocspResponses.length ? { ocspVals: pkiObs(added.ocspResponses) } : {}),
  };
  return [
    ...(certificates.length
      ? [
          etsiUElement(
            'xVals',
            certificates.map((c) => ({ x509Cert: { val: c.toString('base64') } })),
          ),
        ]
      : []),
    ...(Object.keys(rVals).length ? [etsiUElement('rVals', rVals)] : []),
  ];
}

/**
 * Extends a JAdES signature to B-LT (TS 119 182-1 §5.3.5): adds a signature time-stamp when there
 * is none (needs `tsa`), then `xVals` with the path certificates of the signer and of the
 * time-stamping units that `x5c` lacks (`x509Cert`, standard base64 DER) and `rVals` with the OCSP
 * responses (`ocspVals`, OCSPResponse DER) and CRLs (`crlVals`) fetched for them, each checked.
 * A compact JWS becomes flattened JSON (the compact form has no unprotected header). A B-LT is
 * returned unchanged.
 *
 * @param jws - a JAdES B-B or B-T, compact or JSON
 * @param p - fetcher and OCSP options, TSA for a B-B, extra chain certificates
 * @returns the JAdES B-LT, flattened JSON
 * @throws SignatureError USAGE_INVALID_ARGUMENT for a B-B without `tsa` or a B-LTA; REV_* /
 *   PATH_REVOKED as the revocation data says; JadesError JADES_* for an unreadable JWS;
 *   TimestampError TSP_*
 * @example
 * ```ts
 * const lt = await extendJadesToLt(bt, { fetcher: httpRevocationFetcher() });
 * ```
 */
export async function extendJadesToLt(jws: string, p: JadesLtParams): Promise<string> {
  const parsed = parseJades(jws);
  const components = etsiUComponents(parsed);
  if (components.some((c) => c.name === 'arcTst'))
    throw new SignatureError('USAGE_INVALID_ARGUMENT', 'the JAdES signature is already B-LTA');
  if (components.some((c) => c.name === 'rVals' || c.name === 'xVals')) return jws;
  const etsiU: unknown[] = [...((parsed.unprotectedHeader?.['etsiU'] as unknown[] | undefined) ?? [])];
  const tokens = (await ensureSigTst(parsed, etsiU, p.tsa)).map((t) => parseTimeStampToken(t));
  const x5c = parsed.certificates;
  const tokenCertificates = tokens.flatMap((t) => t.signedData.certificates);
  const targets = [
    { leaf: x5c[0]!, required: true },
    ...tokens.flatMap((t) => (t.tsaCertificate ? [{ leaf: t.tsaCertificate, required: false }] : [])),
  ];
  const pool = [...x5c, ...(p.chain ?? []), ...tokenCertificates];
  const have = { certificates: x5c, ocspResponses: [], crls: [] };
  const added = await gatherValidationData(targets, pool, have, p);
  const xVals = unique([...(p.chain ?? []), ...added.certificates, ...tokenCertificates], x5c);
  return JSON.stringify(jwsJson(parsed, [...etsiU, ...valuesElements(xVals, added)]));
}
