/**
 * `trustbridge validate`: the EN 319 102-1 validation of every signature of a document, with
 * the report as JSON, ETSI TS 119 102-2 XML or printable HTML (DESIGN.md command-line contract).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TrustbridgeError, UsageError } from '../../lib/errors.js';
import { ValidationError } from '../../validation/errors.js';
import { fromPemAll } from '../../lib/pem.js';
import { httpRevocationFetcher } from '../../signature/revocation_fetcher.js';
import type { ValidationReport } from '../../validation/report.js';
import { renderHtml } from '../../validation/report_html.js';
import { renderEtsiXml } from '../../validation/report_xml.js';
import { fileSource } from '../../lib/document_source.js';
import {
  addTransparency,
  requireTransparency,
  transparencySourceOf,
} from '../../ledger/report_transparency.js';
import { validateDocument } from '../../validation/validate_document.js';
import { parseOptions, str } from '../args.js';
import type { Options } from '../args.js';
import type { Command } from '../command.js';
import { loadTrust } from '../trust_sources.js';

const FORMATS = ['json', 'etsi-xml', 'html'] as const;
type ReportFormat = (typeof FORMATS)[number];

function list(o: Options, name: string): string[] {
  const v = o[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

function validationTime(o: Options): Date | undefined {
  const at = str(o, 'at');
  if (at === undefined) return undefined;
  // ISO 8601 with a date; a date alone means its start in UTC.
  const d = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(at)
    ? new Date(at)
    : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw new ValidationError('VALIDATION_TIME_INVALID', `--at ${at} is not an ISO 8601 date-time`);
  return d;
}

function reportFormat(o: Options): ReportFormat {
  const f = str(o, 'report-format') ?? 'json';
  if (!(FORMATS as readonly string[]).includes(f))
    throw new UsageError('USAGE_INVALID_ARGUMENT', `--report-format must be one of ${FORMATS.join(', ')}`);
  return f as ReportFormat;
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError('USAGE_INVALID_ARGUMENT', `cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

function signingCertificates(o: Options): Buffer[] {
  return list(o, 'signing-cert').flatMap((p) => {
    const bytes = readInput(p, '--signing-cert');
    const pems = fromPemAll(bytes.toString('latin1'), 'CERTIFICATE');
    return pems.length ? pems : [bytes];
  });
}

/** The report in the chosen format. */
export function renderReport(report: ValidationReport, format: ReportFormat): string {
  if (format === 'etsi-xml') return renderEtsiXml(report);
  if (format === 'html') return renderHtml(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** DESIGN.md: 0 all TOTAL-PASSED, 1 any TOTAL-FAILED, 2 any INDETERMINATE (none failed). */
export function exitStatusOf(report: ValidationReport): number {
  if (report.summary.failed > 0) return 1;
  return report.summary.indeterminate > 0 ? 2 : 0;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The fix for a detached signature validated without its document (`--detached FILE`). */
export const DETACHED_HINT = 'the signature is detached: give the signed document with --detached FILE';

/**
 * Names the fix on each signature that lacks its detached document when none was given: the
 * report keeps INDETERMINATE/SIGNED_DATA_NOT_FOUND (EN 319 102-1 5.2.7), which alone does not say
 * that the option exists.
 *
 * @param report - the validation report, changed in place
 * @param detachedGiven - whether `--detached` was given
 * @returns the hint lines for standard error (`S-1: …`)
 * @example
 * ```ts
 * for (const line of addDetachedHints(report, false)) process.stderr.write(`trustbridge: ${line}\n`);
 * ```
 */
export function addDetachedHints(report: ValidationReport, detachedGiven: boolean): string[] {
  if (detachedGiven) return [];
  const lines: string[] = [];
  for (const s of report.signatures) {
    if (s.subIndication !== 'SIGNED_DATA_NOT_FOUND') continue;
    const crypto = s.checks.find((c) => c.name === 'CRYPTOGRAPHIC_VERIFICATION');
    // CAdES and JAdES say so when the content is detached; other causes (a container lacking a
    // file) are not fixed by --detached.
    if (!/detached/.test(crypto?.detail ?? '')) continue;
    s.hint = DETACHED_HINT;
    lines.push(`${s.id}: ${DETACHED_HINT}`);
  }
  return lines;
}

async function runValidate(o: Options): Promise<number> {
  const input = str(o, 'in')!;
  const format = reportFormat(o);
  const time = validationTime(o);
  const stale = str(o, 'trust-stale') ?? 'warn';
  if (stale !== 'warn' && stale !== 'refuse')
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--trust-stale must be warn or refuse');
  const { anchors, store } = await loadTrust(list(o, 'trust'), {
    signers: list(o, 'trust-signer'),
    stalePolicy: stale,
  });
  const detached = list(o, 'detached').map((p) => ({ name: basename(p), bytes: readInput(p, '--detached') }));
  let source;
  try {
    source = await fileSource(input);
  } catch (e) {
    throw new UsageError('USAGE_INVALID_ARGUMENT', `cannot read --in ${input}: ${(e as Error).message}`);
  }
  try {
    const report = await validateDocument(source, {
      anchors,
      ...(store ? { trustServices: store } : {}),
      ...(time ? { time } : {}),
      ...(o['offline'] ? {} : { fetcher: httpRevocationFetcher() }),
      detached,
      signingCertificates: signingCertificates(o),
      documentName: basename(input),
    });
    // The signer's certificate in its country's log (issue 15): the logs the LOTL publishes.
    await addTransparency(
      report,
      transparencySourceOf({ pointers: store?.lotlPointers() ?? [], offline: o['offline'] === true }),
    );
    const hints = addDetachedHints(report, detached.length > 0);
    if (o['require-transparency']) hints.push(...requireTransparency(report));
    for (const line of hints) process.stderr.write(`trustbridge: ${line}\n`);
    const text = renderReport(report, format);
    const out = str(o, 'report');
    if (out) {
      writeAtomically(out, text);
      const lines = report.signatures.map(
        (s) =>
          `${s.id} ${s.format} ${s.level} ${s.indication}${s.subIndication ? `/${s.subIndication}` : ''}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    } else process.stdout.write(text);
    return exitStatusOf(report);
  } catch (e) {
    if (e instanceof TrustbridgeError) throw e;
    throw new ValidationError('INTERNAL', `validation failed: ${(e as Error).message}`, { cause: e });
  } finally {
    await source.close();
  }
}

const validate: Command = {
  words: ['validate'],
  async run(argv) {
    const { values } = parseOptions(
      argv,
      {
        in: { type: 'string' },
        detached: { type: 'string', multiple: true },
        trust: { type: 'string', multiple: true },
        'trust-signer': { type: 'string', multiple: true },
        'trust-stale': { type: 'string' },
        at: { type: 'string' },
        report: { type: 'string' },
        'report-format': { type: 'string' },
        'signing-cert': { type: 'string', multiple: true },
        offline: { type: 'boolean' },
        'require-transparency': { type: 'boolean' },
      },
      ['in'],
    );
    return runValidate(values);
  },
};

/**
 * The `validate` command: `--trust` names trust anchors (PEM file, node directory or URL) or an ETSI
 * TS 119 612 trusted list / list of trusted lists (file or URL, its signer pinned with
 * `--trust-signer` or published next to it), repeatable; without `--offline` missing OCSP
 * responses and CRLs are fetched over HTTP (trusted lists are always fetched) and each signer's
 * certificate is looked up in its country's transparency log, as the LOTL publishes it
 * (`--require-transparency`: a signer not logged and witnessed does not pass).
 *
 * @example
 * ```ts
 * const COMMANDS: Command[] = [...signCommands, ...validateCommands];
 * ```
 */
export const validateCommands: Command[] = [validate];
