/**
 * CAdES signatures in ASiC (EN 319 162-1): in ASiC-S the detached CAdES signs the one root data
 * object (clause 4.3); in ASiC-E it signs an ASiCManifest whose `SigReference` names the signature
 * file, and the manifest carries the digests of the data objects (clause 4.4). Long-term ASiC-E
 * adds time-stamp tokens over ASiCArchiveManifests (EN 319 162-2), which become the signature's
 * archive time-stamps here.
 */
import { createHash } from 'node:crypto';
import type { DetachedContent } from '../../lib/document_source.js';
import type { ExtractedTimestamp, ExtractOptions, IntegrityResult } from '../model.js';
import type { AsicContainer } from './container.js';
import { checkManifest } from './manifest.js';
import type { AsicManifest } from './manifest.js';
import { listNames } from './rules.js';

/** How one CAdES signature file relates to the container. */
export interface CadesBinding {
  /** The detached content to give the CAdES extractor. */
  detached: DetachedContent[];
  formatFailures: string[];
  /** Manifest digests and presence of the files it names (ASiC-E only). */
  containerIntegrity?: () => Promise<IntegrityResult>;
}

const intact = (): Promise<IntegrityResult> => Promise.resolve({ status: 'intact' });

function manifestIntegrity(c: AsicContainer, manifest: AsicManifest): () => Promise<IntegrityResult> {
  const check = checkManifest(manifest, (p) => c.files.get(p));
  return () => {
    if (check.altered.length > 0) {
      const detail = `${manifest.path}: the digest of ${listNames(check.altered)} differs`;
      return Promise.resolve({ status: 'hash-failure', detail });
    }
    if (check.missing.length > 0) {
      const detail = `${manifest.path} names ${listNames(check.missing)}, not in the container`;
      return Promise.resolve({ status: 'not-found', detail });
    }
    return intact();
  };
}

/**
 * Decides what a CAdES signature file signs and how the container checks it.
 *
 * @param c - the container
 * @param path - the signature file
 * @param manifests - the parsed ASiCManifests
 * @returns the detached content, format failures and container integrity check
 * @example `const b = bindCades(c, 'META-INF/signature001.p7s', manifests)`
 */
export function bindCades(c: AsicContainer, path: string, manifests: readonly AsicManifest[]): CadesBinding {
  if (c.type === 'ASiC-S') {
    const root = c.rootDataObjects.length === 1 ? c.rootDataObjects[0]! : undefined;
    return { detached: root ? [{ name: root, bytes: c.files.get(root)! }] : [], formatFailures: [] };
  }
  const linked = manifests.filter((m) => m.sigReference === path);
  if (linked.length === 0) {
    // DSS: no manifest for the signature, so no signed data (INDETERMINATE/SIGNED_DATA_NOT_FOUND).
    const detail = `no ASiCManifest names ${path} in its SigReference`;
    return {
      detached: [],
      formatFailures: [],
      containerIntegrity: () => Promise.resolve({ status: 'not-found', detail }),
    };
  }
  const manifest = linked[0]!;
  const formatFailures: string[] = [];
  if (linked.length > 1) {
    formatFailures.push(
      `${linked.length} ASiCManifests (${listNames(linked.map((m) => m.path))}) sign with ${path}`,
    );
  }
  if (manifest.references.length === 0) formatFailures.push(`${manifest.path} references no data object`);
  const unsupported = checkManifest(manifest, (p) => c.files.get(p)).unsupported;
  if (unsupported.length > 0) {
    formatFailures.push(`${manifest.path} uses unsupported digest algorithms: ${unsupported.join(', ')}`);
  }
  return {
    detached: [{ name: manifest.path, bytes: c.files.get(manifest.path)! }],
    formatFailures,
    containerIntegrity: manifestIntegrity(c, manifest),
  };
}

/** The archive time-stamps of the container, by the signature file they cover, and warnings. */
export interface ArchiveTimestamps {
  bySignature: Map<string, ExtractedTimestamp[]>;
  warnings: Map<string, string[]>;
  /** Warnings for every signature (time-stamps that cover none). */
  common: string[];
}

/** Tells a time-stamp over a manifest whose entries no longer match from one over the manifest. */
const ALTERED_MARK = Buffer.from('trustbridge: the ASiCArchiveManifest entries do not match the container\0');

function archiveTimestamp(
  c: AsicContainer,
  tst: string,
  archive: AsicManifest,
): [ExtractedTimestamp, string?] {
  const manifestBytes = c.files.get(archive.path)!;
  const check = checkManifest(archive, (p) => c.files.get(p));
  const broken = [...check.altered.map((p) => `${p} altered`), ...check.missing.map((p) => `${p} missing`)];
  const timestamp: ExtractedTimestamp = {
    type: 'archive',
    token: c.files.get(tst)!,
    // The token's imprint is over the manifest, and the manifest's digests over the files: the
    // covered data is intact only when both hold, so a broken entry yields a digest that cannot
    // match the imprint (DSS: the archive time-stamp fails with HASH_FAILURE).
    coveredDigest: (hash) => {
      const h = createHash(hash);
      if (broken.length > 0) h.update(ALTERED_MARK);
      return Promise.resolve(h.update(manifestBytes).digest());
    },
  };
  const warning =
    broken.length > 0 ? `archive time-stamp ${tst}: ${archive.path} entries ${listNames(broken)}` : undefined;
  return [timestamp, warning];
}

/**
 * Finds each `META-INF/*timestamp*.tst` with the ASiCArchiveManifest that names it in its
 * `SigReference`, and attaches it to each CAdES signature file the manifest covers.
 *
 * @param c - the container
 * @param archives - the parsed ASiCArchiveManifests
 * @returns the time-stamps by signature file path, with warnings
 * @example `const ts = archiveTimestamps(c, archives).bySignature.get('META-INF/signature001.p7s')`
 */
export function archiveTimestamps(c: AsicContainer, archives: readonly AsicManifest[]): ArchiveTimestamps {
  const out: ArchiveTimestamps = { bySignature: new Map(), warnings: new Map(), common: [] };
  const cades = new Set(c.signatureFiles.filter((f) => f.kind === 'CAdES').map((f) => f.path));
  const sorted = [...c.timestampFiles].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const tst of sorted) {
    const archive = archives.find((m) => m.sigReference === tst);
    const covered = archive ? archive.references.map((r) => r.path).filter((p) => cades.has(p)) : [];
    if (!archive || covered.length === 0) {
      out.common.push(`time-stamp ${tst} covers no signature of the container; it is not validated`);
      continue;
    }
    const [timestamp, warning] = archiveTimestamp(c, tst, archive);
    for (const sig of covered) {
      out.bySignature.set(sig, [...(out.bySignature.get(sig) ?? []), timestamp]);
      if (warning) out.warnings.set(sig, [...(out.warnings.get(sig) ?? []), warning]);
    }
  }
  return out;
}

/**
 * The options for the inner CAdES extractor.
 *
 * @param binding - from {@link bindCades}
 * @param options - the options the container was extracted with
 * @returns options with the container's detached content
 * @example `await inner(bufferSource(p7s), cadesOptions(binding, options))`
 */
export function cadesOptions(binding: CadesBinding, options: ExtractOptions): ExtractOptions {
  return { detached: binding.detached, signingCertificates: options.signingCertificates };
}
