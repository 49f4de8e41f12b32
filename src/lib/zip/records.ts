/**
 * The fixed records of a ZIP archive (PKWARE APPNOTE.TXT 6.3.x, clause 4.3): the end of central
 * directory record (4.3.16) with its ZIP64 locator and record (4.3.14, 4.3.15), the central
 * directory file headers (4.3.12) and the local file headers (4.3.7). Every offset and length is
 * checked against the buffer before it is read, so a truncated or lying archive becomes a
 * {@link ZipError} and never an out-of-range read.
 */
import { ZipError } from './errors.js';

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;

/** Where the central directory is, from the end of central directory record(s). */
export interface CentralDirectoryLocation {
  entryCount: number;
  cdOffset: number;
  cdSize: number;
  /** Where the central directory must end: the ZIP64 record or the end record. */
  cdLimit: number;
  /** The archive comment (DSS reads `mimetype=...` there when the mimetype entry is missing). */
  comment: Buffer;
}

/** One central directory file header, with ZIP64 sizes already applied. */
export interface CentralRecord {
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  comment: Buffer;
}

function malformed(message: string): ZipError {
  return new ZipError('ZIP_MALFORMED', message);
}

function need(buf: Buffer, offset: number, length: number, what: string): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > buf.length) {
    throw malformed(`${what} lies outside the ${buf.length}-byte archive (offset ${offset})`);
  }
}

function u64(buf: Buffer, offset: number, what: string): number {
  const v = buf.readBigUInt64LE(offset);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(`${what} is too large (${v})`);
  return Number(v);
}

/**
 * Finds the end of central directory record, searching back at most the 64 KiB a comment can
 * take (APPNOTE 4.3.16), and follows the ZIP64 locator when there is one.
 *
 * @param buf - the whole archive
 * @returns where the central directory is
 * @example `const loc = locateCentralDirectory(bytes)`
 */
export function locateCentralDirectory(buf: Buffer): CentralDirectoryLocation {
  const last = buf.length - EOCD_SIZE;
  if (last < 0) throw malformed(`a ZIP archive has at least ${EOCD_SIZE} bytes, this one ${buf.length}`);
  const candidates: number[] = [];
  for (let p = last; p >= Math.max(0, last - MAX_COMMENT); p--) {
    if (buf.readUInt32LE(p) === SIG_EOCD && p + EOCD_SIZE + buf.readUInt16LE(p + 20) <= buf.length) {
      candidates.push(p);
    }
  }
  if (candidates.length === 0) {
    throw malformed('no end of central directory record (not a ZIP archive, or truncated)');
  }
  // A comment may hold bytes that look like an end record: prefer the record whose comment ends
  // the file, then any record that leads to a central directory, else report on the last one.
  const exact = candidates.filter((p) => p + EOCD_SIZE + buf.readUInt16LE(p + 20) === buf.length);
  for (const p of [...exact, ...candidates]) {
    try {
      const loc = endRecordAt(buf, p);
      if (loc.entryCount === 0 || buf.readUInt32LE(loc.cdOffset) === SIG_CENTRAL) return loc;
    } catch {
      // not this one
    }
  }
  return endRecordAt(buf, exact[0] ?? candidates[0]!);
}

function endRecordAt(buf: Buffer, found: number): CentralDirectoryLocation {
  const comment = buf.subarray(found + EOCD_SIZE, found + EOCD_SIZE + buf.readUInt16LE(found + 20));
  const disk = buf.readUInt16LE(found + 4);
  const cdDisk = buf.readUInt16LE(found + 6);
  const onDisk = buf.readUInt16LE(found + 8);
  const entryCount = buf.readUInt16LE(found + 10);
  const cdSize = buf.readUInt32LE(found + 12);
  const cdOffset = buf.readUInt32LE(found + 16);
  if (found >= 20 && buf.readUInt32LE(found - 20) === SIG_ZIP64_LOCATOR) {
    return { ...readZip64(buf, found - 20), comment };
  }
  if (disk !== 0 || cdDisk !== 0 || onDisk !== entryCount) {
    throw new ZipError('ZIP_UNSUPPORTED', 'the archive spans several disks');
  }
  need(buf, cdOffset, cdSize, 'the central directory');
  return { entryCount, cdOffset, cdSize, cdLimit: found, comment };
}

function readZip64(buf: Buffer, locator: number): Omit<CentralDirectoryLocation, 'comment'> {
  const recordOffset = u64(buf, locator + 8, 'ZIP64 end of central directory offset');
  if (buf.readUInt32LE(locator + 4) !== 0 || buf.readUInt32LE(locator + 16) > 1) {
    throw new ZipError('ZIP_UNSUPPORTED', 'the archive spans several disks');
  }
  need(buf, recordOffset, 56, 'the ZIP64 end of central directory record');
  if (recordOffset + 56 > locator || buf.readUInt32LE(recordOffset) !== SIG_ZIP64_EOCD) {
    throw malformed('the ZIP64 locator does not point to a ZIP64 end of central directory record');
  }
  const disk = buf.readUInt32LE(recordOffset + 16);
  const cdDisk = buf.readUInt32LE(recordOffset + 20);
  const onDisk = u64(buf, recordOffset + 24, 'ZIP64 entry count');
  const entryCount = u64(buf, recordOffset + 32, 'ZIP64 entry count');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== entryCount) {
    throw new ZipError('ZIP_UNSUPPORTED', 'the archive spans several disks');
  }
  return {
    entryCount,
    cdSize: u64(buf, recordOffset + 40, 'ZIP64 central directory size'),
    cdOffset: u64(buf, recordOffset + 48, 'ZIP64 central directory offset'),
    cdLimit: recordOffset,
  };
}

/** Applies the ZIP64 extended information extra field (APPNOTE 4.5.3) to the 0xFFFFFFFF fields. */
function applyZip64Extra(extra: Buffer, rec: CentralRecord): void {
  const wants = {
    size: rec.size === 0xffffffff,
    compressedSize: rec.compressedSize === 0xffffffff,
    localHeaderOffset: rec.localHeaderOffset === 0xffffffff,
  };
  if (!wants.size && !wants.compressedSize && !wants.localHeaderOffset) return;
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    const data = extra.subarray(p + 4, p + 4 + length);
    if (data.length !== length) break;
    p += 4 + length;
    if (id !== 0x0001) continue;
    let q = 0;
    // The fields appear in this fixed order, each only when its 32-bit field is saturated.
    for (const field of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
      if (!wants[field]) continue;
      if (q + 8 > data.length) throw malformed('the ZIP64 extra field is too short');
      rec[field] = u64(data, q, `ZIP64 ${field}`);
      q += 8;
    }
    return;
  }
  throw malformed('a saturated size or offset has no ZIP64 extra field');
}

/**
 * Reads the central directory file headers.
 *
 * @param buf - the whole archive
 * @param loc - from {@link locateCentralDirectory}
 * @returns the records, in central directory order
 * @example `const records = readCentralDirectory(bytes, locateCentralDirectory(bytes))`
 */
export function readCentralDirectory(buf: Buffer, loc: CentralDirectoryLocation): CentralRecord[] {
  need(buf, loc.cdOffset, loc.cdSize, 'the central directory');
  if (loc.cdOffset + loc.cdSize > loc.cdLimit)
    throw malformed('the central directory overlaps its end record');
  // Each header takes at least 46 bytes: a count the directory cannot hold is a lie.
  if (loc.entryCount * CENTRAL_SIZE > loc.cdSize) {
    throw malformed(`${loc.entryCount} entries cannot fit in a ${loc.cdSize}-byte central directory`);
  }
  const records: CentralRecord[] = [];
  const end = loc.cdOffset + loc.cdSize;
  let p = loc.cdOffset;
  for (let i = 0; i < loc.entryCount; i++) {
    if (p + CENTRAL_SIZE > end || buf.readUInt32LE(p) !== SIG_CENTRAL) {
      throw malformed(`central directory header ${i} is missing or truncated`);
    }
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const next = p + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > end) throw malformed(`central directory header ${i} runs past the directory`);
    const rec: CentralRecord = {
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      crc32: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
      nameBytes: buf.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength),
      comment: buf.subarray(next - commentLength, next),
    };
    const diskStart = buf.readUInt16LE(p + 34);
    applyZip64Extra(buf.subarray(p + CENTRAL_SIZE + nameLength, next - commentLength), rec);
    if (diskStart !== 0 && diskStart !== 0xffff)
      throw new ZipError('ZIP_UNSUPPORTED', 'an entry is on another disk');
    records.push(rec);
    p = next;
  }
  return records;
}

/**
 * Checks the local file header of a record against its central directory header and returns
 * where the entry's data starts.
 *
 * @param buf - the whole archive
 * @param rec - the central directory record
 * @returns the offset of the first data byte
 * @example `const start = readLocalHeader(bytes, records[0])`
 */
export function readLocalHeader(buf: Buffer, rec: CentralRecord): number {
  const p = rec.localHeaderOffset;
  need(buf, p, LOCAL_SIZE, 'a local file header');
  if (buf.readUInt32LE(p) !== SIG_LOCAL) throw malformed(`no local file header at offset ${p}`);
  const nameLength = buf.readUInt16LE(p + 26);
  const extraLength = buf.readUInt16LE(p + 28);
  need(buf, p + LOCAL_SIZE, nameLength + extraLength, 'a local file name');
  const localName = buf.subarray(p + LOCAL_SIZE, p + LOCAL_SIZE + nameLength);
  // A local name that differs from the central one lets two readers see two different archives.
  if (!localName.equals(rec.nameBytes)) throw malformed('a local file header names another file');
  if (buf.readUInt16LE(p + 8) !== rec.method) throw malformed('a local file header has another method');
  const dataOffset = p + LOCAL_SIZE + nameLength + extraLength;
  need(buf, dataOffset, rec.compressedSize, 'entry data');
  return dataOffset;
}
