import { bitString, explicit, integer, seq, time, tlv } from '../lib/der.js';
import { OID, keyIdentifier } from './algorithms.js';
import { ecdsaAlgorithm, encodeExtension } from './certificate_builder.js';
import type { Signer } from './key_store.js';
import { REVOCATION_REASON_CODES } from '../x509/revocation_reason.js';
import type { RevocationReasonName } from '../x509/revocation_reason.js';

/** A revoked or suspended certificate on a CRL. */
export interface CrlEntry {
  /** Serial number, hex. */
  serial: string;
  revokedAt: Date;
  reason?: RevocationReasonName;
}

/** What a CRL says and who signs it. */
export interface CrlParams {
  issuerDer: Buffer;
  issuerSpki: Buffer;
  signer: Signer;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: CrlEntry[];
}

function entry(e: CrlEntry): Buffer {
  // RFC 5280 §5.3.1: the reason code `unspecified` SHOULD be absent.
  const reason =
    e.reason && e.reason !== 'unspecified'
      ? seq(
          encodeExtension({
            oid: OID.crlReason,
            critical: false,
            value: tlv(0x0a, Buffer.from([REVOCATION_REASON_CODES[e.reason]])),
          }),
        )
      : undefined;
  return seq(integer(Buffer.from(e.serial, 'hex')), time(e.revokedAt), reason);
}

/**
 * Builds and signs a complete v2 CRL (RFC 5280 §5) with the authorityKeyIdentifier and cRLNumber
 * extensions; suspended certificates appear with reason certificateHold.
 *
 * @param p - issuer, signer, number, times and entries
 * @returns the CRL DER
 * @example
 * ```ts
 * const crl = await buildCrl({ issuerDer, issuerSpki, signer, crlNumber: 1, thisUpdate, nextUpdate, entries: [] });
 * ```
 */
export async function buildCrl(p: CrlParams): Promise<Buffer> {
  const alg = ecdsaAlgorithm(p.signer.hash);
  const extensions = seq(
    encodeExtension({
      oid: OID.authorityKeyIdentifier,
      critical: false,
      value: seq(tlv(0x80, keyIdentifier(p.issuerSpki))),
    }),
    encodeExtension({ oid: OID.crlNumber, critical: false, value: integer(p.crlNumber) }),
  );
  const tbs = seq(
    integer(1),
    alg,
    p.issuerDer,
    time(p.thisUpdate),
    time(p.nextUpdate),
    p.entries.length > 0 ? seq(...p.entries.map(entry)) : undefined,
    explicit(0, extensions),
  );
  const signature = await p.signer.sign(tbs);
  return seq(tbs, alg, bitString(signature));
}
