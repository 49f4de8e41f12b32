/**
 * Verification of one downloaded list before anything in it is believed (TS 119 612 clause 5.7,
 * TS 119 615 clause 4.2): the one enveloped XAdES signature must cover the whole document and
 * verify with one of the certificates pinned for that list (for the LOTL: the caller's pins; for
 * a national TL: the certificates of its pointer in the LOTL). Only then is the verified tree
 * read into the model.
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { TrustbridgeError } from '../../lib/errors.js';
import { parseXml } from '../../lib/xml/parser.js';
import type { XmlLimits } from '../../lib/xml/parser.js';
import { childElement, childElements, descendants, textContent } from '../../lib/xml/query.js';
import { verifyEnvelopedSignature } from '../../signature/xades/enveloped.js';
import type { EnvelopedVerification } from '../../signature/xades/enveloped.js';
import type { TrustedList } from '../parse/model.js';
import { parseTrustedList } from '../parse/trusted_list.js';
import { NS } from '../uris.js';
import { TrustStoreError } from './errors.js';

/** A list whose signature verified with a pinned certificate. */
export interface VerifiedList {
  list: TrustedList;
  /** The pinned certificate that verified the signature (DER). */
  signer: Buffer;
  /** SHA-256 of the bytes, hex: the same sequence number must always carry the same bytes. */
  sha256: string;
}

/** Parser bounds for trusted lists: the EU LOTL is ~400 KB, a large national TL a few MB. */
export const TRUST_LIST_XML_LIMITS: XmlLimits = { maxBytes: 32 * 1024 * 1024, maxDepth: 64 };

interface Pin {
  der: Buffer;
  key: KeyObject;
}

function pinsOf(certificates: readonly Buffer[]): Pin[] {
  const out: Pin[] = [];
  for (const der of certificates) {
    try {
      out.push({ der, key: new X509Certificate(der).publicKey });
    } catch {
      // A pin that is not a certificate can verify nothing; the others may still.
    }
  }
  return out;
}

/** Pins whose base64 text appears in the document (its KeyInfo) first: usually one try is enough. */
function likelyFirst(pins: Pin[], text: string): Pin[] {
  const seen = (p: Pin): boolean => text.includes(p.der.toString('base64').slice(8, 48));
  return [...pins.filter(seen), ...pins.filter((p) => !seen(p))];
}

function asStoreError(e: unknown): TrustStoreError | undefined {
  if (!(e instanceof TrustbridgeError)) return undefined;
  if (e.code.startsWith('XML_')) return new TrustStoreError('TRUST_LIST_MALFORMED', e.message, { cause: e });
  if (e.code === 'XADES_SIGNATURE_INVALID') return undefined;
  if (e.code.startsWith('XADES_'))
    return new TrustStoreError('TRUST_LIST_SIGNATURE_INVALID', e.message, { cause: e });
  return undefined;
}

/** After every pin failed: does the list verify with the certificate it carries itself? */
function signedByUnpinned(xml: Buffer): boolean {
  try {
    const doc = parseXml(xml, TRUST_LIST_XML_LIMITS);
    const info = descendants(doc, NS.ds, 'KeyInfo')[0];
    const data = info ? childElement(info, NS.ds, 'X509Data') : undefined;
    const first = data ? childElements(data, NS.ds, 'X509Certificate')[0] : undefined;
    if (!first) return false;
    verifyEnvelopedSignature(xml, Buffer.from(textContent(first).replace(/\s+/g, ''), 'base64'));
    return true;
  } catch {
    return false;
  }
}

function verifyWithPins(xml: Buffer, pins: Pin[]): { verified: EnvelopedVerification; pin: Pin } {
  const text = xml.toString('latin1');
  for (const pin of likelyFirst(pins, text)) {
    try {
      return { verified: verifyEnvelopedSignature(xml, pin.key, TRUST_LIST_XML_LIMITS), pin };
    } catch (e) {
      const mapped = asStoreError(e);
      if (mapped) throw mapped;
      if (!(e instanceof TrustbridgeError)) throw e;
    }
  }
  if (signedByUnpinned(xml))
    throw new TrustStoreError(
      'TRUST_LIST_SIGNER_UNTRUSTED',
      `the signature verifies only with a certificate that is not among the ${pins.length} pinned`,
    );
  throw new TrustStoreError(
    'TRUST_LIST_SIGNATURE_INVALID',
    `the signature value verifies with none of the ${pins.length} pinned certificates`,
  );
}

/**
 * Verifies a list's signature against pinned certificates, then reads it.
 *
 * @param xml - the downloaded bytes
 * @param pinned - the certificates allowed to sign this list (DER)
 * @returns the model, the certificate that verified and the bytes' SHA-256
 * @throws TrustStoreError TRUST_LIST_MALFORMED (not XML, DTD, truncated, not TS 119 612),
 *   TRUST_LIST_SIGNATURE_INVALID (no / several signatures, wrapping, digest or value fails),
 *   TRUST_LIST_SIGNER_UNTRUSTED (valid, but by a certificate that is not pinned)
 * @example
 * ```ts
 * const { list } = readTrustedList(bytes, [lotlSignerDer]);
 * console.log(list.sequenceNumber, list.pointers.length);
 * ```
 */
export function readTrustedList(xml: Buffer, pinned: readonly Buffer[]): VerifiedList {
  const pins = pinsOf(pinned);
  if (pins.length === 0)
    throw new TrustStoreError('TRUST_LIST_SIGNER_UNTRUSTED', 'no certificate is pinned for this list');
  const { verified, pin } = verifyWithPins(xml, pins);
  const list = parseTrustedList(verified.root);
  return { list, signer: pin.der, sha256: createHash('sha256').update(xml).digest('hex') };
}
