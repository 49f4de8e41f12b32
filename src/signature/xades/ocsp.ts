/**
 * XAdES EncapsulatedOCSPValue holds an OCSPResponse (EN 319 132-1 5.4.2.2); some producers store
 * the BasicOCSPResponse only. The validation model takes OCSPResponse DER, so a bare
 * BasicOCSPResponse is wrapped as a successful response (RFC 6960 §4.2.1).
 */
import { explicit, octets, oid, seq, tlv } from '../../lib/der.js';

const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

/**
 * Returns an OCSPResponse DER for an OCSPResponse or a BasicOCSPResponse.
 *
 * @param der - either structure
 * @returns the OCSPResponse
 * @example
 * ```ts
 * const response = wrapOcspResponse(basicOcspResponseDer);
 * ```
 */
export function wrapOcspResponse(der: Buffer): Buffer {
  // OCSPResponse starts with responseStatus ENUMERATED; BasicOCSPResponse with tbsResponseData SEQUENCE.
  let p = 1;
  const len = der[p] ?? 0;
  p += len < 0x80 ? 1 : 1 + (len & 0x7f);
  if (der[0] !== 0x30 || der[p] !== 0x30) return der;
  return seq(tlv(0x0a, Buffer.from([0])), explicit(0, seq(oid(ID_PKIX_OCSP_BASIC), octets(der))));
}
