/**
 * The fields of an OCSP CertID (RFC 6960 §4.1.1), read from its DER. Internal to pki/.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertID } from '@peculiar/asn1-ocsp';
import { childrenOf } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { decodeOid } from '../lib/der_values.js';

/** The CertID fields: hash OID, the two hashes, the serial INTEGER content octets. */
export type CertIdFields = {
  algorithm: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  serial: Uint8Array;
};

/**
 * The CertID fields read straight from the DER (one CertID per OCSP answer, hot for a relying
 * party; the schema parse costs about as much as a signature check). Undefined for anything but
 * the plain shape (hash OID with absent or NULL parameters), which the schema parse reads.
 */
export function certIdFields(raw: Buffer, top: DerElement): CertIdFields | undefined {
  try {
    return plainCertId(raw, top);
  } catch {
    return undefined;
  }
}

function plainCertId(raw: Buffer, top: DerElement): CertIdFields | undefined {
  const [alg, name, key, serial, extra] = childrenOf(raw, top);
  if (alg?.tag !== 0x30 || name?.tag !== 0x04 || key?.tag !== 0x04 || serial?.tag !== 0x02 || extra) return;
  const [oid, params, more] = childrenOf(raw, alg);
  if (oid?.tag !== 0x06 || more || (params && (params.tag !== 0x05 || params.length !== 0))) return;
  const bytes = (e: DerElement): Buffer => Buffer.from(raw.subarray(e.start, e.end));
  const algorithm = decodeOid(raw.subarray(oid.start, oid.end));
  return { algorithm, issuerNameHash: bytes(name), issuerKeyHash: bytes(key), serial: bytes(serial) };
}

export function schemaCertIdFields(raw: Buffer): CertIdFields {
  const c = AsnConvert.parse(raw, CertID);
  return {
    algorithm: c.hashAlgorithm.algorithm,
    issuerNameHash: Buffer.from(c.issuerNameHash.buffer),
    issuerKeyHash: Buffer.from(c.issuerKeyHash.buffer),
    serial: new Uint8Array(c.serialNumber),
  };
}
