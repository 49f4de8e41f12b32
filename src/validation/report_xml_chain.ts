/**
 * The status parts of an ETSI TS 119 102-2 report shared by signatures and validation objects:
 * indication URIs (clause 4.3.4), the "associated validation report data" built from a
 * certificate chain (clause 4.3.4.4: trust anchor, chain, related objects, revocation status),
 * and the validation report of a time-stamp object (clause 4.4.8).
 * Internal to `src/validation/report_xml*.ts`.
 */
import type { ChainEntry, Indication, SubIndication, TimestampReport } from './report.js';
import type { ValidationObjects } from './report_xml_objects.js';
import { el, malformed, textEl, voRef, xmlSafe, xsDateTime } from './report_xml_writer.js';
import type { XmlElement } from './report_xml_writer.js';

// TS 119 102-2 clause 4.3.4.2 main indications.
const INDICATION_URIS: Readonly<Record<Indication | 'PASSED' | 'FAILED', string>> = {
  'TOTAL-PASSED': 'urn:etsi:019102:mainindication:total-passed',
  'TOTAL-FAILED': 'urn:etsi:019102:mainindication:total-failed',
  INDETERMINATE: 'urn:etsi:019102:mainindication:indeterminate',
  PASSED: 'urn:etsi:019102:mainindication:passed',
  FAILED: 'urn:etsi:019102:mainindication:failed',
};

/**
 * The MainIndication URI. Clause 4.3.4.2: a signature's report uses the `total-*` URIs, while an
 * individual constraint or a validation object's report uses `passed` / `failed`.
 *
 * @example
 * ```ts
 * mainIndicationUri('TOTAL-PASSED', 'object'); // 'urn:etsi:019102:mainindication:passed'
 * ```
 */
export function mainIndicationUri(
  indication: Indication | 'PASSED' | 'FAILED',
  context: 'signature' | 'object',
): string {
  if (context === 'object' && indication === 'TOTAL-PASSED') return INDICATION_URIS.PASSED;
  if (context === 'object' && indication === 'TOTAL-FAILED') return INDICATION_URIS.FAILED;
  // Object.hasOwn: a report read from JSON may carry any string (or `__proto__`).
  if (!Object.hasOwn(INDICATION_URIS, indication))
    malformed('indication', `is not an EN 319 102-1 indication`);
  return INDICATION_URIS[indication];
}

/**
 * The SubIndication URI (clause 4.3.4.3, Table 2: the EN 319 102-1 name after a fixed prefix).
 *
 * @example
 * ```ts
 * subIndicationUri('HASH_FAILURE'); // 'urn:etsi:019102:subindication:HASH_FAILURE'
 * ```
 */
export function subIndicationUri(sub: SubIndication): string {
  return `urn:etsi:019102:subindication:${encodeURIComponent(xmlSafe(sub))}`;
}

/**
 * A ValidationStatusType body: MainIndication, SubIndication, associated data.
 *
 * @example
 * ```ts
 * validationStatus('vr:SignatureValidationStatus', mainIndicationUri('INDETERMINATE', 'signature'), 'TRY_LATER');
 * ```
 */
export function validationStatus(
  name: string,
  main: string,
  sub: SubIndication | undefined,
  data: readonly XmlElement[] = [],
): XmlElement {
  return el(
    name,
    {},
    textEl('vr:MainIndication', main),
    sub !== undefined && textEl('vr:SubIndication', subIndicationUri(sub)),
    data,
  );
}

// RFC 5280 clause 5.3.1 CRLReason names, as TS 119 102-2 clause 4.3.12.6.2 turns them into URIs.
const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

function revocationReasonUri(reason: string | undefined): string | undefined {
  const name = REVOCATION_REASONS.find((r) => r.toLowerCase() === reason?.toLowerCase());
  return name === undefined ? undefined : `urn:etsi:019102:revocationReason:${name}`;
}

/**
 * A TypedDataType ReportData entry (clause 4.3.4.4 "additional validation report data").
 *
 * @example
 * ```ts
 * reportData('urn:trustbridge:report:warning', 'the trust list is stale');
 * ```
 */
export function reportData(type: string, value: string): XmlElement {
  return el('vr:ReportData', {}, textEl('vr:Type', type), textEl('vr:Value', value));
}

/** What else goes into the first associated-data block besides the chain. */
export interface ChainDataExtras {
  related?: readonly string[];
  crypto?: XmlElement;
  reportData?: readonly XmlElement[];
}

/**
 * The AssociatedValidationReportData blocks for a chain (clause 4.3.4.4, ValidationReportDataType):
 * one with the trust anchor, the chain (signer, intermediates, anchor) and the related objects,
 * then one RevocationStatusInformation block per revoked certificate (the type allows one each).
 *
 * @example
 * ```ts
 * el('vr:SignatureValidationStatus', {}, textEl('vr:MainIndication', uri), chainReportData(objects, sig.chain));
 * ```
 */
export function chainReportData(
  objects: ValidationObjects,
  chain: readonly ChainEntry[],
  extras: ChainDataExtras = {},
): XmlElement[] {
  const ids = chain.map((c) => objects.certificate(c));
  const anchor = chain.length > 0 && chain[chain.length - 1]!.trustAnchor ? ids[ids.length - 1] : undefined;
  const intermediates = ids.slice(1, anchor === undefined ? ids.length : ids.length - 1);
  const main = [
    anchor !== undefined && voRef('vr:TrustAnchor', anchor),
    ids.length > 0 &&
      el(
        'vr:CertificateChain',
        {},
        voRef('vr:SigningCertificate', ids[0]!),
        intermediates.map((i) => voRef('vr:IntermediateCertificate', i)),
        anchor !== undefined && voRef('vr:TrustAnchor', anchor),
      ),
    (extras.related ?? []).map((id) => voRef('vr:RelatedValidationObject', id)),
    extras.crypto,
    (extras.reportData ?? []).length > 0 &&
      el('vr:AdditionalValidationReportData', {}, extras.reportData ?? []),
  ].flat();
  const blocks = main.some(Boolean) ? [el('vr:AssociatedValidationReportData', {}, main)] : [];
  chain.forEach((entry, i) => {
    const rev = entry.revocation;
    if (rev.status !== 'revoked' || rev.revocationTime === undefined) return;
    const reason = revocationReasonUri(rev.revocationReason);
    const evidence = objects.revocation(entry);
    blocks.push(
      el(
        'vr:AssociatedValidationReportData',
        {},
        el(
          'vr:RevocationStatusInformation',
          {},
          voRef('vr:ValidationObjectId', ids[i]!),
          textEl('vr:RevocationTime', xsDateTime(rev.revocationTime, 'revocation.revocationTime')),
          reason !== undefined && textEl('vr:RevocationReason', reason),
          evidence !== undefined && voRef('vr:RevocationObject', evidence),
        ),
      ),
    );
  });
  return blocks;
}

/**
 * A time-stamp's own validation report (clause 4.4.8), with object-level indications.
 *
 * @example
 * ```ts
 * const report = timestampValidationReport(objects, sig.timestamps[0]);
 * ```
 */
export function timestampValidationReport(objects: ValidationObjects, ts: TimestampReport): XmlElement {
  const tsa = ts.chain[0];
  const imprint = el(
    'vr:ValidationConstraint',
    {},
    textEl('vr:ValidationConstraintIdentifier', 'urn:trustbridge:bbb:TIMESTAMP_MESSAGE_IMPRINT'),
    el('vr:ConstraintStatus', {}, textEl('vr:Status', 'urn:etsi:019102:constraintStatus:applied')),
    validationStatus(
      'vr:ValidationStatus',
      mainIndicationUri(ts.imprintIntact ? 'PASSED' : 'FAILED', 'object'),
      undefined,
    ),
  );
  const detail = ts.detail === undefined ? [] : [reportData('urn:trustbridge:report:detail', ts.detail)];
  return el(
    'vr:ValidationReport',
    {},
    el('vr:ValidationConstraintsEvaluationReport', {}, imprint),
    tsa !== undefined &&
      el(
        'vr:SignerInformation',
        {},
        voRef('vr:SignerCertificate', objects.certificate(tsa)),
        textEl('vr:Signer', ts.tsa ?? tsa.subject),
      ),
    validationStatus(
      'vr:SignatureValidationStatus',
      mainIndicationUri(ts.indication, 'object'),
      ts.subIndication,
      chainReportData(objects, ts.chain, { related: objects.chainRevocations(ts.chain), reportData: detail }),
    ),
  );
}
