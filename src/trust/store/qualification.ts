/**
 * The qualification of a signature's certificate from the trusted list (ETSI TS 119 615 clause
 * 4.4 and TS 119 172-4 clause 4.3, as far as one CA/QC service entry allows): the certificate's
 * own QCStatements (EN 319 412-5: QcCompliance, QcSSCD, QcType) overridden by the qualifiers of
 * the service's Qualifications extension whose criteria select the certificate (TS 119 612
 * clause 5.5.9.2), at the status in force at the time that matters.
 */
import { childrenOf, topElement } from '../../lib/der_reader.js';
import { oidValue } from '../../x509/asn1.js';
import type { Certificate } from '../../x509/certificate.js';
import type { QualificationCriteria, ServiceStatusEntry } from '../parse/model.js';
import { ADDITIONAL_SERVICE_INFO, QUALIFIER } from '../uris.js';

/** The qualification named in the report. */
export type Qualification = 'QES' | 'AdES-QC' | 'QESeal' | 'AdESeal-QC' | 'AdES' | 'N/A';

const QC = {
  statements: '1.3.6.1.5.5.7.1.3',
  compliance: '0.4.0.1862.1.1',
  sscd: '0.4.0.1862.1.4',
  type: '0.4.0.1862.1.6',
  esign: '0.4.0.1862.1.6.1',
  eseal: '0.4.0.1862.1.6.2',
  web: '0.4.0.1862.1.6.3',
} as const;

interface QcFacts {
  qc: boolean;
  qscd: boolean;
  types: Set<string>;
}

const FACTS = new WeakMap<Certificate, QcFacts>();

/** {@link readFacts}, remembered per (memoised) certificate; a copy, since qualifiers amend it. */
function certificateFacts(cert: Certificate): QcFacts {
  let f = FACTS.get(cert);
  if (!f) FACTS.set(cert, (f = readFacts(cert)));
  return { qc: f.qc, qscd: f.qscd, types: new Set(f.types) };
}

/** EN 319 412-5 QCStatements of the certificate (a malformed extension counts as absent). */
function readFacts(cert: Certificate): QcFacts {
  const facts: QcFacts = { qc: false, qscd: false, types: new Set() };
  const ext = cert.extensions.all.find((e) => e.oid === QC.statements);
  if (!ext) return facts;
  try {
    for (const st of childrenOf(ext.value, topElement(ext.value, 0x30, 'QCStatements'))) {
      const [id, info] = childrenOf(ext.value, st);
      const oid = id ? oidValue(ext.value, id) : '';
      if (oid === QC.compliance) facts.qc = true;
      if (oid === QC.sscd) facts.qscd = true;
      if (oid === QC.type && info)
        for (const t of childrenOf(ext.value, info)) facts.types.add(oidValue(ext.value, t));
    }
  } catch {
    return { qc: false, qscd: false, types: new Set() };
  }
  return facts;
}

function criteriaMatch(c: QualificationCriteria, cert: Certificate): boolean {
  const usages = cert.extensions.keyUsage?.usages;
  const policies = new Set(cert.extensions.certificatePolicies?.policies ?? []);
  const ekus = new Set(cert.extensions.extKeyUsage?.purposes ?? []);
  const results = [
    ...c.keyUsage.map((ku) =>
      Object.entries(ku).every(([name, want]) => (usages?.has(name as never) ?? false) === want),
    ),
    ...c.policySets.map((set) => set.every((p) => policies.has(p))),
    ...c.extendedKeyUsage.map((set) => set.every((p) => ekus.has(p))),
    ...c.nested.map((n) => criteriaMatch(n, cert)),
    ...c.unsupported.map(() => false),
  ];
  if (c.assert === 'all') return results.length > 0 && results.every(Boolean);
  if (c.assert === 'atLeastOne') return results.some(Boolean);
  return !results.some(Boolean);
}

/** TS 119 612 clause 5.5.9.2.3: the qualifiers that apply to this certificate. */
function applyQualifiers(
  facts: QcFacts,
  entry: ServiceStatusEntry,
  cert: Certificate,
  notes: string[],
): void {
  for (const q of entry.qualifications) {
    if (!criteriaMatch(q.criteria, cert)) continue;
    for (const uri of q.qualifiers) {
      if (uri === QUALIFIER.qcStatement) facts.qc = true;
      else if (uri === QUALIFIER.notQualified) facts.qc = false;
      else if (uri === QUALIFIER.qcWithSscd || uri === QUALIFIER.qcWithQscd) facts.qscd = true;
      else if (uri === QUALIFIER.qcQscdManagedOnBehalf) facts.qscd = true;
      else if (uri === QUALIFIER.qcNoSscd || uri === QUALIFIER.qcNoQscd) facts.qscd = false;
      else if (uri === QUALIFIER.qcForESig) facts.types = new Set([QC.esign]);
      else if (uri === QUALIFIER.qcForESeal || uri === QUALIFIER.qcForLegalPerson)
        facts.types = new Set([QC.eseal]);
      else if (uri === QUALIFIER.qcForWsa) facts.types = new Set([QC.web]);
      else continue;
      notes.push(`qualifier ${uri.slice(uri.lastIndexOf('/') + 1)}`);
    }
  }
}

/** The certificate's purpose: its QcType, else the service's AdditionalServiceInformation, else eSig. */
function purposeOf(facts: QcFacts, entry: ServiceStatusEntry): 'esig' | 'eseal' | 'web' {
  if (facts.types.has(QC.esign)) return 'esig';
  if (facts.types.has(QC.eseal)) return 'eseal';
  if (facts.types.has(QC.web)) return 'web';
  const asi = entry.additionalServiceInformation;
  if (
    asi.includes(ADDITIONAL_SERVICE_INFO.forESeals) &&
    !asi.includes(ADDITIONAL_SERVICE_INFO.forESignatures)
  )
    return 'eseal';
  // EN 319 412-5 clause 4.2.3: a QC without QcType is for electronic signatures.
  return 'esig';
}

/**
 * The qualification of a signature whose signing certificate chains to a service entry.
 *
 * @param signer - the decoded signing certificate
 * @param entry - the service status entry in force at the time that matters
 * @param qualifiedService - the service type is a qualified CA (CA/QC, NationalRootCA-QC)
 * @param granted - the status at that time is granted
 * @returns the qualification and the facts that decided it
 * @example
 * ```ts
 * qualify(decodeCertificate(signerDer), match.entry, true, true).qualification; // 'AdES-QC'
 * ```
 */
export function qualify(
  signer: Certificate,
  entry: ServiceStatusEntry,
  qualifiedService: boolean,
  granted: boolean,
): { qualification: Qualification; notes: string[] } {
  if (!granted) return { qualification: 'N/A', notes: ['the service is not granted at that time'] };
  if (!qualifiedService)
    return { qualification: 'AdES', notes: ['the service does not issue qualified certificates'] };
  const facts = certificateFacts(signer);
  const notes: string[] = [];
  if (facts.qc) notes.push('QcCompliance');
  if (facts.qscd) notes.push('QcSSCD');
  applyQualifiers(facts, entry, signer, notes);
  if (!facts.qc) return { qualification: 'AdES', notes: [...notes, 'not a qualified certificate'] };
  const purpose = purposeOf(facts, entry);
  if (purpose === 'web') return { qualification: 'AdES', notes: [...notes, 'a website certificate'] };
  if (purpose === 'eseal') return { qualification: facts.qscd ? 'QESeal' : 'AdESeal-QC', notes };
  return { qualification: facts.qscd ? 'QES' : 'AdES-QC', notes };
}
