/**
 * ds:KeyValue (xmldsig-core1 §4.5.2): the signer's public key given without a certificate, as
 * RSAKeyValue (§4.5.2.2) or dsig11:ECKeyValue with a named curve (§4.5.2.3). The process verifies
 * the signature value with it and still reports that no certificate names the signer.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { XmlElement } from '../../lib/xml/dom.js';
import { attribute, childElement, childElements, textContent } from '../../lib/xml/query.js';
import { NS } from './algorithms.js';
import { XadesError } from './errors.js';
import { decodeBase64 } from './structure.js';

/** dsig11 NamedCurve URIs (RFC 5480 OIDs as `urn:oid:`) and their JWK names. */
const CURVES: Readonly<Record<string, { crv: string; size: number }>> = {
  'urn:oid:1.2.840.10045.3.1.7': { crv: 'P-256', size: 32 },
  'urn:oid:1.3.132.0.34': { crv: 'P-384', size: 48 },
  'urn:oid:1.3.132.0.35': { crv: 'P-521', size: 66 },
};

function b64(el: XmlElement | undefined, what: string): Buffer {
  if (!el) throw new XadesError('XADES_MALFORMED', `${what} is missing`);
  return decodeBase64(textContent(el), what);
}

function rsaKey(el: XmlElement): KeyObject {
  const n = b64(childElement(el, NS.ds, 'Modulus'), 'Modulus');
  const e = b64(childElement(el, NS.ds, 'Exponent'), 'Exponent');
  return createPublicKey({
    key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
    format: 'jwk',
  });
}

function ecKey(el: XmlElement): KeyObject {
  const named = childElement(el, NS.dsig11, 'NamedCurve');
  const uri = named ? attribute(named, 'URI') : undefined;
  const curve = uri ? CURVES[uri] : undefined;
  if (!curve)
    throw new XadesError('XADES_MALFORMED', `curve ${uri ?? '(explicit parameters)'} is not supported`);
  const point = b64(childElement(el, NS.dsig11, 'PublicKey'), 'PublicKey');
  // X9.62 uncompressed point: 0x04 || X || Y.
  if (point.length !== 1 + 2 * curve.size || point[0] !== 0x04)
    throw new XadesError('XADES_MALFORMED', 'PublicKey is not an uncompressed point');
  const x = point.subarray(1, 1 + curve.size).toString('base64url');
  const y = point.subarray(1 + curve.size).toString('base64url');
  return createPublicKey({ key: { kty: 'EC', crv: curve.crv, x, y }, format: 'jwk' });
}

/**
 * The public key of the first ds:KeyValue of a KeyInfo that can be read.
 *
 * @param keyInfo - the ds:KeyInfo element
 * @param warnings - receives why a KeyValue was ignored
 * @returns the key, or undefined when there is none
 * @example
 * ```ts
 * const key = readKeyValue(sig.keyInfo, warnings); // a KeyObject for an RSAKeyValue
 * ```
 */
export function readKeyValue(keyInfo: XmlElement | undefined, warnings: string[]): KeyObject | undefined {
  for (const kv of keyInfo ? childElements(keyInfo, NS.ds, 'KeyValue') : []) {
    const rsa = childElement(kv, NS.ds, 'RSAKeyValue');
    const ec = childElement(kv, NS.dsig11, 'ECKeyValue');
    try {
      if (rsa) return rsaKey(rsa);
      if (ec) return ecKey(ec);
      warnings.push('KeyValue holds no RSAKeyValue or dsig11:ECKeyValue and was ignored');
    } catch (e) {
      warnings.push(`KeyValue was ignored: ${(e as Error).message}`);
    }
  }
  return undefined;
}
