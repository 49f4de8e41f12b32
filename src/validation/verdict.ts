/**
 * The running report of one signature through the EN 319 102-1 blocks, and what the process needs
 * besides the signature.
 */
import type { ExtractedSignature } from '../signature/model.js';
import type { CryptoPolicy } from './crypto_policy.js';
import type { PathContext } from './path_check.js';
import type { CheckResult, Indication, SignatureReport, SubIndication } from './report.js';

/** What the process needs besides the signature. */
export interface ProcessContext extends PathContext {
  policy: CryptoPolicy;
  /** Certificates supplied by the caller as signing-certificate candidates. */
  signingCertificates: readonly Buffer[];
}

/** The running report of one signature. */
export class Verdict {
  readonly checks: CheckResult[] = [];
  readonly warnings: string[] = [];
  report: Omit<SignatureReport, 'indication' | 'subIndication' | 'checks' | 'warnings'>;

  constructor(sig: ExtractedSignature, ctx: ProcessContext) {
    this.report = {
      id: sig.id,
      format: sig.format,
      level: sig.level,
      ...(sig.counterSignatureOf !== undefined ? { counterSignatureOf: sig.counterSignatureOf } : {}),
      ...(sig.claimedSigningTime ? { signingTime: sig.claimedSigningTime.toISOString() } : {}),
      bestSignatureTime: ctx.validationTime.toISOString(),
      signatureAlgorithm: sig.signatureAlgorithm,
      digestAlgorithm: sig.digestAlgorithm,
      chain: [],
      timestamps: [],
    };
    this.warnings.push(...(sig.warnings ?? []));
  }

  pass(name: string, detail?: string): void {
    this.checks.push({ name, indication: 'PASSED', ...(detail ? { detail } : {}) });
  }

  end(indication: Indication, name: string, sub?: SubIndication, detail?: string): SignatureReport {
    if (sub) {
      const block = indication === 'TOTAL-FAILED' ? 'FAILED' : 'INDETERMINATE';
      this.checks.push({ name, indication: block, subIndication: sub, ...(detail ? { detail } : {}) });
    }
    return {
      ...this.report,
      indication,
      ...(sub ? { subIndication: sub } : {}),
      checks: this.checks,
      warnings: this.warnings,
    };
  }
}
