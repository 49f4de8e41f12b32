/**
 * The signature validation objects of an ETSI TS 119 102-2 report (clause 4.4): every
 * certificate, revocation value and time-stamp a signature's verdict rests on, each once, with an
 * `xs:ID` the signature reports point at (VOReference). Internal to `src/validation/report_xml*.ts`.
 */
import { createHash } from 'node:crypto';
import type { CertificateInfo, ChainEntry, TimestampReport } from './report.js';
import { timestampValidationReport } from './report_xml_chain.js';
import {
  canonicalBase64,
  digestAlgAndValue,
  el,
  malformed,
  sha256Hex,
  textEl,
  xsDateTime,
} from './report_xml_writer.js';
import type { IdAllocator, XmlElement } from './report_xml_writer.js';

/** The namespace of the trustbridge descriptions inside `direct` (evidence whose bytes the report lacks). */
export const TRUSTBRIDGE_NS = 'urn:trustbridge:validation-report:1';

/**
 * Evidence bytes the XML embeds when the report carries them. They are not (yet) fields of
 * `report.ts`; the renderer reads them when present so the validation process can add them
 * without a change here.
 */
export interface RevocationEvidenceBytes {
  /** The OCSPResponse or CertificateList DER, base64. */
  der?: string;
}

/** See {@link RevocationEvidenceBytes}: the RFC 3161 TimeStampToken DER, base64. */
export interface TimestampTokenBytes {
  token?: string;
}

// TS 119 102-2 clause 4.4.4 object types.
const OBJECT_TYPE = 'urn:etsi:019102:validationObject:';
/** Whether revocation DER is an OCSPResponse or a CRL, from its first field (RFC 6960 §4.2.1, RFC 5280 §5.1). */
function sniffRevocationDer(der: Buffer): 'ocsp' | 'crl' | undefined {
  if (der.length < 4 || der[0] !== 0x30) return undefined;
  const len = der[1]!;
  const first = 2 + (len & 0x80 ? len & 0x7f : 0);
  if (der[first] === 0x0a) return 'ocsp'; // responseStatus ENUMERATED
  if (der[first] === 0x30) return 'crl'; // tbsCertList SEQUENCE
  return undefined;
}

interface CertificateRecord {
  id: string;
  cert: CertificateInfo;
}
interface RevocationRecord {
  id: string;
  entry: ChainEntry;
  der?: Buffer;
}
interface TimestampRecord {
  id: string;
  ts: TimestampReport;
  token?: Buffer;
  report: XmlElement;
  signatureDigests: string[];
}

/**
 * Collects the validation objects of one report, each once, and renders the list.
 *
 * @example
 * ```ts
 * const objects = new ValidationObjects(new IdAllocator());
 * const signerRef = objects.certificate(sig.signer); // 'C-<SHA-256>'
 * const list = objects.render(); // vr:SignatureValidationObjects
 * ```
 */
export class ValidationObjects {
  private readonly ids: IdAllocator;
  private readonly certificates = new Map<string, CertificateRecord>();
  private readonly revocations = new Map<string, RevocationRecord>();
  private readonly timestamps = new Map<string, TimestampRecord>();

  /** @param ids - the report-wide allocator, so object ids never clash with signature ids */
  constructor(ids: IdAllocator) {
    this.ids = ids;
  }

  /** The id of a certificate's object (`C-` and its SHA-256), registering it on first sight. */
  certificate(cert: CertificateInfo): string {
    const der = Buffer.from(cert.der ?? '', 'base64');
    const hash = /^[0-9a-f]{64}$/i.test(cert.sha256) ? cert.sha256.toUpperCase() : undefined;
    if (hash === undefined && der.length === 0) malformed('certificate', 'has neither DER nor SHA-256');
    const key = hash ?? sha256Hex(der);
    let record = this.certificates.get(key);
    if (record === undefined) {
      record = { id: this.ids.allocate(`C-${key}`), cert };
      this.certificates.set(key, record);
    }
    return record.id;
  }

  /**
   * The id of the revocation evidence of one chain entry, or undefined when nothing was obtained
   * (`not-checked`, or `unknown` with neither a source nor bytes).
   */
  revocation(entry: ChainEntry): string | undefined {
    const rev = entry.revocation;
    const bytes = (rev as RevocationEvidenceBytes).der;
    const der = bytes ? Buffer.from(bytes, 'base64') : undefined;
    if (rev.status === 'not-checked' || (der === undefined && rev.source === undefined)) return undefined;
    const certId = this.certificate(entry);
    const key = der ? sha256Hex(der) : sha256Hex(JSON.stringify([certId, rev]));
    let record = this.revocations.get(key);
    if (record === undefined) {
      record = { id: this.ids.allocate(`R-${key}`), entry, ...(der ? { der } : {}) };
      this.revocations.set(key, record);
    }
    return record.id;
  }

  /**
   * The id of a time-stamp's object, registering it (with its own validation report and its TSA
   * chain) on first sight. A document time-stamp shared by several signatures is one object.
   *
   * @param ts - the time-stamp
   * @param signatureDigest - base64 SHA-256 of the signature value it protects, when known
   */
  timestamp(ts: TimestampReport, signatureDigest?: string): string {
    const bytes = (ts as TimestampTokenBytes).token;
    const token = bytes ? Buffer.from(bytes, 'base64') : undefined;
    const anchor = ts.chain[0]?.sha256;
    const key = token
      ? sha256Hex(token)
      : sha256Hex(JSON.stringify([ts.type, ts.genTime, ts.serialNumber, ts.tsa, anchor]));
    let record = this.timestamps.get(key);
    if (record === undefined) {
      const id = this.ids.allocate(`T-${key}`);
      record = {
        id,
        ts,
        report: timestampValidationReport(this, ts),
        signatureDigests: [],
        ...(token ? { token } : {}),
      };
      this.timestamps.set(key, record);
    }
    const protectsSignature = ts.type === 'signature' || ts.type === 'archive';
    if (protectsSignature && signatureDigest && !record.signatureDigests.includes(signatureDigest)) {
      record.signatureDigests.push(signatureDigest);
    }
    return record.id;
  }

  /** The ids of the revocation objects of a chain, in chain order. */
  chainRevocations(chain: readonly ChainEntry[]): string[] {
    return chain.map((c) => this.revocation(c)).filter((id): id is string => id !== undefined);
  }

  /** The SignatureValidationObjects element (clause 4.4), or undefined when there is none. */
  render(): XmlElement | undefined {
    const objects = [
      ...[...this.certificates.values()].map((r) => this.certificateObject(r)),
      ...[...this.revocations.values()].map((r) => this.revocationObject(r)),
      ...[...this.timestamps.values()].map((r) => this.timestampObject(r)),
    ];
    return objects.length === 0 ? undefined : el('vr:SignatureValidationObjects', {}, objects);
  }

  private certificateObject({ id, cert }: CertificateRecord): XmlElement {
    const der = canonicalBase64(cert.der ?? '');
    const representation =
      der.length > 0
        ? textEl('vr:base64', der)
        : digestAlgAndValue('vr:DigestAlgAndValue', 'sha256', Buffer.from(cert.sha256, 'hex'));
    return validationObject(id, 'certificate', representation);
  }

  private revocationObject({ id, entry, der }: RevocationRecord): XmlElement {
    const rev = entry.revocation;
    const kind = rev.source?.endsWith('ocsp')
      ? 'ocsp'
      : rev.source?.endsWith('crl')
        ? 'crl'
        : der && sniffRevocationDer(der);
    const type = kind === 'ocsp' ? 'OCSPResponse' : kind === 'crl' ? 'CRL' : 'other';
    // Without the bytes, `direct` carries what the validation learnt from them (clause 4.4.5
    // allows any XML rendering of the object), so the status stays traceable.
    const representation = der
      ? textEl('vr:base64', der.toString('base64'))
      : el(
          'vr:direct',
          {},
          el('tb:RevocationEvidence', {
            certificate: this.certificate(entry),
            status: rev.status,
            source: rev.source,
            issuedAt: rev.issuedAt,
            thisUpdate: rev.thisUpdate,
            nextUpdate: rev.nextUpdate,
            revocationTime: rev.revocationTime,
            revocationReason: rev.revocationReason,
            detail: rev.detail,
          }),
        );
    return validationObject(id, type, representation);
  }

  private timestampObject(record: TimestampRecord): XmlElement {
    const { id, ts, token, report, signatureDigests } = record;
    const representation = token
      ? textEl('vr:base64', token.toString('base64'))
      : el(
          'vr:direct',
          {},
          el('tb:TimeStamp', {
            type: ts.type,
            genTime: ts.genTime,
            serialNumber: ts.serialNumber,
            tsa: ts.tsa,
          }),
        );
    // Clause 4.4.7: the time-stamp provides a POE of the signature value(s) it covers at genTime.
    const provisioning =
      ts.genTime !== undefined &&
      signatureDigests.length > 0 &&
      el(
        'vr:POEProvisioning',
        {},
        textEl('vr:POETime', xsDateTime(ts.genTime, 'timestamps[].genTime')),
        signatureDigests.map((d) =>
          el(
            'vr:SignatureReference',
            {},
            textEl('vr:DigestMethod', 'http://www.w3.org/2001/04/xmlenc#sha256'),
            textEl('vr:DigestValue', d),
          ),
        ),
      );
    return validationObject(id, 'timestamp', representation, provisioning || undefined, report);
  }
}

function validationObject(
  id: string,
  type: string,
  representation: XmlElement,
  provisioning?: XmlElement,
  report?: XmlElement,
): XmlElement {
  return el(
    'vr:ValidationObject',
    { id },
    textEl('vr:ObjectType', `${OBJECT_TYPE}${type}`),
    el('vr:ValidationObjectRepresentation', {}, representation),
    provisioning,
    report,
  );
}

/**
 * Base64 SHA-256 of a base64 value (the signature value digest of SignatureIdentifier).
 *
 * @example
 * ```ts
 * sha256OfBase64('AAEC').toString('base64');
 * ```
 */
export function sha256OfBase64(value: string): Buffer {
  return createHash('sha256').update(Buffer.from(value, 'base64')).digest();
}
