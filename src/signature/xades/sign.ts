/**
 * XAdES B-B enveloped signing (ETSI EN 319 132-1 clause 6.3 baseline B-B; the form trust lists
 * use, ETSI TS 119 612 clause 5.7): one reference to the whole document with the
 * enveloped-signature and exclusive C14N transforms, one to the SignedProperties, SHA-256 (or the
 * signer's hash), ECDSA through the {@link Signer} interface with the raw r || s value XMLDSig
 * requires (xmldsig-core1 §6.4.3), SigningTime and SigningCertificateV2.
 */
import { createHash, randomBytes } from 'node:crypto';
import { childrenOf, topElement } from '../../lib/der_reader.js';
import { explicit, integer, seq } from '../../lib/der.js';
import { canonicalize } from '../../lib/xml/c14n.js';
import { parseXml } from '../../lib/xml/parser.js';
import { descendants } from '../../lib/xml/query.js';
import type { Signer } from '../../pki/key_store.js';
import { decodeCertificate } from '../../x509/certificate.js';
import { DIGEST_URI, ECDSA_URI, EXC_C14N_URI, NS, REFERENCE_TYPE, TRANSFORM } from './algorithms.js';
import { XadesError } from './errors.js';
import { verifyEnvelopedSignature } from './enveloped.js';
import { buildIdIndex } from './references.js';

/** Inputs of {@link signXmlEnveloped}. */
export interface SignXmlOptions {
  /** The signing key (P-256 / P-384 ECDSA). */
  signer: Signer;
  /** The signer's certificate (DER); it must certify `signer.spki`. */
  certificate: Buffer;
  /** CA certificates to add to ds:KeyInfo after the signer's (DER). */
  chain?: readonly Buffer[];
  /** xades:SigningTime (the caller's clock). */
  signingTime: Date;
  /** The ds:Signature Id (default: `id-` and 32 random hex digits). */
  signatureId?: string;
  /** xades:DataObjectFormat MimeType of the document (default `text/xml`). */
  mimeType?: string;
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** RFC 5035 IssuerSerial of a certificate: GeneralNames { directoryName issuer }, serialNumber. */
function issuerSerialV2(certDer: Buffer): Buffer {
  try {
    const cert = decodeCertificate(certDer);
    return seq(seq(explicit(4, cert.issuer.der)), integer(cert.serial));
  } catch (e) {
    throw new XadesError('XADES_MALFORMED', 'the signing certificate is not DER X.509', { cause: e });
  }
}

/** DER ECDSA-Sig-Value (what {@link Signer} returns) to the fixed-size r || s of XMLDSig. */
function rawEcdsa(der: Buffer, size: number): Buffer {
  try {
    const [r, s, ...rest] = childrenOf(der, topElement(der, 0x30, 'ECDSA-Sig-Value'));
    if (!r || !s || rest.length > 0 || r.tag !== 0x02 || s.tag !== 0x02)
      throw new XadesError('XADES_MALFORMED', 'not two INTEGERs');
    const fixed = (v: Buffer): Buffer => {
      const t = v.subarray(v.findIndex((b) => b !== 0) < 0 ? v.length : v.findIndex((b) => b !== 0));
      if (t.length > size) throw new XadesError('XADES_MALFORMED', 'integer too long');
      return Buffer.concat([Buffer.alloc(size - t.length), t]);
    };
    return Buffer.concat([fixed(der.subarray(r.start, r.end)), fixed(der.subarray(s.start, s.end))]);
  } catch (e) {
    throw new XadesError('XADES_MALFORMED', 'the signer did not return a DER ECDSA signature', { cause: e });
  }
}

interface Ids {
  sig: string;
  ref: string;
  props: string;
}

function signedPropertiesXml(o: SignXmlOptions, ids: Ids): string {
  const certDigest = createHash('sha256').update(o.certificate).digest('base64');
  const time = o.signingTime.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `<xades:SignedProperties Id="${ids.props}"><xades:SignedSignatureProperties>` +
    `<xades:SigningTime>${time}</xades:SigningTime>` +
    `<xades:SigningCertificateV2><xades:Cert><xades:CertDigest>` +
    `<ds:DigestMethod Algorithm="${DIGEST_URI.sha256}"/><ds:DigestValue>${certDigest}</ds:DigestValue>` +
    `</xades:CertDigest><xades:IssuerSerialV2>${issuerSerialV2(o.certificate).toString('base64')}</xades:IssuerSerialV2>` +
    `</xades:Cert></xades:SigningCertificateV2></xades:SignedSignatureProperties>` +
    `<xades:SignedDataObjectProperties><xades:DataObjectFormat ObjectReference="#${ids.ref}">` +
    `<xades:MimeType>${escapeXml(o.mimeType ?? 'text/xml')}</xades:MimeType></xades:DataObjectFormat>` +
    `</xades:SignedDataObjectProperties></xades:SignedProperties>`
  );
}

function signedInfoXml(o: SignXmlOptions, ids: Ids, dataDigest: string, propsDigest: string): string {
  const digest = `<ds:DigestMethod Algorithm="${DIGEST_URI[o.signer.hash]}"/>`;
  const c14n = `<ds:Transform Algorithm="${EXC_C14N_URI}"/>`;
  return (
    `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${EXC_C14N_URI}"/>` +
    `<ds:SignatureMethod Algorithm="${ECDSA_URI[o.signer.hash]}"/>` +
    `<ds:Reference Id="${ids.ref}" URI=""><ds:Transforms><ds:Transform Algorithm="${TRANSFORM.enveloped}"/>${c14n}` +
    `</ds:Transforms>${digest}<ds:DigestValue>${dataDigest}</ds:DigestValue></ds:Reference>` +
    `<ds:Reference Type="${REFERENCE_TYPE.signedProperties}" URI="#${ids.props}"><ds:Transforms>${c14n}</ds:Transforms>` +
    `${digest}<ds:DigestValue>${propsDigest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`
  );
}

function signatureXml(o: SignXmlOptions, ids: Ids, signedInfo: string, value: string): string {
  const certs = [o.certificate, ...(o.chain ?? [])].map(
    (c) => `<ds:X509Certificate>${c.toString('base64')}</ds:X509Certificate>`,
  );
  return (
    `<ds:Signature xmlns:ds="${NS.ds}" Id="${ids.sig}">${signedInfo}` +
    `<ds:SignatureValue Id="value-${ids.sig}">${value}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data>${certs.join('')}</ds:X509Data></ds:KeyInfo>` +
    `<ds:Object><xades:QualifyingProperties xmlns:xades="${NS.xades}" Target="#${ids.sig}">` +
    `${signedPropertiesXml(o, ids)}</xades:QualifyingProperties></ds:Object></ds:Signature>`
  );
}

/** The document text with `fragment` as the last child of the root element. */
function insertIntoRoot(source: string, rootName: string, endTagStart: number, fragment: string): string {
  if (source.startsWith('/>', endTagStart)) {
    return `${source.slice(0, endTagStart)}>${fragment}</${rootName}>${source.slice(endTagStart + 2)}`;
  }
  return source.slice(0, endTagStart) + fragment + source.slice(endTagStart);
}

function readDocument(doc: Uint8Array | string): {
  source: string;
  rootName: string;
  endTagStart: number;
  ids: Set<string>;
} {
  const parsed = parseXml(doc);
  const encoding = /^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(parsed.source)?.[1]?.toLowerCase();
  if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'utf8') {
    throw new XadesError(
      'XADES_MALFORMED',
      `only UTF-8 documents are signed (this one declares ${encoding})`,
    );
  }
  if (descendants(parsed, NS.ds, 'Signature').length > 0) {
    throw new XadesError('XADES_MALFORMED', 'the document is already signed');
  }
  const { root } = parsed;
  return {
    source: parsed.source,
    rootName: root.name,
    endTagStart: root.endTagStart,
    ids: new Set(buildIdIndex(parsed).keys()),
  };
}

/**
 * Signs an XML document with a XAdES B-B enveloped signature appended to its root element.
 *
 * @param doc - the document (UTF-8); it must not be signed already
 * @param options - signer, certificate, chain, signing time
 * @returns the signed document, UTF-8
 * @throws XmlError when the document is not well-formed; XadesError XADES_MALFORMED for a bad
 *   certificate or signer output, or when the result does not verify with the certificate
 * @example
 * ```ts
 * const signed = await signXmlEnveloped(Buffer.from('<TrustServiceStatusList/>'), {
 *   signer: keyObjectSigner(privateKey), certificate: certDer, signingTime: new Date(),
 * });
 * ```
 */
export async function signXmlEnveloped(doc: Uint8Array | string, options: SignXmlOptions): Promise<Buffer> {
  const input = readDocument(doc);
  const base = options.signatureId ?? `id-${randomBytes(16).toString('hex')}`;
  const ids: Ids = { sig: base, ref: `r-${base}-1`, props: `xades-${base}` };
  if (Object.values(ids).some((id) => input.ids.has(id))) {
    throw new XadesError('XADES_MALFORMED', `the document already uses the identifier ${base}`);
  }
  const place = (fragment: string): string =>
    insertIntoRoot(input.source, input.rootName, input.endTagStart, fragment);
  const hash = (b: Buffer): string => createHash(options.signer.hash).update(b).digest('base64');
  // 1. Digest the document without the signature and the SignedProperties in place.
  const draft = parseXml(place(signatureXml(options, ids, signedInfoXml(options, ids, '', ''), '')));
  const draftSignature = descendants(draft, NS.ds, 'Signature')[0]!;
  const props = descendants(draftSignature, NS.xades, 'SignedProperties')[0]!;
  const dataDigest = hash(canonicalize(draft, { method: 'exc-c14n', exclude: (e) => e === draftSignature }));
  const propsDigest = hash(canonicalize(props, { method: 'exc-c14n' }));
  // 2. Sign the canonical SignedInfo as it sits in the final document.
  const signedInfo = signedInfoXml(options, ids, dataDigest, propsDigest);
  const withInfo = parseXml(place(signatureXml(options, ids, signedInfo, '')));
  const infoEl = descendants(withInfo, NS.ds, 'SignedInfo')[0]!;
  const der = await options.signer.sign(canonicalize(infoEl, { method: 'exc-c14n' }));
  const value = rawEcdsa(der, options.signer.algorithm === 'P-384' ? 48 : 32).toString('base64');
  const signed = Buffer.from(place(signatureXml(options, ids, signedInfo, value)), 'utf8');
  // 3. Check the result the way a relying party will.
  try {
    verifyEnvelopedSignature(signed, options.certificate);
  } catch (e) {
    throw new XadesError(
      'XADES_MALFORMED',
      'the signature does not verify with the certificate (wrong key?)',
      { cause: e },
    );
  }
  return signed;
}
