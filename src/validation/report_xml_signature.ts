/**
 * One SignatureValidationReport of an ETSI TS 119 102-2 report (clause 4.3), element by element
 * in the order of `SignatureValidationReportType`. Internal to `src/validation/report_xml*.ts`.
 */
import type { SignatureLevel } from '../signature/model.js';
import type { SignatureReport, TimestampReport, ValidationReport } from './report.js';
import { chainReportData, mainIndicationUri, reportData, validationStatus } from './report_xml_chain.js';
import { sha256OfBase64 } from './report_xml_objects.js';
import type { ValidationObjects } from './report_xml_objects.js';
import {
  canonicalBase64,
  digestAlgAndValue,
  el,
  textEl,
  trustbridgeUri,
  voRef,
  xsDateTime,
} from './report_xml_writer.js';
import type { XmlElement } from './report_xml_writer.js';

/** The EN 319 102-1 validation processes (TS 119 102-2 clause 4.3.11.1 URIs). */
export type ValidationProcessName = 'Basic' | 'LTVM' | 'LTA';

/**
 * Evidence about a signature the XML uses when the report carries it (not yet fields of
 * `report.ts`; read when present).
 */
export interface SignatureEvidence {
  /** The signature value, base64: SignatureIdentifier gets it and its SHA-256 (clause 4.3.3). */
  signatureValue?: string;
  /** The data the signature covers (the signer's document, clause 4.3.7), SHA-256 hex. */
  signersDocument?: { name?: string; sha256: string };
}

/** What every signature of the report shares. */
export interface SignatureContext {
  report: ValidationReport;
  objects: ValidationObjects;
  /** The SignatureIdentifier `id` of this signature (an `xs:ID`). */
  signatureId: string;
  process: ValidationProcessName | undefined;
  quality: readonly string[];
  constraintUri: (name: string) => string;
}

/**
 * The validation process a signature of this level goes through by default (EN 319 102-1 clause 5.1.2).
 *
 * @example
 * ```ts
 * defaultProcess('B-LT'); // 'LTVM'
 * ```
 */
export function defaultProcess(level: SignatureLevel): ValidationProcessName {
  if (level === 'B-LTA') return 'LTA';
  if (level === 'B-T' || level === 'B-LT') return 'LTVM';
  return 'Basic';
}

/**
 * Renders one SignatureValidationReport.
 *
 * @param sig - the signature's verdict
 * @param ctx - the shared context
 *
 * @example
 * ```ts
 * const node = signatureValidationReport(sig, { report, objects, signatureId: 'SIG-S-1', process: 'Basic', quality: [], constraintUri });
 * ```
 */
export function signatureValidationReport(sig: SignatureReport, ctx: SignatureContext): XmlElement {
  const evidence = sig as SignatureReport & SignatureEvidence;
  const sigDigest = evidence.signatureValue ? sha256OfBase64(evidence.signatureValue) : undefined;
  // Register the signer's chain before the time-stamps so the object list reads signature first.
  if (sig.signer) ctx.objects.certificate(sig.signer);
  sig.chain.forEach((c) => ctx.objects.certificate(c));
  const related = ctx.objects.chainRevocations(sig.chain);
  const tsIds = sig.timestamps.map((ts) => ctx.objects.timestamp(ts, sigDigest?.toString('base64')));
  return el(
    'vr:SignatureValidationReport',
    {},
    signatureIdentifier(sig, ctx.signatureId, evidence.signatureValue, sigDigest),
    constraintsEvaluation(sig, ctx),
    validationTimeInfo(sig, ctx.report.validationTime, tsIds),
    signersDocument(evidence),
    signatureAttributes(sig, tsIds),
    sig.signer !== undefined &&
      el(
        'vr:SignerInformation',
        {},
        voRef('vr:SignerCertificate', ctx.objects.certificate(sig.signer)),
        textEl('vr:Signer', sig.signer.subject),
      ),
    ctx.quality.length > 0 &&
      el(
        'vr:SignatureQuality',
        {},
        ctx.quality.map((q) => textEl('vr:SignatureQualityInformation', q)),
      ),
    ctx.process !== undefined &&
      el(
        'vr:SignatureValidationProcess',
        {},
        textEl('vr:SignatureValidationProcessID', `urn:etsi:019102:validationprocess:${ctx.process}`),
      ),
    validationStatus(
      'vr:SignatureValidationStatus',
      mainIndicationUri(sig.indication, 'signature'),
      sig.subIndication,
      chainReportData(ctx.objects, sig.chain, {
        related: [...related, ...tsIds],
        crypto: cryptoInformation(sig, ctx.signatureId),
        reportData: additionalData(sig),
      }),
    ),
  );
}

// Clause 4.3.3: the signature is identified by the digest of its value (and the value itself);
// HashOnly / DocHashOnly are false because the validator had the signature and the whole document.
function signatureIdentifier(
  sig: SignatureReport,
  id: string,
  signatureValue: string | undefined,
  digest: Buffer | undefined,
): XmlElement {
  return el(
    'vr:SignatureIdentifier',
    { id },
    digest !== undefined && digestAlgAndValue('vr:DigestAlgAndValue', 'sha256', digest),
    signatureValue !== undefined && textEl('ds:SignatureValue', canonicalBase64(signatureValue)),
    textEl('vr:HashOnly', 'false'),
    textEl('vr:DocHashOnly', 'false'),
    textEl('vr:DAIdentifier', sig.id),
  );
}

// Clause 4.3.5: the policy (trustbridge policies have a name, not a XAdES policy OID, hence
// SignaturePolicyImplied) and one constraint per building block that ran.
function constraintsEvaluation(sig: SignatureReport, ctx: SignatureContext): XmlElement {
  const constraints = sig.checks.map((check) =>
    el(
      'vr:ValidationConstraint',
      {},
      textEl('vr:ValidationConstraintIdentifier', ctx.constraintUri(check.name)),
      el('vr:ConstraintStatus', {}, textEl('vr:Status', 'urn:etsi:019102:constraintStatus:applied')),
      validationStatus(
        'vr:ValidationStatus',
        mainIndicationUri(check.indication, 'object'),
        check.subIndication,
        check.detail === undefined
          ? []
          : [
              el(
                'vr:AssociatedValidationReportData',
                {},
                el(
                  'vr:AdditionalValidationReportData',
                  {},
                  reportData('urn:trustbridge:report:detail', check.detail),
                ),
              ),
            ],
      ),
    ),
  );
  return el(
    'vr:ValidationConstraintsEvaluationReport',
    {},
    el(
      'vr:SignatureValidationPolicy',
      {},
      el('vr:SignaturePolicyIdentifier', {}, el('XAdES:SignaturePolicyImplied', {})),
      textEl('vr:PolicyName', ctx.report.policy),
    ),
    constraints,
  );
}

const POE_PROVIDERS: ReadonlySet<TimestampReport['type']> = new Set(['signature', 'archive', 'document']);

// Clause 4.3.6: the best signature time with its type of proof; when a valid time-stamp over the
// signature gave that time, it is the POE object.
function validationTimeInfo(
  sig: SignatureReport,
  validationTime: string,
  tsIds: readonly string[],
): XmlElement {
  const best = xsDateTime(sig.bestSignatureTime, 'bestSignatureTime');
  const index = sig.timestamps.findIndex(
    (ts) =>
      POE_PROVIDERS.has(ts.type) &&
      ts.indication === 'TOTAL-PASSED' &&
      ts.genTime !== undefined &&
      xsDateTime(ts.genTime, 'timestamps[].genTime') === best,
  );
  return el(
    'vr:ValidationTimeInfo',
    {},
    textEl('vr:ValidationTime', xsDateTime(validationTime, 'validationTime')),
    el(
      'vr:BestSignatureTime',
      {},
      textEl('vr:POETime', best),
      textEl('vr:TypeOfProof', 'urn:etsi:019102:poetype:validation'),
      index >= 0 && voRef('vr:POEObject', tsIds[index]!),
    ),
  );
}

function signersDocument(evidence: SignatureEvidence): XmlElement | undefined {
  const doc = evidence.signersDocument;
  if (doc === undefined || !/^[0-9a-f]{64}$/i.test(doc.sha256)) return undefined;
  return el(
    'vr:SignersDocument',
    {},
    digestAlgAndValue('vr:DigestAlgAndValue', 'sha256', Buffer.from(doc.sha256, 'hex')),
  );
}

// Annex A: the claimed signing time (a signed attribute / header / PDF /M inside the ByteRange)
// and the time-stamps as attributes pointing at their validation objects.
const TIMESTAMP_ATTRIBUTES: Readonly<Record<TimestampReport['type'], [string, string]>> = {
  content: ['vr:AllDataObjectsTimeStamp', 'true'],
  signature: ['vr:SignatureTimeStamp', 'false'],
  archive: ['vr:ArchiveTimeStamp', 'false'],
  document: ['vr:DocTimeStamp', 'false'],
};

function signatureAttributes(sig: SignatureReport, tsIds: readonly string[]): XmlElement | undefined {
  const attributes = [
    sig.signingTime !== undefined &&
      el('vr:SigningTime', { Signed: 'true' }, textEl('vr:Time', xsDateTime(sig.signingTime, 'signingTime'))),
    ...sig.timestamps.map((ts, i) => {
      if (ts.genTime === undefined) return undefined;
      const [name, signed] = TIMESTAMP_ATTRIBUTES[ts.type] ?? ['vr:SignatureTimeStamp', 'false'];
      return el(
        name,
        { Signed: signed },
        voRef('vr:AttributeObject', tsIds[i]!),
        textEl('vr:TimeStampValue', xsDateTime(ts.genTime, 'timestamps[].genTime')),
      );
    }),
  ].filter((a): a is XmlElement => Boolean(a));
  // SignatureAttributesType is a non-empty choice: no attributes, no element.
  return attributes.length === 0 ? undefined : el('vr:SignatureAttributes', {}, attributes);
}

const CRYPTO_SUBINDICATIONS = new Set(['CRYPTO_CONSTRAINTS_FAILURE', 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE']);

// Clause 4.3.4.4: a CRYPTO_CONSTRAINTS outcome names the algorithm found not secure enough.
function cryptoInformation(sig: SignatureReport, signatureId: string): XmlElement | undefined {
  if (!CRYPTO_SUBINDICATIONS.has(sig.subIndication ?? '') || sig.signatureAlgorithm === undefined) {
    return undefined;
  }
  return el(
    'vr:CryptoInformation',
    {},
    voRef('vr:ValidationObjectId', signatureId),
    textEl('vr:Algorithm', algorithmUri(sig.signatureAlgorithm)),
    textEl('vr:SecureAlgorithm', 'false'),
  );
}

/**
 * The XML Signature URI of a signature algorithm policy name (RFC 6931, RFC 9231), or a
 * trustbridge URN for names without one.
 *
 * @example
 * ```ts
 * algorithmUri('ecdsa-with-SHA256'); // 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'
 * ```
 */
export function algorithmUri(name: string): string {
  const ecdsa = /^ecdsa-with-SHA(1|224|256|384|512)$/.exec(name);
  if (ecdsa) return `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha${ecdsa[1]}`;
  const rsa = /^sha(1|224|256|384|512)WithRSAEncryption$/.exec(name);
  if (rsa?.[1] === '1') return 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
  if (rsa) return `http://www.w3.org/2001/04/xmldsig-more#rsa-sha${rsa[1]}`;
  if (name === 'Ed25519') return 'http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519';
  if (name === 'Ed448') return 'http://www.w3.org/2021/04/xmldsig-more#eddsa-ed448';
  return trustbridgeUri('algorithm', name);
}

// What the report knows and TS 119 102-2 has no element for: format and level, algorithms,
// the deciding policy rule, the transparency log, warnings.
function additionalData(sig: SignatureReport): XmlElement[] {
  const data: Array<[string, string | undefined]> = [
    ['signatureFormat', sig.format],
    ['signatureLevel', sig.level],
    ['signatureAlgorithm', sig.signatureAlgorithm],
    ['digestAlgorithm', sig.digestAlgorithm],
    ['policyRule', sig.policyRule],
    // The trusted-list service of the anchor (TS 119 612 / TS 119 615), when trust came from lists.
    ['trustCountry', sig.trust?.country],
    ['trustServiceProvider', sig.trust?.tspName],
    ['trustService', sig.trust?.serviceName],
    ['trustServiceType', sig.trust?.serviceType],
    ['trustServiceStatus', sig.trust?.status],
    ['trustServiceStatusStartingTime', sig.trust?.statusStartingTime],
    ['trustList', sig.trust?.source],
    ['qualification', sig.trust?.qualification],
    // The signer's certificate in its country's transparency log (issue 15): TS 119 102-2 has
    // no transparency element, so it goes here, typed like the other trustbridge data.
    ['transparencyStatus', sig.transparency?.status],
    ['transparencyWitnessed', sig.transparency && String(sig.transparency.witnessed)],
    ['transparencyLog', sig.transparency?.log],
    ['transparencyIndex', sig.transparency?.index?.toString()],
    ['transparencyCheckpointSize', sig.transparency?.checkpointSize?.toString()],
    ...(sig.transparency?.cosigners ?? []).map((c): [string, string] => ['transparencyCosigner', c]),
    [
      'transparencyError',
      sig.transparency?.error && `${sig.transparency.error.code}: ${sig.transparency.error.message}`,
    ],
    ...sig.warnings.map((w): [string, string] => ['warning', w]),
  ];
  return data
    .filter((d): d is [string, string] => d[1] !== undefined)
    .map(([type, value]) => reportData(`urn:trustbridge:report:${type}`, value));
}
