/**
 * Shared fixtures of the tests in this folder.
 *
 * - A deliberately naive ZIP writer for tests (APPNOTE 4.3): it writes exactly what it is told,
 *   including lies (wrong CRC, wrong sizes, other local names, shared offsets), so that the
 *   reader's refusals can be tested on archives no real tool would produce.
 * - Stand-ins for the CAdES and XAdES extractors (written elsewhere): each records what it was
 *   given and returns fixed signatures, so the ASiC layer is tested on its own.
 * - Stand-ins for the CAdES and XAdES extractors that do check digests, enough to run the DSS
 *   corpus through the ASiC layer before the real extractors exist: the CAdES stub compares the
 *   messageDigest signed attribute with the detached content (RFC 5652 clause 11.2), the XAdES
 *   stub compares the DigestValue of each whole-file ds:Reference (no transforms) with the file.
 *   Neither verifies a signature value or looks at certificates.
 */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../../src/lib/zip/crc32.js';
import type {
  ExtractedSignature,
  ExtractOptions,
  Extractor,
  IntegrityResult,
  SignatureFormat,
} from '../../../src/signature/model.js';
import { createHash } from 'node:crypto';
import { CMS_OID, hashOfOid, parseSignedData } from '../../../src/pki/cms_signed_data.js';
import { DS_NS, uriToPath } from '../../../src/signature/asic/manifest.js';
import { parseXml } from '../../../src/signature/asic/xml_scan.js';
import type { XmlElement } from '../../../src/signature/asic/xml_scan.js';
import type { DetachedContent } from '../../../src/lib/document_source.js';

/** One entry to write. */
export interface BuildEntry {
  name: string;
  data?: Buffer | string;
  /** 0 stored (default), 8 deflated, or any number to test refusals. */
  method?: number;
  flags?: number;
  /** Overrides of what the central directory says. */
  crc?: number;
  size?: number;
  compressedSize?: number;
  /** The name written in the local header (default: `name`). */
  localName?: string;
  /** Write no local header or data: the central record points at `offsetOf`'s local header. */
  offsetOf?: string;
}

/** Archive-level options. */
export interface BuildOptions {
  comment?: string;
  /** Write ZIP64 records (EOCD fields saturated, sizes and offsets in the ZIP64 extra field). */
  zip64?: boolean;
  /** Overrides the entry count of the end record. */
  entryCount?: number;
}

interface Written {
  entry: BuildEntry;
  nameBytes: Buffer;
  offset: number;
  crc: number;
  size: number;
  compressedSize: number;
  method: number;
}

function localHeader(w: Written, localName: Buffer, body: Buffer): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(w.entry.flags ?? 0, 6);
  h.writeUInt16LE(w.method, 8);
  h.writeUInt32LE(w.crc, 14);
  h.writeUInt32LE(body.length, 18);
  h.writeUInt32LE(w.size, 22);
  h.writeUInt16LE(localName.length, 26);
  return Buffer.concat([h, localName, body]);
}

function centralHeader(w: Written, zip64: boolean): Buffer {
  const extra = zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(w.size), 4);
    extra.writeBigUInt64LE(BigInt(w.compressedSize), 12);
    extra.writeBigUInt64LE(BigInt(w.offset), 20);
  }
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(45, 4);
  h.writeUInt16LE(45, 6);
  h.writeUInt16LE(w.entry.flags ?? 0, 8);
  h.writeUInt16LE(w.method, 10);
  h.writeUInt32LE(w.crc, 16);
  h.writeUInt32LE(zip64 ? 0xffffffff : w.compressedSize, 20);
  h.writeUInt32LE(zip64 ? 0xffffffff : w.size, 24);
  h.writeUInt16LE(w.nameBytes.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt32LE(zip64 ? 0xffffffff : w.offset, 42);
  return Buffer.concat([h, w.nameBytes, extra]);
}

function endRecords(count: number, cdOffset: number, cdSize: number, opts: BuildOptions): Buffer {
  const comment = Buffer.from(opts.comment ?? '', 'latin1');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : count, 8);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : count, 10);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdSize, 12);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdOffset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  if (!opts.zip64) return Buffer.concat([eocd, comment]);
  const rec = Buffer.alloc(56);
  rec.writeUInt32LE(0x06064b50, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(count), 24);
  rec.writeBigUInt64LE(BigInt(count), 32);
  rec.writeBigUInt64LE(BigInt(cdSize), 40);
  rec.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([rec, locator, eocd, comment]);
}

/**
 * Writes a ZIP archive.
 *
 * @param entries - the entries, in archive order
 * @param opts - archive options
 * @returns the archive
 * @example `buildZip([{ name: 'mimetype', data: 'application/vnd.etsi.asic-e+zip' }])`
 */
export function buildZip(entries: BuildEntry[], opts: BuildOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const method = entry.method ?? 0;
    const body = method === 8 ? deflateRawSync(data) : data;
    const shared = entry.offsetOf ? written.find((w) => w.entry.name === entry.offsetOf) : undefined;
    const w: Written = {
      entry,
      nameBytes: Buffer.from(entry.name, 'utf8'),
      offset: shared?.offset ?? offset,
      crc: entry.crc ?? crc32(data),
      size: entry.size ?? data.length,
      compressedSize: entry.compressedSize ?? body.length,
      method,
    };
    written.push(w);
    if (shared) continue;
    const local = localHeader(w, Buffer.from(entry.localName ?? entry.name, 'utf8'), body);
    parts.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(written.map((w) => centralHeader(w, opts.zip64 ?? false)));
  const count = opts.entryCount ?? written.length;
  return Buffer.concat([...parts, central, endRecords(count, offset, central.length, opts)]);
}

/** One call of a stub. */
export interface StubCall {
  bytes: Buffer;
  options: ExtractOptions;
}

/** What a stub returns. */
export interface StubBehaviour {
  /** Ids of the signatures returned (default one: 'S-1'). */
  ids?: string[];
  /** The inner integrity verdict (default intact), or a function of the call. */
  integrity?: IntegrityResult | ((call: StubCall) => IntegrityResult);
  /** Throw this instead. */
  throws?: Error;
  formatFailure?: string;
}

/** A recording stub extractor. */
export type StubExtractor = Extractor & { calls: StubCall[] };

/**
 * A signature with fixed answers.
 *
 * @param format - CAdES or XAdES
 * @param id - its id
 * @param integrity - what checkIntegrity answers
 * @param formatFailure - the inner extractor's own format failure, if any
 * @returns the signature
 * @example `fakeSignature('CAdES', 'S-1', { status: 'intact' })`
 */
export function fakeSignature(
  format: SignatureFormat,
  id: string,
  integrity: IntegrityResult,
  formatFailure?: string,
): ExtractedSignature {
  return {
    id,
    format,
    level: 'B-B',
    formatFailure,
    certificates: [Buffer.from('cert')],
    namesSigner: (der) => der.toString() === 'cert',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    digestAlgorithm: 'sha256',
    claimedSigningTime: new Date('2024-01-01T00:00:00Z'),
    checkIntegrity: () => Promise.resolve(integrity),
    verifySignatureValue: () => Promise.resolve(true),
    timestamps: [],
    crls: [],
    ocspResponses: [],
    warnings: ['inner warning'],
  };
}

/**
 * A stub extractor.
 *
 * @param format - the format of what it returns
 * @param behaviour - what it returns
 * @returns the extractor, with its recorded calls
 * @example `const cades = stubExtractor('CAdES'); await extract(src, {}); cades.calls[0].options.detached`
 */
export function stubExtractor(format: SignatureFormat, behaviour: StubBehaviour = {}): StubExtractor {
  const calls: StubCall[] = [];
  const extractor = async (source: Parameters<Extractor>[0], options: ExtractOptions) => {
    const call = { bytes: await source.read(0, source.size), options };
    calls.push(call);
    if (behaviour.throws) throw behaviour.throws;
    const integrity =
      typeof behaviour.integrity === 'function'
        ? behaviour.integrity(call)
        : (behaviour.integrity ?? { status: 'intact' as const });
    return (behaviour.ids ?? ['S-1']).map((id) =>
      fakeSignature(format, id, integrity, behaviour.formatFailure),
    );
  };
  return Object.assign(extractor, { calls });
}

const XML_DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

/** The recorded calls of both stubs. */
export interface DigestStubs {
  cades: Extractor;
  xades: Extractor;
  calls: { cades: StubCall[]; xades: StubCall[] };
}

function cadesIntegrity(p7s: Buffer, detached: readonly DetachedContent[]): IntegrityResult {
  const sd = parseSignedData(p7s);
  const si = sd.signerInfos[0]!;
  const md = si.signedAttributes.get(CMS_OID.messageDigest)?.[0];
  const hash = hashOfOid(si.digestAlgorithm);
  const content = sd.eContent ?? detached[0]?.bytes;
  if (!content) return { status: 'not-found', detail: 'no detached content' };
  if (!md || !hash) return { status: 'not-found', detail: 'no messageDigest' };
  // messageDigest is an OCTET STRING: skip its two-byte header (digests are < 128 bytes).
  const ok = md.subarray(2).equals(createHash(hash).update(content).digest());
  return ok ? { status: 'intact' } : { status: 'hash-failure', detail: 'messageDigest differs' };
}

function child(el: XmlElement, local: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === DS_NS && c.local === local);
}

function topSignatures(el: XmlElement): XmlElement[] {
  if (el.ns === DS_NS && el.local === 'Signature') return [el];
  return el.children.flatMap(topSignatures);
}

function referenceIntegrity(ref: XmlElement, files: Map<string, Buffer>): IntegrityResult {
  const uri = ref.attrs.get('URI') ?? '';
  if (uri === '' || uri.startsWith('#') || child(ref, 'Transforms')) return { status: 'intact' };
  const bytes = files.get(uriToPath(uri));
  if (!bytes) return { status: 'not-found', detail: uri };
  const alg = XML_DIGESTS[child(ref, 'DigestMethod')?.attrs.get('Algorithm') ?? ''];
  const value = Buffer.from(child(ref, 'DigestValue')?.text.replace(/\s+/g, '') ?? '', 'base64');
  if (!alg) return { status: 'not-found', detail: `unknown digest of ${uri}` };
  const ok = createHash(alg).update(bytes).digest().equals(value);
  return ok ? { status: 'intact' } : { status: 'hash-failure', detail: uri };
}

function xadesIntegrity(sig: XmlElement, files: Map<string, Buffer>): IntegrityResult {
  const refs = (child(sig, 'SignedInfo')?.children ?? []).filter((c) => c.local === 'Reference');
  const results = refs.map((r) => referenceIntegrity(r, files));
  return (
    results.find((r) => r.status === 'hash-failure') ??
    results.find((r) => r.status === 'not-found') ?? { status: 'intact' }
  );
}

/**
 * Makes the two digest-checking stubs.
 *
 * @returns the stubs and their recorded calls
 * @example `const stubs = digestStubs(); await asicExtractor(stubs)(src, {})`
 */
export function digestStubs(): DigestStubs {
  const calls = { cades: [] as StubCall[], xades: [] as StubCall[] };
  const cades: Extractor = async (source, options) => {
    const bytes = await source.read(0, source.size);
    calls.cades.push({ bytes, options });
    return [fakeSignature('CAdES', 'S-1', cadesIntegrity(bytes, options.detached ?? []))];
  };
  const xades: Extractor = async (source, options) => {
    const bytes = await source.read(0, source.size);
    calls.xades.push({ bytes, options });
    const files = new Map((options.detached ?? []).map((d) => [d.name ?? '', d.bytes]));
    return topSignatures(parseXml(bytes)).map((s, i) =>
      fakeSignature('XAdES', s.attrs.get('Id') ?? `S-${i + 1}`, xadesIntegrity(s, files)),
    );
  };
  return { cades, xades, calls };
}
