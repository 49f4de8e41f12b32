/**
 * The ASiCManifest of ASiC-E with CAdES (EN 319 162-1 clause 4.4.3 and Annex A.4, namespace of
 * TS 102 918 v1.2.1): the CAdES signature (or time-stamp) named by `SigReference` signs the
 * manifest, and the manifest lists each signed data object with its digest. The
 * ASiCArchiveManifest of long-term ASiC-E containers (EN 319 162-2) has the same syntax, signed by
 * a time-stamp token instead.
 */
import { createHash } from 'node:crypto';
import type { DigestName } from '../model.js';
import { descendants, parseXml } from './xml_scan.js';
import type { XmlElement } from './xml_scan.js';

/** Namespace of ASiCManifest (EN 319 162-1 Annex A.4). */
export const ASIC_NS = 'http://uri.etsi.org/02918/v1.2.1#';
/** XMLDSig namespace (DigestMethod, DigestValue). */
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** XMLDSig / RFC 6931 digest algorithm URIs that node:crypto can compute. */
const DIGEST_URIS: Record<string, DigestName> = {
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

/** One `DataObjectReference`. */
export interface ManifestReference {
  /** The URI as written. */
  uri: string;
  /** The container path it names (percent-decoded). */
  path: string;
  mimeType?: string;
  /** The DigestMethod URI. */
  digestMethod: string;
  /** The node:crypto name, when supported. */
  digestAlgorithm?: DigestName;
  digest: Buffer;
}

/** A parsed ASiCManifest. */
export interface AsicManifest {
  /** Its path in the container. */
  path: string;
  /** The container path of the signature or time-stamp that signs it. */
  sigReference?: string;
  references: ManifestReference[];
}

/**
 * Turns a reference URI into a container path: the URI is relative to the container root
 * (EN 319 162-1 clause A.4, `URI` attribute), percent-encoded as RFC 3986 requires.
 *
 * @param uri - the URI
 * @returns the path, or the URI itself when it is not valid percent-encoding
 * @example `uriToPath('my%20file.pdf') // 'my file.pdf'`
 */
export function uriToPath(uri: string): string {
  try {
    return decodeURIComponent(uri.replace(/^\.\//, ''));
  } catch {
    return uri;
  }
}

function reference(el: XmlElement): ManifestReference {
  const method = el.children.find((c) => c.ns === DS_NS && c.local === 'DigestMethod');
  const value = el.children.find((c) => c.ns === DS_NS && c.local === 'DigestValue');
  const uri = el.attrs.get('URI') ?? '';
  const digestMethod = method?.attrs.get('Algorithm') ?? '';
  return {
    uri,
    path: uriToPath(uri),
    mimeType: el.attrs.get('MimeType'),
    digestMethod,
    digestAlgorithm: DIGEST_URIS[digestMethod],
    digest: Buffer.from((value?.text ?? '').replace(/\s+/g, ''), 'base64'),
  };
}

/**
 * Parses an ASiCManifest file.
 *
 * @param path - its path in the container
 * @param bytes - its content
 * @returns the manifest, or undefined when the file is not an ASiCManifest (not XML, other root)
 * @example
 * ```ts
 * const m = parseAsicManifest('META-INF/ASiCManifest.xml', zip.read('META-INF/ASiCManifest.xml'));
 * m?.sigReference; // 'META-INF/signature001.p7s'
 * ```
 */
export function parseAsicManifest(path: string, bytes: Buffer): AsicManifest | undefined {
  let root: XmlElement;
  try {
    root = parseXml(bytes, { maxBytes: 16 * 1024 * 1024 });
  } catch {
    return undefined;
  }
  if (root.ns !== ASIC_NS || root.local !== 'ASiCManifest') return undefined;
  const sig = root.children.find((c) => c.ns === ASIC_NS && c.local === 'SigReference');
  const uri = sig?.attrs.get('URI');
  return {
    path,
    sigReference: uri === undefined ? undefined : uriToPath(uri),
    references: descendants(root, ASIC_NS, 'DataObjectReference').map(reference),
  };
}

/** The outcome of checking a manifest's references against the container. */
export interface ManifestCheck {
  /** Referenced paths that are not in the container. */
  missing: string[];
  /** Referenced paths whose digest differs. */
  altered: string[];
  /** References whose digest algorithm is not supported. */
  unsupported: string[];
}

/**
 * Checks each DataObjectReference of a manifest against the container entries.
 *
 * @param manifest - the manifest
 * @param readEntry - the bytes of a container path, or undefined when there is no such file
 * @returns what is missing, altered or not checkable
 * @example `const { missing, altered } = checkManifest(m, (p) => files.get(p))`
 */
export function checkManifest(
  manifest: AsicManifest,
  readEntry: (path: string) => Buffer | undefined,
): ManifestCheck {
  const out: ManifestCheck = { missing: [], altered: [], unsupported: [] };
  for (const ref of manifest.references) {
    const bytes = readEntry(ref.path) ?? readEntry(ref.uri);
    if (!bytes) out.missing.push(ref.path);
    else if (!ref.digestAlgorithm)
      out.unsupported.push(`${ref.path} (${ref.digestMethod || 'no DigestMethod'})`);
    else if (!createHash(ref.digestAlgorithm).update(bytes).digest().equals(ref.digest))
      out.altered.push(ref.path);
  }
  return out;
}
