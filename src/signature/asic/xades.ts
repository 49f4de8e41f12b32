/**
 * XAdES signatures in ASiC (EN 319 162-1 clauses 4.3 and 4.4) and OpenDocument packages: each
 * `ds:Reference` names a container file by a URI relative to the root. The XAdES extractor gets
 * every other file of the container as detached content and checks the digests; this module only
 * reads the reference URIs to tell which container files each signature covers, so that a file a
 * signature names but the container lacks is SIGNED_DATA_NOT_FOUND whatever the extractor says, and
 * files no signature covers are reported (DSS: a warning).
 */
import type { DetachedContent } from '../../lib/document_source.js';
import type { ExtractedSignature, IntegrityResult } from '../model.js';
import type { AsicContainer } from './container.js';
import { DS_NS, uriToPath } from './manifest.js';
import { listNames } from './rules.js';
import { parseXml } from './xml_scan.js';
import type { XmlElement } from './xml_scan.js';

/** The container files one `ds:Signature` references. */
export interface XadesReferences {
  /** The `Id` of the ds:Signature, when it has one. */
  id?: string;
  /** Container paths named by SignedInfo references (fragments and absolute URIs left out). */
  paths: string[];
}

function topLevelSignatures(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.ns === DS_NS && e.local === 'Signature') out.push(e);
    else e.children.forEach(walk);
  };
  walk(root);
  return out;
}

function referencedPaths(signature: XmlElement): string[] {
  const signedInfo = signature.children.find((c) => c.ns === DS_NS && c.local === 'SignedInfo');
  const uris = (signedInfo?.children ?? [])
    .filter((c) => c.ns === DS_NS && c.local === 'Reference')
    .map((r) => r.attrs.get('URI'));
  // Same-document references ('#id', '') and absolute URIs ('http:', 'urn:') do not name a file.
  return uris
    .filter(
      (u): u is string => u !== undefined && u !== '' && !u.startsWith('#') && !/^[A-Za-z][\w+.-]*:/.test(u),
    )
    .map(uriToPath);
}

/**
 * Reads the container files each signature of a XAdES signature file references.
 *
 * @param bytes - the signature file
 * @returns one entry per top-level ds:Signature, in document order (empty when the file is not XML)
 * @example `scanXadesReferences(c.files.get('META-INF/signatures.xml')!)[0]?.paths // ['package.zip']`
 */
export function scanXadesReferences(bytes: Buffer): XadesReferences[] {
  let root: XmlElement;
  try {
    root = parseXml(bytes);
  } catch {
    return [];
  }
  return topLevelSignatures(root).map((s) => ({ id: s.attrs.get('Id'), paths: referencedPaths(s) }));
}

/**
 * The detached content for a XAdES signature file: every other file of the container, named by
 * its path (DSS gives all documents for ASiC-E and OpenDocument, and an ASiC-S XAdES may reference
 * files beside its data object, as the Lithuanian ADOC does with its metadata).
 *
 * @param c - the container
 * @param path - the signature file
 * @returns the detached contents
 * @example `await inner(bufferSource(xml), { detached: xadesDetached(c, path) })`
 */
export function xadesDetached(c: AsicContainer, path: string): DetachedContent[] {
  return [...c.files].filter(([name]) => name !== path).map(([name, bytes]) => ({ name, bytes }));
}

/**
 * Pairs the inner signatures with the scanned ds:Signature elements: by Id, else by position when
 * the counts agree.
 *
 * @param sigs - what the XAdES extractor returned for the file
 * @param scans - from {@link scanXadesReferences}
 * @returns the scan of each signature, or undefined when it cannot be paired
 * @example `pairReferences(inner, scanXadesReferences(bytes))`
 */
export function pairReferences(
  sigs: readonly ExtractedSignature[],
  scans: readonly XadesReferences[],
): (XadesReferences | undefined)[] {
  return sigs.map(
    (s, i) =>
      scans.find((r) => r.id !== undefined && r.id === s.id) ??
      (sigs.length === scans.length ? scans[i] : undefined),
  );
}

/**
 * The container's view of one XAdES signature: missing referenced files, uncovered data objects.
 *
 * @param c - the container
 * @param refs - the signature's references (undefined: unknown, nothing is added)
 * @returns the container integrity check and warnings
 * @example `const { containerIntegrity, warnings } = xadesCoverage(c, refs)`
 */
export function xadesCoverage(
  c: AsicContainer,
  refs: XadesReferences | undefined,
): { containerIntegrity?: () => Promise<IntegrityResult>; warnings: string[] } {
  if (!refs) return { warnings: [] };
  const missing = refs.paths.filter((p) => !c.files.has(p));
  const covered = new Set(refs.paths);
  const uncovered = c.dataObjects.filter((p) => !covered.has(p));
  const warnings = uncovered.length > 0 ? [`not covered by this signature: ${listNames(uncovered)}`] : [];
  if (missing.length === 0) return { warnings };
  const detail = `the signature references ${listNames(missing)}, not in the container`;
  return { containerIntegrity: () => Promise.resolve({ status: 'not-found', detail }), warnings };
}
