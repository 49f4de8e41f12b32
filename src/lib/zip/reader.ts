/**
 * A ZIP reader over a Buffer, written for containers that arrive from strangers (ASiC, OpenDocument):
 * stored and deflated entries only, every CRC-32 checked, ZIP64 understood, and refused with a
 * stable code: encrypted or multi-disk archives, names that climb out of the archive ('..',
 * absolute paths, drive letters), duplicate names, entries whose bytes overlap (the "overlapping
 * files" zip bomb), and archives over the entry-count, size or compression-ratio limits.
 */
import { inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import { ZipError } from './errors.js';
import { locateCentralDirectory, readCentralDirectory, readLocalHeader } from './records.js';
import type { CentralRecord } from './records.js';

/** Limits against zip bombs. */
export interface ZipLimits {
  /** Most entries (directories included). */
  maxEntries: number;
  /** Most uncompressed bytes of all entries together. */
  maxTotalSize: number;
  /** Most uncompressed bytes / compressed bytes of one entry... */
  maxRatio: number;
  /** ...once the entry is larger than this many uncompressed bytes. */
  ratioThreshold: number;
}

/**
 * The default limits: 10 000 entries, 512 MiB in all, ratio 100 above 1 MiB (deflate reaches
 * about 1030:1 on repeated bytes, so a higher ratio on a large entry is a bomb, not a document).
 *
 * @example `readZip(bytes, { ...DEFAULT_ZIP_LIMITS, maxTotalSize: 64 << 20 })`
 */
export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = {
  maxEntries: 10_000,
  maxTotalSize: 512 * 1024 * 1024,
  maxRatio: 100,
  ratioThreshold: 1024 * 1024,
};

/** One entry of the archive. */
export interface ZipEntry {
  /** The path inside the archive ('/' separated; directories end with '/'). */
  name: string;
  /** Position in the central directory. */
  index: number;
  /** 0 stored, 8 deflated (APPNOTE 4.4.5). */
  method: 0 | 8;
  isDirectory: boolean;
  /** Uncompressed size. */
  size: number;
  compressedSize: number;
  crc32: number;
  /** Offset of the local file header: archive order, which the first-entry rule of ASiC needs. */
  localHeaderOffset: number;
}

/** An opened archive. */
export interface ZipArchive {
  /** Entries in central directory order. */
  readonly entries: readonly ZipEntry[];
  /** The archive comment (latin1). */
  readonly comment: string;
  /** The entry with this exact name. */
  get(name: string): ZipEntry | undefined;
  /** The uncompressed bytes of an entry, CRC-checked (a ZipError when they do not check). */
  read(entry: ZipEntry | string): Buffer;
}

const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;

function malformed(message: string): ZipError {
  return new ZipError('ZIP_MALFORMED', message);
}

/** Decodes a name: UTF-8 when flagged or valid (Java writes UTF-8 without the flag), else latin1. */
function decodeName(bytes: Buffer, flags: number): string {
  const text = bytes.toString('utf8');
  if (flags & FLAG_UTF8 || !text.includes('\uFFFD')) return text;
  return bytes.toString('latin1');
}

/**
 * Refuses names that would resolve outside the archive root when extracted, or that two readers
 * could map to different files: APPNOTE 4.4.17.1 says names are relative, use '/' and carry no
 * drive or device letter.
 */
function checkName(name: string): void {
  const shown = JSON.stringify(name.slice(0, 200));
  if (name.length === 0) throw malformed('an entry has an empty name');
  if ([...name].some((ch) => ch.charCodeAt(0) < 0x20))
    throw malformed(`entry name ${shown} has control characters`);
  if (name.includes('\\')) throw malformed(`entry name ${shown} uses '\\' as a separator`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw malformed(`entry name ${shown} is absolute`);
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  for (const s of segments) {
    if (s === '..' || s === '.') throw malformed(`entry name ${shown} has a '${s}' segment`);
    if (s === '') throw malformed(`entry name ${shown} has an empty segment`);
  }
}

function toEntry(rec: CentralRecord, index: number, limits: ZipLimits): ZipEntry {
  if (rec.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
    throw new ZipError('ZIP_UNSUPPORTED', `entry ${index} is encrypted`);
  }
  if (rec.method !== 0 && rec.method !== 8) {
    throw new ZipError('ZIP_UNSUPPORTED', `entry ${index} uses compression method ${rec.method}`);
  }
  const name = decodeName(rec.nameBytes, rec.flags);
  checkName(name);
  if (rec.method === 0 && rec.size !== rec.compressedSize) {
    throw malformed(`stored entry ${JSON.stringify(name)} has two different sizes`);
  }
  if (rec.size > limits.ratioThreshold && rec.size > limits.maxRatio * Math.max(1, rec.compressedSize)) {
    throw new ZipError(
      'ZIP_LIMIT_EXCEEDED',
      `entry ${JSON.stringify(name)} inflates ${rec.compressedSize} bytes to ${rec.size} (ratio limit ${limits.maxRatio})`,
    );
  }
  const isDirectory = name.endsWith('/');
  if (isDirectory && rec.size !== 0) throw malformed(`directory entry ${JSON.stringify(name)} has data`);
  return {
    name,
    index,
    method: rec.method,
    isDirectory,
    size: rec.size,
    compressedSize: rec.compressedSize,
    crc32: rec.crc32,
    localHeaderOffset: rec.localHeaderOffset,
  };
}

/** Refuses entries whose local header + data ranges overlap each other or the central directory. */
function checkNoOverlap(spans: { start: number; end: number; name: string }[], cdOffset: number): void {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 0; i < sorted.length; i++) {
    const next = i + 1 < sorted.length ? sorted[i + 1]!.start : cdOffset;
    if (sorted[i]!.end > next) {
      throw malformed(`the data of entry ${JSON.stringify(sorted[i]!.name)} overlaps the next record`);
    }
  }
}

function inflate(data: Buffer, entry: ZipEntry): Buffer {
  if (entry.method === 0) return data;
  try {
    // maxOutputLength bounds the work whatever the header claims (a lying size is a bomb).
    return inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  } catch (e) {
    throw new ZipError('ZIP_MALFORMED', `entry ${JSON.stringify(entry.name)} does not inflate to its size`, {
      cause: e,
    });
  }
}

/**
 * Opens a ZIP archive held in memory. The structure is checked at once; entry data is inflated
 * and CRC-checked by {@link ZipArchive.read}.
 *
 * @param bytes - the archive
 * @param limits - zip-bomb limits (defaults: {@link DEFAULT_ZIP_LIMITS})
 * @returns the archive
 * @throws ZipError ZIP_MALFORMED, ZIP_UNSUPPORTED or ZIP_LIMIT_EXCEEDED
 * @example
 * ```ts
 * const zip = readZip(readFileSync('contract.asice'));
 * zip.read('mimetype').toString(); // 'application/vnd.etsi.asic-e+zip'
 * ```
 */
export function readZip(bytes: Buffer, limits: Partial<ZipLimits> = {}): ZipArchive {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const loc = locateCentralDirectory(bytes);
  if (loc.entryCount > lim.maxEntries) {
    throw new ZipError('ZIP_LIMIT_EXCEEDED', `${loc.entryCount} entries (limit ${lim.maxEntries})`);
  }
  const records = readCentralDirectory(bytes, loc);
  const entries: ZipEntry[] = [];
  const byName = new Map<string, ZipEntry>();
  const dataOffsets = new Map<ZipEntry, number>();
  const spans: { start: number; end: number; name: string }[] = [];
  let total = 0;
  records.forEach((rec, i) => {
    const entry = toEntry(rec, i, lim);
    if (byName.has(entry.name)) throw malformed(`two entries are named ${JSON.stringify(entry.name)}`);
    total += entry.size;
    if (total > lim.maxTotalSize) {
      throw new ZipError('ZIP_LIMIT_EXCEEDED', `more than ${lim.maxTotalSize} uncompressed bytes`);
    }
    const dataOffset = readLocalHeader(bytes, rec);
    spans.push({ start: rec.localHeaderOffset, end: dataOffset + rec.compressedSize, name: entry.name });
    byName.set(entry.name, entry);
    dataOffsets.set(entry, dataOffset);
    entries.push(entry);
  });
  checkNoOverlap(spans, loc.cdOffset);
  const read = (ref: ZipEntry | string): Buffer => {
    const entry = typeof ref === 'string' ? byName.get(ref) : ref;
    const start = entry && dataOffsets.get(entry);
    if (!entry || start === undefined) throw malformed(`no entry ${JSON.stringify(ref)}`);
    const out = inflate(bytes.subarray(start, start + entry.compressedSize), entry);
    if (out.length !== entry.size) throw malformed(`entry ${JSON.stringify(entry.name)} has the wrong size`);
    if (crc32(out) !== entry.crc32) throw malformed(`entry ${JSON.stringify(entry.name)} fails its CRC-32`);
    return out;
  };
  return { entries, comment: loc.comment.toString('latin1'), get: (name) => byName.get(name), read };
}
