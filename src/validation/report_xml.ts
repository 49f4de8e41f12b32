/**
 * The ETSI TS 119 102-2 v1.4.1 signature validation report: the standard XML a relying party
 * archives or hands to another validator, rendered from trustbridge's {@link ValidationReport}
 * (`trustbridge validate --report-format etsi-xml`).
 *
 * One SignatureValidationReport per signature (clause 4.3) and one SignatureValidationObjects list
 * (clause 4.4) with every certificate (base64 DER), revocation value and time-stamp the verdicts
 * rest on, referenced by `xs:ID`. The report itself is not signed (the ds:Signature of
 * ValidationReportType is optional, clause 4.5). The output is deterministic: the same report
 * gives the same bytes.
 */
import type { SignatureReport, ValidationReport } from './report.js';
import { TRUSTBRIDGE_NS, ValidationObjects } from './report_xml_objects.js';
import { defaultProcess, signatureValidationReport } from './report_xml_signature.js';
import type { ValidationProcessName } from './report_xml_signature.js';
import {
  IdAllocator,
  ReportRenderError,
  el,
  serializeXml,
  toNcName,
  trustbridgeUri,
} from './report_xml_writer.js';

export { ReportRenderError } from './report_xml_writer.js';

export type { RevocationEvidenceBytes, TimestampTokenBytes } from './report_xml_objects.js';
export type { SignatureEvidence, ValidationProcessName } from './report_xml_signature.js';

/** The target namespace of `TS119102-2-v141.xsd`. */
export const ETSI_VALIDATION_REPORT_NS = 'http://uri.etsi.org/19102/v1.4.1#';

/** Options of {@link renderEtsiXml}. */
export interface EtsiXmlOptions {
  /** Indent with two spaces (default) or write one line. */
  indent?: boolean;
  /**
   * The EN 319 102-1 validation process each signature went through (clause 4.3.11.1), or
   * `null` to leave SignatureValidationProcess out. Default: by level (B-B Basic, B-T/B-LT LTVM,
   * B-LTA LTA).
   */
  validationProcess?: (signature: SignatureReport) => ValidationProcessName | null;
  /**
   * SignatureQualityInformation URIs for a signature (clause 4.3.10), e.g. the qualification an
   * eIDAS trust-list check established. Default: none, and no SignatureQuality element.
   */
  signatureQuality?: (signature: SignatureReport) => readonly string[];
  /**
   * The ValidationConstraintIdentifier URI of a building block name. EN 319 102-1 names the
   * building blocks but no standard gives them URIs; default `urn:trustbridge:bbb:<NAME>`.
   */
  constraintUri?: (name: string) => string;
}

/**
 * Renders a validation report as an ETSI TS 119 102-2 v1.4.1 ValidationReport document, valid
 * against `TS119102-2-v141.xsd`.
 *
 * Evidence that the report model does not carry yet is used when present on the objects:
 * `signatureValue` and `signersDocument` on a signature ({@link SignatureEvidence}), `der` on a
 * revocation ({@link RevocationEvidenceBytes}), `token` on a time-stamp
 * ({@link TimestampTokenBytes}). Without them a signature is identified by its `DAIdentifier`,
 * and revocation values and time-stamps are described in `direct` instead of embedded.
 *
 * @param report - the validation report
 * @param options - indentation, validation process, signature quality, constraint URIs
 * @returns the XML document (UTF-8 text with an XML declaration)
 * @throws ReportRenderError `VALIDATION_NO_SIGNATURE` when the report has no signature (the
 *   schema needs at least one SignatureValidationReport); `REPORT_MALFORMED` when a date-time is
 *   not ISO 8601 or a certificate has neither DER nor SHA-256
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * const xml = renderEtsiXml(report);
 * writeFileSync('report.xml', xml);
 * // XML_CATALOG_FILES=../shared/schemas/catalog.xml xmllint --noout --schema TS119102-2-v141.xsd report.xml
 * ```
 */
export function renderEtsiXml(report: ValidationReport, options: EtsiXmlOptions = {}): string {
  if (report.signatures.length === 0) {
    throw new ReportRenderError(
      'VALIDATION_NO_SIGNATURE',
      'an ETSI validation report needs at least one signature',
    );
  }
  const ids = new IdAllocator();
  const objects = new ValidationObjects(ids);
  // Signature ids first, so that a signature keeps the same xs:ID whatever objects follow.
  const signatureIds = report.signatures.map((s) => ids.allocate(toNcName('SIG-', s.id)));
  const signatureReports = report.signatures.map((sig, i) =>
    signatureValidationReport(sig, {
      report,
      objects,
      signatureId: signatureIds[i]!,
      process: processOf(sig, options),
      // TS 119 102-2 clause 4.3.9: the qualification from the trusted lists, when known.
      quality:
        options.signatureQuality?.(sig) ??
        (sig.trust ? [trustbridgeUri('qualification', sig.trust.qualification)] : []),
      constraintUri: options.constraintUri ?? ((name) => trustbridgeUri('bbb', name)),
    }),
  );
  const root = el(
    'vr:ValidationReport',
    {
      'xmlns:vr': ETSI_VALIDATION_REPORT_NS,
      'xmlns:ds': 'http://www.w3.org/2000/09/xmldsig#',
      'xmlns:XAdES': 'http://uri.etsi.org/01903/v1.3.2#',
      'xmlns:tb': TRUSTBRIDGE_NS,
    },
    signatureReports,
    objects.render(),
  );
  return serializeXml(root, options.indent ?? true);
}

function processOf(sig: SignatureReport, options: EtsiXmlOptions): ValidationProcessName | undefined {
  if (options.validationProcess === undefined) return defaultProcess(sig.level);
  return options.validationProcess(sig) ?? undefined;
}
