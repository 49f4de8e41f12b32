/**
 * Readers of the CAdES attributes the validation needs: the ESS signing-certificate(-v2)
 * reference, the signing time, and the embedded validation data (RFC 5940 OCSP responses in
 * SignedData.crls, EN 319 122-1 certificate-values / revocation-values). Internal: failures are
 * DerSyntaxErrors that the extractor turns into a format failure.
 */
import { childrenOf, elementAt, fail, slice } from '../../lib/der_reader.js';
import type { DerElement } from '../../lib/der_reader.js';
import * as DER from '../../lib/der.js';
import { algorithmAt, oidAt, serialHex } from '../../lib/der_cursor.js';
import { decodeTime } from '../../lib/der_values.js';
import type { ParsedSignedData } from '../../pki/cms_signed_data.js';
import type { DigestName, SigningCertificateReference } from '../model.js';
import { DIGEST_OIDS } from '../algorithm_names.js';
import { CADES_OID } from './oids.js';

const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

function single(values: Buffer[] | undefined, what: string): { der: Buffer; el: DerElement } | undefined {
  if (values === undefined) return undefined;
  if (values.length !== 1) fail(`${what} must have exactly one value`);
  const der = values[0]!;
  const el = elementAt(der, 0);
  if (el.end !== der.length) fail(`${what} has trailing bytes`);
  return { der, el };
}

/** The Name inside the first directoryName of GeneralNames (tag [4] EXPLICIT). */
function directoryName(der: Buffer, names: DerElement): Buffer | undefined {
  const dn = childrenOf(der, names).find((n) => n.tag === 0xa4);
  if (!dn) return undefined;
  const [name] = childrenOf(der, dn);
  return name?.tag === 0x30 ? slice(der, name) : undefined;
}

function issuerSerial(
  der: Buffer,
  el: DerElement | undefined,
): Pick<SigningCertificateReference, 'issuerDer' | 'serialHex'> {
  if (el === undefined) return {};
  const [names, serial] = childrenOf(der, el);
  if (names?.tag !== 0x30 || serial?.tag !== 0x02) fail('bad IssuerSerial');
  const issuerDer = directoryName(der, names);
  return {
    ...(issuerDer ? { issuerDer } : {}),
    serialHex: serialHex(der.subarray(serial.start, serial.end)),
  };
}

/**
 * The first ESSCertIDv2 of signing-certificate-v2 (RFC 5035; hashAlgorithm DEFAULT SHA-256) or
 * ESSCertID of signing-certificate (RFC 2634, SHA-1): EN 319 122-1 §5.2.2.2 says the first one
 * identifies the signing certificate.
 */
export function signingCertificateReference(
  signed: Map<string, Buffer[]>,
): SigningCertificateReference | undefined {
  const v2 = single(signed.get(CADES_OID.signingCertificateV2), 'signing-certificate-v2');
  const v1 = v2 ? undefined : single(signed.get(CADES_OID.signingCertificate), 'signing-certificate');
  const attr = v2 ?? v1;
  if (!attr) return undefined;
  const [certs] = childrenOf(attr.der, attr.el);
  const [first] = certs?.tag === 0x30 ? childrenOf(attr.der, certs) : [];
  if (first?.tag !== 0x30) fail('signing-certificate holds no certificate identifier');
  const parts = childrenOf(attr.der, first);
  let digestAlgorithm: DigestName = v2 ? 'sha256' : 'sha1';
  if (v2 && parts[0]?.tag === 0x30) {
    const oid = algorithmAt(attr.der, parts.shift()!).oid;
    digestAlgorithm = DIGEST_OIDS[oid] ?? fail(`unknown signing-certificate hash ${oid}`);
  }
  const hash = parts[0];
  if (hash?.tag !== 0x04) fail('bad certHash');
  return {
    digestAlgorithm,
    digest: Buffer.from(attr.der.subarray(hash.start, hash.end)),
    ...issuerSerial(attr.der, parts[1]),
  };
}

/** The signing-time attribute (RFC 5652 §11.3), if present. */
export function signingTime(signed: Map<string, Buffer[]>): Date | undefined {
  const attr = single(signed.get('1.2.840.113549.1.9.5'), 'signing-time');
  if (!attr) return undefined;
  const { der, el } = attr;
  return decodeTime(el.tag, der.subarray(el.start, el.end));
}

/** Wraps a BasicOCSPResponse into a successful OCSPResponse (RFC 6960 §4.2.1). */
export function ocspResponseOfBasic(basic: Buffer): Buffer {
  return DER.seq(
    DER.tlv(0x0a, Buffer.from([0])),
    DER.explicit(0, DER.seq(DER.oid(ID_PKIX_OCSP_BASIC), DER.octets(basic))),
  );
}

/** RFC 5940 §4.1: OCSPResponses carried as RevocationInfoChoice `other` in SignedData.crls. */
export function otherRevocationOcsp(sd: ParsedSignedData): Buffer[] {
  const der = sd.raw.der;
  const crls = childrenOf(der, sd.raw.signedData).find((e) => e.tag === 0xa1);
  if (!crls) return [];
  const out: Buffer[] = [];
  for (const choice of childrenOf(der, crls)) {
    if (choice.tag !== 0xa1) continue;
    const [format, value] = childrenOf(der, choice);
    if (format && value && oidAt(der, format) === CADES_OID.ocspResponseRevocationInfo)
      out.push(slice(der, value));
  }
  return out;
}

/** certificate-values (EN 319 122-1 §5.5.1): the certificates it carries. */
export function certificateValues(unsigned: Map<string, Buffer[]>): Buffer[] {
  const attr = single(unsigned.get(CADES_OID.certificateValues), 'certificate-values');
  if (!attr) return [];
  return childrenOf(attr.der, attr.el).map((c) => slice(attr.der, c));
}

/** revocation-values (EN 319 122-1 §5.5.2): CRLs and OCSP responses (BasicOCSPResponse, wrapped). */
export function revocationValues(unsigned: Map<string, Buffer[]>): { crls: Buffer[]; ocsp: Buffer[] } {
  const attr = single(unsigned.get(CADES_OID.revocationValues), 'revocation-values');
  const out = { crls: [] as Buffer[], ocsp: [] as Buffer[] };
  if (!attr) return out;
  for (const field of childrenOf(attr.der, attr.el)) {
    const [list] = childrenOf(attr.der, field);
    const items = list?.tag === 0x30 ? childrenOf(attr.der, list).map((x) => slice(attr.der, x)) : [];
    if (field.tag === 0xa0) out.crls.push(...items);
    if (field.tag === 0xa1) out.ocsp.push(...items.map(ocspResponseOfBasic));
  }
  return out;
}
