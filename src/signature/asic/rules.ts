/**
 * The container rules whose violation is a FORMAT_FAILURE of every signature in the container
 * (EN 319 102-1 clause 5.2.2: the signature is not conformant to its format, here EN 319 162-1).
 * They are the checks DSS's default policy runs at level FAIL: an accepted container type, the
 * signed files present (exactly one root data object in ASiC-S, at least one data object outside
 * META-INF in ASiC-E) and, for ASiC-E, a manifest present. What DSS only warns about (mimetype
 * content, file names, files no signature covers) goes to the warnings instead.
 */
import type { AsicContainer } from './container.js';
import type { AsicManifest } from './manifest.js';

/**
 * Shows at most a few names of a list, for messages.
 *
 * @param names - the names
 * @param max - how many to show
 * @returns the quoted names, with how many more there are
 * @example `listNames(['a', 'b'], 1) // '"a" and 1 more'`
 */
export function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n));
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}

/**
 * The container-level format failures.
 *
 * @param c - the container
 * @param manifests - the ASiCManifests that could be parsed
 * @returns one message per violated rule (empty when the container follows the rules)
 * @example `containerFailures(openAsicContainer(bytes), manifests) // ['ASiC-S holds 2 data objects ...']`
 */
export function containerFailures(c: AsicContainer, manifests: readonly AsicManifest[]): string[] {
  const out: string[] = [];
  if (!c.type) {
    out.push(
      'the container type cannot be decided: no ASiC mimetype or ZIP comment, no data object at the root',
    );
    return out;
  }
  if (c.type === 'ASiC-S' && c.rootDataObjects.length !== 1) {
    // EN 319 162-1 clause 4.3: an ASiC-S holds one data object, at the root, next to META-INF.
    out.push(
      c.rootDataObjects.length === 0
        ? `ASiC-S holds no data object at its root${c.dataObjects.length > 0 ? ` (only ${listNames(c.dataObjects)})` : ''}`
        : `ASiC-S holds ${c.rootDataObjects.length} data objects at its root (${listNames(c.rootDataObjects)}); it may hold one`,
    );
  }
  if (c.type === 'ASiC-E' && c.dataObjects.length === 0) {
    // EN 319 162-1 clause 4.4: the signatures of an ASiC-E sign data objects outside META-INF.
    out.push('ASiC-E holds no data object outside META-INF: nothing is signed');
  }
  if (c.type === 'ASiC-E') {
    const cades = c.signatureFiles.some((f) => f.kind === 'CAdES');
    const xades = c.signatureFiles.some((f) => f.kind === 'XAdES');
    if (cades && manifests.length === 0) {
      // EN 319 162-1 clause 4.4: CAdES in ASiC-E signs an ASiCManifest, which lists the data objects.
      out.push(
        c.manifestFiles.length === 0
          ? 'ASiC-E with CAdES has no META-INF/ASiCManifest*.xml'
          : `no ASiCManifest can be read (${listNames(c.manifestFiles)} is not an ASiCManifest)`,
      );
    }
    if (xades && !c.files.has('META-INF/manifest.xml')) {
      out.push('ASiC-E with XAdES has no META-INF/manifest.xml');
    }
  }
  return out;
}
