/**
 * XMLDSig algorithm identifiers (W3C xmldsig-core1 §6, RFC 6931 "Additional XML Security URIs")
 * mapped to node:crypto and to the canonicalization options of `lib/xml/c14n.ts`.
 */
import type { C14nMethod } from '../../lib/xml/c14n.js';
import type { DigestName } from '../model.js';
import { XadesError } from './errors.js';

/** XML namespaces of XMLDSig and XAdES. */
export const NS = {
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  dsig11: 'http://www.w3.org/2009/xmldsig11#',
  xades: 'http://uri.etsi.org/01903/v1.3.2#',
  xades111: 'http://uri.etsi.org/01903/v1.1.1#',
  xades122: 'http://uri.etsi.org/01903/v1.2.2#',
  xades141: 'http://uri.etsi.org/01903/v1.4.1#',
  exc: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  filter2: 'http://www.w3.org/2002/06/xmldsig-filter2',
} as const;

/** Reference types of XMLDSig §4.4.3 and XAdES (EN 319 132-1 §4.3.1). */
export const REFERENCE_TYPE = {
  signedProperties: 'http://uri.etsi.org/01903#SignedProperties',
  object: 'http://www.w3.org/2000/09/xmldsig#Object',
  manifest: 'http://www.w3.org/2000/09/xmldsig#Manifest',
} as const;

/** Transform URIs other than canonicalization. */
export const TRANSFORM = {
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  base64: 'http://www.w3.org/2000/09/xmldsig#base64',
  xpath: 'http://www.w3.org/TR/1999/REC-xpath-19991116',
  xpathFilter2: 'http://www.w3.org/2002/06/xmldsig-filter2',
} as const;

const DIGESTS: Record<string, DigestName> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmldsig-more#sha224': 'sha224',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-224': 'sha3-224',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-256': 'sha3-256',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-384': 'sha3-384',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-512': 'sha3-512',
};

/** The DigestMethod URI of each hash (what the signer writes). */
export const DIGEST_URI: Record<'sha256' | 'sha384' | 'sha512', string> = {
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
};

/** A signature algorithm: key type, hash, and the name the crypto policy knows. */
export interface SignatureAlgorithm {
  kind: 'rsa' | 'rsa-pss' | 'ecdsa';
  hash: DigestName;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `RSASSA-PSS-SHA256`. */
  policyName: string;
}

const RSA = 'http://www.w3.org/2001/04/xmldsig-more#rsa-';
const ECDSA = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-';
const PSS = 'http://www.w3.org/2007/05/xmldsig-more#';

function rsa(hash: DigestName, name: string): SignatureAlgorithm {
  return { kind: 'rsa', hash, policyName: `${name}WithRSAEncryption` };
}
function ecdsa(hash: DigestName, name: string): SignatureAlgorithm {
  return { kind: 'ecdsa', hash, policyName: `ecdsa-with-${name}` };
}
function pss(hash: DigestName, name: string): SignatureAlgorithm {
  return { kind: 'rsa-pss', hash, policyName: `RSASSA-PSS-${name}` };
}

const SIGNATURES: Record<string, SignatureAlgorithm> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': rsa('sha1', 'sha1'),
  [`${RSA}sha224`]: rsa('sha224', 'sha224'),
  [`${RSA}sha256`]: rsa('sha256', 'sha256'),
  [`${RSA}sha384`]: rsa('sha384', 'sha384'),
  [`${RSA}sha512`]: rsa('sha512', 'sha512'),
  [`${ECDSA}sha1`]: ecdsa('sha1', 'SHA1'),
  [`${ECDSA}sha224`]: ecdsa('sha224', 'SHA224'),
  [`${ECDSA}sha256`]: ecdsa('sha256', 'SHA256'),
  [`${ECDSA}sha384`]: ecdsa('sha384', 'SHA384'),
  [`${ECDSA}sha512`]: ecdsa('sha512', 'SHA512'),
  // RFC 6931 §2.3.10: RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash.
  [`${PSS}sha256-rsa-MGF1`]: pss('sha256', 'SHA256'),
  [`${PSS}sha384-rsa-MGF1`]: pss('sha384', 'SHA384'),
  [`${PSS}sha512-rsa-MGF1`]: pss('sha512', 'SHA512'),
  [`${PSS}sha3-256-rsa-MGF1`]: pss('sha3-256', 'SHA3-256'),
  [`${PSS}sha3-384-rsa-MGF1`]: pss('sha3-384', 'SHA3-384'),
  [`${PSS}sha3-512-rsa-MGF1`]: pss('sha3-512', 'SHA3-512'),
};

/** The ECDSA SignatureMethod URI of each hash (what the signer writes). */
export const ECDSA_URI: Record<'sha256' | 'sha384' | 'sha512', string> = {
  sha256: `${ECDSA}sha256`,
  sha384: `${ECDSA}sha384`,
  sha512: `${ECDSA}sha512`,
};

/** Canonicalization options for a CanonicalizationMethod / Transform URI. */
export interface CanonicalizationAlgorithm {
  method: C14nMethod;
  withComments: boolean;
}

const C14N: Record<string, CanonicalizationAlgorithm> = {
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': { method: 'c14n', withComments: false },
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': { method: 'c14n', withComments: true },
  'http://www.w3.org/2006/12/xml-c14n11': { method: 'c14n11', withComments: false },
  'http://www.w3.org/2006/12/xml-c14n11#WithComments': { method: 'c14n11', withComments: true },
  'http://www.w3.org/2001/10/xml-exc-c14n#': { method: 'exc-c14n', withComments: false },
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': { method: 'exc-c14n', withComments: true },
};

/** The exclusive canonicalization URI (what the signer writes). */
export const EXC_C14N_URI = 'http://www.w3.org/2001/10/xml-exc-c14n#';
/** Canonical XML 1.0 without comments: the default of XAdES time-stamps (EN 319 132-1 §5.3). */
export const DEFAULT_C14N_URI = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

/**
 * The node:crypto hash of a DigestMethod URI; throws XADES_ALGORITHM_UNSUPPORTED otherwise.
 *
 * @example
 * ```ts
 * digestAlgorithm('http://www.w3.org/2001/04/xmlenc#sha256'); // 'sha256'
 * ```
 */
export function digestAlgorithm(uri: string | undefined): DigestName {
  const d = uri === undefined ? undefined : DIGESTS[uri];
  if (!d) throw new XadesError('XADES_ALGORITHM_UNSUPPORTED', `digest method ${uri ?? '(none)'}`);
  return d;
}

/**
 * The algorithm of a SignatureMethod URI, or undefined when unsupported.
 *
 * @example
 * ```ts
 * signatureAlgorithm('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256')?.policyName; // 'ecdsa-with-SHA256'
 * ```
 */
export function signatureAlgorithm(uri: string): SignatureAlgorithm | undefined {
  return SIGNATURES[uri];
}

/**
 * The canonicalization of a URI, or undefined when the URI is not a canonicalization algorithm.
 *
 * @example
 * ```ts
 * canonicalizationAlgorithm('http://www.w3.org/2001/10/xml-exc-c14n#')?.method; // 'exc-c14n'
 * ```
 */
export function canonicalizationAlgorithm(uri: string | undefined): CanonicalizationAlgorithm | undefined {
  return uri === undefined ? undefined : C14N[uri];
}
