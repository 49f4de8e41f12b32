/**
 * The `transparency` part of a validation report (issue 15 part 5): after the EN 319 102-1
 * process, each signature's signer certificate is looked up in its issuing country's log
 * ({@link lookupCertificate}); with the relying party's option, a signature whose signer is not
 * logged and witnessed does not pass. Used by `trustbridge validate` and `POST /api/v1/validate`
 * alike, so both give the same report and verdict.
 */
import { X509Certificate } from 'node:crypto';
import type { TslPointer } from '../trust/parse/model.js';
import type { SignatureReport, TransparencyReport, ValidationReport } from '../validation/report.js';
import { federationParties } from './federation_logs.js';
import type { FederationParty } from './federation_logs.js';
import { lookupCertificate } from './signer_transparency.js';

/** Where signers are looked up, or why they are not. */
export type TransparencySource =
  | {
      readonly parties: readonly FederationParty[];
      readonly fetch?: typeof fetch;
      readonly timeoutMs?: number;
    }
  | { readonly notChecked: { readonly code: string; readonly message: string } };

/**
 * The source for a validation: the logs the verified list of trusted lists publishes, unless
 * the validation is offline or no list of trusted lists publishes a log.
 *
 * @param o - the trust store's LOTL pointers (`TrustStore.lotlPointers()`), offline, fetch, timeout
 * @example
 * ```ts
 * const source = transparencySourceOf({ pointers: store?.lotlPointers() ?? [], offline: false });
 * ```
 */
export function transparencySourceOf(o: {
  pointers: readonly TslPointer[];
  offline?: boolean;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): TransparencySource {
  if (o.offline)
    return {
      notChecked: { code: 'LEDGER_LOOKUP_OFFLINE', message: 'offline validation: the logs were not asked' },
    };
  const parties = federationParties(o.pointers).filter((p) => p.logKey && p.logUrl);
  if (parties.length === 0)
    return {
      notChecked: {
        code: 'LEDGER_LOOKUP_NO_LOTL',
        message: 'no list of trusted lists publishing transparency logs was given (--trust <LOTL>)',
      },
    };
  return {
    parties: federationParties(o.pointers),
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  };
}

/**
 * The country that issued a signer's certificate: the member whose trusted list gave the trust
 * anchor, else the issuer's countryName.
 */
function issuingCountry(s: SignatureReport): string | undefined {
  if (s.trust?.country) return s.trust.country;
  try {
    return /^C=([A-Za-z]{2})$/m.exec(new X509Certificate(Buffer.from(s.signer!.der, 'base64')).issuer)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Adds the `transparency` part to every signature whose signer certificate was identified; the
 * indications stay as the validation decided ({@link requireTransparency} changes them).
 * Signatures by the same certificate share one lookup.
 *
 * @param report - the validation report, changed in place
 * @param source - from {@link transparencySourceOf}
 * @example
 * ```ts
 * await addTransparency(report, transparencySourceOf({ pointers: store.lotlPointers() }));
 * ```
 */
export async function addTransparency(report: ValidationReport, source: TransparencySource): Promise<void> {
  const lookups = new Map<string, Promise<TransparencyReport>>();
  await Promise.all(
    report.signatures.map(async (s) => {
      if (!s.signer) return;
      if ('notChecked' in source) {
        s.transparency = {
          status: 'not-checked',
          logged: false,
          witnessed: false,
          lookupKey: s.signer.sha256,
          error: { ...source.notChecked },
        };
        return;
      }
      const country = issuingCountry(s);
      const key = `${s.signer.sha256} ${country ?? ''}`;
      let lookup = lookups.get(key);
      if (!lookup)
        lookups.set(key, (lookup = lookupCertificate(Buffer.from(s.signer.der, 'base64'), country, source)));
      s.transparency = { ...(await lookup) };
    }),
  );
}

/** The building block's name in the report's checks (a trustbridge addition to EN 319 102-1 clause 5.2). */
export const TRANSPARENCY_CHECK = 'TRANSPARENCY_LOG_CHECK';

function shortfall(t: TransparencyReport | undefined): string {
  if (!t) return 'the signer certificate was not identified, so it could not be looked up';
  if (t.logged)
    return `the signer certificate is logged but its checkpoint lacks a witness quorum (${t.error?.message ?? ''})`;
  if (t.status === 'not-logged')
    return 'the signer certificate is not in its country\u2019s transparency log';
  return `the signer certificate's transparency could not be established: ${t.error?.message ?? t.status}`;
}

/**
 * Makes "logged and witnessed" a constraint of the validation (`--require-transparency`,
 * `requireTransparency`): a signature that would pass but whose signer certificate is not in its
 * country's log under a checkpoint cosigned by a witness quorum becomes INDETERMINATE /
 * CHAIN_CONSTRAINTS_FAILURE. EN 319 102-1 Table 5 has no transparency sub-indication;
 * CHAIN_CONSTRAINTS_FAILURE ("the certificate chain used in the validation process does not
 * match the validation constraints related to the certificate") is the closest, as the
 * constraint bears on the signer's certificate. INDETERMINATE, not TOTAL-FAILED: a certificate
 * missing from a log, or a log not reached, does not prove the signature false, and a later
 * validation may succeed. Signatures already failed or indeterminate keep their verdict; each
 * gets the check in its list and a hint saying why. The summary is counted again.
 *
 * @param report - the report with its `transparency` parts ({@link addTransparency}), changed in place
 * @returns the hint lines (`S-1: …`) for standard error
 * @example
 * ```ts
 * for (const line of requireTransparency(report)) process.stderr.write(`trustbridge: ${line}\n`);
 * ```
 */
export function requireTransparency(report: ValidationReport): string[] {
  const lines: string[] = [];
  for (const s of report.signatures) {
    const t = s.transparency;
    const ok = t?.logged === true && t.witnessed;
    s.checks.push({
      name: TRANSPARENCY_CHECK,
      indication: ok ? 'PASSED' : 'INDETERMINATE',
      ...(ok ? {} : { subIndication: 'CHAIN_CONSTRAINTS_FAILURE' as const }),
      detail: ok
        ? `logged at index ${t.index} under a witnessed checkpoint of size ${t.checkpointSize}`
        : shortfall(t),
    });
    if (ok || s.indication !== 'TOTAL-PASSED') continue;
    s.indication = 'INDETERMINATE';
    s.subIndication = 'CHAIN_CONSTRAINTS_FAILURE';
    s.hint = `transparency required: ${shortfall(t)}`;
    lines.push(`${s.id}: ${s.hint}`);
  }
  const count = (i: SignatureReport['indication']): number =>
    report.signatures.filter((s) => s.indication === i).length;
  report.summary = {
    total: report.signatures.length,
    passed: count('TOTAL-PASSED'),
    failed: count('TOTAL-FAILED'),
    indeterminate: count('INDETERMINATE'),
  };
  return lines;
}
