/**
 * Reads an ASiC container (ETSI EN 319 162-1) and sorts its entries: the `mimetype`, the signature
 * files, the time-stamp tokens, the ASiC manifests and the signed data objects; and decides the
 * container type the way DSS does, so that containers without a `mimetype` (allowed by
 * EN 319 162-1 for ASiC-S and ASiC-E) are still read.
 */
import { readZip } from '../../lib/zip/reader.js';
import type { ZipArchive, ZipLimits } from '../../lib/zip/reader.js';

/** The two container types of EN 319 162-1 clause 4. */
export type AsicType = 'ASiC-S' | 'ASiC-E';

/** A signature file of the container. */
export interface SignatureFile {
  path: string;
  /** CAdES: `META-INF/*signature*.p7s`; XAdES: `META-INF/*signature*.xml`. */
  kind: 'CAdES' | 'XAdES';
}

/** A container, read and sorted. */
export interface AsicContainer {
  /** The type, when it can be decided (undefined: a FORMAT_FAILURE). */
  type?: AsicType;
  /** How the type was decided. */
  typeFrom?: 'mimetype' | 'zip-comment' | 'structure';
  /** The content of the `mimetype` entry, when there is one. */
  mimetype?: string;
  /** An OpenDocument package signed with XAdES (ODF 1.2 part 3, clause 4). */
  openDocument: boolean;
  signatureFiles: SignatureFile[];
  /** `META-INF/*timestamp*.tst`. */
  timestampFiles: string[];
  /** `META-INF/*ASiCManifest*.xml`. */
  manifestFiles: string[];
  /** `META-INF/*ASiCArchiveManifest*.xml`. */
  archiveManifestFiles: string[];
  /** Files outside META-INF, other than `mimetype`: what signatures may sign. */
  dataObjects: string[];
  /** The data objects at the root (no '/' in the name). */
  rootDataObjects: string[];
  /** Every file (not directory) with its uncompressed bytes, CRC-checked. */
  files: ReadonlyMap<string, Buffer>;
  /** Deviations that DSS's default policy only warns about. */
  warnings: string[];
}

const ASICS = 'application/vnd.etsi.asic-s+zip';
const ASICE = 'application/vnd.etsi.asic-e+zip';
const META_INF = 'META-INF/';

/** The type a media type stands for: the two ASiC types, OpenDocument and BDOC packages as ASiC-E. */
function typeOfMediaType(mediaType: string): AsicType | undefined {
  if (mediaType === ASICS) return 'ASiC-S';
  if (mediaType === ASICE) return 'ASiC-E';
  // OpenDocument packages signed with XAdES are read as ASiC-E, as DSS does; the Estonian BDOC 2.1
  // is an ASiC-E profile with its own mimetype (DSS knows it by the .bdoc extension we do not see).
  if (mediaType.startsWith('application/vnd.oasis.opendocument.')) return 'ASiC-E';
  if (/^application\/vnd\.bdoc-\d/.test(mediaType)) return 'ASiC-E';
  return undefined;
}

/** DSS's rules (ASiCUtils): signatures, time-stamps and manifests live in META-INF, named by keyword. */
function sortEntry(c: AsicContainer, path: string): void {
  if (!path.startsWith(META_INF)) {
    if (path === 'mimetype') return;
    c.dataObjects.push(path);
    if (!path.includes('/')) c.rootDataObjects.push(path);
    return;
  }
  if (path.includes('ASiCArchiveManifest') && path.endsWith('.xml')) c.archiveManifestFiles.push(path);
  else if (path.includes('ASiCManifest') && path.endsWith('.xml')) c.manifestFiles.push(path);
  else if (path.includes('timestamp') && path.endsWith('.tst')) c.timestampFiles.push(path);
  else if (path.includes('signature') && !path.includes('Manifest')) {
    if (path.endsWith('.p7s')) c.signatureFiles.push({ path, kind: 'CAdES' });
    else if (path.endsWith('.xml')) c.signatureFiles.push({ path, kind: 'XAdES' });
  }
}

/**
 * EN 319 162-1 media type identification (Annex A): the container type comes from the `mimetype`
 * entry, else from the ZIP comment `mimetype=...`; when neither names an ASiC type, DSS decides by
 * the number of data objects at the root, and so do we.
 */
function decideType(c: AsicContainer, zipComment: string): void {
  const fromMimetype = c.mimetype === undefined ? undefined : typeOfMediaType(c.mimetype);
  const commentType = /mimetype=(\S+)/.exec(zipComment)?.[1];
  const fromComment = commentType === undefined ? undefined : typeOfMediaType(commentType);
  if (fromMimetype) [c.type, c.typeFrom] = [fromMimetype, 'mimetype'];
  else if (fromComment) [c.type, c.typeFrom] = [fromComment, 'zip-comment'];
  else if (c.rootDataObjects.length > 1) [c.type, c.typeFrom] = ['ASiC-E', 'structure'];
  else if (c.rootDataObjects.length === 1) [c.type, c.typeFrom] = ['ASiC-S', 'structure'];
}

/**
 * The mimetype placement ASiC takes from OpenDocument packages (ODF 1.2 part 3 clause 3.3; the IANA
 * registrations give the magic `PK` at 0 and `mimetype` at 30): first entry, stored.
 */
function checkMimetype(c: AsicContainer, zip: ZipArchive): void {
  const entry = zip.get('mimetype');
  if (!entry) {
    c.warnings.push('no mimetype entry: the container type was read from the structure');
    return;
  }
  const first = zip.entries.reduce((a, b) => (b.localHeaderOffset < a.localHeaderOffset ? b : a));
  if (first !== entry) c.warnings.push('the mimetype entry is not the first entry of the ZIP');
  if (entry.method !== 0) c.warnings.push('the mimetype entry is compressed');
  if (c.mimetype !== ASICS && c.mimetype !== ASICE) {
    c.warnings.push(`the mimetype ${JSON.stringify(c.mimetype)} is not an ASiC media type`);
  }
}

/** The file names EN 319 162-1 clauses 4.3 (ASiC-S) and 4.4 (ASiC-E) expect (DSS: a warning only). */
function checkSignatureNames(c: AsicContainer): void {
  if (c.openDocument) return;
  for (const f of c.signatureFiles) {
    const expected =
      c.type === 'ASiC-S'
        ? f.path === 'META-INF/signature.p7s' || f.path === 'META-INF/signatures.xml'
        : /^META-INF\/[^/]*signatures?[^/]*\.(p7s|xml)$/.test(f.path);
    if (!expected) c.warnings.push(`the signature file name ${f.path} does not follow EN 319 162-1`);
  }
}

/**
 * Opens and sorts an ASiC container.
 *
 * @param bytes - the container
 * @param limits - ZIP limits
 * @returns the sorted container
 * @throws ZipError when the ZIP cannot be read
 * @example
 * ```ts
 * const c = openAsicContainer(readFileSync('contract.asice'));
 * c.type; // 'ASiC-E'
 * c.signatureFiles; // [{ path: 'META-INF/signature001.p7s', kind: 'CAdES' }]
 * ```
 */
export function openAsicContainer(bytes: Buffer, limits: Partial<ZipLimits> = {}): AsicContainer {
  const zip = readZip(bytes, limits);
  const files = new Map<string, Buffer>();
  for (const e of zip.entries) if (!e.isDirectory) files.set(e.name, zip.read(e));
  const mimetypeBytes = files.get('mimetype');
  const c: AsicContainer = {
    mimetype: mimetypeBytes?.toString('utf8').trim(),
    openDocument: false,
    signatureFiles: [],
    timestampFiles: [],
    manifestFiles: [],
    archiveManifestFiles: [],
    dataObjects: [],
    rootDataObjects: [],
    files,
    warnings: [],
  };
  c.openDocument = c.mimetype?.startsWith('application/vnd.oasis.opendocument.') ?? false;
  for (const path of files.keys()) sortEntry(c, path);
  decideType(c, zip.comment);
  checkMimetype(c, zip);
  checkSignatureNames(c);
  return c;
}
