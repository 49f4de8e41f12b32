/**
 * The ASiC extractor (ETSI EN 319 162-1 ASiC-S and ASiC-E, with CAdES or XAdES, and OpenDocument
 * packages signed with XAdES): it opens the container, hands each signature file to the CAdES or
 * XAdES extractor with the detached content the container gives it, and wraps the results with the
 * container's rules. The CAdES and XAdES extractors are injected, so this module depends on no
 * other format's code.
 */
import { isTrustbridgeError } from '../../lib/errors.js';
import { readAll, bufferSource } from '../../lib/document_source.js';
import type { ExtractedSignature, ExtractOptions, Extractor } from '../model.js';
import { archiveTimestamps, bindCades, cadesOptions } from './cades.js';
import type { ArchiveTimestamps } from './cades.js';
import { openAsicContainer } from './container.js';
import type { AsicContainer, SignatureFile } from './container.js';
import { AsicError } from './errors.js';
import { parseAsicManifest } from './manifest.js';
import type { AsicManifest } from './manifest.js';
import { containerFailures, listNames } from './rules.js';
import { pairReferences, scanXadesReferences, xadesCoverage, xadesDetached } from './xades.js';
import { unreadableSignature, wrapSignature } from './wrap.js';

/** The largest container read into memory (the ZIP limits then bound what it inflates to). */
const MAX_CONTAINER_BYTES = 512 * 1024 * 1024;

/** The inner extractors. */
export interface AsicInnerExtractors {
  cades: Extractor;
  xades: Extractor;
}

/** What every signature of the container shares. */
interface ContainerContext {
  c: AsicContainer;
  manifests: AsicManifest[];
  failures: string[];
  warnings: string[];
  archive: ArchiveTimestamps;
}

function parseManifests(c: AsicContainer, paths: readonly string[]): AsicManifest[] {
  return paths.flatMap((p) => parseAsicManifest(p, c.files.get(p)!) ?? []);
}

async function runInner(
  inner: Extractor,
  file: SignatureFile,
  c: AsicContainer,
  options: ExtractOptions,
): Promise<ExtractedSignature[] | string> {
  try {
    const found = await inner(bufferSource(c.files.get(file.path)!), options);
    return found.length > 0 ? found : 'it holds no signature';
  } catch (e) {
    // A broken signature file fails its own signature, not the whole container.
    if (isTrustbridgeError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
}

/**
 * A counter-signature of a CAdES (countersignature attribute) or XAdES (CounterSignature property)
 * signature: it signs its parent's signature value, not container entries, so of the container
 * only its rule violations and warnings apply; both ids take the signature file's path.
 */
function wrapCounterSignature(
  ctx: ContainerContext,
  file: SignatureFile,
  sig: ExtractedSignature,
): ExtractedSignature {
  return wrapSignature(sig, {
    id: `${file.path}#${sig.id}`,
    counterSignatureOf: `${file.path}#${sig.counterSignatureOf}`,
    formatFailures: ctx.failures,
    warnings: ctx.warnings,
  });
}

async function extractCades(
  ctx: ContainerContext,
  file: SignatureFile,
  inner: Extractor,
  options: ExtractOptions,
): Promise<ExtractedSignature[]> {
  const binding = bindCades(ctx.c, file.path, ctx.manifests);
  const found = await runInner(inner, file, ctx.c, cadesOptions(binding, options));
  if (typeof found === 'string') return [unreadableSignature(file.path, 'CAdES', found)];
  const manifest = ctx.manifests.find((m) => m.sigReference === file.path);
  const covered = new Set(manifest?.references.map((r) => r.path) ?? binding.detached.map((d) => d.name));
  const uncovered = ctx.c.dataObjects.filter((p) => !covered.has(p));
  return found.map((sig) => {
    if (sig.counterSignatureOf !== undefined) return wrapCounterSignature(ctx, file, sig);
    return wrapSignature(sig, {
      id: `${file.path}#${sig.id}`,
      formatFailures: [...ctx.failures, ...binding.formatFailures],
      containerIntegrity: binding.containerIntegrity,
      separateSignedData: manifest !== undefined,
      timestamps: ctx.archive.bySignature.get(file.path),
      warnings: [
        ...ctx.warnings,
        ...(ctx.archive.warnings.get(file.path) ?? []),
        ...(uncovered.length > 0 ? [`not covered by this signature: ${listNames(uncovered)}`] : []),
      ],
    });
  });
}

async function extractXades(
  ctx: ContainerContext,
  file: SignatureFile,
  inner: Extractor,
  options: ExtractOptions,
): Promise<ExtractedSignature[]> {
  const detached = xadesDetached(ctx.c, file.path);
  const found = await runInner(inner, file, ctx.c, {
    detached,
    signingCertificates: options.signingCertificates,
  });
  if (typeof found === 'string') return [unreadableSignature(file.path, 'XAdES', found)];
  // Counter-signatures sign their parent's signature value, not container entries.
  const tops = found.filter((s) => s.counterSignatureOf === undefined);
  const refs = pairReferences(tops, scanXadesReferences(ctx.c.files.get(file.path)!));
  return found.map((sig) => {
    if (sig.counterSignatureOf !== undefined) return wrapCounterSignature(ctx, file, sig);
    const coverage = xadesCoverage(ctx.c, refs[tops.indexOf(sig)]);
    return wrapSignature(sig, {
      id: `${file.path}#${sig.id}`,
      formatFailures: ctx.failures,
      containerIntegrity: coverage.containerIntegrity,
      warnings: [...ctx.warnings, ...coverage.warnings],
    });
  });
}

function containerContext(c: AsicContainer, options: ExtractOptions): ContainerContext {
  const manifests = parseManifests(c, c.manifestFiles);
  const archive = archiveTimestamps(c, parseManifests(c, c.archiveManifestFiles));
  const warnings = [...c.warnings, ...archive.common];
  if (options.detached?.length) warnings.push('detached content given with a container is ignored');
  return { c, manifests, failures: containerFailures(c, manifests), warnings, archive };
}

/**
 * Makes the ASiC extractor.
 *
 * Each signature it returns has the id `<signature file>#<inner id>`, the container's rule
 * violations as `formatFailure`, and a `checkIntegrity` that combines the inner extractor's
 * verdict with the container's: an ASiCManifest digest that differs is `hash-failure`, a file a
 * manifest or XAdES reference names but the container lacks is `not-found`.
 *
 * @param inner - the CAdES and XAdES extractors
 * @returns an extractor for ASiC-S, ASiC-E and signed OpenDocument containers
 * @throws ZipError when the ZIP cannot be read; AsicError VALIDATION_NO_SIGNATURE when there is no
 *   signature file
 * @example
 * ```ts
 * const extract = asicExtractor({ cades: cadesExtractor, xades: xadesExtractor });
 * const sigs = await extract(bufferSource(readFileSync('contract.asice')), {});
 * ```
 */
export function asicExtractor(inner: AsicInnerExtractors): Extractor {
  return async (source, options) => {
    const bytes = await readAll(source, MAX_CONTAINER_BYTES);
    if (!bytes)
      throw new AsicError('ZIP_LIMIT_EXCEEDED', `the container is over ${MAX_CONTAINER_BYTES} bytes`);
    const c = openAsicContainer(bytes);
    if (c.signatureFiles.length === 0) {
      throw new AsicError('VALIDATION_NO_SIGNATURE', 'the container has no META-INF/*signature* file');
    }
    const ctx = containerContext(c, options);
    const out: ExtractedSignature[] = [];
    for (const file of c.signatureFiles) {
      const extract = file.kind === 'CAdES' ? extractCades : extractXades;
      out.push(...(await extract(ctx, file, file.kind === 'CAdES' ? inner.cades : inner.xades, options)));
    }
    return out;
  };
}
